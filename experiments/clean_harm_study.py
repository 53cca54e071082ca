"""Study: clean harm of two models on ten thousand held-out sentences, and two levers.

    python experiments/clean_harm_study.py MODEL_A [MODEL_B] [--engine-a ct2-int8]
        [--engine-b ct2] [--pairs data/pairs] [--json OUT]

Each model runs once (every proposed edit kept with its confidence) over:

- the valid documents `tools/choose_thresholds` chooses on (spun by configs/data.yaml's
  spinner) and their clean originals;
- 5,000 distinct one-sentence originals of the test split (shuffle seed 2), the suite's
  ``clean_large``;
- real dev + dev2, its 16 articles as documents.

Then, offline, at each model's own thresholds (``restore_config.json``):

1. **Paired clean harm.** Of the ~10,000 clean sentences (valid originals + test
   originals, each read alone), how many each model changes, how many only one of them
   changes, and an exact McNemar p-value: whether one harms clean text more than the other
   beyond chance.
2. **A heavy-document tier** (issue 15's "document-level estimate used as a gate"): in a
   document whose spun-ness score is at least H, edits down to a lower confidence are kept.
   Printed: valid, real dev + dev2 and clean figures per (H, confidence).
3. **Deletion guards** (now `restore.guards.drops_text`): proposals without deletions of a
   capitalised word / of three or more words, against all proposals. Note that the model's
   proposals already pass the guards of the installed package, so with `drops_text` in
   place rule 3's rows measure nothing new; they are kept for a model folder scored with an
   older package.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from restore.edit_scoring import EditCounts
from restore.edits import apply_edits
from restore.evaluation import build_set, load_suite, read_pair_originals
from restore.guards import Proposal, Thresholds, document_score, drops_text, kept_edits
from restore.metrics import paired_changes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.choose_thresholds import spun_valid_documents  # noqa: E402

TIERS = [(h, c) for h in (0.15, 0.2, 0.25, 0.3) for c in (0.3, 0.4, 0.5)]


def proposals(model: Path, engine: str, pairs: Path) -> dict:
    from restore.restorer import Restorer

    _, spun, originals, docs = spun_valid_documents(pairs, ROOT / "configs/data.yaml", None, 25)
    test = read_pair_originals(pairs, "test", 5000, seed=2)
    suite = load_suite(ROOT / "configs/eval.yaml")
    real = build_set(next(s for s in suite["sets"] if s["name"] == "real_dev"), ROOT / "configs", None, print)
    r = Restorer.from_pretrained(model, engine=engine)
    out = {
        "thresholds": r.thresholds,
        "restorer": r,
        "valid": dict(spun=spun, originals=originals, docs=docs, props=r.propose(spun)),
        "clean_texts": originals + test,
        "clean": r.propose(originals) + r.propose(test),
    }
    if real is not None:
        out["real"] = dict(spun=real.sources, originals=real.originals, docs=real.groups, props=r.propose(real.sources))
    return out


def tiered(props: list[Proposal], docs, th: Thresholds, heavy: float = 2.0, heavy_confidence: float = 0.0):
    """Thresholds.apply_all, except that documents scoring at least ``heavy`` keep every
    edit down to ``heavy_confidence``."""
    groups: dict = {}
    for p, d in zip(props, docs or range(len(props))):
        groups.setdefault(d, []).append(p)
    pooled = {d: document_score(ps) for d, ps in groups.items()}
    kept = []
    for p, d in zip(props, docs or range(len(props))):
        score = pooled[d]
        if score < th.min_spun_score:
            kept.append([])
        else:
            if score >= heavy:  # a heavily spun document: no lone-edit gate either
                kept.append(kept_edits(p.edits, heavy_confidence, 0.0))
            else:
                kept.append(kept_edits(p.edits, th.min_confidence, th.lone_edit_confidence))
    return kept


def f05(rows: dict, kept) -> dict:
    counts = EditCounts()
    for s, o, e in zip(rows["spun"], rows["originals"], kept):
        counts.add(s, apply_edits(s, e), o)
    return {
        "f0.5": round(counts.f_beta(0.5), 4),
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
    }


def scores(a: dict, keep) -> dict:
    """F0.5 on valid (and real dev + dev2, when present) and clean sentences changed, for
    ``keep(props, docs)``: the edits a rule keeps of each proposal (docs None: each alone)."""
    row = {
        "valid": f05(a["valid"], keep(a["valid"]["props"], a["valid"]["docs"])),
        "clean_changed": sum(bool(e) for e in keep(a["clean"], None)),
    }
    if "real" in a:
        row["real_dev"] = f05(a["real"], keep(a["real"]["props"], a["real"]["docs"]))
    return row


def mcnemar(a: list[bool], b: list[bool]) -> dict:
    row = paired_changes(a, b)
    return {**row, "p": round(row["p"], 3)}


def without(props: list[Proposal], rule) -> list[Proposal]:
    return [Proposal([e for e in p.edits if not rule(e)], p.words, p.changed) for p in props]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_a", type=Path)
    ap.add_argument("model_b", type=Path, nargs="?")
    ap.add_argument("--engine-a", default="auto")
    ap.add_argument("--engine-b", default="auto")
    ap.add_argument("--pairs", type=Path, default=ROOT / "data/pairs")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    a = proposals(args.model_a, args.engine_a, args.pairs)
    th = a["thresholds"]
    result: dict = {"model_a": str(args.model_a), "thresholds_a": asdict(th)}
    changed_a = [bool(e) for e in th.apply_all(a["clean"])]
    if args.model_b:
        b = proposals(args.model_b, args.engine_b, args.pairs)
        changed_b = [bool(e) for e in b["thresholds"].apply_all(b["clean"])]
        result["paired_clean_harm"] = mcnemar(changed_a, changed_b)
        print("paired clean harm:", result["paired_clean_harm"])
    rows = []
    for heavy, conf in [(2.0, 0.0)] + TIERS:
        row = {
            "heavy": heavy,
            "heavy_confidence": conf,
            **scores(a, lambda props, docs: tiered(props, docs, th, heavy, conf)),
        }
        rows.append(row)
        print("tier", json.dumps(row))
    result["heavy_tier"] = rows
    deletions = {
        "all proposals": lambda e: False,
        "drops_text": drops_text,
        "any deletion": lambda e: not e.replacement.strip(),
    }
    result["deletions"] = {}
    for name, rule in deletions.items():
        row = scores(a, lambda props, docs: th.apply_all(without(props, rule), docs))
        result["deletions"][name] = row
        print("deletions", name, json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
