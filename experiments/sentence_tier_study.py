"""Study: a sentence-level evidence tier (issue 15, item 4; not in the product).

    python experiments/sentence_tier_study.py MODEL [--engine ct2-int8] [--json OUT]

The shipped model is unsure in stretches where several spinner swaps sit side by side
("was once going through a tricky selection": 0.56 / 0.43 against a 0.7 threshold). Rule
tried: in a sentence piece where at least K edits pass the model's own thresholds, the
other edits of that piece are kept down to confidence C. The document gate and the
lone-edit gate apply as shipped. Read on the valid documents `tools/choose_thresholds`
chooses on (and ~10,000 clean sentences: valid originals and 5,000 test originals, each
read alone), then on real dev + dev2 (its 16 articles as documents).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
from clean_harm_study import proposals, scores  # noqa: E402

from restore.guards import Proposal, Thresholds, kept_edits  # noqa: E402

RULES = [(k, c) for k in (2, 3, 4) for c in (0.3, 0.4, 0.5, 0.6)]


def sentence_tiered(props: list[Proposal], docs, th: Thresholds, k: int = 99, c: float = 1.0) -> list:
    """``th.apply_all``, then in each sentence piece with at least ``k`` kept edits, the
    piece's other edits at ``c`` or above are kept too."""
    out = []
    for p, base in zip(props, th.apply_all(props, docs)):
        strong: dict[int, int] = {}
        for e in base:
            strong[e.sentence] = strong.get(e.sentence, 0) + 1
        extra = [e for e in kept_edits(p.edits, c, 0.0) if strong.get(e.sentence, 0) >= k and e not in base]
        out.append(sorted(base + extra, key=lambda e: e.start))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--pairs", type=Path, default=ROOT / "data/pairs")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    a = proposals(args.model, args.engine, args.pairs)
    th = a["thresholds"]
    rows = []
    for k, c in [(99, 1.0)] + RULES:
        row = {"k": k, "c": c, **scores(a, lambda props, docs: sentence_tiered(props, docs, th, k, c))}
        rows.append(row)
        print(json.dumps(row))
    result = {"model": str(args.model), "clean_n": len(a["clean"]), "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
