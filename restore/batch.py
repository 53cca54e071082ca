"""Batch restoration of files and folders: what ``restore run`` does.

Text files are restored line by line (the output has exactly the input's lines, line
endings included); JSONL files have one field of each record restored, spliced into the
line's own text so that every other byte passes through (:func:`splice_record`);
Parquet files have one column restored and every other column, and the schema's
metadata, kept. A record that cannot be restored is reported and written out unchanged;
a field or column the job would add that is already there stops the file.

A file is read as a sequence of :class:`Piece` s (a block of up to ``BLOCK_LINES`` lines,
or of Parquet rows), each restored on its own (:func:`restore_piece`) and written in order
(:class:`PieceWriter`): memory stays flat however large the input, and the Ray backend
(:mod:`restore.ray`) restores the same pieces on many workers and writes the same bytes.
Each output is written to a temporary file and renamed when complete (a FIFO or a
device is written into, a symbolic link's target replaced: :mod:`restore.outputs`); a
failure leaves an existing output as it was. A folder job records what made each output
(the input's path, size, time and SHA-256, the settings that shape the output) in
``<output>/.restore-run.jsonl`` (:class:`Bookkeeper`), so a rerun skips exactly the
outputs that the same input and settings made and redoes the others.

The document gate (:class:`restore.guards.Thresholds`, ``min_spun_score``) reads each
block of a text file (a whole article, usually) as one document, and each JSONL record or
Parquet row as one.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator

from .inputs import (SNIFF_BYTES, TEXT_SUFFIXES, FileReport, InputError, Job, Walk, check_outputs, collect_jobs,
                     output_path, read_lines, unreadable_reason)
from .outputs import (MANIFEST, Manifest, OutputError, destination, input_stamp, model_fingerprint,
                      remove_orphan_temps, write_atomically)
from .spec import RestorerSpec

__all__ = ["Job", "Walk", "Options", "Summary", "Piece", "PieceResult", "PieceWriter", "Bookkeeper", "FileReport",
           "collect_jobs", "check_outputs", "run_jobs", "restore_file", "read_pieces", "restore_piece",
           "write_pieces", "model_fingerprint", "MANIFEST", "InputError", "OutputError", "Terminated",
           "TEXT_SUFFIXES", "splice_record", "added_fields", "is_text_type"]

BLOCK_LINES = 256           # lines (or Parquet rows) restored together (sorted by length inside the engine)
BLOCK_CHARS = 200_000       # ... or fewer when the lines are long
ANSI_DEL, ANSI_INS, ANSI_END = "\033[31;9m", "\033[32m", "\033[0m"
RECORD_WARNINGS = 20        # bad records reported one by one in a file; the rest are counted


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
    # text files: "text" (the restored lines), "jsonl" or "m2" (restore.formats)
    format: str = "text"


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    skipped_finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)      # (input, message): nothing written
    bad_records: list[tuple[str, int]] = field(default_factory=list)  # (input, records written unchanged)
    lines: int = 0


# ----------------------------------------------------------------------------- pieces

@dataclass
class Piece:
    """A part of one input file, restored on its own: a block of lines (text, JSONL) or
    Parquet rows (``table``: an Arrow IPC stream of one record batch)."""
    index: int                    # 0, 1, ... in the file
    first_line: int               # line (or row) number of its first line, from 1
    bodies: list[str] = field(default_factory=list)
    endings: list[str] = field(default_factory=list)
    table: bytes | None = None
    rows: int = 0                 # Parquet rows in ``table``
    replaced: int = 0             # lines whose bytes were not UTF-8 (--errors replace)

    def __len__(self) -> int:
        return len(self.bodies) if self.table is None else self.rows


@dataclass
class PieceResult:
    """A restored piece: the output text (text, JSONL) or Arrow IPC bytes (Parquet), and the
    records written out unchanged (``"file:line: reason; written unchanged"``)."""
    text: str | None = None
    table: bytes | None = None
    bad: list[str] = field(default_factory=list)


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


def read_pieces(fmt: str, stream: IO[bytes], name: str, opts: Options, sniff: bool = True,
                refuse_jsonl: bool = False) -> Iterator[Piece]:
    """The pieces of one input. Raises ``InputError`` for an input that cannot be read:
    binary, UTF-16 or UTF-32 text, bytes that are not UTF-8 (unless ``opts.errors ==
    'replace'``), a Parquet file without a text column ``opts.field``, a record or column
    that ``--output-field`` or ``--show-edits`` would overwrite; with ``refuse_jsonl``
    (stdin read as text), text whose first line is a JSON object."""
    if fmt == "parquet":
        yield from _parquet_pieces(stream, name, opts)
        return
    if sniff:
        reason = unreadable_reason(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]) if hasattr(stream, "peek") else None
        if reason:
            raise InputError(f"{name}: {reason}; nothing written")
    report, first = FileReport(), 1
    for index, block in enumerate(blocks(read_lines(stream, name, opts.errors, report))):
        if index == 0 and refuse_jsonl:
            _refuse_jsonl(block, name)
        if fmt == "jsonl":
            _check_record_fields(block, first, name, opts)
        yield Piece(index, first, [b for b, _ in block], [e for _, e in block], replaced=report.replaced)
        report.replaced = 0
        first += len(block)


def _refuse_jsonl(block: list[tuple[str, str]], name: str) -> None:
    """Stdin is read as text unless ``--field`` says it is JSONL: restoring JSON records as
    prose would change their keys and break their syntax, so a first line that is a JSON
    object stops the job before anything is written."""
    for k, (body, _) in enumerate(block):
        if not body.strip():
            continue
        try:
            is_object = isinstance(json.loads(body), dict)
        except ValueError:
            is_object = False
        if is_object:
            raise InputError(f"{name}: line {k + 1} is a JSON object: stdin is read as text unless --field "
                             f"is given; add --field NAME to restore that field of each JSONL record; "
                             f"nothing written")
        return


def added_fields(opts: Options) -> list[tuple[str, str]]:
    """The fields (JSONL) or columns (Parquet) a job adds to each record, with the option
    that adds each: ``--output-field`` (when it is not ``--field``), ``<out>_edits``."""
    out_field = opts.output_field or opts.field
    return (([(out_field, "--output-field")] if out_field != opts.field else [])
            + ([(f"{out_field}_edits", "--show-edits")] if opts.show_edits else []))


def _check_record_fields(block: list[tuple[str, str]], first: int, name: str, opts: Options) -> None:
    """A JSONL record that already has a field the job would add (:func:`added_fields`)
    stops the file, nothing written: a field is never overwritten silently."""
    added = added_fields(opts)
    if not added:
        return
    for k, (body, _) in enumerate(block):
        try:
            record = json.loads(body)
        except ValueError:
            continue  # written unchanged, reported as such
        if not isinstance(record, dict) or not isinstance(record.get(opts.field), str):
            continue  # written unchanged, reported as such
        for key, flag in added:
            if key in record:
                raise InputError(f"{name}:{first + k}: the record already has a field {key!r}, which "
                                 f"{flag} would overwrite; choose another --output-field; nothing written")


# ----------------------------------------------------------------------------- restoring

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
        record[field_name].encode("utf-8")
    except UnicodeEncodeError:
        return None, "lone surrogate escape (such as \\ud800): not valid Unicode text"
    return record, None


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass
class _Member:
    """One ``"key": value`` of a JSON object's text: where the key starts and ends, where its value starts and ends."""
    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int


def _members(body: str) -> list[_Member]:
    """The members of the top-level JSON object ``body`` (valid JSON), in order, duplicates included."""
    pos = _WS.match(body).end()
    if not body.startswith("{", pos):
        raise ValueError("not an object")
    pos = _WS.match(body, pos + 1).end()
    members: list[_Member] = []
    if body.startswith("}", pos):
        return members
    while True:
        if not body.startswith('"', pos):
            raise ValueError("a key expected")
        key, key_end = json.decoder.scanstring(body, pos + 1)
        colon = _WS.match(body, key_end).end()
        if not body.startswith(":", colon):
            raise ValueError("':' expected")
        value_start = _WS.match(body, colon + 1).end()
        _, value_end = _DECODER.raw_decode(body, value_start)
        members.append(_Member(key, pos, key_end, value_start, value_end))
        pos = _WS.match(body, value_end).end()
        if body.startswith(",", pos):
            pos = _WS.match(body, pos + 1).end()
        elif body.startswith("}", pos):
            return members
        else:
            raise ValueError("',' or '}' expected")


def splice_record(body: str, field_name: str, original: str, output: str, out_field: str,
                  edits: list | None = None) -> str:
    """The JSONL line ``body`` with ``output`` written to ``out_field`` and every other byte
    as it was: other fields, duplicate keys, number spellings (``1e400``, ``1.0``), escapes,
    spacing and key order. The value of ``field_name`` (its last occurrence, the one JSON
    readers take) is replaced when ``out_field`` is that field and the text changed; a new
    field, and ``<out_field>_edits`` when ``edits`` is given, are added after the last
    member with the record's own separators. Non-ASCII text is written as it is."""
    members = _members(body)
    field_member = [m for m in members if m.key == field_name][-1]
    colon = body[field_member.key_end:field_member.value_start]
    sep = body[members[-2].value_end:members[-1].key_start] if len(members) > 1 else ", "
    added = []
    if out_field != field_name:
        added.append((out_field, output))
    if edits is not None:
        added.append((f"{out_field}_edits", edits))
    end = members[-1].value_end
    text = body[:end] + "".join(sep + json.dumps(k, ensure_ascii=False) + colon + json.dumps(v, ensure_ascii=False)
                                for k, v in added) + body[end:]
    if out_field == field_name and output != original:
        text = (text[:field_member.value_start] + json.dumps(output, ensure_ascii=False)
                + text[field_member.value_end:])
    return text


def restore_piece(restorer, piece: Piece, fmt: str, opts: Options, name: str) -> PieceResult:
    """Restore one piece of the input ``name`` (format ``fmt``: txt, jsonl or parquet)."""
    if fmt == "parquet":
        return _restore_parquet_piece(restorer, piece, opts, name)
    if fmt == "jsonl":
        return _restore_jsonl_piece(restorer, piece, opts, name)
    # a block of lines is one document for the document gate (a whole article, usually)
    if opts.format != "text":
        from .formats import render_lines

        return PieceResult(text=render_lines(restorer, piece.bodies, piece.first_line, opts.format))
    outputs, edits = _restore_texts(restorer, piece.bodies, opts, one_document=True)
    if opts.show_edits:
        outputs = [inline_diff(body, e, opts.color) for body, e in zip(piece.bodies, edits)]
    return PieceResult(text="".join(out + ending for out, ending in zip(outputs, piece.endings)))


def _restore_jsonl_piece(restorer, piece: Piece, opts: Options, name: str) -> PieceResult:
    records, todo, bad = [], [], []
    for k, body in enumerate(piece.bodies):
        record = None
        if body.strip():
            record, problem = parse_record(body, opts.field)
            if problem is not None:
                bad.append(f"{name}:{piece.first_line + k}: {problem}; written unchanged")
            else:
                todo.append(record[opts.field])
        records.append(record)
    outputs, edits = _restore_texts(restorer, todo, opts)
    out_field = opts.output_field or opts.field
    results, it = [], iter(zip(outputs, edits))
    for record, body, ending in zip(records, piece.bodies, piece.endings):
        if record is None:
            results.append(body + ending)
            continue
        output, record_edits = next(it)
        # spliced into the line's own text: every other byte of the record passes through
        results.append(splice_record(body, opts.field, record[opts.field], output, out_field,
                                     [e.as_dict() for e in record_edits] if opts.show_edits else None) + ending)
    return PieceResult(text="".join(results), bad=bad)


# ----------------------------------------------------------------------------- Parquet

def _ipc_bytes(batch) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _ipc_batch(data: bytes):
    import pyarrow as pa

    reader = pa.ipc.open_stream(data)
    batches = list(reader)  # one, as _ipc_bytes writes it
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=reader.schema)


def is_text_type(kind) -> bool:
    """A Parquet/Arrow column type ``restore run`` reads as text: string, large string,
    string view, or one of those dictionary-encoded (a pandas Categorical of strings)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    view = getattr(pa.types, "is_string_view", lambda t: False)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or view(kind)


def _parquet_pieces(stream: IO[bytes], name: str, opts: Options) -> Iterator[Piece]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{name}: not a Parquet file ({str(e).splitlines()[0][:120]}); nothing written") from None
    schema = pf.schema_arrow
    if opts.field not in schema.names:
        raise InputError(f"{name}: no column {opts.field!r} (set it with --field); nothing written")
    kind = schema.field(opts.field).type
    if not is_text_type(kind):
        raise InputError(f"{name}: column {opts.field!r} is {kind}, not text; nothing written")
    for column, flag in added_fields(opts):
        if column in schema.names:
            raise InputError(f"{name}: the file already has a column {column!r}, which {flag} would overwrite; "
                             f"choose another --output-field; nothing written")
    first, index = 1, 0
    for batch in pf.iter_batches(batch_size=BLOCK_LINES):
        yield Piece(index, first, table=_ipc_bytes(batch), rows=batch.num_rows)
        first += batch.num_rows
        index += 1
    if index == 0:  # no rows: one empty piece carries the schema
        yield Piece(0, 1, table=_ipc_bytes(pa.RecordBatch.from_pylist([], schema=schema)))


def _restore_parquet_piece(restorer, piece: Piece, opts: Options, name: str) -> PieceResult:
    import pyarrow as pa

    batch = _ipc_batch(piece.table)
    values = batch.column(opts.field).to_pylist()
    todo = [k for k, v in enumerate(values) if v is not None]
    bad = [f"{name}:row {piece.first_line + k}: field {opts.field!r} is null; written unchanged"
           for k, v in enumerate(values) if v is None]
    outputs, edits = _restore_texts(restorer, [values[k] for k in todo], opts)
    restored = list(values)
    for k, out in zip(todo, outputs):
        restored[k] = out
    out_field = opts.output_field or opts.field
    # the schema is kept whole: field types (a dictionary-encoded column stays one), field
    # metadata, and the schema metadata (pandas' index and dtypes, the writer's own keys)
    schema = batch.schema
    kind = schema.field(opts.field).type
    fields, arrays = list(schema), list(batch.columns)
    column = pa.array(restored, type=kind)
    if out_field == opts.field:
        arrays[schema.names.index(opts.field)] = column
    else:
        fields.append(pa.field(out_field, kind))
        arrays.append(column)
    if opts.show_edits:
        all_edits: list = [None] * len(values)
        for k, e in zip(todo, edits):
            all_edits[k] = json.dumps([x.as_dict() for x in e], ensure_ascii=False)
        fields.append(pa.field(f"{out_field}_edits", pa.string()))
        arrays.append(pa.array(all_edits, type=pa.string()))
    out = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields, metadata=schema.metadata))
    return PieceResult(table=_ipc_bytes(out), bad=bad)


# ----------------------------------------------------------------------------- writing

class PieceWriter:
    """Writes restored pieces, in order, to one output (a text sink; Parquet: a binary one)."""

    def __init__(self, fmt: str, sink: IO):
        self.fmt, self.sink, self.parquet = fmt, sink, None

    def write(self, result: PieceResult) -> None:
        if self.fmt != "parquet":
            self.sink.write(result.text)
            return
        import pyarrow.parquet as pq

        batch = _ipc_batch(result.table)
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.sink, batch.schema)
        self.parquet.write_batch(batch)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


def write_pieces(job: Job, dest: Path | None, results: Iterator[tuple[int, int, PieceResult]],
                 on_lines: Callable[[int], None] = lambda n: None,
                 warn: Callable[[str], None] = print) -> FileReport:
    """Write one job's restored pieces, in order, to ``dest`` (None: stdout; a temporary
    file renamed when complete otherwise). ``results``: ``(lines, replaced, result)`` for
    each piece: its lines (or rows), how many of them had bytes that are not UTF-8, and the
    restored piece. Bad records are reported with ``warn`` (the first ``RECORD_WARNINGS``
    of a file one by one, then a count). Both backends write through here; an error raised
    by ``results`` leaves nothing written."""
    if dest is None and job.fmt == "parquet":
        raise InputError(f"{job.name}: Parquet output needs -o (a file or folder), not stdout")
    if dest is None and sys.stdout is None:
        raise OutputError("stdout is closed: give -o FILE; nothing written")
    report = FileReport()

    def produce(sink: IO) -> None:
        writer = PieceWriter(job.fmt, sink)
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
        write_atomically(dest, produce, binary=job.fmt == "parquet")
    if report.bad_records > RECORD_WARNINGS:
        warn(f"error: {job.name}: {report.bad_records - RECORD_WARNINGS} more record(s) could not be "
             f"restored; written unchanged")
    return report


# ----------------------------------------------------------------------------- settings

def settings_digest(opts: Options, fmt: str) -> str:
    """A digest of what, besides the input, shapes the bytes of an output of format ``fmt``
    (the errors mode is recorded apart: it matters only to inputs that needed it)."""
    settings = {"show_edits": opts.show_edits, "color": opts.color, **(opts.made_by or {})}
    if opts.format != "text":  # recorded only when set: the digests of earlier text outputs stay valid
        settings["format"] = opts.format
    if fmt in ("jsonl", "parquet"):
        settings.update(field=opts.field, output_field=opts.output_field)
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- running

def restore_file(restorer, job: Job, dest: Path | None, opts: Options,
                 on_lines: Callable[[int], None] = lambda n: None,
                 warn: Callable[[str], None] = print) -> FileReport:
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
        pieces = read_pieces(job.fmt, stream, job.name, opts, sniff=job.source is not None,
                             refuse_jsonl=job.source is None and job.fmt == "txt")
        results = ((len(piece), piece.replaced, restore_piece(restorer, piece, job.fmt, opts, job.name))
                   for piece in pieces)
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

    def __init__(self, jobs: list[Job], output: Path | None, output_is_dir: bool, opts: Options,
                 warn: Callable[[str], None] = print):
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
            if self.manifest is not None and job.source is not None and not self.opts.overwrite:
                with contextlib.suppress(OSError):
                    if self.manifest.is_finished(job, self.dest(job), settings_digest(self.opts, job.fmt),
                                                 self.opts.errors):
                        self.summary.skipped_finished.append(job.name)
                        continue
            todo.append(job)
        return todo

    def stamp(self, job: Job) -> dict | None:
        """What the manifest records of a folder job's input (:func:`restore.outputs.input_stamp`),
        taken before it is read."""
        return input_stamp(job.source) if job.source is not None and self.manifest is not None else None

    def done(self, job: Job, report: FileReport, input_stamp: list[int] | None) -> None:
        # a file with bad records is not recorded: a rerun redoes it and reports them again
        if self.manifest is not None and input_stamp is not None and not report.bad_records:
            self.manifest.record(job, self.dest(job), settings_digest(self.opts, job.fmt), input_stamp,
                                 report.replaced > 0)
        self.summary.lines += report.lines
        self.summary.written.append(job.name)
        if report.bad_records:
            self.summary.bad_records.append((job.name, report.bad_records))

    def failed(self, job: Job, error: Exception) -> None:
        msg = str(error) if isinstance(error, (InputError, OutputError)) else \
            f"{job.name}: {getattr(error, 'strerror', None) or error}"
        self.summary.failed.append((job.name, msg))  # its existing output, if any, is left as it was
        if len(self.jobs) > 1:  # reported as it happens; the summary lists it again
            self.warn(f"error: {msg}")


def run_jobs(restorer, jobs: list[Job], output: Path | None, output_is_dir: bool, opts: Options,
             on_lines: Callable[[int], None] = lambda n: None, warn: Callable[[str], None] = print,
             on_start: Callable[[list[Job]], None] = lambda jobs: None) -> Summary:
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

    return {**model_fingerprint(spec.model), "engine": spec.engine, "engine_class": engine_class,
            "num_beams": spec.num_beams, **asdict(spec.thresholds)}
