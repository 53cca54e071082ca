"""JSONL files: one field of each record restored, spliced into the line's own text so
that every other byte passes through (:func:`splice_record`). A record that cannot be
restored is reported and written out unchanged; a field the job would add that a record
already has stops the file. Each record is one document for the document gate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from .base import InputError, Options, Piece, PieceResult, Restoring, added_fields, register, restore_texts
from .text import TextFormat, read_lines


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


def _after_space(body: str, pos: int = 0) -> int:
    """Where the JSON whitespace at ``pos`` of ``body`` ends."""
    match = _WS.match(body, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


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
    pos = _after_space(body)
    if not body.startswith("{", pos):
        raise ValueError("not an object")
    pos = _after_space(body, pos + 1)
    members: list[_Member] = []
    if body.startswith("}", pos):
        return members
    while True:
        if not body.startswith('"', pos):
            raise ValueError("a key expected")
        key, key_end = _DECODER.raw_decode(body, pos)  # the string at pos
        colon = _after_space(body, key_end)
        if not body.startswith(":", colon):
            raise ValueError("':' expected")
        value_start = _after_space(body, colon + 1)
        _, value_end = _DECODER.raw_decode(body, value_start)
        members.append(_Member(key, pos, key_end, value_start, value_end))
        pos = _after_space(body, value_end)
        if body.startswith(",", pos):
            pos = _after_space(body, pos + 1)
        elif body.startswith("}", pos):
            return members
        else:
            raise ValueError("',' or '}' expected")


def splice_record(
    body: str, field_name: str, original: str, output: str, out_field: str, edits: list | None = None
) -> str:
    """The JSONL line ``body`` with ``output`` written to ``out_field`` and every other byte
    as it was: other fields, duplicate keys, number spellings (``1e400``, ``1.0``), escapes,
    spacing and key order. The value of ``field_name`` (its last occurrence, the one JSON
    readers take) is replaced when ``out_field`` is that field and the text changed; a new
    field, and ``<out_field>_edits`` when ``edits`` is given, are added after the last
    member with the record's own separators. Non-ASCII text is written as it is."""
    members = _members(body)
    field_member = [m for m in members if m.key == field_name][-1]
    colon = body[field_member.key_end : field_member.value_start]
    sep = body[members[-2].value_end : members[-1].key_start] if len(members) > 1 else ", "
    added: list[tuple[str, object]] = []
    if out_field != field_name:
        added.append((out_field, output))
    if edits is not None:
        added.append((f"{out_field}_edits", edits))
    end = members[-1].value_end
    text = (
        body[:end]
        + "".join(sep + json.dumps(k, ensure_ascii=False) + colon + json.dumps(v, ensure_ascii=False) for k, v in added)
        + body[end:]
    )
    if out_field == field_name and output != original:
        text = (
            text[: field_member.value_start] + json.dumps(output, ensure_ascii=False) + text[field_member.value_end :]
        )
    return text


class JsonlFormat(TextFormat):
    """JSON Lines: read as lines of text, one field (``--field``) of each record restored."""

    name = "jsonl"
    title = "JSONL"
    suffixes = (".jsonl", ".ndjson")
    has_fields = True

    def check_block(self, block: list[tuple[str, str]], first: int, name: str, opts: Options, stdin: bool) -> None:
        """A record that already has a field the job would add (:func:`added_fields`) stops
        the file, nothing written: a field is never overwritten silently."""
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
                    raise InputError(
                        f"{name}:{first + k}: the record already has a field {key!r}, which "
                        f"{flag} would overwrite; choose another --output-field; nothing written"
                    )

    def restore(self, restorer: Restoring, piece: Piece, opts: Options, name: str) -> PieceResult:
        records: list[dict | None] = []
        todo, bad = [], []
        for k, body in enumerate(piece.bodies):
            record = None
            if body.strip():
                record, problem = parse_record(body, opts.field)
                if record is None:
                    bad.append(f"{name}:{piece.first_line + k}: {problem}; written unchanged")
                else:
                    todo.append(record[opts.field])
            records.append(record)
        outputs, edits = restore_texts(restorer, todo, opts)
        out_field = opts.output_field or opts.field
        results, it = [], iter(zip(outputs, edits))
        for record, body, ending in zip(records, piece.bodies, piece.endings):
            if record is None:
                results.append(body + ending)
                continue
            output, record_edits = next(it)
            # spliced into the line's own text: every other byte of the record passes through
            results.append(
                splice_record(
                    body,
                    opts.field,
                    record[opts.field],
                    output,
                    out_field,
                    [e.as_dict() for e in record_edits] if opts.show_edits else None,
                )
                + ending
            )
        return PieceResult(text="".join(results), bad=bad)

    def sample(self, head: bytes, field: str) -> str | None:
        """The ``field`` of each whole record in the first bytes."""
        values = []
        for line in head.decode("utf-8", errors="ignore").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get(field), str):
                values.append(record[field])
        return "\n".join(values)

    def documents(
        self, stream: IO[bytes], name: str, field: str, lines: bool, warn: Callable[[str], None]
    ) -> Iterator[tuple[int | None, str]]:
        """The ``field`` of each record; a record without it is reported and skipped."""
        self.check_readable(stream, name)
        for n, (body, _) in enumerate(read_lines(stream, name, "strict"), 1):
            if body.strip():
                record, problem = parse_record(body, field)
                if problem is not None or record is None:
                    warn(f"{name}:{n}: {problem}; not scored")
                    continue
                yield n, record[field]


register(JsonlFormat())
