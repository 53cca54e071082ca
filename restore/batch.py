"""Batch restoration of files and folders: what ``restore run`` does.

Text files are restored line by line (the output has exactly the input's lines, line
endings included); JSONL files have one field of each record restored and every other
field kept. Files are streamed in blocks of lines, so memory stays flat however large
the input; each output is written to a temporary file and renamed when complete, so an
interrupted folder job leaves only finished outputs and resumes where it stopped.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator

BLOCK_LINES = 256           # lines restored together (sorted by length inside the engine)
BLOCK_CHARS = 200_000       # ... or fewer when the lines are long
SNIFF_BYTES = 8192          # read to tell text from binary
ANSI_DEL, ANSI_INS, ANSI_END = "\033[31;9m", "\033[32m", "\033[0m"


class InputError(Exception):
    """A problem with one input file: the file is reported and the job goes on."""


@dataclass
class Job:
    source: Path | None           # None: stdin
    relative: Path                # path under the output folder
    fmt: str                      # "txt" or "jsonl"

    @property
    def name(self) -> str:
        return str(self.source) if self.source else "<stdin>"


@dataclass
class Options:
    field: str = "text"
    output_field: str | None = None
    errors: str = "strict"        # or "replace"
    show_edits: bool = False
    color: bool = False           # ANSI colours in the inline diff (a terminal)
    overwrite: bool = False


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    skipped_finished: list[str] = field(default_factory=list)
    skipped_binary: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    lines: int = 0


# ----------------------------------------------------------------------------- inputs

def file_format(path: Path) -> str:
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "txt"


def collect_jobs(inputs: list[str], recursive: bool = False, glob: str | None = None) -> list[Job]:
    """The files to restore. Raises ``ValueError`` for a missing path or a folder given
    without ``recursive``."""
    jobs: list[Job] = []
    for item in inputs:
        if item == "-":
            jobs.append(Job(None, Path("stdin.txt"), "txt"))
            continue
        path = Path(item)
        if not path.exists():
            raise ValueError(f"no such file or folder: {item}")
        if path.is_dir():
            if not recursive:
                raise ValueError(f"{item} is a folder: add --recursive to restore the files in it")
            found = sorted(p for p in path.rglob(glob or "*") if p.is_file() and not p.name.startswith("."))
            jobs += [Job(p, p.relative_to(path), file_format(p)) for p in found]
        elif path.is_file():
            jobs.append(Job(path, Path(path.name), file_format(path)))
        else:
            raise ValueError(f"{item} is not a regular file")
    return jobs


def looks_binary(head: bytes) -> bool:
    """NUL bytes, or mostly control bytes, in the first few KB: not a text file."""
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.1


def read_lines(stream: IO[bytes], name: str, errors: str) -> Iterator[tuple[str, str]]:
    """``(body, line_ending)`` for each line of a byte stream; a byte sequence that is not
    UTF-8 raises ``InputError`` with its byte offset, unless ``errors='replace'``."""
    offset = 0
    for raw in stream:
        body = raw.rstrip(b"\r\n")
        ending = raw[len(body):]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            if errors != "replace":
                raise InputError(f"{name}: not UTF-8 text at byte offset {offset + e.start} "
                                 f"(use --errors replace to continue with U+FFFD)") from None
            text = body.decode("utf-8", errors="replace")
        yield text, ending.decode("ascii")
        offset += len(raw)


def blocks(lines: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
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


def _restore_texts(restorer, texts: list[str], opts: Options) -> tuple[list[str], list[list]]:
    if opts.show_edits:
        pairs = restorer.restore_with_edits(texts)
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return restorer.restore(texts), [[] for _ in texts]


def restore_txt_block(restorer, block: list[tuple[str, str]], opts: Options) -> str:
    outputs, edits = _restore_texts(restorer, [body for body, _ in block], opts)
    if opts.show_edits:
        outputs = [inline_diff(body, e, opts.color) for (body, _), e in zip(block, edits)]
    return "".join(out + ending for out, (_, ending) in zip(outputs, block))


def restore_jsonl_block(restorer, block: list[tuple[str, str]], opts: Options, name: str,
                        first_line: int) -> str:
    records, todo = [], []
    for k, (body, _) in enumerate(block):
        if not body.strip():
            records.append(None)
            continue
        try:
            record = json.loads(body)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}: line {first_line + k}: not valid JSON ({e.msg})") from None
        if not isinstance(record, dict) or opts.field not in record:
            raise InputError(f"{name}: line {first_line + k}: no field {opts.field!r} (set it with --field)")
        if not isinstance(record[opts.field], str):
            raise InputError(f"{name}: line {first_line + k}: field {opts.field!r} is not a string")
        records.append(record)
        todo.append(record[opts.field])
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


# ----------------------------------------------------------------------------- running

def restore_stream(restorer, job: Job, stream: IO[bytes], sink: IO[str], opts: Options,
                   on_lines: Callable[[int], None] = lambda n: None) -> int:
    """Restore one input stream into ``sink``; returns the number of lines."""
    n = 0
    for block in blocks(read_lines(stream, job.name, opts.errors)):
        if job.fmt == "jsonl":
            sink.write(restore_jsonl_block(restorer, block, opts, job.name, n + 1))
        else:
            sink.write(restore_txt_block(restorer, block, opts))
        n += len(block)
        on_lines(len(block))
    return n


def write_atomically(dest: Path, produce: Callable[[IO[str]], None]) -> None:
    """Write ``dest`` through a temporary file in the same folder, renamed when done:
    ``dest`` is either absent, the old file, or the complete new one."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            produce(f)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_finished(source: Path, dest: Path) -> bool:
    """An output exists only once complete (atomic writes): one newer than its input is done."""
    return dest.is_file() and dest.stat().st_mtime >= source.stat().st_mtime


def run_jobs(restorer, jobs: list[Job], output: Path | None, output_is_dir: bool, opts: Options,
             on_lines: Callable[[int], None] = lambda n: None, warn: Callable[[str], None] = print) -> Summary:
    """Restore every job; a failing file is recorded and the others still run."""
    summary = Summary()
    for job in jobs:
        dest = (output / job.relative if output_is_dir else output) if output else None
        try:
            if job.source is None:
                stream = sys.stdin.buffer
                head = b""
            else:
                if dest is not None and output_is_dir and not opts.overwrite and is_finished(job.source, dest):
                    summary.skipped_finished.append(job.name)
                    continue
                stream = job.source.open("rb")
                head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
                if looks_binary(head):
                    stream.close()
                    summary.skipped_binary.append(job.name)
                    warn(f"warning: {job.name}: binary file, skipped")
                    continue
            try:
                if dest is None:
                    summary.lines += restore_stream(restorer, job, stream, sys.stdout, opts, on_lines)
                    sys.stdout.flush()
                else:
                    count = []
                    write_atomically(dest, lambda f: count.append(
                        restore_stream(restorer, job, stream, f, opts, on_lines)))
                    summary.lines += count[0]
            finally:
                if job.source is not None:
                    stream.close()
            summary.written.append(job.name)
        except (InputError, OSError) as e:
            msg = str(e) if isinstance(e, InputError) else f"{job.name}: {e.strerror or e}"
            summary.failed.append((job.name, msg))
            if len(jobs) > 1:  # reported as it happens; the summary lists it again
                warn(f"error: {msg}")
    return summary
