"""Does the restorer ever change a fact? Counts on real and clean text.

    python -m tools.fact_check [--model DIR] [--pairs data/pairs] [--n-clean 2000] [--json OUT]

Sets: real dev + dev2 (spun input) and up to ``--n-clean`` clean sentences of held-out
corpus documents (the test split of a pairs build) chosen because they hold numbers,
magnitudes, percentages, dates, compass directions or negations. For each sentence the
facts of the input and of the output are compared (:func:`restore.facts.signature`:
"3.Three" and "3.3" are the same fact, "trillion" and "billion" are not). Printed for the
model's raw output (no guards) and for the restorer as shipped: the number of sentences
whose facts changed, and a few examples. The restorer's figure must be 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from restore.facts import signature
from restore.restorer import Restorer

ROOT = Path(__file__).resolve().parents[1]
REAL = [ROOT.parent / "shared/data/real/dev.jsonl", ROOT.parent / "shared/data/real/dev2.jsonl"]
FACT_KINDS = ("mag:", "percent", "dir:", "neg", "date:", "decade:")


def fact_sentences(pairs_dir: Path, n: int, seed: int = 0) -> list[str]:
    """Distinct clean sentences of the test split that state a fact worth guarding."""
    from restore.pairs import load_pairs

    test = load_pairs(pairs_dir)["test"]
    originals = list(dict.fromkeys(o for o, k in zip(test["original"], test["kind"]) if k != "multi"))
    random.Random(seed).shuffle(originals)
    picked = []
    for text in originals:
        sig = signature(text)
        if any(key.startswith(FACT_KINDS) or key[:1].isdigit() for key in sig):
            picked.append(text)
            if len(picked) == n:
                break
    return picked


def changed(inputs: list[str], outputs: list[str]) -> list[tuple[str, str]]:
    return [(i, o) for i, o in zip(inputs, outputs) if signature(i) != signature(o)]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model folder (default: the shipped model)")
    ap.add_argument("--pairs", type=Path, default=ROOT / "data/pairs", help="a pairs build (restore pairs --config)")
    ap.add_argument("--n-clean", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    sets = {}
    if all(p.is_file() for p in REAL):
        sets["real dev + dev2 (spun)"] = [json.loads(line)["spun"] for p in REAL for line in p.open(encoding="utf-8")]
    if (args.pairs / "dataset_dict.json").is_file():
        sets["clean corpus sentences with facts"] = fact_sentences(args.pairs, args.n_clean)
    if not sets:
        sys.exit("no data: needs ../shared/data/real and/or a pairs build (restore pairs --config ...)")
    restorer = Restorer.from_pretrained(args.model)
    report = {}
    for name, texts in sets.items():
        raw = restorer.generate(texts)
        restored = restorer.restore(texts)
        bad_raw, bad = changed(texts, raw), changed(texts, restored)
        report[name] = {
            "sentences": len(texts),
            "raw_model_fact_changes": len(bad_raw),
            "restorer_fact_changes": len(bad),
            "raw_examples": [{"input": i, "output": o} for i, o in bad_raw[:5]],
            "restorer_examples": [{"input": i, "output": o} for i, o in bad[:5]],
        }
        print(
            f"{name}: {len(texts)} sentences; facts changed by the raw model: {len(bad_raw)}, "
            f"by the restorer: {len(bad)}"
        )
        for i, o in bad[:5]:
            print(f"  IN : {i}\n  OUT: {o}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
