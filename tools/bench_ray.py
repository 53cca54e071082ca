"""The Ray backend against the local one, whole process, in one run.

    python -m tools.bench_ray [--n 4000] [--files 4] [--model DIR] [--json eval/results/bench_ray.json]

The same spun test sentences as ``tools.bench`` (``bench_sentences``), split over
``--files`` text files, restored by ``restore run FOLDER -r -o OUT`` in a fresh process:
the local backend, then ``--backend ray`` with 1 and 2 workers (a local Ray instance
started by the command, as a user without a cluster gets it). Reports wall time and
sentences/s of each (Ray's start-up and each worker's model load included), Ray's fixed
cost (a run on one line), and whether each output folder is byte-identical to the local
backend's. The load average shows whether something else was running.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.bench import DEFAULT_MODEL, ROOT, bench_sentences


def restore_run(folder: Path, out: Path, model: Path, extra: list[str]) -> float:
    cmd = [
        sys.executable,
        "-c",
        "from restore.cli import main; raise SystemExit(main())",
        "run",
        str(folder),
        "-r",
        "-o",
        str(out),
        "--model",
        str(model),
        *extra,
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def same_outputs(a: Path, b: Path) -> bool:
    files = lambda d: {p.relative_to(d): p.read_bytes() for p in d.rglob("*.txt")}  # noqa: E731
    return files(a) == files(b)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--pairs", type=Path, default=ROOT / "data" / "pairs")
    ap.add_argument(
        "--json",
        type=Path,
        default=ROOT / "eval" / "results" / "bench_ray.json",
        help="write the figures here (and a .md table beside it)",
    )
    args = ap.parse_args(argv)
    sentences, _, source = bench_sentences(args.n, args.pairs)
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        tmp = Path(tmp)
        src, one = tmp / "in", tmp / "one"
        src.mkdir()
        one.mkdir()
        per = -(-len(sentences) // args.files)
        for k in range(args.files):
            (src / f"part{k}.txt").write_text("".join(s + "\n" for s in sentences[k * per : (k + 1) * per]))
        (one / "one.txt").write_text(sentences[0] + "\n")
        restore_run(one, tmp / "warm", args.model, [])  # CTranslate2 conversion cached before timing
        runs = {}
        for name, extra in (
            ("local", []),
            ("ray, 1 worker", ["--backend", "ray", "--workers", "1"]),
            ("ray, 2 workers", ["--backend", "ray", "--workers", "2"]),
        ):
            out = tmp / name.replace(" ", "").replace(",", "-")
            seconds = restore_run(src, out, args.model, extra)
            runs[name] = {
                "seconds": round(seconds, 1),
                "sentences_per_s": round(len(sentences) / seconds, 1),
                "identical_to_local": same_outputs(out, tmp / "local") if name != "local" else True,
            }
            print(
                f"{name:15s} {seconds:7.1f} s  {len(sentences) / seconds:7.1f} sentences/s  "
                f"identical to local: {runs[name]['identical_to_local']}",
                flush=True,
            )
        fixed = restore_run(one, tmp / "fixed", args.model, ["--backend", "ray", "--workers", "1"])
        print(f"ray fixed cost (one line, 1 worker): {fixed:.1f} s")
    model = args.model.resolve()
    shown = model.relative_to(ROOT) if model.is_relative_to(ROOT) else model
    result = {
        "sentences": len(sentences),
        "files": args.files,
        "source": source,
        "model": str(shown),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": runs,
        "ray_fixed_cost_s": round(fixed, 1),
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
        args.json.with_suffix(".md").write_text(markdown(result))
    return 0


def markdown(r: dict) -> str:
    rows = "\n".join(
        f"| {name} | {v['seconds']} | {v['sentences_per_s']} | {'yes' if v['identical_to_local'] else '**no**'} |"
        for name, v in r["runs"].items()
    )
    return f"""# Ray backend against the local one (`python -m tools.bench_ray`)

{r["sentences"]} spun test sentences ({r["source"]}) in {r["files"]} text files, restored by
`restore run FOLDER -r -o OUT` in a fresh process each time; model `{r["model"]}`, {r["cpus"]}
CPUs, load average after {r["load_average"][0]:.2f}. Whole process: Ray's start-up and each
worker's model load are included.

| backend | seconds | sentences/s | output identical to local |
|---|---|---|---|
{rows}

Ray's fixed cost (start a local Ray, start one worker, restore one line): {r["ray_fixed_cost_s"]} s.
A worker uses `--cpus-per-worker` threads (1 here); the local backend uses every core.
"""


if __name__ == "__main__":
    raise SystemExit(main())
