"""Is a folder a usable restore model? Cheap checks made before a model is loaded, so that
a corrupt or foreign folder is one line that names the file and what is wrong with it, not
a traceback from deep inside a loader (issue 29, item 8).

This module is a leaf: it imports nothing from the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ModelNotFound", "InvalidModel", "check_model_dir", "first_line", "read_json", "SEQ2SEQ_TYPES"]


class ModelNotFound(FileNotFoundError):
    pass


class InvalidModel(ModelNotFound, ValueError):
    """A model folder that is there but cannot be used (corrupt, truncated, or not a
    restore model): the message is one line that says what is wrong with which file."""


# encoder-decoder model types a restore model may be (config.json "model_type"), besides
# any config that says "is_encoder_decoder": true
SEQ2SEQ_TYPES = frozenset("bart mbart t5 mt5 umt5 marian pegasus led m2m_100 fsmt blenderbot blenderbot-small".split())
TOKENIZER_FILES = ("tokenizer.json", "vocab.json", "spiece.model", "sentencepiece.bpe.model", "source.spm")


def first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:200]


def read_json(file: Path) -> dict:
    """A JSON object file of a model folder, or :class:`InvalidModel` saying why not."""
    import json

    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidModel(f"{file}: not a JSON file (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise InvalidModel(f"{file}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    except OSError as e:
        raise InvalidModel(f"{file}: cannot be read ({e.strerror or e})") from None
    if not isinstance(value, dict):
        raise InvalidModel(f"{file}: a JSON object ({{...}}) expected, got {type(value).__name__}")
    return value


def _check_safetensors(file: Path) -> None:
    """A ``.safetensors`` file whose header reads and whose tensors all fit in the file
    (a truncated download or copy does not)."""
    import json
    import struct

    try:
        size = file.stat().st_size
        with file.open("rb") as f:
            head = f.read(8)
            n = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
            if not 2 <= n <= min(size - 8, 100_000_000):
                raise InvalidModel(f"{file}: not a safetensors file, or truncated (no readable header)")
            header = json.loads(f.read(n))
    except OSError as e:
        raise InvalidModel(f"{file}: cannot be read ({e.strerror or e})") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidModel(f"{file}: corrupt safetensors header") from None
    ends = [t.get("data_offsets", [0, 0])[1] for k, t in header.items() if k != "__metadata__" and isinstance(t, dict)]
    if not ends:
        raise InvalidModel(f"{file}: holds no tensors")
    if 8 + n + max(ends) > size:
        raise InvalidModel(f"{file}: truncated ({size:,} bytes, its header says {8 + n + max(ends):,})")


def check_model_dir(path: str | Path) -> dict:
    """The folder's ``config.json``, once the folder looks like a usable restore model:
    the config is a JSON object of an encoder-decoder model, a tokenizer and weights are
    there, and safetensors weights are whole. :class:`ModelNotFound` without a
    ``config.json``, :class:`InvalidModel` (one line) for anything else wrong."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise ModelNotFound(f"no model folder at {path} (config.json missing)")
    config = read_json(path / "config.json")
    kind = config.get("model_type")
    if not isinstance(kind, str) or not kind:
        raise InvalidModel(f"{path / 'config.json'}: no model_type: not a Hugging Face model config")
    if kind not in SEQ2SEQ_TYPES and config.get("is_encoder_decoder") is not True:
        raise InvalidModel(
            f"{path}: a {kind!r} model, not a sequence-to-sequence one "
            "(restore needs an encoder-decoder model such as BART or T5)"
        )
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise InvalidModel(f"{path}: no tokenizer (tokenizer.json missing)")
    safetensors = sorted(path.glob("*.safetensors"))
    if not safetensors and not any(path.glob("pytorch_model*.bin")):
        raise InvalidModel(f"{path}: no weights (model.safetensors missing)")
    for file in safetensors:
        _check_safetensors(file)
    return config
