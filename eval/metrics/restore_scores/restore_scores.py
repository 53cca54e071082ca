"""Exact match, BLEU and chrF of restored text, as an `evaluate` metric.

Thin wrapper over :func:`restore.metrics.exact_match` and :func:`restore.metrics.bleu_chrf`;
load with ``evaluate.load("eval/metrics/restore_scores")`` from the repository root (or the
absolute path).
"""

import datasets
import evaluate

from restore.metrics import bleu_chrf, exact_match

_CITATION = ""

_DESCRIPTION = """\
Sentence exact match (word level, typography normalised, case counts) and sacrebleu's
corpus BLEU and chrF (default settings, one reference per sentence, 0-100 scale) of
restored outputs against the original texts; BLEU and chrF also see typographically
normalised text, so curly vs straight quotes do not cost points.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of str): system outputs.
    references (list of str): the original texts (before spinning).
Returns:
    exact_match (share, 0-1), bleu, chrf (0-100).
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class RestoreScores(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Value("string")}
            ),
        )

    def _compute(self, predictions, references):
        return {**exact_match(predictions, references), **bleu_chrf(predictions, references)}
