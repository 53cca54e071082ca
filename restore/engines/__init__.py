"""Decoding engines: the part of restoration that runs the model.

An engine turns sentences into the model's raw output (:meth:`generate`) and says how
probable each token of a given output was (:meth:`token_logprobs`), which is where edit
confidences come from. Everything else (segmentation, guards, edits) lives in
:mod:`restore.restorer` and is the same for every engine.

Every engine satisfies :class:`Engine`, the contract the restorer relies on.
``TorchEngine`` runs the Hugging Face model with PyTorch. ``CT2Engine`` runs the same
model converted to CTranslate2 (float32: the same greedy output as ``TorchEngine`` on
more than 99% of sentences, several times faster on CPU), converted once and cached
(:mod:`.ct2_convert`).
``load_engine`` picks one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..model_folder import check_model_dir
from .base import Engine, TokenScores, cpu_cores, output_limit, set_threads
from .ct2_convert import CT2_COMPUTE_TYPE, ConversionError, conversion_key, ct2_model_dir, user_cache_dir
from .ct2_engine import CT2Engine, DecodeScores
from .tokens import Tokens
from .torch_engine import TorchEngine

__all__ = [
    "ENGINES",
    "load_engine",
    "Engine",
    "TorchEngine",
    "CT2Engine",
    "Tokens",
    "DecodeScores",
    "ConversionError",
    "TokenScores",
    "output_limit",
    "cpu_cores",
    "set_threads",
    "ct2_model_dir",
    "conversion_key",
    "user_cache_dir",
    "CT2_COMPUTE_TYPE",
]

logger = logging.getLogger(__name__)

ENGINES = ("auto", "ct2", "ct2-int8", "torch")


def load_engine(path: str | Path, engine: str = "auto", device: str = "cpu", **kw) -> Engine:
    """The engine ``engine`` ("auto": the fastest available, CTranslate2 else PyTorch) for
    the model folder ``path``. When CTranslate2 is missing or the model cannot be
    converted, the PyTorch engine, with a one-line warning logged (on stderr when logging
    is not set up). ``compute_type`` (in ``kw``): the CTranslate2 precision of "auto"
    (default float32); "ct2" is float32 and "ct2-int8" int8 whatever it says. A folder that is not a usable model is
    :class:`restore.model_folder.InvalidModel` (one line), before any loader runs."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    # a corrupt or foreign folder is one line (InvalidModel) before either loader trips on it
    check_model_dir(path)
    if engine == "ct2-int8":  # faster, but changes some raw outputs (eval/results/bench.md)
        kw = {**kw, "compute_type": "int8"}
    elif engine == "ct2":
        kw = {**kw, "compute_type": CT2_COMPUTE_TYPE}
    if engine in ("auto", "ct2", "ct2-int8"):
        try:
            return CT2Engine.load(path, device=device, **kw)
        except ImportError:
            reason = "ctranslate2 is not installed (pip install ctranslate2)"
        except Exception as e:  # conversion or loading failed
            first = (str(e).strip().splitlines() or [""])[0][:200]
            reason = f"CTranslate2 engine unavailable ({type(e).__name__}: {first})"
        logger.warning("restore: %s; using the slower PyTorch engine", reason)
        kw.pop("compute_type", None)
    return TorchEngine.load(path, device=device, **kw)
