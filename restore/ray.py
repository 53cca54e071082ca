"""Restoration on a Ray cluster: ``restore run --backend ray`` and :func:`restore_dataset`.

``restore run --backend ray`` reads each input file as the local backend does, in the same
pieces (:func:`restore.batch.read_pieces`, in Ray tasks), restores the pieces on a pool of
Ray actors (one model load per actor; Ray restarts an actor that dies and retries its
piece) and writes them, in order, from the driver with the local backend's writer and
bookkeeping: the same output bytes, per-file atomic writes, the same resume manifest.
Inputs are paths on the driver's filesystem; on a cluster of several machines they must be
readable at the same path from every node (a shared filesystem), and so must the model.

:func:`restore_dataset` restores a column of any ``ray.data.Dataset`` (Parquet, JSONL, CSV
read from local disk or object storage by Ray's own readers), for pipelines already in Ray.

Connecting to Ray and sizing the actor pool: :mod:`restore.ray_cluster`. Needs the ``ray``
extra: ``pip install "restore[ray]"``.
"""

from __future__ import annotations

import functools
import itertools
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from .batch import (
    BLOCK_LINES,
    Bookkeeper,
    InputError,
    Job,
    Options,
    OutputError,
    PieceResult,
    Summary,
    read_pieces,
    restore_piece,
    write_pieces,
)
from .ray_cluster import RayOptions, RayUnavailable, actor_pool, connect
from .spec import RestorerSpec

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["RayOptions", "RestorerSpec", "RayUnavailable", "run_jobs", "restore_dataset", "connect", "engine_class"]


def engine_class(engine: str) -> str:
    """The name of the engine class the workers load for ``engine`` (what a folder job
    records with its outputs): CTranslate2's when it is installed, else PyTorch's."""
    import importlib.util

    from .engines import CT2Engine, TorchEngine

    if engine != "torch" and importlib.util.find_spec("ctranslate2") is not None:
        return CT2Engine.__name__
    return TorchEngine.__name__


# ----------------------------------------------------------------------------- restore run


class _FileItem(TypedDict):
    """One input file of the job, as Ray's first rows carry it."""

    job: int  # the file's index in the jobs to do
    path: str
    fmt: str
    name: str


def _read_job(item: _FileItem, opts: Options) -> Iterator[dict]:
    """The pieces of one input file as rows (pickled :class:`Piece` s); a file that cannot
    be read ends with a row carrying the error."""
    index = 0

    def row(piece, final: bool, error: str = "") -> dict:
        return {
            "job": item["job"],
            "index": index,
            "final": final,
            "fmt": item["fmt"],
            "name": item["name"],
            "piece": pickle.dumps(piece) if piece is not None else b"",
            "error": error,
        }

    try:
        with open(item["path"], "rb") as stream:
            previous = None
            for piece in read_pieces(item["fmt"], stream, item["name"], opts):
                if previous is not None:
                    yield row(previous, False)
                    index += 1
                previous = piece
            yield row(previous, True)
    except InputError as e:
        yield row(None, True, str(e))
    except OSError as e:
        yield row(None, True, f"{item['name']}: cannot read ({e.strerror or e})")


class _PieceWorker:
    """A Ray actor: one restorer, many pieces."""

    def __init__(self, spec: RestorerSpec, opts: Options, cpus: float, gpus: float):
        from .restorer import Restorer

        self.restorer, self.opts = Restorer.from_spec(spec.on_worker(cpus, gpus)), opts

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        out = []
        for row in batch.to_pylist():
            result = b""
            if row["piece"]:
                piece = pickle.loads(row["piece"])
                restored = restore_piece(self.restorer, piece, row["fmt"], self.opts, row["name"])
                result = pickle.dumps((len(piece), piece.replaced, restored))
            out.append(
                {
                    "job": row["job"],
                    "index": row["index"],
                    "final": row["final"],
                    "result": result,
                    "error": row["error"],
                }
            )
        return pa.Table.from_pylist(
            out,
            schema=pa.schema(
                [
                    ("job", pa.int64()),
                    ("index", pa.int64()),
                    ("final", pa.bool_()),
                    ("result", pa.binary()),
                    ("error", pa.string()),
                ]
            ),
        )


def run_jobs(
    spec: RestorerSpec,
    jobs: list[Job],
    output: Path | None,
    output_is_dir: bool,
    opts: Options,
    ray_opts: RayOptions,
    on_lines: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = print,
    on_start: Callable[[list[Job]], None] = lambda jobs: None,
) -> Summary:
    """:func:`restore.batch.run_jobs` on Ray: the same outputs, bookkeeping and summary.
    Raises ``ValueError`` for stdin (Ray workers read files) and for colliding outputs."""
    if any(job.source is None for job in jobs):
        raise ValueError("--backend ray reads files, not stdin ('-')")
    book = Bookkeeper(jobs, output, output_is_dir, opts, warn)
    todo = book.pending()
    on_start(todo)
    if not todo:
        return book.summary
    ray, started = connect(ray_opts.address)
    ctx = ray.data.DataContext.get_current()
    block_size, ctx.target_max_block_size = ctx.target_max_block_size, 1  # a block per piece: all workers busy
    try:
        stamps: dict[int, dict | None] = {}
        items: list[_FileItem] = []
        for i, job in enumerate(todo):
            try:
                stamps[i] = book.stamp(job)
            except OSError as e:
                book.failed(job, e)
                continue
            assert job.source is not None  # stdin was refused above
            items.append({"job": i, "path": str(job.source.resolve()), "fmt": job.fmt, "name": job.name})
        if not items:
            return book.summary
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        # reading is light: no CPU reserved, so that it never waits for the actors' CPUs
        ds = ds.flat_map(functools.partial(_read_job, opts=opts), num_cpus=0)
        ds = ds.map_batches(
            _PieceWorker,
            batch_size=1,
            batch_format="pyarrow",
            compute=actor_pool(ray, ray_opts),
            fn_constructor_kwargs={
                "spec": spec,
                "opts": opts,
                "cpus": ray_opts.cpus_per_worker,
                "gpus": ray_opts.gpus_per_worker,
            },
            num_cpus=ray_opts.cpus_per_worker,
            num_gpus=ray_opts.gpus_per_worker or None,
        )
        seen = set()
        for i, rows in itertools.groupby(ds.iter_rows(), key=lambda r: r["job"]):
            if i in seen:
                raise RuntimeError(f"pieces of {todo[i].name} came back out of order")
            seen.add(i)
            try:
                report = write_pieces(todo[i], book.dest(todo[i]), _results(todo[i], rows), on_lines, warn)
            except (InputError, OutputError, OSError) as e:
                book.failed(todo[i], e)
                continue
            book.done(todo[i], report, stamps[i])
        for item in items:  # never silently drop a file
            if item["job"] not in seen:
                book.failed(todo[item["job"]], InputError(f"{item['name']}: no output came back from Ray"))
    finally:
        ctx.target_max_block_size = block_size
        if started:
            ray.shutdown()
    return book.summary


def _results(job: Job, rows) -> Iterator[tuple[int, int, PieceResult]]:
    """The restored pieces of one job from the rows Ray returns (for
    :func:`restore.batch.write_pieces`); raises for a file that could not be read and for
    pieces missing or out of order, so that nothing is written for it."""
    expect = 0
    for row in rows:
        if row["index"] != expect:
            raise RuntimeError(f"piece {row['index']} of {job.name} came back out of order")
        expect += 1
        if row["error"]:
            raise InputError(row["error"])
        if row["result"]:
            yield pickle.loads(row["result"])
        if row["final"]:
            return
    raise InputError(f"{job.name}: the last pieces did not come back from Ray; nothing written")


# ----------------------------------------------------------------------------- datasets


class _RowWorker:
    """A Ray actor restoring one column of a dataset's rows; each row is one document."""

    def __init__(
        self, spec: RestorerSpec, column: str, output_column: str, error_column: str | None, cpus: float, gpus: float
    ):
        from .restorer import Restorer

        self.restorer = Restorer.from_spec(spec.on_worker(cpus, gpus))
        self.column, self.output_column, self.error_column = column, output_column, error_column

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        if self.column not in batch.column_names:
            raise KeyError(f"restore_dataset: no column {self.column!r} (columns: {', '.join(batch.column_names)})")
        values = batch.column(self.column).to_pylist()
        todo = [k for k, v in enumerate(values) if isinstance(v, str)]
        restored = self.restorer.restore([values[k] for k in todo]) if todo else []
        out: list = list(values) if self.output_column == self.column else [None] * len(values)
        errors: list = [None] * len(values)
        for k, v in enumerate(values):
            if not isinstance(v, str):
                errors[k] = f"{self.column!r} is {'null' if v is None else type(v).__name__}, not text; not restored"
        for k, text in zip(todo, restored):
            out[k] = text
        names, columns = list(batch.column_names), list(batch.columns)
        kind = batch.schema.field(self.column).type
        if self.output_column != self.column:
            names, columns = _set_column(names, columns, self.output_column, pa.array(out, type=pa.string()))
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns[names.index(self.column)] = pa.array(out, type=kind)
        if self.error_column:
            names, columns = _set_column(names, columns, self.error_column, pa.array(errors, type=pa.string()))
        return pa.Table.from_arrays(columns, names=names)


def _set_column(names: list, columns: list, name: str, values) -> tuple[list, list]:
    if name in names:
        columns[names.index(name)] = values
    else:
        names, columns = names + [name], columns + [values]
    return names, columns


def restore_dataset(
    ds,
    column: str = "text",
    model: str | Path | None = None,
    *,
    output_column: str | None = None,
    error_column: str | None = "restore_error",
    workers: int | None = None,
    cpus_per_worker: float = 1.0,
    gpus_per_worker: float = 0.0,
    engine: str = "auto",
    batch_size: int = 32,
    num_beams: int = 1,
    min_confidence: float | None = None,
    lone_edit_confidence: float | None = None,
    min_spun_score: float | None = None,
):
    """``ds`` (a ``ray.data.Dataset``) with ``column`` restored, lazily, as a new Dataset.

    Each row is one document (as a JSONL record is for ``restore run``). The restored text
    goes to ``output_column`` (default: ``column`` itself); a row whose value is not text
    (null, a number) is kept unchanged and says why in ``error_column`` (None: no such
    column), which is null for the rows that were restored. ``model``: a model folder
    readable on every node (default: the shipped model). Thresholds left ``None`` take the
    model's own. Needs a connected Ray (``ray.init()``) or starts a local one.

    The actors hold their CPUs for the whole job, so the tasks that read ``ds`` need CPUs
    of their own: by default ``workers`` leaves one CPU of the cluster free. Workers that
    take every CPU make reading wait forever (a warning says so)."""
    import warnings

    ray, _ = connect()
    spec = RestorerSpec.build(
        model,
        engine=engine,
        batch_size=batch_size,
        num_beams=num_beams,
        min_confidence=min_confidence,
        lone_edit_confidence=lone_edit_confidence,
        min_spun_score=min_spun_score,
    )
    opts = RayOptions(workers=workers, cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker)
    if workers is not None and workers * cpus_per_worker >= ray.cluster_resources().get("CPU", 0):
        warnings.warn(
            f"restore_dataset: {workers} workers x {cpus_per_worker} CPUs take every CPU of the cluster; "
            f"the tasks reading the dataset may never run (leave a CPU free)",
            stacklevel=2,
        )
    return ds.map_batches(
        _RowWorker,
        batch_size=BLOCK_LINES,
        batch_format="pyarrow",
        compute=actor_pool(ray, opts, spare_cpus=1),
        fn_constructor_kwargs={
            "spec": spec,
            "column": column,
            "output_column": output_column or column,
            "error_column": error_column,
            "cpus": cpus_per_worker,
            "gpus": gpus_per_worker,
        },
        num_cpus=cpus_per_worker,
        num_gpus=gpus_per_worker or None,
    )
