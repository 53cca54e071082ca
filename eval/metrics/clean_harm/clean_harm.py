"""Share of clean sentences a restorer changed, as an `evaluate` metric.

Thin wrapper over :func:`restore.metrics.clean_harm`; load with
``evaluate.load("eval/metrics/clean_harm")`` from the repository root (or the absolute path).
"""

import datasets
import evaluate

from restore.metrics import clean_harm

_CITATION = ""

_DESCRIPTION = """\
Harm done to text that needed no restoring: the share of clean input sentences whose
output differs from the input, word by word after typography normalisation (case counts).
Every `sources` row is taken to be clean: pass the clean sentences given to the system as
`sources` and its outputs as `predictions` (no references: the right output is the input).
To score only the clean rows of a spun/original corpus, use
restore.metrics.clean_harm(sources, outputs, originals) or restore.metrics.score.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of str): system outputs for the clean sentences.
    sources (list of str): the clean sentences given to the system.
Returns:
    clean_harm (float, None for no rows), clean_changed (int), clean_n (int).
Examples:
    >>> m = evaluate.load("eval/metrics/clean_harm")
    >>> m.compute(sources=["He went home .", "It rained ."],
    ...           predictions=["He went Home .", "It rained ."])["clean_harm"]
    0.5
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class CleanHarm(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value("string"), "sources": datasets.Value("string")}),
        )

    def _compute(self, predictions, sources):
        return clean_harm(sources, predictions)
