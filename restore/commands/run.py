"""``restore run``: plan the job (the inputs, where their outputs go), restore it on the
local or the Ray backend with a progress bar, and report what was skipped or failed."""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import batch, progress
from .. import ray as ray_backend
from ..formats import SUFFIXES
from ..formats.text import colors_on
from ..inputs import TEXT_SUFFIXES, Job, Walk, check_outputs, collect_jobs, plan_output
from ..model_folder import ModelNotFound, check_model_dir
from ..outputs import MANIFEST
from ..restorer import Restorer
from ..spec import RestorerSpec
from . import UserError, check_thresholds

__all__ = [
    "check_flags",
    "check_backend_flags",
    "Plan",
    "plan",
    "plan_from_flags",
    "walk_notes",
    "load",
    "options",
    "restore_all",
    "report",
    "TERMINATED",
]

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


def check_backend_flags(args: argparse.Namespace) -> None:
    """The flags of ``--backend ray`` (checked once there is something to restore)."""
    if args.backend == "ray" and "-" in args.inputs:
        raise UserError("--backend ray reads files, not stdin ('-')")
    if args.workers is not None and args.workers < 1 or args.cpus_per_worker <= 0 or args.gpus_per_worker < 0:
        raise UserError("--workers and --cpus-per-worker must be positive, --gpus-per-worker at least 0")


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


def plan_from_flags(args: argparse.Namespace) -> Plan:
    """The plan of the inputs named and ``-o``, once stdin (when named) and stdout (without
    ``-o``) are open; what the folder walk skipped is reported (:func:`walk_notes`)."""
    if "-" in args.inputs and getattr(sys.stdin, "buffer", None) is None:
        raise UserError("stdin ('-') is closed: nothing to read")
    if not args.output and sys.stdout is None:
        raise UserError("stdout is closed: give -o FILE (or a folder) for the output")
    # stdin is text, or JSONL when --field or --output-field names a field to restore
    stdin_format = "jsonl" if args.field is not None or args.output_field is not None else "txt"
    found = plan(
        args.inputs, args.output, recursive=args.recursive, glob=args.glob, stdin_format=stdin_format, fmt=args.format
    )
    walk_notes(found.walk, args.quiet)
    return found


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


def load(spec: RestorerSpec, args: argparse.Namespace) -> tuple[Restorer | ray_backend.RayOptions, str]:
    """What restores the run: the restorer of a local run, or with ``--backend ray`` the Ray
    options (each worker loads ``spec``, and only the model folder is checked here); and the
    engine class its outputs record."""
    try:
        if args.backend == "ray":
            check_model_dir(Path(spec.model))
            spec.warn_if_unchosen()
            ray_opts = ray_backend.RayOptions(
                address=args.address,
                workers=args.workers,
                cpus_per_worker=args.cpus_per_worker,
                gpus_per_worker=args.gpus_per_worker,
            )
            return ray_opts, ray_backend.engine_class(spec.engine)
        restorer = Restorer.from_spec(spec)
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    return restorer, type(restorer.engine).__name__


def options(args: argparse.Namespace, plan: Plan, made_by: dict) -> batch.Options:
    """The run's :class:`restore.batch.Options`; inline diffs are coloured on a terminal."""
    return batch.Options(
        field=args.field or "text",
        output_field=args.output_field,
        errors=args.errors,
        show_edits=args.show_edits,
        overwrite=args.overwrite,
        made_by=made_by,
        format=args.format,
        color=args.show_edits and plan.output is None and colors_on(sys.stdout),
    )


def restore_all(
    backend: Restorer | ray_backend.RayOptions,
    spec: RestorerSpec,
    plan: Plan,
    opts: batch.Options,
    show_bar: bool = True,
) -> batch.Summary | None:
    """Restore the plan's jobs with the restorer ``backend`` in this process, or on Ray
    (``backend`` the Ray options: each worker loads ``spec``), with a progress bar; ``None``
    when SIGTERM stopped the run (it unwinds like Ctrl-C: the temporary file being written
    is removed)."""
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
        if isinstance(backend, ray_backend.RayOptions):
            summary = ray_backend.run_jobs(
                spec, plan.jobs, plan.output, plan.output_is_dir, opts, backend, on_lines, warn, on_start=on_start
            )
        else:
            summary = batch.run_jobs(
                backend,
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
