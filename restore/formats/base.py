"""What every input format of ``restore run`` shares: a file read as :class:`Piece` s,
each restored on its own into a :class:`PieceResult` and written in order by a
:class:`PieceWriter`; the :class:`Format` interface a format implements, and the
registry that finds a format by its name or a file's suffix.

A format is one module of :mod:`restore.formats` that subclasses :class:`Format` and
calls :func:`register` with an instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..edits import Edit
    from ..guards import Proposal, Thresholds

BLOCK_LINES = 256  # lines (or Parquet rows) restored together (sorted by length inside the engine)
BLOCK_CHARS = 200_000  # ... or fewer when the lines are long


class InputError(Exception):
    """A problem with one input file: the file is reported and the job goes on."""


class Restoring(Protocol):
    """What the formats ask of a restorer (:class:`restore.restorer.Restorer` is one)."""

    @property
    def thresholds(self) -> Thresholds: ...

    def restore(self, texts: list[str], one_document: bool = False) -> list[str]: ...

    def restore_with_edits(self, texts: list[str], one_document: bool = False) -> list[tuple[str, list[Edit]]]: ...

    def propose(self, texts: list[str]) -> list[Proposal]: ...


@dataclass
class Options:
    """What shapes a job's outputs, besides the model."""

    field: str = "text"
    output_field: str | None = None
    errors: str = "strict"  # or "replace"
    show_edits: bool = False
    color: bool = False  # ANSI colours in the inline diff (a terminal)
    overwrite: bool = False
    # what else shapes the output bytes (model files, engine, thresholds): recorded with each
    # output of a folder job, so that a rerun with other settings redoes it
    made_by: dict | None = None
    # text files: "text" (the restored lines), "jsonl" or "m2" (restore.formats.records)
    format: str = "text"


@dataclass
class FileReport:
    """What restoring one file met."""

    lines: int = 0
    replaced: int = 0  # lines whose bytes were not UTF-8 (--errors replace)
    bad_records: int = 0  # JSONL records written out unchanged


@dataclass
class Piece:
    """A part of one input file, restored on its own: a block of lines (text, JSONL) or
    Parquet rows (``table``: an Arrow IPC stream of one record batch)."""

    index: int  # 0, 1, ... in the file
    first_line: int  # line (or row) number of its first line, from 1
    bodies: list[str] = field(default_factory=list)
    endings: list[str] = field(default_factory=list)
    table: bytes | None = None
    rows: int = 0  # Parquet rows in ``table``
    replaced: int = 0  # lines whose bytes were not UTF-8 (--errors replace)

    def __len__(self) -> int:
        return len(self.bodies) if self.table is None else self.rows


@dataclass
class PieceResult:
    """A restored piece: the output text (text, JSONL) or Arrow IPC bytes (Parquet), and the
    records written out unchanged (``"file:line: reason; written unchanged"``)."""

    text: str | None = None
    table: bytes | None = None
    bad: list[str] = field(default_factory=list)


class PieceWriter:
    """Writes restored pieces, in order, to one output: here the text of each to a text sink."""

    def __init__(self, sink: IO):
        self.sink = sink

    def write(self, result: PieceResult) -> None:
        self.sink.write(result.text)

    def close(self) -> None:
        pass


class Format:
    """An input format: which files it reads (``suffixes``), how a file is cut into pieces,
    how a piece is restored and how the restored pieces are written."""

    name: str = ""  # what a Job records ("txt", "jsonl", "parquet")
    title: str = ""  # how messages name it
    suffixes: tuple[str, ...] = ()
    binary: bool = False  # written to a binary sink (never to stdout)
    has_fields: bool = False  # restores one field (--field) of each record

    def read(self, stream: IO[bytes], name: str, opts: Options, stdin: bool = False) -> Iterator[Piece]:
        """The pieces of the input ``name``; raises ``InputError`` for one that cannot be read."""
        raise NotImplementedError

    def restore(self, restorer: Restoring, piece: Piece, opts: Options, name: str) -> PieceResult:
        """One piece of the input ``name``, restored."""
        raise NotImplementedError

    def writer(self, sink: IO) -> PieceWriter:
        """What writes this format's restored pieces to ``sink``."""
        return PieceWriter(sink)

    def count(self, path: Path) -> int:
        """The units (lines, rows) of a file that the progress bar of ``restore run`` counts."""
        raise NotImplementedError

    def sample(self, head: bytes, field: str) -> str | None:
        """The text in an input's first bytes, for the language notice (None: not sampled)."""
        return None

    def documents(
        self, stream: IO[bytes], name: str, field: str, lines: bool, warn: Callable[[str], None]
    ) -> Iterator[tuple[int | None, str]]:
        """``(line or None, text)`` of each document of one input, for ``restore score``;
        ``lines``: each line of a text file is a document; ``warn`` gets a record skipped."""
        raise NotImplementedError


_FORMATS: dict[str, Format] = {}
_DEFAULT: list[Format] = []  # the format of a file with any other suffix


def register(fmt: Format, default: bool = False) -> Format:
    """Make ``fmt`` known by its name and suffixes; ``default``: the format of files with
    no suffix it knows."""
    _FORMATS[fmt.name] = fmt
    if default:
        _DEFAULT[:] = [fmt]
    return fmt


def get(name: str) -> Format:
    """The format called ``name``."""
    return _FORMATS[name]


def for_path(path: Path) -> Format:
    """The format of a file, by its suffix; the default (text) for any other."""
    suffix = path.suffix.lower()
    return next((f for f in _FORMATS.values() if suffix in f.suffixes), _DEFAULT[0])


def suffixes() -> tuple[str, ...]:
    """Every suffix a format reads, in the order the formats were registered."""
    return tuple(s for f in _FORMATS.values() for s in f.suffixes)


def added_fields(opts: Options) -> list[tuple[str, str]]:
    """The fields (JSONL) or columns (Parquet) a job adds to each record, with the option
    that adds each: ``--output-field`` (when it is not ``--field``), ``<out>_edits``."""
    out_field = opts.output_field or opts.field
    return ([(out_field, "--output-field")] if out_field != opts.field else []) + (
        [(f"{out_field}_edits", "--show-edits")] if opts.show_edits else []
    )


def restore_texts(
    restorer: Restoring, texts: list[str], opts: Options, one_document: bool = False
) -> tuple[list[str], list[list[Edit]]]:
    """The restored texts, and the edits of each when ``opts.show_edits`` (else empty lists)."""
    if opts.show_edits:
        pairs = restorer.restore_with_edits(texts, one_document=one_document)
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return restorer.restore(texts, one_document=one_document), [[] for _ in texts]
