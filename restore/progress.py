"""The progress bar of ``restore run``: lines (Parquet rows) with a total and an ETA.

The total is counted before the work starts, from the files themselves, by their format
(:meth:`restore.formats.base.Format.count`: newlines, or a Parquet file's row count in its footer): a quick read next to restoring them. Stdin has
no total; the bar then counts lines and shows the rate.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable


def total_lines(jobs: Iterable) -> int | None:
    """The lines of all ``jobs`` (:class:`restore.batch.Job`), or None when one is stdin
    or cannot be counted (it is reported when it is restored)."""
    total = 0
    for job in jobs:
        if job.source is None:
            return None
        try:
            total += job.format.count(job.source)
        except Exception:  # noqa: BLE001 - a file that cannot be read fails on its own later
            return None
    return total


def bar(unit: str, shown: bool, desc: str = "restoring"):
    """A tqdm bar on stderr (``shown``: else disabled); its total is set when known."""
    from tqdm import tqdm

    return tqdm(unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True, disable=not shown)


def set_total(progress, total: int | None) -> None:
    """Give a bar its total (keeping what it counted), so that it shows a share and an ETA."""
    if progress.disable or total is None:
        return
    progress.total = total
    progress.refresh()
