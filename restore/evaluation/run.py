"""Evaluate systems on a set or a suite and write the results folder."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ..edits import apply_edits
from ..guards import Thresholds
from .plots import plot_by_length, plot_suite, plot_threshold, plot_top_edits
from .report import set_report, suite_report
from .scoring import by_length, kept_by_document, sentence_records, set_scores, threshold_sweep, top_edits
from .sets import EvalSet, build_set, load_suite, read_pairs
from .systems import is_thresholded, run_system


def evaluate_set(
    evset: EvalSet,
    systems: dict,
    out_dir: str | Path,
    *,
    thresholds: Thresholds = Thresholds(),
    progress: bool = False,
    per_sentence_limit: int | None = None,
    info: dict | None = None,
) -> dict:
    """Run every system on ``evset``, score, write the folder; returns the metrics dict.
    ``thresholds`` apply to the systems whose results are proposals (the model)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results, kept, outputs, seconds = {}, {}, {}, {}
    for name, system in systems.items():
        t0 = time.perf_counter()
        results[name] = run_system(system, evset.sources, f"{evset.name}: {name}", progress)
        seconds[name] = round(time.perf_counter() - t0, 2)
        kept[name] = kept_by_document(evset, results[name], thresholds if is_thresholded(system) else Thresholds())
        outputs[name] = [apply_edits(s, edits) for s, edits in zip(evset.sources, kept[name])]
    metrics = {
        "set": evset.name,
        "title": evset.title,
        "kind": evset.kind,
        "out_of_domain": evset.out_of_domain,
        "n": len(evset),
        "groups": len(set(evset.groups)) if evset.groups else None,
        "note": evset.note,
        **(info or {}),
        **asdict(thresholds),
        "systems": {name: set_scores(evset, outs) for name, outs in outputs.items()},
        "seconds": seconds,
    }
    main = next((n for n, s in systems.items() if is_thresholded(s)), next(iter(systems)))
    others = {n: o for n, o in outputs.items() if n not in (main, "copy")}
    records = sentence_records(evset, results[main], kept[main], others)
    plots = {}
    if evset.kind != "clean":
        sweep = threshold_sweep(evset, results[main], thresholds) if is_thresholded(systems[main]) else []
        metrics["threshold_sweep"] = sweep
        metrics["by_length"] = by_length(evset, outputs)
        metrics["top_edits"] = top_edits(records)
        if sweep:
            plots["threshold"] = "threshold.png"
            plot_threshold(
                sweep,
                out_dir / plots["threshold"],
                f"{evset.name}: model edits by confidence",
                {n: metrics["systems"][n]["f0.5"] for n in systems if n not in (main, "copy")},
                chosen=thresholds.min_confidence,
            )
        plots["by_length"] = "f05_by_length.png"
        plot_by_length(
            metrics["by_length"],
            out_dir / plots["by_length"],
            f"{evset.name}: F0.5 by sentence length",
            [n for n in systems if n != "copy"],
        )
        plots["top_edits"] = "top_edits.png"
        plot_top_edits(metrics["top_edits"], out_dir / plots["top_edits"], f"{evset.name}: {main}")
    metrics["plots"] = plots
    shown = records if per_sentence_limit is None else records[:per_sentence_limit]
    with (out_dir / "sentences.jsonl").open("w", encoding="utf-8") as f:
        for r in shown:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    metrics["sentences_file"] = {"path": "sentences.jsonl", "rows": len(shown), "of": len(records)}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # the report's examples come from the rows written out (none where a set may not be copied)
    (out_dir / "report.md").write_text(set_report(metrics, shown), encoding="utf-8")
    return metrics


def model_commit(model_dir: str | Path | None) -> str | None:
    """The last git commit touching the model folder (best effort)."""
    if not model_dir:
        return None
    path = Path(model_dir).resolve()
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h %cs", "--", "."], cwd=path, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."], cwd=path, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return out.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def model_info(model_dir: str | Path, engine: str) -> dict:
    """What a run evaluated: the model folder (relative to the working folder when inside
    it), its last commit and the engine."""
    folder = Path(model_dir)
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = folder
    return {"model": str(shown), "model_commit": model_commit(model_dir), "engine": engine}


def headline(set_name: str, by_system: dict) -> str:
    """One line of a set's figures, system by system (``restore eval`` prints it)."""
    return (
        set_name
        + ": "
        + "; ".join(
            " ".join(
                [s]
                + (
                    [
                        f"F0.5 {m['f0.5']:.3f}"
                        + (f" [{m['f0.5_ci'][0]:.3f}-{m['f0.5_ci'][1]:.3f}]" if m.get("f0.5_ci") else "")
                    ]
                    if m.get("f0.5") is not None
                    else []
                )
                + ([f"edits right {m['edits_right']:.3f}"] if m.get("edits_right") is not None else [])
                + ([f"clean harm {m['clean_harm']:.1%}"] if m.get("clean_harm") is not None else [])
                + [f"exact {m['exact_match']:.3f}"]
            )
            for s, m in by_system.items()
        )
    )


def run_suite(
    suite_path: str | Path,
    systems: dict,
    out_dir: str | Path,
    limit: int | None = None,
    *,
    thresholds: Thresholds = Thresholds(),
    progress: bool = False,
    info: dict | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
    suite: dict | None = None,
) -> dict:
    """Evaluate every set of a suite YAML (``suite``: the file already read with
    :func:`load_suite`); write one folder per set plus the combined ``report.md``,
    ``metrics.json`` and ``suite.png`` in ``out_dir``."""
    suite_path = Path(suite_path)
    cfg = load_suite(suite_path) if suite is None else suite
    base = suite_path.resolve().parent
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cap = cfg.get("per_sentence_limit")
    table, skipped = {}, {}
    messages: list[str] = []  # the current set's

    def note(message: str) -> None:
        messages.append(message)
        log(message)

    for spec in cfg["sets"]:
        messages.clear()
        ev = build_set(spec, base, limit, note)
        if ev is None:
            skipped[spec["name"]] = messages[-1] if messages else "skipped"
            continue
        log(f"set {ev.name}: {len(ev)} rows")
        table[ev.name] = evaluate_set(
            ev,
            systems,
            out_dir / ev.name,
            thresholds=thresholds,
            progress=progress,
            per_sentence_limit=spec.get("per_sentence_limit", cap),
            info=info,
        )
    summary = {
        "suite": str(suite_path),
        **(info or {}),
        **asdict(thresholds),
        "limit": limit,
        "sets": {
            n: {k: m[k] for k in ("title", "kind", "out_of_domain", "n", "systems", "note")} for n, m in table.items()
        },
        "skipped": skipped,
    }
    if table:
        plot_suite(summary["sets"], out_dir / "suite.png", list(systems))
    (out_dir / "metrics.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(suite_report(summary, list(systems), cfg), encoding="utf-8")
    return summary


def evaluate_file(
    data: str | Path,
    systems: dict,
    out_dir: str | Path,
    limit: int | None = None,
    *,
    thresholds: Thresholds = Thresholds(),
    progress: bool = False,
    info: dict | None = None,
) -> dict:
    """``restore eval --data``: one JSONL file of pairs."""
    return evaluate_set(read_pairs(data, limit), systems, out_dir, thresholds=thresholds, progress=progress, info=info)
