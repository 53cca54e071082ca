"""``restore eval``: score a restorer and two baselines on pairs (spun, original).

    restore eval --data PAIRS.jsonl [--model DIR] [-o DIR] [--limit N] [--min-confidence X]
    restore eval --suite configs/eval.yaml [--model DIR] [-o DIR] [--limit N]

Three systems on the same rows:

* ``model``: the restorer (:class:`restore.restorer.Restorer`, guards included), run once
  with every edit and its confidence; the figures at the restorer's thresholds
  (:class:`restore.guards.Thresholds`) and the threshold sweep are computed from that one
  pass. The document gate reads a set's groups (articles, documents) as documents, or each
  row alone when the set has none.
* ``lexicon``: the spinner's tables read backwards (:mod:`restore.lexicon`).
* ``copy``: the input unchanged (F0.5 0 when there is damage, clean harm 0).

Metrics are :func:`restore.metrics.score`. Writes to the output folder:
``metrics.json``, ``report.md``, ``sentences.jsonl`` (per sentence: input, output,
reference, the lexicon's output and the model's edits marked correct / wrong / missed
with confidences) and PNG plots (F0.5 / precision / recall against the confidence
threshold, F0.5 by sentence length, the most frequent missed and wrong edits). A suite
(YAML listing several sets) writes one folder per set and a combined ``report.md`` and
``metrics.json``.

Modules: ``sets`` (reading the data), ``systems`` (what is evaluated), ``scoring``
(thresholds, the edit judge, metrics), ``plots``, ``report``, ``run`` (one set, a suite).
"""

from __future__ import annotations

from .run import evaluate_file, evaluate_set, model_commit, run_suite
from .scoring import kept_by_document, proposal, sentence_records, threshold_sweep
from .sets import (
    DataError,
    EvalSet,
    build_set,
    load_suite,
    read_pair_originals,
    read_pairs,
    read_pairs_dataset,
    read_tortured,
)
from .systems import AllProposals, CachedSystem, CopySystem, default_systems, run_system

__all__ = [
    "evaluate_file",
    "evaluate_set",
    "run_suite",
    "model_commit",
    "kept_by_document",
    "proposal",
    "sentence_records",
    "threshold_sweep",
    "DataError",
    "EvalSet",
    "build_set",
    "load_suite",
    "read_pair_originals",
    "read_pairs",
    "read_pairs_dataset",
    "read_tortured",
    "AllProposals",
    "CachedSystem",
    "CopySystem",
    "default_systems",
    "run_system",
]
