"""Choose a model's recommended restorer thresholds on synthetic VALID pairs.

    python -m tools.choose_thresholds models/restore-small [--pairs data/pairs] [--n 600]
                                     [--max-clean-harm 0.05] [--json out.json] [--write]

The model runs once (every edit with its confidence, per sentence); then every pair of
``min_confidence`` x ``lone_edit_confidence`` (:func:`restore.restorer.kept_edits`) is
scored offline:

- edit P/R/F0.5 on ``--n`` rows of the valid split (shuffled with seed 1: spun, identity
  and multi-sentence rows),
- clean harm: the share of the distinct ORIGINAL sentences of those rows that the
  restorer changes (clean text it should leave alone).

The choice: the highest F0.5 whose clean harm is at most ``--max-clean-harm`` (the
quality bar's 5%), F0.5 within 0.001 of it counting as a tie that the lower clean harm
wins; without any, the lowest harm. The real dev set is not used.
``--write`` stores the choice in the model's ``restore_config.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from restore.metrics import spin_edits
from restore.restorer import Edit, Restorer, apply_edits, kept_edits

MIN_CONFIDENCE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LONE = (0.0, 0.8, 0.9, 0.95, 0.98)  # 0: no lone-edit gate
TIE = 0.001  # F0.5 differences below this are ties


def all_edits(restorer: Restorer, texts: list[str]) -> list[list[Edit]]:
    return restorer.propose(texts)


def outputs(texts: list[str], edits: list[list[Edit]], min_confidence: float, lone: float) -> list[str]:
    return [apply_edits(t, kept_edits(e, min_confidence, lone)) for t, e in zip(texts, edits)]


def choose(rows: list[dict], max_clean_harm: float) -> dict:
    """The row with the highest F0.5 among those at most ``max_clean_harm``; F0.5 within
    ``TIE`` of the best is a tie (far below the noise of a few hundred rows), which the
    lower clean harm wins. No row that harmless: the least harmful."""
    ok = [r for r in rows if r["clean_harm"] <= max_clean_harm]
    if not ok:
        return min(rows, key=lambda r: (r["clean_harm"], -r["f0.5"]))
    top = max(r["f0.5"] for r in ok)
    return min((r for r in ok if r["f0.5"] >= top - TIE), key=lambda r: (r["clean_harm"], -r["f0.5"]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--max-clean-harm", type=float, default=0.05)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--write", action="store_true", help="store the choice in MODEL/restore_config.json")
    args = ap.parse_args(argv)

    from restore.pairs import load_pairs

    valid = load_pairs(args.pairs)["valid"].shuffle(seed=1)
    valid = valid.select(range(min(args.n, len(valid))))
    spun, originals = list(valid["spun"]), list(valid["original"])
    clean = list(dict.fromkeys(originals))
    restorer = Restorer.from_pretrained(args.model)
    spun_edits, clean_edits = all_edits(restorer, spun), all_edits(restorer, clean)

    rows = []
    for c in MIN_CONFIDENCE:
        for lone in LONE:
            if 0 < lone <= c:
                continue  # the gate does nothing there
            m = spin_edits(spun, outputs(spun, spun_edits, c, lone), originals)
            harm = sum(o != t for o, t in zip(outputs(clean, clean_edits, c, lone), clean)) / len(clean)
            rows.append({"min_confidence": c, "lone_edit_confidence": lone, "precision": round(m["precision"], 4),
                         "recall": round(m["recall"], 4), "f0.5": round(m["f0.5"], 4),
                         "clean_harm": round(harm, 4)})
            print(f"min {c:.2f} lone {lone:.2f}: P {m['precision']:.3f} R {m['recall']:.3f} "
                  f"F0.5 {m['f0.5']:.3f}  clean harm {harm:.1%}", file=sys.stderr)
    best = choose(rows, args.max_clean_harm)
    print(f"chosen: min_confidence {best['min_confidence']}, lone_edit_confidence {best['lone_edit_confidence']} "
          f"(F0.5 {best['f0.5']:.3f}, clean harm {best['clean_harm']:.1%})")
    result = {"set": f"{args.pairs} valid, {len(spun)} rows (shuffle seed 1); clean: their {len(clean)} "
                     "distinct originals",
              "rule": f"max F0.5 (ties within {TIE}: lower harm) with clean harm <= {args.max_clean_harm}",
              "best": best, "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.write:
        config = args.model / "restore_config.json"
        settings = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
        settings.pop("note", None)  # a note on an earlier choice
        settings.update(min_confidence=best["min_confidence"], lone_edit_confidence=best["lone_edit_confidence"],
                        chosen_on=result["set"], rule=result["rule"])
        config.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        print(f"written to {config}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
