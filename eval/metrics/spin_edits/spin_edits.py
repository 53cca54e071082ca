"""Spinner-edit precision, recall and F0.5 as an `evaluate` metric.

Thin wrapper over :func:`restore.metrics.spin_edits`; load with
``evaluate.load("eval/metrics/spin_edits")`` from the repository root (or the absolute path).
"""

import datasets
import evaluate

from restore.metrics import spin_edits

_CITATION = ""

_DESCRIPTION = """\
Word-level edit scoring for restoring article-spinner output. Each spun source is aligned
word by word with its original (reference edits) and with the system output (system
edits); an edit is a changed span of the source with its replacement words. A system edit
is correct when it equals a reference edit. Typography (curly quotes, dashes, whitespace)
is normalised first; case is not ("home" -> "Home" is an edit). Micro-averaged F0.5
weighs precision twice as much as recall.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of str): system outputs.
    references (list of str): the original texts (before spinning).
    sources (list of str): the spun texts given to the system.
Returns:
    precision, recall, f0.5 (floats), tp, fp, fn (ints). Precision is 1.0 when the system
    made no edit, recall 1.0 when there was nothing to fix. partial (int): the fp that are
    right fixes of part of a reference edit (adjacent changes form one edit); edits_right
    (float): (tp + partial) / (tp + fp), the share of system edits writing the original's words.
Examples:
    >>> m = evaluate.load("eval/metrics/spin_edits")
    >>> m.compute(sources=["He went Home ."], predictions=["He went home ."],
    ...           references=["He went home ."])["f0.5"]
    1.0
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class SpinEdits(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "predictions": datasets.Value("string"),
                    "references": datasets.Value("string"),
                    "sources": datasets.Value("string"),
                }
            ),
        )

    def _compute(self, predictions, references, sources):
        return spin_edits(sources, predictions, references)
