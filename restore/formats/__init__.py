"""The file formats of ``restore run``, one module each, found by name or suffix.

- :mod:`~restore.formats.base`: the :class:`Format` interface (read a file as pieces,
  restore a piece, write the restored pieces) and the registry;
- :mod:`~restore.formats.text`, :mod:`~restore.formats.jsonl`,
  :mod:`~restore.formats.parquet`: the input formats, each registered when imported;
- :mod:`~restore.formats.records`: ``--format jsonl|m2``, line records of text input.

A new format is a new module here that subclasses :class:`Format` and registers an
instance, and its line in the imports below.
"""

from __future__ import annotations

from . import jsonl, parquet, text  # noqa: F401  (importing a format registers it)
from .base import Format, for_path, get, register, suffixes
from .records import SUFFIXES  # the output suffix of each --format (restore.cli reads it here)

__all__ = ["Format", "register", "get", "for_path", "suffixes", "SUFFIXES"]
