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

import warnings
from dataclasses import asdict
from pathlib import Path

from transformers import AutoModelForSeq2SeqLM
from transformers.pipelines import PIPELINE_REGISTRY, Pipeline

from .edits import apply_edits
from .engines.torch_engine import TorchEngine
from .guards import Thresholds
from .known_words import load as load_known_words
from .spec import THRESHOLD_NAMES, model_settings

TASK = "spinner-restoration"


class SpinnerRestorationPipeline(Pipeline):
    """Restores article-spinner output with a ``restore`` model (see the module's doc)."""

    def __init__(self, *args, **kwargs):
        overrides = {k: kwargs.pop(k) for k in (*THRESHOLD_NAMES, "document_evidence") if k in kwargs}
        super().__init__(*args, **kwargs)
        folder = Path(self.model.name_or_path)
        settings = model_settings(folder) if folder.is_dir() else {}
        if "min_confidence" not in settings and "min_confidence" not in overrides:
            warnings.warn(
                f"{self.model.name_or_path} has no recommended thresholds (restore_config.json): every edit "
                f"the model proposes is applied, and clean text will be changed",
                stacklevel=2,
            )
        values = {k: overrides.get(k, settings.get(k, 0.0)) for k in THRESHOLD_NAMES}
        evidence = overrides.get("document_evidence", settings.get("document_evidence", False))
        thresholds = Thresholds(**{k: float(v) for k, v in values.items()}, document_evidence=bool(evidence))
        max_pos = getattr(self.model.config, "max_position_embeddings", 256)
        engine = TorchEngine(self.model, self.tokenizer, max_input_tokens=min(128, max_pos - 4))
        # the restorer is imported here: restore.restorer does not import transformers' pipelines
        from .restorer import Restorer

        self.restorer = Restorer(
            engine,
            known_words=load_known_words(folder) if folder.is_dir() else None,
            **asdict(thresholds),
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
        text = model_inputs["text"]
        proposal = self.restorer.propose(text)
        edits = self.restorer.thresholds.apply(proposal)
        return {"text": text, "edits": edits, "spun_score": proposal.spun_score}

    def postprocess(self, model_outputs):
        return {
            "restored": apply_edits(model_outputs["text"], model_outputs["edits"]),
            "edits": [e.as_dict() for e in model_outputs["edits"]],
            "spun_score": round(model_outputs["spun_score"], 4),
        }


PIPELINE_REGISTRY.register_pipeline(TASK, pipeline_class=SpinnerRestorationPipeline, pt_model=AutoModelForSeq2SeqLM)
