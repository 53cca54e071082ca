"""The work of the ``restore`` commands beyond their flags: ``run`` (:mod:`.run`),
``score`` (:mod:`.score`), ``eval`` (:mod:`.evaluate`) and ``spin`` (:mod:`.spin`).
:mod:`restore.cli` parses the flags, builds the :class:`restore.spec.RestorerSpec` and
calls them; what several commands share is here.
"""

from __future__ import annotations

import argparse
import re
import sys

from ..inputs import Job
from ..model_folder import ModelNotFound
from ..spec import RestorerSpec

__all__ = [
    "UserError",
    "named_inputs",
    "language_notice",
    "read_config",
    "check_thresholds",
    "check_device",
    "cuda_available",
    "restorer_spec",
]


class UserError(Exception):
    """A problem with the user's input: reported in one line, exit code 2."""


def named_inputs(inputs: list[str]) -> list[str]:
    """The inputs named, or stdin when none is and it is piped (`cat f | restore run`)."""
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UserError("give files, folders or '-' for stdin (nothing is piped in)")
        return ["-"]
    if inputs.count("-") > 1:
        raise UserError("stdin ('-') can be read only once")
    return inputs


def language_notice(jobs: list[Job], field: str, command: str, limit: int = 20) -> None:
    """One line on stderr when the first inputs do not look like English
    (:mod:`restore.language`); never stops the job, never changes its output."""
    from ..language import SAMPLE_BYTES, looks_english

    foreign, checked = [], 0
    for job in jobs:
        if job.format.binary or checked >= limit:  # Parquet is not sampled
            continue
        if job.source is None:  # stdin: peeked at, not read
            peek = getattr(getattr(sys.stdin, "buffer", None), "peek", None)
            try:
                head = peek(SAMPLE_BYTES)[:SAMPLE_BYTES] if peek else b""
            except (OSError, ValueError):
                head = b""
        else:
            try:
                with job.source.open("rb") as f:
                    head = f.read(SAMPLE_BYTES)
            except OSError:
                continue  # reported when it is restored
        checked += 1
        verdict, why = looks_english(job.format.sample(head, field) or "")
        if verdict is False:
            foreign.append((job.name, why))
    if foreign:
        name, why = foreign[0]
        which = name if len(foreign) == 1 else f"{len(foreign)} of {checked} inputs (e.g. {name})"
        print(
            f"restore {command}: note: {which} does not look like English ({why}); the model restores "
            f"English text and changes little else",
            file=sys.stderr,
        )


def read_config(path: str | None, overrides: list[str] | None) -> dict:
    """A config mapping from YAML (or empty), with ``--set`` overrides (:mod:`restore.config`)."""
    from ..config import ConfigError, read_yaml, set_values

    try:
        return set_values(read_yaml(path) if path else {}, overrides or [])
    except ConfigError as e:
        raise UserError(str(e)) from None


def check_thresholds(args: argparse.Namespace) -> None:
    """The threshold flags given are each from 0 to 1."""
    for flag, value in (
        ("--min-confidence", args.min_confidence),
        ("--lone-edit-confidence", args.lone_edit_confidence),
        ("--min-spun-score", args.min_spun_score),
    ):
        if value is not None and not 0 <= value <= 1:
            raise UserError(f"{flag} must be between 0 and 1")


def check_device(device: str | None) -> str:
    """``--device``: cpu (default), cuda or cuda:N; a CUDA device must be visible."""
    if device is None:
        return "cpu"
    if not re.fullmatch(r"cpu|cuda(:\d+)?", device):
        raise UserError(f"--device {device}: give cpu, cuda or cuda:N")
    if device != "cpu" and not cuda_available():
        raise UserError(f"--device {device}: no CUDA GPU is visible to this process; use --device cpu")
    return device


def cuda_available() -> bool:
    try:
        import ctranslate2

        if ctranslate2.get_cuda_device_count() > 0:
            return True
    except Exception:  # noqa: BLE001 - not installed, or no CUDA runtime
        pass
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # noqa: BLE001
        return False


def restorer_spec(args: argparse.Namespace, device: str = "cpu", *, every_edit: bool = False) -> RestorerSpec:
    """The restorer spec of a command's flags (``--model``, ``--engine``, ``--batch-size``,
    ``--num-beams``, the thresholds); ``every_edit``: thresholds 0 instead of the flags'."""

    def threshold(name: str) -> float | None:
        return 0.0 if every_edit else getattr(args, name, None)

    try:
        return RestorerSpec.build(
            args.model,
            engine=args.engine,
            batch_size=args.batch_size,
            num_beams=getattr(args, "num_beams", 1),
            device=device,
            min_confidence=threshold("min_confidence"),
            lone_edit_confidence=threshold("lone_edit_confidence"),
            min_spun_score=threshold("min_spun_score"),
        )
    except ModelNotFound as e:  # no model, or its restore_config.json is not usable (InvalidModel)
        raise UserError(str(e)) from None
