"""Study: restoring a second time what the first pass changed (issue 15; gector-style iterations).

    python experiments/second_pass_study.py MODEL [--engine auto] [--json OUT]

After the first pass the model reads its own partly restored sentence, where the spinner
swaps it fixed no longer garble the context of the ones it was unsure of ("Officers
couldn't substantiate what number of households could" is one 8-word edit at 0.37 in the
spun sentence; with "however" and "12 months" fixed around it the model proposes the first
seven words at 0.77). Only sentence pieces the first pass changed are read again, so a
clean sentence the first pass leaves alone is never touched by the second.

Rules for the second pass (first pass as shipped):

- ``same``: the model's thresholds again, the document gate pooled over the second
  pass's own proposals;
- ``no-doc-gate``: the document was already judged spun by the first pass: only the
  per-edit gates (confidence C, lone-edit gate L).

Read on the valid documents `tools/choose_thresholds` chooses on, the ~10,000 clean
sentences of `clean_harm_study` (each read alone) and real dev + dev2 (16 articles).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
from clean_harm_study import proposals  # noqa: E402

from restore.edits import apply_edits  # noqa: E402
from restore.guards import kept_edits  # noqa: E402
from restore.metrics import spin_edits  # noqa: E402

RULES = [("same", None, None)] + [("no-doc-gate", c, lone) for c in (0.6, 0.7, 0.8) for lone in (0.0, 0.9)]


def second_pass(r, texts: list[str], first: list[list], docs, rule) -> list[str]:
    """The texts after the first pass's edits, then the second pass's under ``rule``."""
    name, c, lone = rule
    th = r.thresholds
    once = [apply_edits(t, e) for t, e in zip(texts, first)]
    redo = [i for i, e in enumerate(first) if e]
    props = r.propose([once[i] for i in redo]) if redo else []
    if name == "same":
        kept = th.apply_all(props, [docs[i] for i in redo] if docs else None)
    else:
        kept = [kept_edits(p.edits, c, lone) for p in props]
    out = list(once)
    for i, edits in zip(redo, kept):
        out[i] = apply_edits(once[i], edits)
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--pairs", type=Path, default=ROOT / "data/pairs")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    a = proposals(args.model, args.engine, args.pairs)
    r, th = a["restorer"], a["thresholds"]
    first = {name: th.apply_all(a[name]["props"], a[name]["docs"]) for name in ("valid", "real")}
    clean_texts = a["clean_texts"]
    clean_first = th.apply_all(a["clean"])
    result = {"model": str(args.model), "engine": args.engine, "thresholds": asdict(th), "rules": []}

    def score(texts_of) -> dict:
        row = {}
        for name in ("valid", "real"):
            rows = a[name]
            outs = texts_of(rows["spun"], first[name], rows["docs"])
            row[name] = {
                k: round(v, 4) if isinstance(v, float) else v
                for k, v in spin_edits(rows["spun"], outs, rows["originals"]).items()
            }
        outs = texts_of(clean_texts, clean_first, None)
        row["clean_changed"] = sum(o != t for o, t in zip(outs, clean_texts))
        return row

    one = score(lambda texts, f, docs: [apply_edits(t, e) for t, e in zip(texts, f)])
    result["one_pass"] = one
    print("one pass", json.dumps(one), flush=True)
    for rule in RULES:
        row = {
            "rule": rule[0],
            "min_confidence": rule[1],
            "lone_edit_confidence": rule[2],
            **score(lambda texts, f, docs: second_pass(r, texts, f, docs, rule)),
        }
        result["rules"].append(row)
        print("two passes", json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
