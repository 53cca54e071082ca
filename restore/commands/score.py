"""``restore score``: each document's spun-ness score
(:meth:`restore.restorer.Restorer.spun_score`), one line (or JSON record) a document."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator

from .. import batch, progress
from ..inputs import InputError, Job
from ..restorer import Restorer
from . import UserError

__all__ = ["collect", "documents", "score_jobs", "SCORE_CHUNK"]

SCORE_CHUNK = 256  # documents proposed together (one batched pass), then scored one by one from the memo


def collect(inputs: list[str], recursive: bool, field: str | None) -> list[Job]:
    """The inputs to score (folders walked with ``recursive``); stdin is JSONL with ``field``."""
    try:
        jobs = batch.collect_jobs(
            inputs, recursive=recursive, walk=batch.Walk(), stdin_format="jsonl" if field else "txt"
        )
    except ValueError as e:
        raise UserError(str(e)) from None
    if any(job.fmt == "parquet" and job.source is None for job in jobs):
        raise UserError("Parquet is not read from stdin")
    return jobs


def documents(job: Job, field: str, lines: bool) -> Iterator[tuple[int | None, str]]:
    """``(line or None, text)`` of each document of one input (its format's
    :meth:`~restore.formats.base.Format.documents`): a text file (each non-blank line with
    ``lines``), a JSONL record's or a Parquet row's ``field``."""
    if job.source is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("<stdin>: stdin is closed")
    else:
        stream = job.source.open("rb")
    try:
        yield from job.format.documents(stream, job.name, field, lines, _skipped)
    finally:
        if job.source is not None:
            stream.close()


def _skipped(message: str) -> None:
    print(f"restore score: error: {message}", file=sys.stderr)


def score_jobs(restorer: Restorer, jobs: list[Job], *, field: str, lines: bool, as_json: bool, show_bar: bool) -> int:
    """Print the score of each document of ``jobs`` on stdout; the exit code (1 when a
    file could not be scored; when the only one could not, a :class:`UserError`)."""
    whole = not lines and all(job.fmt == "txt" for job in jobs)
    bar = progress.bar(" doc", shown=show_bar, desc="scoring")
    if whole:
        progress.set_total(bar, len(jobs))
    failed = []
    for job in jobs:
        try:
            docs = documents(job, field, lines)
            while chunk := list(itertools.islice(docs, SCORE_CHUNK)):
                restorer.propose([text for _, text in chunk])  # one batched pass; spun_score reads its memo
                for line, text in chunk:
                    out = _score_line(restorer, job, line, text, as_json)
                    bar.clear()
                    print(out, flush=True)
                    bar.update(1)
        except (InputError, OSError) as e:
            msg = str(e) if isinstance(e, InputError) else f"{job.name}: {getattr(e, 'strerror', None) or e}"
            if len(jobs) == 1:
                bar.close()
                raise UserError(msg) from None
            failed.append(msg)
            print(f"restore score: error: {msg}", file=sys.stderr)
    bar.close()
    if failed:
        print(
            f"restore score: {len(failed)} of {len(jobs)} file(s) could not be scored (listed above)", file=sys.stderr
        )
    return 1 if failed else 0


def _score_line(restorer: Restorer, job: Job, line: int | None, text: str, as_json: bool) -> str:
    """One document's output line: ``score<TAB>FILE[:LINE]``, or a JSON record."""
    s = restorer.spun_score(text)
    if as_json:
        record = {
            "file": job.name,
            **({} if line is None else {"line": line}),
            "score": round(s.score, 4),
            "words": s.words,
            "sentences": [[a, b, round(x, 4)] for a, b, x in s.sentences],
        }
        return json.dumps(record, ensure_ascii=False)
    return f"{s.score:.4f}\t{job.name if line is None else f'{job.name}:{line}'}"
