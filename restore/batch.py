"""Batch restoration of files and folders: what ``restore run`` does.

Each input is read in its format (:mod:`restore.formats`: text, JSONL, Parquet, found by
suffix) as a sequence of :class:`~restore.formats.base.Piece` s (a block of up to
``BLOCK_LINES`` lines, or of Parquet rows), each restored on its own (:func:`restore_piece`)
and written in order (:func:`write_pieces`): memory stays flat however large the input,
and the Ray backend (:mod:`restore.ray`) restores the same pieces on many workers and
writes the same bytes. A record that cannot be restored is reported and written out
unchanged; a field or column the job would add that is already there stops the file.

Each output is written to a temporary file and renamed when complete (a FIFO or a
device is written into, a symbolic link's target replaced: :mod:`restore.outputs`); a
failure leaves an existing output as it was. A folder job records what made each output
(the input's path, size, time and SHA-256, the settings that shape the output) in
``<output>/.restore-run.jsonl`` (:class:`Bookkeeper`), so a rerun skips exactly the
outputs that the same input and settings made and redoes the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import formats
from .formats.base import BLOCK_LINES, FileReport, InputError, Options, Piece, PieceResult, PieceWriter, Restoring
from .formats.jsonl import parse_record
from .inputs import TEXT_SUFFIXES, Job, Walk, check_outputs, collect_jobs, output_path
from .outputs import (
    MANIFEST,
    Manifest,
    OutputError,
    destination,
    input_stamp,
    model_fingerprint,
    remove_orphan_temps,
    write_atomically,
)
from .spec import RestorerSpec

__all__ = [
    "Summary",
    "Bookkeeper",
    "Terminated",
    "run_jobs",
    "restore_file",
    "read_pieces",
    "restore_piece",
    "write_pieces",
    "settings_digest",
    "RECORD_WARNINGS",
    # the names a caller of restore run's machinery needs, from the modules that define them
    "Job",
    "Walk",
    "Options",
    "Piece",
    "PieceResult",
    "PieceWriter",
    "FileReport",
    "collect_jobs",
    "check_outputs",
    "model_fingerprint",
    "parse_record",
    "MANIFEST",
    "InputError",
    "OutputError",
    "TEXT_SUFFIXES",
    "BLOCK_LINES",
]

RECORD_WARNINGS = 20  # bad records reported one by one in a file; the rest are counted


class Terminated(BaseException):
    """The process got SIGTERM: unwinds like Ctrl-C, so no temporary file is left behind."""


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    skipped_finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (input, message): nothing written
    bad_records: list[tuple[str, int]] = field(default_factory=list)  # (input, records written unchanged)
    lines: int = 0


# ----------------------------------------------------------------------------- pieces


def read_pieces(fmt: str, stream: IO[bytes], name: str, opts: Options, stdin: bool = False) -> Iterator[Piece]:
    """The pieces of one input in the format called ``fmt``
    (:meth:`restore.formats.base.Format.read`). Raises ``InputError`` for an input that
    cannot be read."""
    return formats.get(fmt).read(stream, name, opts, stdin=stdin)


def restore_piece(restorer: Restoring, piece: Piece, fmt: str, opts: Options, name: str) -> PieceResult:
    """Restore one piece of the input ``name`` (format ``fmt``: txt, jsonl or parquet)."""
    return formats.get(fmt).restore(restorer, piece, opts, name)


def write_pieces(
    job: Job,
    dest: Path | None,
    results: Iterator[tuple[int, int, PieceResult]],
    on_lines: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = print,
) -> FileReport:
    """Write one job's restored pieces, in order, to ``dest`` (None: stdout; a temporary
    file renamed when complete otherwise). ``results``: ``(lines, replaced, result)`` for
    each piece: its lines (or rows), how many of them had bytes that are not UTF-8, and the
    restored piece. Bad records are reported with ``warn`` (the first ``RECORD_WARNINGS``
    of a file one by one, then a count). Both backends write through here; an error raised
    by ``results`` leaves nothing written."""
    fmt = job.format
    if dest is None and fmt.binary:
        raise InputError(f"{job.name}: {fmt.title} output needs -o (a file or folder), not stdout")
    if dest is None and sys.stdout is None:
        raise OutputError("stdout is closed: give -o FILE; nothing written")
    report = FileReport()

    def produce(sink: IO) -> None:
        writer = fmt.writer(sink)
        for lines, replaced, result in results:
            writer.write(result)
            report.lines += lines
            report.replaced += replaced
            for msg in result.bad:
                report.bad_records += 1
                if report.bad_records <= RECORD_WARNINGS:
                    warn(f"error: {msg}")
            on_lines(lines)
        writer.close()

    if dest is None:
        produce(sys.stdout)
        sys.stdout.flush()
    else:
        write_atomically(dest, produce, binary=fmt.binary)
    if report.bad_records > RECORD_WARNINGS:
        warn(
            f"error: {job.name}: {report.bad_records - RECORD_WARNINGS} more record(s) could not be "
            f"restored; written unchanged"
        )
    return report


# ----------------------------------------------------------------------------- settings


def settings_digest(opts: Options, fmt: str) -> str:
    """A digest of what, besides the input, shapes the bytes of an output of format ``fmt``
    (the errors mode is recorded apart: it matters only to inputs that needed it)."""
    settings = {"show_edits": opts.show_edits, "color": opts.color, **(opts.made_by or {})}
    if opts.format != "text":  # recorded only when set: the digests of earlier text outputs stay valid
        settings["format"] = opts.format
    if formats.get(fmt).has_fields:
        settings.update(field=opts.field, output_field=opts.output_field)
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- running


def restore_file(
    restorer: Restoring,
    job: Job,
    dest: Path | None,
    opts: Options,
    on_lines: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = print,
) -> FileReport:
    """Restore one job into ``dest`` (None: stdout), in this process. Raises ``InputError``
    for an input that cannot be read, ``OutputError`` for an output that cannot be written."""
    if job.source is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("<stdin>: stdin is closed; nothing read")
    else:
        try:
            stream = job.source.open("rb")
        except OSError as e:
            raise InputError(f"{job.name}: cannot read ({e.strerror or e})") from None
    try:
        pieces = read_pieces(job.fmt, stream, job.name, opts, stdin=job.source is None)
        results = (
            (len(piece), piece.replaced, restore_piece(restorer, piece, job.fmt, opts, job.name)) for piece in pieces
        )
        return write_pieces(job, dest, results, on_lines, warn)
    finally:
        if job.source is not None:
            stream.close()


class Bookkeeper:
    """What a run has done with its jobs, and what it may skip: checks the outputs, removes
    the temporary files that killed runs left, keeps a folder job's manifest. A file that
    fails leaves its existing output as it was (never deleted: the failure may be
    passing, and the output may be the user's only copy); the manifest still says what
    made that output, so a rerun redoes it only when its input or settings changed.
    Raises ``ValueError`` before any work when outputs collide (:func:`check_outputs`)."""

    def __init__(
        self,
        jobs: list[Job],
        output: Path | None,
        output_is_dir: bool,
        opts: Options,
        warn: Callable[[str], None] = print,
    ):
        check_outputs(jobs, output, output_is_dir)
        self.jobs, self.output, self.output_is_dir, self.opts, self.warn = jobs, output, output_is_dir, opts, warn
        self.summary = Summary()
        self.manifest = None
        if output is not None:
            if output_is_dir:
                remove_orphan_temps(output)
                self.manifest = Manifest(output)
            else:
                with contextlib.suppress(OutputError):  # the write reports it
                    how, target = destination(output)
                    if how == "replace":  # a symbolic link's temporary files are next to its target
                        remove_orphan_temps(target.parent, target.name)

    def dest(self, job: Job) -> Path | None:
        return output_path(job, self.output, self.output_is_dir)

    def pending(self) -> list[Job]:
        """The jobs to run: all but those the manifest says the same input and settings
        made (unless ``opts.overwrite``), which are counted as skipped."""
        todo = []
        for job in self.jobs:
            dest = self.dest(job)  # a folder job's (the manifest's) is never stdout
            if self.manifest is not None and dest is not None and job.source is not None and not self.opts.overwrite:
                with contextlib.suppress(OSError):
                    if self.manifest.is_finished(job, dest, settings_digest(self.opts, job.fmt), self.opts.errors):
                        self.summary.skipped_finished.append(job.name)
                        continue
            todo.append(job)
        return todo

    def stamp(self, job: Job) -> dict | None:
        """What the manifest records of a folder job's input (:func:`restore.outputs.input_stamp`),
        taken before it is read."""
        return input_stamp(job.source) if job.source is not None and self.manifest is not None else None

    def done(self, job: Job, report: FileReport, input_stamp: dict | None) -> None:
        # a file with bad records is not recorded: a rerun redoes it and reports them again
        dest = self.dest(job)
        if self.manifest is not None and dest is not None and input_stamp is not None and not report.bad_records:
            self.manifest.record(job, dest, settings_digest(self.opts, job.fmt), input_stamp, report.replaced > 0)
        self.summary.lines += report.lines
        self.summary.written.append(job.name)
        if report.bad_records:
            self.summary.bad_records.append((job.name, report.bad_records))

    def failed(self, job: Job, error: Exception) -> None:
        msg = (
            str(error)
            if isinstance(error, (InputError, OutputError))
            else f"{job.name}: {getattr(error, 'strerror', None) or error}"
        )
        self.summary.failed.append((job.name, msg))  # its existing output, if any, is left as it was
        if len(self.jobs) > 1:  # reported as it happens; the summary lists it again
            self.warn(f"error: {msg}")


def run_jobs(
    restorer: Restoring,
    jobs: list[Job],
    output: Path | None,
    output_is_dir: bool,
    opts: Options,
    on_lines: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = print,
    on_start: Callable[[list[Job]], None] = lambda jobs: None,
) -> Summary:
    """Restore every job, one after the other, in this process; a failing file is recorded
    and the others still run (see :class:`Bookkeeper`). ``on_start`` is called with the
    jobs that will run (those a folder rerun does not skip), before the first."""
    book = Bookkeeper(jobs, output, output_is_dir, opts, warn)
    todo = book.pending()
    on_start(todo)
    for job in todo:
        try:
            stamp = book.stamp(job)
            report = restore_file(restorer, job, book.dest(job), opts, on_lines, warn)
        except (InputError, OutputError, OSError) as e:
            book.failed(job, e)
            continue
        book.done(job, report, stamp)
    return book.summary


# ----------------------------------------------------------------------------- provenance


def made_by(spec: RestorerSpec, engine_class: str) -> dict:
    """What makes a folder job's outputs, recorded with each (:attr:`Options.made_by`): the
    model's files, the engine, its class and beams, and the thresholds; a rerun with another
    model or other settings redoes the outputs."""
    from dataclasses import asdict

    assert spec.thresholds is not None  # RestorerSpec.build fills in the model's own
    return {
        **model_fingerprint(spec.model),
        "engine": spec.engine,
        "engine_class": engine_class,
        "num_beams": spec.num_beams,
        **asdict(spec.thresholds),
    }
