"""``restore run``: plan the job (the inputs, where their outputs go), restore it on the
local or the Ray backend with a progress bar, and report what was skipped or failed."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import batch, progress
from .. import ray as ray_backend
from ..formats import SUFFIXES
from ..inputs import TEXT_SUFFIXES, Job, Walk, check_outputs, collect_jobs, plan_output
from ..model_folder import ModelNotFound, check_model_dir
from ..outputs import MANIFEST
from ..restorer import Restorer
from ..spec import RestorerSpec
from . import UserError, check_thresholds

__all__ = ["check_flags", "Plan", "plan", "walk_notes", "load", "options", "restore_all", "report", "TERMINATED"]

TERMINATED = 128 + signal.SIGTERM  # the exit code of a run stopped by SIGTERM


def check_flags(args: argparse.Namespace) -> None:
    """The flags that are out of range or do not go together."""
    check_thresholds(args)
    if args.batch_size < 1 or args.num_beams < 1:
        raise UserError("--batch-size and --num-beams must be at least 1")
    if args.format != "text" and args.show_edits:
        raise UserError(f"--show-edits is for --format text; --format {args.format} always carries the edits")
    if args.device is not None and args.backend == "ray":
        raise UserError("--device is for a local run; with --backend ray give --gpus-per-worker")


@dataclass
class Plan:
    """The files of one run and where their outputs go (``output`` None: stdout)."""

    jobs: list[Job]
    output: Path | None
    output_is_dir: bool
    walk: Walk


def plan(
    inputs: list[str], output: str | None, *, recursive: bool, glob: str | None, stdin_format: str, fmt: str
) -> Plan:
    """The jobs of ``inputs`` (folders walked), their outputs checked: no two inputs to
    one output, no output over an input."""
    out = Path(output) if output else None
    walk = Walk()
    try:
        jobs = collect_jobs(inputs, recursive=recursive, glob=glob, output=out, walk=walk, stdin_format=stdin_format)
        output_is_dir = plan_output(inputs, output)
    except ValueError as e:
        raise UserError(str(e)) from None
    jobs = _format_jobs(jobs, fmt, output_is_dir)
    try:
        check_outputs(jobs, out, output_is_dir)
    except ValueError as e:
        raise UserError(str(e)) from None
    return Plan(jobs, out, output_is_dir, walk)


def _format_jobs(jobs: list[Job], fmt: str, output_is_dir: bool) -> list[Job]:
    """``--format jsonl|m2`` reads text: JSONL and Parquet inputs are refused; in a folder
    job each output gets the format's suffix (a.txt -> a.jsonl, a.m2)."""
    if fmt == "text":
        return jobs
    other = next((job for job in jobs if job.fmt != "txt"), None)
    if other is not None:
        raise UserError(
            f"--format {fmt} reads text files and stdin; {other.name} is {other.fmt.upper()} "
            f"(--show-edits adds the edits to JSONL and Parquet records; --glob '*.txt' picks "
            f"the text files of a folder)"
        )
    if not output_is_dir:
        return jobs
    return [Job(job.source, job.relative.with_suffix(SUFFIXES[fmt]), job.fmt) for job in jobs]


def walk_notes(walk: Walk, quiet: bool) -> None:
    """What the folder walk skipped (notes, unless ``quiet``) and could not read (errors)."""
    if walk.skipped and not quiet:
        print(
            f"restore run: {len(walk.skipped)} file(s) in the folder(s) skipped: not text-like "
            f"({', '.join(TEXT_SUFFIXES)} or UTF-8 text without an extension, not a script "
            f"or a Makefile); "
            f"--glob selects others, e.g. --glob '*.csv'",
            file=sys.stderr,
        )
    if walk.outputs and not quiet:
        print(
            f"restore run: {len(walk.outputs)} folder(s) skipped: the output of an earlier run (they hold "
            f"{MANIFEST}): {', '.join(map(str, walk.outputs))}",
            file=sys.stderr,
        )
    for folder, reason in walk.unreadable:
        print(
            f"restore run: error: cannot read folder {folder} ({reason}): its files were not restored", file=sys.stderr
        )


def load(spec: RestorerSpec, backend: str) -> tuple[Restorer | None, str]:
    """The restorer of a local run (``None`` with Ray: each worker loads ``spec``, and only
    the model folder is checked here) and the engine class its outputs record."""
    try:
        if backend == "ray":
            check_model_dir(spec.model)
            spec.warn_if_unchosen()
            return None, ray_backend.engine_class(spec.engine)
        restorer = Restorer.from_spec(spec)
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    return restorer, type(restorer.engine).__name__


def options(
    plan: Plan,
    made_by: dict,
    *,
    field: str,
    output_field: str | None,
    errors: str,
    show_edits: bool,
    overwrite: bool,
    fmt: str,
) -> batch.Options:
    """The run's :class:`restore.batch.Options`; inline diffs are coloured on a terminal."""
    return batch.Options(
        field=field,
        output_field=output_field,
        errors=errors,
        show_edits=show_edits,
        overwrite=overwrite,
        made_by=made_by,
        format=fmt,
        # https://no-color.org: NO_COLOR set to anything but "" turns colours off
        color=(show_edits and plan.output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")),
    )


def restore_all(
    restorer: Restorer | None,
    spec: RestorerSpec,
    plan: Plan,
    opts: batch.Options,
    ray_opts: ray_backend.RayOptions | None = None,
    show_bar: bool = True,
) -> batch.Summary | None:
    """Restore the plan's jobs with ``restorer`` in this process, or on Ray (``ray_opts``
    given: each worker loads ``spec``), with a progress bar; ``None`` when SIGTERM stopped
    the run (it unwinds like Ctrl-C: the temporary file being written is removed)."""
    # lines (Parquet rows), with a total and an ETA once the files to do are known
    bar = progress.bar(" line", shown=show_bar)

    def on_lines(n: int) -> None:
        bar.update(n)

    def on_start(todo: list) -> None:
        if not bar.disable:
            progress.set_total(bar, progress.total_lines(todo))

    def on_sigterm(signum, frame) -> None:
        raise batch.Terminated()

    try:
        previous, installed = signal.signal(signal.SIGTERM, on_sigterm), True
    except ValueError:  # not the main thread
        previous, installed = None, False
    warn = lambda msg: bar.write(f"restore run: {msg}", file=sys.stderr)  # noqa: E731
    try:
        if ray_opts is not None:
            summary = ray_backend.run_jobs(
                spec, plan.jobs, plan.output, plan.output_is_dir, opts, ray_opts, on_lines, warn, on_start=on_start
            )
        else:
            summary = batch.run_jobs(
                restorer,
                plan.jobs,
                plan.output,
                plan.output_is_dir,
                opts,
                on_lines=on_lines,
                warn=warn,
                on_start=on_start,
            )
    except ImportError as e:
        raise UserError(str(e)) from None
    except batch.Terminated:
        bar.close()
        print("restore run: terminated", file=sys.stderr)
        return None
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
    bar.close()
    return summary


def report(summary: batch.Summary, plan: Plan, quiet: bool) -> int:
    """What was skipped, failed or written out unchanged (on stderr), and the exit code:
    1 when anything failed. One input that failed is a :class:`UserError`."""
    jobs, walk = plan.jobs, plan.walk
    if summary.skipped_finished and not quiet:
        print(
            f"restore run: {len(summary.skipped_finished)} file(s) already restored, skipped (--overwrite to redo)",
            file=sys.stderr,
        )
    if summary.failed and len(jobs) == 1 and not walk.unreadable:
        raise UserError(summary.failed[0][1])
    if summary.failed:
        # a failed file's existing output is left as it was
        written = len(summary.written)
        done = (
            "nothing was written"
            if not written
            else "the others were written"
            if written + len(summary.failed) == len(jobs)
            else f"{written} were written"
        )
        print(
            f"restore run: {len(summary.failed)} of {len(jobs)} file(s) failed; {done} (an existing output of a "
            f"failed file is kept as it was):",
            file=sys.stderr,
        )
        for _, msg in summary.failed:
            print(f"  {msg}", file=sys.stderr)
    if summary.bad_records:
        print(
            f"restore run: {sum(n for _, n in summary.bad_records)} record(s) could not be restored "
            f"and were written out unchanged:",
            file=sys.stderr,
        )
        for name, n in summary.bad_records:
            print(f"  {name}: {n} record(s)", file=sys.stderr)
    if walk.unreadable:
        print(f"restore run: {len(walk.unreadable)} folder(s) could not be read (listed above)", file=sys.stderr)
    return 1 if summary.failed or summary.bad_records or walk.unreadable else 0
