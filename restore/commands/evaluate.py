"""``restore eval``: its flags checked, the data of ``--suite`` or ``--data`` read, and the
model and the baselines evaluated on it (:mod:`restore.evaluation`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..evaluation import DataError, EvalSet, default_systems, evaluate_set, load_suite, read_pairs, run_suite
from ..evaluation.run import model_info
from ..restorer import Restorer
from ..spec import RestorerSpec
from . import UserError, check_thresholds

__all__ = ["check_flags", "read_data", "output_dir", "evaluate"]


def check_flags(args: argparse.Namespace) -> None:
    """The flags that are out of range or do not go together."""
    if bool(args.data) == bool(args.suite):
        raise UserError("give either --data PAIRS.jsonl or --suite SUITE.yaml")
    check_thresholds(args)
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be at least 1")
    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")


def read_data(args: argparse.Namespace) -> dict | EvalSet:
    """The suite of ``--suite`` (its YAML mapping), or the pairs of ``--data``; a bad file
    is a :class:`restore.evaluation.DataError`."""
    return load_suite(args.suite) if args.suite else read_pairs(args.data, args.limit)


def output_dir(args: argparse.Namespace) -> Path:
    """``-o``, or ``eval/runs/<the suite's or the data's name>``."""
    return Path(args.output) if args.output else Path("eval") / "runs" / Path(args.suite or args.data).stem


def evaluate(
    data: dict | EvalSet, restorer: Restorer, spec: RestorerSpec, out: Path, args: argparse.Namespace, progress: bool
) -> dict[str, dict]:
    """Evaluate the model and the baselines on ``data`` into ``out``; each set's figures,
    system by system."""
    assert spec.thresholds is not None  # RestorerSpec.build fills them in
    info = model_info(spec.model, args.engine)
    systems = default_systems(restorer)
    try:
        if isinstance(data, EvalSet):
            metrics = evaluate_set(data, systems, out, thresholds=spec.thresholds, progress=progress, info=info)
            return {metrics["set"]: metrics["systems"]}
        summary = run_suite(
            args.suite, systems, out, args.limit, thresholds=spec.thresholds, progress=progress, info=info, suite=data
        )
        return {n: m["systems"] for n, m in summary["sets"].items()}
    except DataError as e:
        raise UserError(str(e)) from None
