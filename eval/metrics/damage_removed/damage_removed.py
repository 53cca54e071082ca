"""Share of spinner damage removed, as an `evaluate` metric.

Thin wrapper over :func:`restore.metrics.damage_removed`; load with
``evaluate.load("eval/metrics/damage_removed")`` from the repository root (or the absolute path).
"""

import datasets
import evaluate

from restore.metrics import damage_removed

_CITATION = ""

_DESCRIPTION = """\
1 - WER(output, original) / WER(spun, original) at corpus level: one minus the summed word
edit distance of the outputs to the originals over the summed distance of the spun
sources to the originals. 1.0 = all damage undone, 0.0 = no better than the spun text,
negative = worse. None when the sources have no damage at all (the ratio is undefined).
Typography is normalised first; case is not; punctuation marks count as words.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of str): system outputs.
    references (list of str): the original texts (before spinning).
    sources (list of str): the spun texts given to the system.
Returns:
    damage_removed (float or None), wer_spun, wer_output (corpus WER), spun_distance,
    output_distance, original_words (summed counts).
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class DamageRemoved(evaluate.Metric):
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
        return damage_removed(sources, predictions, references)
