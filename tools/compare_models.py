"""Is one model (or engine) better than another beyond chance? A paired comparison on the
evaluation suite's sets.

    python -m tools.compare_models MODEL_A MODEL_B [--engine-a auto] [--engine-b auto]
        [--suite configs/eval.yaml] [--sets real_dev clean_large] [--resamples 2000] [--json OUT]

Each model restores each set as `restore eval` does (guards, its own thresholds, the
document gate over the set's groups). Then, for a set of pairs: each model's edit F0.5 and
the paired bootstrap interval of the difference B − A (the set's groups, e.g. articles,
resampled whole; the same resampling scores both models,
:func:`restore.metrics.f05_difference`); for a set of clean sentences: how many each model
changed, how many only one of them did, and McNemar's exact p
(:func:`restore.metrics.paired_clean_harm`). Two intervals that overlap say little; the
paired interval of the difference is the figure to decide on. MODEL_B may be MODEL_A with
another ``--engine-b`` (int8 against float32).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from restore.edits import apply_edits
from restore.evaluation import AllProposals, build_set, kept_by_document, load_suite, run_system
from restore.metrics import f05_difference, paired_clean_harm

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = ("real_dev", "clean", "clean_corpus", "clean_large")


def restored(model: Path, engine: str, evsets: list, progress: bool) -> list[list[str]]:
    """The model's outputs for every row of each set, at its own thresholds."""
    from restore.restorer import Restorer

    restorer = Restorer.from_pretrained(model, engine=engine)
    system = AllProposals(restorer)
    outputs = []
    for ev in evsets:
        results = run_system(system, ev.sources, f"{model.name}: {ev.name}", progress)
        kept = kept_by_document(ev, results, restorer.thresholds)
        outputs.append([apply_edits(s, edits) for s, edits in zip(ev.sources, kept)])
    return outputs


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_a", type=Path)
    ap.add_argument("model_b", type=Path)
    ap.add_argument("--engine-a", default="auto")
    ap.add_argument("--engine-b", default="auto")
    ap.add_argument("--suite", type=Path, default=ROOT / "configs/eval.yaml")
    ap.add_argument("--sets", nargs="+", default=list(DEFAULT_SETS), help="suite set names (default: %(default)s)")
    ap.add_argument("--resamples", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args(argv)

    suite = load_suite(args.suite)
    specs = {s["name"]: s for s in suite["sets"]}
    unknown = [name for name in args.sets if name not in specs]
    if unknown:
        ap.error(f"no set {', '.join(unknown)} in {args.suite} (it has {', '.join(specs)})")
    evsets = [
        ev
        for name in args.sets
        if (ev := build_set(specs[name], args.suite.parent, None, lambda m: print(m, file=sys.stderr)))
    ]
    if not evsets:
        ap.error("none of the sets has its data here")
    out_a = restored(args.model_a, args.engine_a, evsets, args.progress)
    out_b = restored(args.model_b, args.engine_b, evsets, args.progress)
    result = {"a": f"{args.model_a} ({args.engine_a})", "b": f"{args.model_b} ({args.engine_b})", "sets": {}}
    print(f"A = {result['a']}\nB = {result['b']}")
    for ev, a, b in zip(evsets, out_a, out_b):
        if ev.kind == "clean":
            row = paired_clean_harm(ev.sources, a, b)
            print(
                f"{ev.name}: clean sentences changed A {row['changed_a']} / B {row['changed_b']} of {row['n']}; "
                f"only A {row['only_a']}, only B {row['only_b']}; McNemar p {row['p']:.3f}"
            )
        else:
            row = f05_difference(ev.sources, a, b, ev.originals, ev.groups or None, resamples=args.resamples)
            lo, hi = row["interval"]
            print(
                f"{ev.name}: F0.5 A {row['f0.5_a']:.3f} / B {row['f0.5_b']:.3f}; B − A {row['difference']:+.3f} "
                f"[{lo:+.3f}, {hi:+.3f}] ({row['groups']} groups resampled {row['resamples']} times; "
                f"B higher in {row['b_better']:.0%})"
            )
        result["sets"][ev.name] = row
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
