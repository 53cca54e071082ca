"""Batch restoration of files and folders: what ``restore run`` does.

Text files are restored line by line (the output has exactly the input's lines, line
endings included); JSONL files have one field of each record restored and every other
field kept, and a record that cannot be restored is reported and written out unchanged.
Files are streamed in blocks of lines, so memory stays flat however large the input;
each output is written to a temporary file and renamed when complete. A folder job
records what made each output (the input's size and time, the settings that shape the
output) in ``<output>/.restore-run.jsonl``, so a rerun skips exactly the outputs that the
same input and settings made and redoes the others.

The document gate (:class:`restore.guards.Thresholds`, ``min_spun_score``) reads each
block of a text file (up to ``BLOCK_LINES`` lines: a whole article, usually) as one
document, and each JSONL record as one.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator

from .inputs import (SNIFF_BYTES, TEXT_SUFFIXES, FileReport, InputError, Job, check_outputs, collect_jobs, output_path,
                     read_lines, unreadable_reason)
from .outputs import (MANIFEST, Manifest, OutputError, file_stamp, model_fingerprint, remove_orphan_temps,
                      write_atomically)

__all__ = ["Job", "Options", "Summary", "collect_jobs", "check_outputs", "run_jobs", "restore_file",
           "model_fingerprint", "MANIFEST", "OutputError", "Terminated", "TEXT_SUFFIXES"]

BLOCK_LINES = 256           # lines restored together (sorted by length inside the engine)
BLOCK_CHARS = 200_000       # ... or fewer when the lines are long
ANSI_DEL, ANSI_INS, ANSI_END = "\033[31;9m", "\033[32m", "\033[0m"
RECORD_WARNINGS = 20        # bad JSONL records reported one by one in a file; the rest are counted


class Terminated(BaseException):
    """The process got SIGTERM: unwinds like Ctrl-C, so no temporary file is left behind."""


@dataclass
class Options:
    field: str = "text"
    output_field: str | None = None
    errors: str = "strict"        # or "replace"
    show_edits: bool = False
    color: bool = False           # ANSI colours in the inline diff (a terminal)
    overwrite: bool = False
    # what else shapes the output bytes (model files, engine, thresholds): recorded with each
    # output of a folder job, so that a rerun with other settings redoes it
    made_by: dict | None = None


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    skipped_finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)      # (input, message): nothing written
    bad_records: list[tuple[str, int]] = field(default_factory=list)  # (input, records written unchanged)
    lines: int = 0


# ----------------------------------------------------------------------------- blocks

def blocks(lines: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """Lines in blocks of ``BLOCK_LINES`` (or ``BLOCK_CHARS``): restored together, and one
    document each for the document gate."""
    block, chars = [], 0
    for line in lines:
        block.append(line)
        chars += len(line[0])
        if len(block) >= BLOCK_LINES or chars >= BLOCK_CHARS:
            yield block
            block, chars = [], 0
    if block:
        yield block


# ----------------------------------------------------------------------------- formatting

def inline_diff(text: str, edits, color: bool) -> str:
    """``text`` with each edit shown in place: coloured on a terminal, else
    ``[-old-]{+new+}`` (wdiff style)."""
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        parts.append(text[pos:e.start])
        if color:
            parts.append((f"{ANSI_DEL}{e.spun}{ANSI_END}" if e.spun else "")
                         + (f"{ANSI_INS}{e.replacement}{ANSI_END}" if e.replacement else ""))
        else:
            parts.append((f"[-{e.spun}-]" if e.spun else "") + (f"{{+{e.replacement}+}}" if e.replacement else ""))
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _restore_texts(restorer, texts: list[str], opts: Options, one_document: bool = False) -> tuple[list[str], list[list]]:
    if opts.show_edits:
        pairs = restorer.restore_with_edits(texts, one_document=one_document)
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return restorer.restore(texts, one_document=one_document), [[] for _ in texts]


def restore_txt_block(restorer, block: list[tuple[str, str]], opts: Options) -> str:
    # a block of lines is one document for the document gate (a whole article, usually)
    outputs, edits = _restore_texts(restorer, [body for body, _ in block], opts, one_document=True)
    if opts.show_edits:
        outputs = [inline_diff(body, e, opts.color) for (body, _), e in zip(block, edits)]
    return "".join(out + ending for out, (_, ending) in zip(outputs, block))


def parse_record(body: str, field_name: str) -> tuple[dict | None, str | None]:
    """``(record, None)`` for a JSONL line that can be restored, else ``(None, why not)``."""
    try:
        record = json.loads(body)
    except json.JSONDecodeError as e:
        return None, f"not valid JSON ({e.msg})"
    if not isinstance(record, dict) or field_name not in record:
        return None, f"no field {field_name!r} (set it with --field)"
    if not isinstance(record[field_name], str):
        return None, f"field {field_name!r} is not a string"
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return None, "lone surrogate escape (such as \\ud800): not valid Unicode text"
    return record, None


def restore_jsonl_block(restorer, block: list[tuple[str, str]], opts: Options, name: str,
                        first_line: int, bad: list[str] | None = None) -> str:
    """The block's records with ``opts.field`` restored. A record that cannot be restored
    is written out unchanged and ``"file:line: reason"`` appended to ``bad``."""
    records, todo = [], []
    for k, (body, _) in enumerate(block):
        record = None
        if body.strip():
            record, problem = parse_record(body, opts.field)
            if problem is not None:
                if bad is not None:
                    bad.append(f"{name}:{first_line + k}: {problem}; written unchanged")
            else:
                todo.append(record[opts.field])
        records.append(record)
    outputs, edits = _restore_texts(restorer, todo, opts)
    out_field = opts.output_field or opts.field
    results, it = [], iter(zip(outputs, edits))
    for record, (body, ending) in zip(records, block):
        if record is None:
            results.append(body + ending)
            continue
        output, record_edits = next(it)
        record[out_field] = output
        if opts.show_edits:
            record[f"{out_field}_edits"] = [e.as_dict() for e in record_edits]
        results.append(json.dumps(record, ensure_ascii=False) + (ending or ""))
    return "".join(results)


# ----------------------------------------------------------------------------- settings

def settings_digest(opts: Options, fmt: str) -> str:
    """A digest of what, besides the input, shapes the bytes of an output of format ``fmt``
    (the errors mode is recorded apart: it matters only to inputs that needed it)."""
    settings = {"show_edits": opts.show_edits, "color": opts.color, **(opts.made_by or {})}
    if fmt == "jsonl":
        settings.update(field=opts.field, output_field=opts.output_field)
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- running

def restore_stream(restorer, job: Job, stream: IO[bytes], sink: IO[str], opts: Options,
                   on_lines: Callable[[int], None] = lambda n: None,
                   warn: Callable[[str], None] = print) -> FileReport:
    """Restore one input stream into ``sink``; bad JSONL records are reported with ``warn``."""
    report = FileReport()
    for block in blocks(read_lines(stream, job.name, opts.errors, report)):
        if job.fmt == "jsonl":
            bad: list[str] = []
            sink.write(restore_jsonl_block(restorer, block, opts, job.name, report.lines + 1, bad))
            for msg in bad:
                report.bad_records += 1
                if report.bad_records <= RECORD_WARNINGS:
                    warn(f"error: {msg}")
        else:
            sink.write(restore_txt_block(restorer, block, opts))
        report.lines += len(block)
        on_lines(len(block))
    if report.bad_records > RECORD_WARNINGS:
        warn(f"error: {job.name}: {report.bad_records - RECORD_WARNINGS} more record(s) could not be "
             f"restored; written unchanged")
    return report


def restore_file(restorer, job: Job, dest: Path | None, opts: Options,
                 on_lines: Callable[[int], None] = lambda n: None,
                 warn: Callable[[str], None] = print) -> FileReport:
    """Restore one job into ``dest`` (None: stdout). Raises ``InputError`` for an input
    that cannot be read as UTF-8 text, ``OutputError`` for an output that cannot be written."""
    if job.source is None:
        stream = sys.stdin.buffer
    else:
        try:
            stream = job.source.open("rb")
        except OSError as e:
            raise InputError(f"{job.name}: cannot read ({e.strerror or e})") from None
    try:
        if job.source is not None:
            reason = unreadable_reason(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])
            if reason:
                raise InputError(f"{job.name}: {reason}; nothing written")
        if dest is None:
            report = restore_stream(restorer, job, stream, sys.stdout, opts, on_lines, warn)
            sys.stdout.flush()
            return report
        reports = []
        write_atomically(dest, lambda f: reports.append(restore_stream(restorer, job, stream, f, opts,
                                                                       on_lines, warn)))
        return reports[0]
    finally:
        if job.source is not None:
            stream.close()


def run_jobs(restorer, jobs: list[Job], output: Path | None, output_is_dir: bool, opts: Options,
             on_lines: Callable[[int], None] = lambda n: None, warn: Callable[[str], None] = print) -> Summary:
    """Restore every job; a failing file is recorded and the others still run. Temporary
    files that killed runs left are removed first. A folder job skips an output its
    manifest says the same input and settings made (unless ``opts.overwrite``). The old
    output of a file that fails is removed: no output is left that does not match its input.
    Raises ``ValueError`` before any work when outputs collide (:func:`check_outputs`)."""
    check_outputs(jobs, output, output_is_dir)
    summary = Summary()
    manifest = None
    if output is not None:
        if output_is_dir:
            remove_orphan_temps(output)
            manifest = Manifest(output)
        else:
            remove_orphan_temps(output.parent, output.name)
    for job in jobs:
        dest = output_path(job, output, output_is_dir)
        settings = settings_digest(opts, job.fmt)
        try:
            input_stamp = file_stamp(job.source) if job.source is not None else None
            if manifest is not None and input_stamp is not None and not opts.overwrite \
                    and manifest.is_finished(job, dest, settings, opts.errors):
                summary.skipped_finished.append(job.name)
                continue
            report = restore_file(restorer, job, dest, opts, on_lines, warn)
            # a file with bad records is not recorded: a rerun redoes it and reports them again
            if manifest is not None and input_stamp is not None and not report.bad_records:
                manifest.record(job, dest, settings, input_stamp, report.replaced > 0)
        except (InputError, OutputError, OSError) as e:
            msg = str(e) if isinstance(e, (InputError, OutputError)) else f"{job.name}: {e.strerror or e}"
            summary.failed.append((job.name, msg))
            if dest is not None:
                with contextlib.suppress(OSError):
                    dest.unlink(missing_ok=True)
            if len(jobs) > 1:  # reported as it happens; the summary lists it again
                warn(f"error: {msg}")
            continue
        summary.lines += report.lines
        summary.written.append(job.name)
        if report.bad_records:
            summary.bad_records.append((job.name, report.bad_records))
    return summary
