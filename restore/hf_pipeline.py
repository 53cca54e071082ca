"""The restorer as a Hugging Face pipeline: the task ``spinner-restoration``.

    import restore.hf_pipeline  # registers the task with transformers
    from transformers import pipeline

    pipe = pipeline("spinner-restoration", model="models/restore-small")
    pipe("The Home handed the invoice on Tuesday.")
    # {"restored": "The House passed the bill on Tuesday.", "edits": [...], "spun_score": 0.4}
    pipe(["one document", "another"])  # a list: one answer per text

transformers loads the model and tokenizer (``AutoModelForSeq2SeqLM``, ``AutoTokenizer``)
and the pipeline decodes with the model's own ``generate`` (the PyTorch engine, on the
pipeline's ``device``), behind the same guards as :class:`restore.Restorer` and with the
thresholds of the model folder's ``restore_config.json``; pass ``min_confidence=``,
``lone_edit_confidence=``, ``min_spun_score=`` or ``document_evidence=`` to
``pipeline(...)`` to override them. Each answer has the shape of ``restore serve``'s
``POST /restore``: the restored text, the edits applied (offsets in code points of the
input, confidences) and the text's spun-ness score.

transformers 5 has no ``text2text-generation`` pipeline; this task replaces it for these
models. The raw model output without guards is ``model.generate`` (the model card shows
the call); it may change facts, which the restorer's guards never let through.
"""

from __future__ import annotations

from dataclasses import asdict

from transformers import AutoModelForSeq2SeqLM
from transformers.pipelines import PIPELINE_REGISTRY, Pipeline

from .engines.torch_engine import TorchEngine
from .formats.records import answer, scored_restorations
from .known_words import load as load_known_words
from .restorer import Restorer
from .spec import THRESHOLD_NAMES, RestorerSpec

TASK = "spinner-restoration"


class SpinnerRestorationPipeline(Pipeline):
    """Restores article-spinner output with a ``restore`` model (see the module's doc)."""

    def __init__(self, *args, **kwargs):
        overrides = {k: kwargs.pop(k) for k in (*THRESHOLD_NAMES, "document_evidence") if k in kwargs}
        super().__init__(*args, **kwargs)
        # the thresholds as every restorer resolves them: those given, else the model folder's own
        spec = RestorerSpec.build(self.model.name_or_path, engine="torch", **overrides)
        spec.warn_if_unchosen()
        assert spec.thresholds is not None  # RestorerSpec.build fills in the model's own
        self.restorer = Restorer(
            TorchEngine(self.model, self.tokenizer),
            known_words=load_known_words(spec.model),
            **asdict(spec.thresholds),
        )

    def _sanitize_parameters(self, **kwargs):
        if kwargs:
            raise TypeError(f"{TASK}: unknown argument(s) {', '.join(sorted(kwargs))}")
        return {}, {}, {}

    def preprocess(self, text):
        if not isinstance(text, str):
            raise TypeError(f"{TASK}: a text is a str, got {type(text).__name__}")
        return {"text": text}

    def _forward(self, model_inputs):
        return scored_restorations(self.restorer, [model_inputs["text"]])[0]

    def postprocess(self, model_outputs):
        return answer(*model_outputs)


PIPELINE_REGISTRY.register_pipeline(TASK, pipeline_class=SpinnerRestorationPipeline, pt_model=AutoModelForSeq2SeqLM)
