"""How much an ellipsis ("…") in a sentence costs the restorer, on synthetic valid pairs.

    python experiments/ellipsis_effect.py [--model DIR] [--pairs data/pairs] [--n 150]

Takes spun valid rows of more than 12 words and puts the same "…" into the spun sentence
and its original: (a) after the first word, (b) in place of the first ", ". Prints edit
P/R/F0.5 and edits right for each variant beside the same rows without it. The restorer
reads "..." for "…" (restore/restorer.py, ``_model_reading``); read as raw bytes, the
ellipsis cost a fifth to a quarter of the recall.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument("--n", type=int, default=150)
    args = ap.parse_args(argv)

    from restore.metrics import spin_edits
    from restore.pairs import load_pairs
    from restore.restorer import Restorer

    valid = load_pairs(args.pairs)["valid"].shuffle(seed=3).select(range(400))
    rows = [(s, o) for s, o in zip(valid["spun"], valid["original"]) if s != o and len(s.split()) > 12][: args.n]
    restorer = Restorer.from_pretrained(args.model)

    def report(name, pairs):
        spun, orig = [s for s, _ in pairs], [o for _, o in pairs]
        m = spin_edits(spun, restorer.restore(spun), orig)
        print(
            f"{name:28s} rows {len(pairs):4d}  P {m['precision']:.3f}  R {m['recall']:.3f}  "
            f"F0.5 {m['f0.5']:.3f}  edits right {m['edits_right']:.3f}"
        )

    def first_word(t):
        head, _, rest = t.partition(" ")
        return f"{head}… {rest}"

    report("no ellipsis", rows)
    report("… after the first word", [(first_word(s), first_word(o)) for s, o in rows])
    commas = [(s, o) for s, o in rows if ", " in s and ", " in o]
    report("no ellipsis (rows with ', ')", commas)
    report("… for the first ', '", [(s.replace(", ", "… ", 1), o.replace(", ", "… ", 1)) for s, o in commas])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
