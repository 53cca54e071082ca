"""Parquet files: one column restored (``--field``), every other column and the schema's
metadata kept. A piece is a record batch of ``BLOCK_LINES`` rows, carried as an Arrow IPC
stream; each row is one document for the document gate. A null value is reported and
written out unchanged; a column the job would add that is already there stops the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .base import (
    BLOCK_LINES,
    Format,
    InputError,
    Options,
    Piece,
    PieceResult,
    PieceWriter,
    Restoring,
    added_fields,
    register,
    restore_texts,
)


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


class ParquetWriter(PieceWriter):
    """Writes restored record batches, in order, to one Parquet file (a binary sink)."""

    def __init__(self, sink: IO):
        super().__init__(sink)
        self.parquet: Any = None  # a pyarrow.parquet.ParquetWriter once the first batch gives the schema

    def write(self, result: PieceResult) -> None:
        import pyarrow.parquet as pq

        assert result.table is not None  # ParquetFormat.restore gives every result a table
        batch = _ipc_batch(result.table)
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.sink, batch.schema)
        self.parquet.write_batch(batch)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


class ParquetFormat(Format):
    """Apache Parquet: one text column restored, the rest of the table kept."""

    name = "parquet"
    title = "Parquet"
    suffixes = (".parquet",)
    binary = True
    has_fields = True

    def read(self, stream: IO[bytes], name: str, opts: Options, stdin: bool = False) -> Iterator[Piece]:
        """The record batches of one file. Raises ``InputError`` for a file that is not
        Parquet, without a text column ``opts.field``, or with a column that
        ``--output-field`` or ``--show-edits`` would overwrite."""
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
                raise InputError(
                    f"{name}: the file already has a column {column!r}, which {flag} would overwrite; "
                    f"choose another --output-field; nothing written"
                )
        first, index = 1, 0
        for batch in pf.iter_batches(batch_size=BLOCK_LINES):
            yield Piece(index, first, table=_ipc_bytes(batch), rows=batch.num_rows)
            first += batch.num_rows
            index += 1
        if index == 0:  # no rows: one empty piece carries the schema
            yield Piece(0, 1, table=_ipc_bytes(pa.RecordBatch.from_pylist([], schema=schema)))

    def restore(self, restorer: Restoring, piece: Piece, opts: Options, name: str) -> PieceResult:
        import pyarrow as pa

        assert piece.table is not None  # read gives every piece a table
        batch = _ipc_batch(piece.table)
        values = batch.column(opts.field).to_pylist()
        todo = [k for k, v in enumerate(values) if v is not None]
        bad = [
            f"{name}:row {piece.first_line + k}: field {opts.field!r} is null; written unchanged"
            for k, v in enumerate(values)
            if v is None
        ]
        outputs, edits = restore_texts(restorer, [values[k] for k in todo], opts)
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

    def writer(self, sink: IO) -> PieceWriter:
        return ParquetWriter(sink)

    def count(self, path: Path) -> int:
        """The rows, from the file's footer."""
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows

    def documents(
        self, stream: IO[bytes], name: str, field: str, lines: bool, warn: Callable[[str], None]
    ) -> Iterator[tuple[int | None, str]]:
        """The ``field`` of each row (null values skipped), numbered from 1."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(stream)
            if field not in pf.schema_arrow.names:
                raise InputError(f"{name}: no column {field!r} (set it with --field)")
            row = 0
            for chunk in pf.iter_batches(batch_size=BLOCK_LINES, columns=[field]):
                for value in chunk.column(0).to_pylist():
                    row += 1
                    if isinstance(value, str):
                        yield row, value
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{name}: not a Parquet file ({str(e).splitlines()[0][:120]})") from None


register(ParquetFormat())
