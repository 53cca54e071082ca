"""Where the missing recall goes (issue 28): each reference edit of real spun pairs
(spun -> original, word-aligned) counted once, as

- restored: the restorer applied it (its thresholds);
- dropped by the thresholds: the model proposed it (guarded, not thresholded:
  ``Restorer.propose``), the thresholds left it out;
- changed to something else: the model proposed another change over that span, split
  into "part of it fixed" (every overlapping proposal lies inside the reference span and
  writes only words of the original there: "aid invoice" -> "aid bill" for "relief bill",
  which strict F0.5 counts wrong) and "changed to other words";
- left alone: the model proposed nothing there.

Each pair is restored as its own text, as ``restore eval``'s real_dev set is.

    python experiments/recall_breakdown.py [--model models/restore-small] [FILES ...]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from restore.edit_scoring import word_edits
from restore.edits import apply_edits
from restore.restorer import Restorer

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def categories(spun: str, original: str, proposed: str, applied: str) -> Counter:
    ref = word_edits(spun, original)
    done, offered = word_edits(spun, applied), word_edits(spun, proposed)
    out: Counter = Counter()
    for r in ref:
        if r in done:
            out["restored"] += 1
        elif r in offered:
            out["dropped by the thresholds"] += 1
        elif overlapping := [e for e in offered if e[0] < max(r[1], r[0] + 1) and max(e[1], e[0] + 1) > r[0]]:
            part = all(r[0] <= e[0] and e[1] <= r[1] and set(e[2]) <= set(r[2]) for e in overlapping)
            out["changed: part of it fixed" if part else "changed: to other words"] += 1
        else:
            out["left alone"] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", default=[str(REAL / "dev.jsonl"), str(REAL / "dev2.jsonl")])
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    restorer = Restorer.from_pretrained(args.model)
    rows = [json.loads(line) for f in args.files for line in open(f, encoding="utf-8") if line.strip()]
    proposals = restorer.propose([r["spun"] for r in rows])
    total: Counter = Counter()
    for row, p in zip(rows, proposals):
        applied = restorer.thresholds.apply(p)
        total += categories(
            row["spun"], row["original"], apply_edits(row["spun"], p.edits), apply_edits(row["spun"], applied)
        )
    n = sum(total.values())
    print(f"{len(rows)} pairs, {n} reference edits ({args.model or 'the default model'})")
    names = (
        "restored",
        "dropped by the thresholds",
        "changed: part of it fixed",
        "changed: to other words",
        "left alone",
    )
    for name in names:
        print(f"| {name} | {total[name]} | {total[name] / n:.1%} |")


if __name__ == "__main__":
    main()
