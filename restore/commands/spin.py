"""``restore spin``: a spinner from the flags, and the text it spins."""

from __future__ import annotations

import sys
from pathlib import Path

from ..spinner import MixedSpinner, Spinner
from . import UserError, read_config

__all__ = ["spinner_from_flags", "read_text"]


def spinner_from_flags(
    spinner_config: str | None, sets: list[str] | None, rate: float | None
) -> Spinner | MixedSpinner:
    """The spinner of ``--spinner-config`` (a spinner config, or a data config's spinner
    section), its ``--set`` overrides and ``--rate``."""
    from ..config import ConfigError, set_values

    overrides = read_config(spinner_config, None)
    overrides = overrides.get("spinner", overrides)  # a data config's spinner section, or a spinner config
    try:
        overrides = set_values(overrides, sets or [])  # keys of the spinner config: --set rate.min=0.3
    except ConfigError as e:
        raise UserError(str(e)) from None
    base_dir = Path(spinner_config).resolve().parent if spinner_config else None
    if rate is not None:
        if not 0 <= rate <= 1:
            raise UserError("--rate must be between 0 and 1")
        overrides = {**overrides, "rate": {"min": rate, "max": rate}}
    try:
        return Spinner.from_config(overrides, base_dir=base_dir)
    except ValueError as e:
        raise UserError(str(e)) from None


def read_text(path: str) -> str:
    """The text of the file ``path`` (``-``: stdin), UTF-8."""
    if path == "-":
        if sys.stdin is None:
            raise UserError("stdin ('-') is closed: nothing to read")
        return sys.stdin.read()
    p = Path(path)
    if not p.exists():
        raise UserError(f"no such file: {path}")
    if p.is_dir():
        raise UserError(f"{path} is a folder; give a text file")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 text (byte offset {e.start})") from None
