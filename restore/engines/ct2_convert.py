"""The CTranslate2 conversion of a model folder: converted on first use, cached by a
fingerprint of the model's files (:func:`conversion_key`) and converted again when they change."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

# float32 gives the torch engine's greedy output; int8 ("ct2-int8", opt-in) is ~1.6x faster
# again but changes ~13% of raw outputs and ~7% of restored sentences (eval/results/bench.md)
CT2_COMPUTE_TYPE = "float32"


CT2_FORMAT = 1  # bump when the conversion changes: cached conversions are redone


CT2_STAMP = "restore-ct2.json"


_FINGERPRINTED = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


_WEIGHTS = ("*.safetensors", "pytorch_model*.bin")


class ConversionError(RuntimeError):
    """The model could not be converted to CTranslate2."""


def user_cache_dir() -> Path:
    """``$RESTORE_CACHE``, else ``$XDG_CACHE_HOME/restore`` (``~/.cache/restore``)."""
    if os.environ.get("RESTORE_CACHE"):
        return Path(os.environ["RESTORE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "restore"


def conversion_key(path: str | Path, compute_type: str = CT2_COMPUTE_TYPE) -> str:
    """A hash of what a conversion depends on: the model's weights, config and tokenizer
    files, the compute type and the ctranslate2 version."""
    import ctranslate2

    path = Path(path)
    weights = [f for pattern in _WEIGHTS for f in sorted(path.glob(pattern))]
    if not weights:
        raise ConversionError(f"no weights (*.safetensors, pytorch_model.bin) in {path}")
    h = hashlib.sha256(f"restore-ct2 {CT2_FORMAT} {ctranslate2.__version__} {compute_type}\n".encode())
    for f in [path / n for n in _FINGERPRINTED if (path / n).is_file()] + weights:
        with f.open("rb") as fh:
            h.update(f.name.encode() + b"\0" + hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


def _stamp(ct2_dir: Path) -> str | None:
    try:
        return json.loads((ct2_dir / CT2_STAMP).read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def ct2_model_dir(path: str | Path, compute_type: str = CT2_COMPUTE_TYPE, cache_dir: str | Path | None = None) -> Path:
    """The CTranslate2 conversion of the Hugging Face model folder ``path``, converted on
    first use and again whenever the model's files change.

    It lives in ``<path>/ct2-<compute_type>/`` when the model folder is writable, else in
    ``<user cache>/ct2/<fingerprint>-<compute_type>/`` (``cache_dir`` instead of both)."""
    path = Path(path)
    fingerprint = conversion_key(path, compute_type)
    keyed = Path(cache_dir) if cache_dir else user_cache_dir() / "ct2"
    places = ([] if cache_dir else [path / f"ct2-{compute_type}"]) + [keyed / f"{fingerprint[:24]}-{compute_type}"]
    for dest in places:
        if _stamp(dest) == fingerprint:
            return dest
    problems = []
    for dest in places:
        try:
            _convert(path, dest, compute_type, fingerprint)
            return dest
        except OSError as e:  # not writable: the next place
            problems.append(f"{dest.parent}: {e.strerror or e}")
    raise ConversionError("nowhere to write the converted model (" + "; ".join(problems) + ")")


def converter(path: Path):
    """ctranslate2's ``TransformersConverter`` for the model folder ``path``, adjusted for
    this project's BART models (``.convert(output_dir, quantization=..., vmap=...)``)."""
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        """ctranslate2's BART conversion, adjusted for this project's models."""

        def load_model(self, model_class, name, **kw):
            config = kw.get("config")
            # transformers 5 dropped BartConfig.normalize_before; BART is post-norm
            if getattr(config, "model_type", None) == "bart" and not hasattr(config, "normalize_before"):
                config.normalize_before = False
            return super().load_model(model_class, name, **kw)

        def _load(self):
            spec = super()._load()
            # T5-style vocabulary without a BOS token: decoding starts from pad
            if spec.config.bos_token is None:
                spec.config.bos_token = spec.config.decoder_start_token
            return spec

    return Converter(str(path))


def _convert(path: Path, dest: Path, compute_type: str, fingerprint: str) -> None:
    """Convert into a temporary folder beside ``dest`` and move it into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    try:
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            converter(path).convert(str(tmp), quantization=compute_type, force=True)
        except OSError:
            raise
        except Exception as e:
            raise ConversionError(f"{type(e).__name__}: {e}") from e
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        import ctranslate2

        (tmp / CT2_STAMP).write_text(
            json.dumps(
                {
                    "fingerprint": fingerprint,
                    "compute_type": compute_type,
                    "ctranslate2": ctranslate2.__version__,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        old = None
        if dest.exists():  # stale: moved aside, then removed
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
        try:
            os.replace(tmp, dest)
        except OSError:
            if _stamp(dest) != fingerprint:  # not a concurrent process's identical conversion
                raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
