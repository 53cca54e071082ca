"""Which per-edit confidence orders the model's proposals best (issue 15, item 4)?

The restorer's confidence of an edit is the probability of the least likely output token
of its replacement (``restore.confidence.least_likely_token``, the restorer's default
``edit_confidence``). A replacement of several tokens
("need urgent", "how many families") is held to its weakest token, so long edits may be
under-trusted. This study scores alternatives the same way the shipped thresholds were
chosen, then reads the choice on real dev + dev2:

- ``min``: the shipped confidence;
- ``gmean``: the geometric mean of the tokens' probabilities;
- ``min_sqrt``: the least likely token's probability to the power 1/sqrt(tokens).

For each: the threshold grid of ``tools.choose_thresholds`` on every valid document
(clean cap 2%, read as documents and as sentences), and the chosen point's F0.5 / P / R on
real dev + dev2 and its clean harm on their originals (read whole).

    python experiments/confidence_study.py models/restore-small [--pairs data/pairs] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from restore.align import WORD_RE
from restore.edit_scoring import EditCounts
from restore.edits import Edit, apply_edits
from restore.guards import Proposal, Thresholds
from restore.restorer import Restorer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.choose_thresholds import choose, score_grid, spun_valid_documents  # noqa: E402

REAL = [Path("../shared/data/real/dev.jsonl"), Path("../shared/data/real/dev2.jsonl")]
MODES = ("min", "gmean", "min_sqrt")


class Confidence(float):
    """The shipped confidence (a float) carrying the alternatives."""

    alternatives: dict


def scored_confidence(picked: list[float]) -> float:
    """The restorer's confidence, with the alternatives computed from the same tokens."""
    if not picked:
        return Confidence(0.0)
    c = Confidence(math.exp(min(picked)))
    c.alternatives = {
        "min": float(c),
        "gmean": math.exp(sum(picked) / len(picked)),
        "min_sqrt": math.exp(min(picked) / math.sqrt(len(picked))),
    }
    return c


def with_mode(props: list[Proposal], mode: str) -> list[Proposal]:
    """Each proposal with its edits' confidence replaced by ``mode``'s (the evidence
    recomputed from them)."""
    out = []
    for p in props:
        edits = [
            Edit(
                e.start,
                e.end,
                e.spun,
                e.replacement,
                getattr(e.confidence, "alternatives", {}).get(mode, float(e.confidence)),
                e.sentence,
            )
            for e in p.edits
        ]
        if mode == "min":
            changed = p.changed
        else:  # not capped per sentence piece (the pieces' word counts are not kept): rarely binds
            changed = min(p.words, sum(e.confidence * max(1, len(WORD_RE.findall(e.spun))) for e in edits))
        out.append(Proposal(edits, p.words, changed))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument("--config", type=Path, default=Path("configs/data.yaml"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    restorer = Restorer.from_pretrained(args.model)
    restorer.edit_confidence = scored_confidence
    documents, spun, originals, docs = spun_valid_documents(args.pairs, args.config, None, 25)
    spun_props, clean_props = restorer.propose(spun), restorer.propose(originals)
    real = [json.loads(line) for path in REAL for line in path.open(encoding="utf-8")]
    real_spun = restorer.propose([r["spun"] for r in real])
    real_clean = restorer.propose([r["original"] for r in real])
    print(f"{len(spun)} valid sentences in {len(documents)} documents; {len(real)} real pairs", file=sys.stderr)

    results = {}
    for mode in MODES:
        rows = score_grid(spun, originals, docs, with_mode(spun_props, mode), with_mode(clean_props, mode))
        best = choose(rows, 0.02)
        th = Thresholds(best["min_confidence"], best["lone_edit_confidence"], best["min_spun_score"])
        counts = EditCounts()
        for r, prop in zip(real, with_mode(real_spun, mode)):
            counts.add(r["spun"], apply_edits(r["spun"], th.apply(prop)), r["original"])
        harmed = sum(bool(th.apply(p)) for p in with_mode(real_clean, mode))
        results[mode] = {
            "chosen": best,
            "real_dev": {
                "precision": round(counts.precision, 4),
                "recall": round(counts.recall, 4),
                "f0.5": round(counts.f_beta(0.5), 4),
            },
            "real_dev_originals_changed": harmed,
        }
        print(
            f"{mode:9} chosen {th.min_confidence}/{th.lone_edit_confidence}/{th.min_spun_score}: "
            f"valid F0.5 {best['f0.5']:.3f} harm {best['clean_harm']:.1%}; real dev + dev2 "
            f"P {counts.precision:.3f} R {counts.recall:.3f} F0.5 {counts.f_beta(0.5):.3f}; "
            f"{harmed} of {len(real)} dev originals changed"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
