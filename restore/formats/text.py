"""Text files: restored line by line, the output has exactly the input's lines, line
endings included. A block of lines (``BLOCK_LINES``, a whole article usually) is one
piece and one document for the document gate. Also how any line-based input is read:
byte for byte, line endings kept, bad bytes reported with their offset, UTF-16, UTF-32
and binary files told apart from text.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from .base import (
    BLOCK_CHARS,
    BLOCK_LINES,
    FileReport,
    Format,
    InputError,
    Options,
    Piece,
    PieceResult,
    Restoring,
    register,
    restore_texts,
)
from .records import render_lines

SNIFF_BYTES = 8192  # read to tell text from binary
COUNT_CHUNK = 1 << 20  # read at a time to count lines
DELETED_STYLE, INSERTED_STYLE = "red strike", "green"  # rich styles of the coloured inline diff


# ----------------------------------------------------------------------------- bytes to lines


def looks_binary(head: bytes) -> bool:
    """NUL bytes, or mostly control bytes, in the first few KB: not a text file."""
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.1


def wide_encoding(head: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``head`` is text in one of them (with or without a
    byte-order mark), else None. charset-normalizer names the encoding; it is asked only
    where the bytes are not plain text (a byte-order mark, NUL bytes: ASCII characters,
    newlines included, are half or three quarters NUL there, or many control bytes), since
    on a few bytes of 8-bit text it may guess UTF-16 too (``experiments/encoding_sniffing.py``)."""
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not looks_binary(head):
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    encoding = best.encoding if best is not None else ""
    return "UTF-32" if encoding.startswith("utf_32") else "UTF-16" if encoding.startswith("utf_16") else None


def unreadable_reason(head: bytes) -> str | None:
    """Why a file starting with ``head`` cannot be restored as text (None: it can; bytes
    that are not UTF-8 in 8-bit text are reported by :func:`read_lines`, with their offset)."""
    wide = wide_encoding(head)
    if wide:
        return f"{wide} text, not UTF-8 (convert it first, e.g. iconv -f {wide} -t UTF-8)"
    if looks_binary(head):
        return "binary file, not text"
    return None


def read_lines(
    stream: IO[bytes], name: str, errors: str, report: FileReport | None = None
) -> Iterator[tuple[str, str]]:
    """``(body, line_ending)`` for each line of a byte stream; a byte sequence that is not
    UTF-8 raises ``InputError`` with its byte offset, unless ``errors='replace'`` (then
    ``report.replaced`` counts the lines it changed). A read error raises ``InputError``."""
    offset = 0
    while True:
        try:
            raw = stream.readline()
        except OSError as e:
            raise InputError(f"{name}: cannot read ({e.strerror or e})") from None
        if not raw:
            return
        body = raw.rstrip(b"\r\n")
        ending = raw[len(body) :]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            if errors != "replace":
                raise InputError(
                    f"{name}: not UTF-8 text at byte offset {offset + e.start} "
                    f"(use --errors replace to continue with U+FFFD); nothing written"
                ) from None
            text = body.decode("utf-8", errors="replace")
            if report is not None:
                report.replaced += 1
        yield text, ending.decode("ascii")
        offset += len(raw)


def blocks(lines: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """Lines in blocks of ``BLOCK_LINES`` (or ``BLOCK_CHARS``): restored together, and one
    document each for the document gate."""
    block: list[tuple[str, str]] = []
    chars = 0
    for line in lines:
        block.append(line)
        chars += len(line[0])
        if len(block) >= BLOCK_LINES or chars >= BLOCK_CHARS:
            yield block
            block, chars = [], 0
    if block:
        yield block


def refuse_jsonl(block: list[tuple[str, str]], name: str) -> None:
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
            raise InputError(
                f"{name}: line {k + 1} is a JSON object: stdin is read as text unless --field "
                f"is given; add --field NAME to restore that field of each JSONL record; "
                f"nothing written"
            )
        return


def colors_on(stream: IO[str]) -> bool:
    """Whether an inline diff written to ``stream`` is coloured: rich's terminal detection
    (a terminal; ``NO_COLOR`` set to anything but "" turns colours off, https://no-color.org;
    ``FORCE_COLOR`` on; ``TERM=dumb`` off; Windows consoles)."""
    from rich.console import Console

    console = Console(file=stream)
    return console.is_terminal and not console.no_color and console.color_system is not None


def inline_diff(text: str, edits, color: bool) -> str:
    """``text`` with each edit shown in place: coloured on a terminal (deleted words red and
    struck through, inserted ones green), else ``[-old-]{+new+}`` (wdiff style)."""
    if color:
        from rich.color import ColorSystem
        from rich.style import Style

        deleted, inserted = Style.parse(DELETED_STYLE), Style.parse(INSERTED_STYLE)
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        parts.append(text[pos : e.start])
        if color:
            parts.append(
                (deleted.render(e.spun, color_system=ColorSystem.STANDARD) if e.spun else "")
                + (inserted.render(e.replacement, color_system=ColorSystem.STANDARD) if e.replacement else "")
            )
        else:
            parts.append((f"[-{e.spun}-]" if e.spun else "") + (f"{{+{e.replacement}+}}" if e.replacement else ""))
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


# ----------------------------------------------------------------------------- the format


class TextFormat(Format):
    """Lines of text, each restored; the format of any file whose suffix no other format reads."""

    name = "txt"
    title = "text"
    suffixes: tuple[str, ...] = (".txt", ".text", ".md")

    def read(self, stream: IO[bytes], name: str, opts: Options, stdin: bool = False) -> Iterator[Piece]:
        """The blocks of lines of one input. Raises ``InputError`` for an input that cannot
        be read: binary, UTF-16 or UTF-32 text (files: stdin is not sniffed), bytes that are
        not UTF-8 (unless ``opts.errors == 'replace'``), or what :meth:`check_block` refuses."""
        if not stdin:
            self.check_readable(stream, name, "; nothing written")
        report, first = FileReport(), 1
        for index, block in enumerate(blocks(read_lines(stream, name, opts.errors, report))):
            self.check_block(block, first, name, opts, stdin)
            yield Piece(index, first, [b for b, _ in block], [e for _, e in block], replaced=report.replaced)
            report.replaced = 0
            first += len(block)

    def check_block(self, block: list[tuple[str, str]], first: int, name: str, opts: Options, stdin: bool) -> None:
        """Stdin read as text whose first line is a JSON object stops the job (:func:`refuse_jsonl`)."""
        if first == 1 and stdin:
            refuse_jsonl(block, name)

    def restore(self, restorer: Restoring, piece: Piece, opts: Options, name: str) -> PieceResult:
        # a block of lines is one document for the document gate (a whole article, usually)
        if opts.format != "text":
            return PieceResult(text=render_lines(restorer, piece.bodies, piece.first_line, opts.format))
        outputs, edits = restore_texts(restorer, piece.bodies, opts, one_document=True)
        if opts.show_edits:
            outputs = [inline_diff(body, e, opts.color) for body, e in zip(piece.bodies, edits)]
        return PieceResult(text="".join(out + ending for out, ending in zip(outputs, piece.endings)))

    def count(self, path: Path) -> int:
        """The lines ``restore run`` reads from a file, the last one without a newline included."""
        n, last = 0, b"\n"
        with open(path, "rb") as f:
            while chunk := f.read(COUNT_CHUNK):
                n += chunk.count(b"\n")
                last = chunk[-1:]
        return n + (last != b"\n")

    def sample(self, head: bytes, field: str) -> str | None:
        return head.decode("utf-8", errors="ignore")

    def documents(
        self, stream: IO[bytes], name: str, field: str, lines: bool, warn: Callable[[str], None]
    ) -> Iterator[tuple[int | None, str]]:
        """The whole input as one document, or (``lines``) each non-blank line."""
        self.check_readable(stream, name)
        read = read_lines(stream, name, "strict")
        if not lines:
            yield None, "".join(body + ending for body, ending in read)
            return
        for n, (body, _) in enumerate(read, 1):
            if body.strip():
                yield n, body

    @staticmethod
    def check_readable(stream: IO[bytes], name: str, suffix: str = "") -> None:
        """``InputError`` (its message ending in ``suffix``) when the first bytes of
        ``stream`` are not UTF-8 text; a stream that cannot peek is not sniffed."""
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
        reason = unreadable_reason(head)
        if reason:
            raise InputError(f"{name}: {reason}{suffix}")


register(TextFormat(), default=True)
