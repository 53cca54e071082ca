"""Restore spun text with a trained model: the Python API.

    >>> from restore import restore
    >>> restore("The Home handed the invoice.")          # doctest: +SKIP
    'The House passed the bill.'

Texts are cut into sentences (:mod:`restore.segment`); only sentences go through the
model, in length-sorted batches, and everything between them (spaces, line breaks,
blank lines) is put back as it was. A sentence too long for the model is restored in
pieces. An output that drops or alters a number, URL or e-mail address of its input is
not trusted: the input sentence is kept.
"""
from __future__ import annotations

import difflib
import os
import re
from functools import lru_cache
from pathlib import Path

from .segment import segments, split_long

DEFAULT_MODEL_NAME = "restore-small"
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
# numbers, URLs and e-mail addresses that an output must keep (3.Three -> 3.3 is fine: the
# restored side has the digits)
SPUN_DECIMAL_RE = re.compile(r"(\d+)\.(Zero|One|Two|Three|Four|Five|Six|Seven|Eight|Nine)\b")
DIGITS = {w: str(i) for i, w in enumerate("Zero One Two Three Four Five Six Seven Eight Nine".split())}
PROTECTED_RE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\d+(?:[.,:]\d+)*")


class ModelNotFound(FileNotFoundError):
    pass


def default_model_dir() -> Path:
    """``$RESTORE_MODEL`` if set, else the model shipped in ``models/restore-small``."""
    env = os.environ.get("RESTORE_MODEL")
    path = Path(env) if env else MODELS_DIR / DEFAULT_MODEL_NAME
    if not (path / "config.json").is_file():
        raise ModelNotFound(f"no restore model at {path} (set RESTORE_MODEL or pass a model folder)")
    return path


class Restorer:
    """A loaded model plus decoding settings. ``Restorer.from_pretrained(path)``."""

    def __init__(self, model, tokenizer, batch_size: int = 32, num_beams: int = 1,
                 max_input_tokens: int = 128):
        self.model, self.tokenizer = model, tokenizer
        self.batch_size, self.num_beams = batch_size, num_beams
        self.max_input_tokens = max_input_tokens
        # decoder positions: learned position embeddings stop at max_position_embeddings
        self.max_output_tokens = getattr(model.config, "max_position_embeddings", 256) - 2
        self.max_chars = max_input_tokens * 3  # ~4 characters a token in news text: margin

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, batch_size: int = 32, num_beams: int = 1,
                        device: str = "cpu") -> "Restorer":
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        path = Path(path) if path else default_model_dir()
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"no model folder at {path} (config.json missing)")
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=torch.float32).to(device).eval()
        max_pos = getattr(model.config, "max_position_embeddings", 256)
        return cls(model, tokenizer, batch_size, num_beams, max_input_tokens=min(128, max_pos - 4))

    # -- public -------------------------------------------------------------------
    def restore(self, texts: str | list[str]) -> str | list[str]:
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts)
        chunked = [segments(t) for t in texts]
        # every sentence piece, with the whitespace around it kept aside
        jobs: list[str] = []
        for chunks in chunked:
            for is_sent, chunk in chunks:
                if is_sent:
                    jobs += [p.strip() for p in split_long(chunk, self.max_chars) if p.strip()]
        unique = list(dict.fromkeys(jobs))  # each distinct sentence goes through the model once
        restored = dict(zip(unique, self.generate(unique)))
        out = []
        for chunks in chunked:
            parts = []
            for is_sent, chunk in chunks:
                if not is_sent:
                    parts.append(chunk)
                    continue
                for piece in split_long(chunk, self.max_chars):
                    core = piece.strip()
                    if not core:
                        parts.append(piece)
                        continue
                    lead = piece[:len(piece) - len(piece.lstrip())]
                    tail = piece[len(lead) + len(core):]
                    parts.append(lead + self._checked(core, restored[core]) + tail)
            out.append("".join(parts))
        return out[0] if single else out

    # -- internals ----------------------------------------------------------------
    @staticmethod
    def _checked(source: str, output: str) -> str:
        """The output, unless it lost a number/URL/e-mail or is not a restoration of the
        source at all (a spinner changes at most about half the words: an output sharing
        less than half its words with the input is a model failure, not a fix)."""
        if not output.strip():
            return source
        src_words, out_words = source.split(), output.split()
        if difflib.SequenceMatcher(a=src_words, b=out_words, autojunk=False).ratio() < 0.5:
            return source
        out_protected = PROTECTED_RE.findall(output)
        # a known spinner rewrite is the number it stands for: 2.Four is 2.4
        unspun = SPUN_DECIMAL_RE.sub(lambda m: f"{m.group(1)}.{DIGITS[m.group(2)]}", source)
        for item in PROTECTED_RE.findall(unspun):
            if item not in out_protected:
                return source
            out_protected.remove(item)
        return output

    def generate(self, sentences: list[str]) -> list[str]:
        """Raw model output for each sentence (no segmentation, no guards), decoded in
        length-sorted batches."""
        import torch

        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = [""] * len(sentences)
        with torch.inference_mode():
            for k in range(0, len(order), self.batch_size):
                idx = order[k:k + self.batch_size]
                enc = self.tokenizer([sentences[i] for i in idx], return_tensors="pt", padding=True,
                                     truncation=True, max_length=self.max_input_tokens)
                enc = {key: v.to(self.model.device) for key, v in enc.items()}
                max_new = min(int(enc["input_ids"].shape[1] * 1.5) + 8, self.max_output_tokens)
                ids = self.model.generate(**enc, max_new_tokens=max_new, num_beams=self.num_beams,
                                          do_sample=False)
                for i, text in zip(idx, self.tokenizer.batch_decode(ids, skip_special_tokens=True)):
                    out[i] = text
        return out


@lru_cache(maxsize=4)
def _cached(path: str | None) -> Restorer:
    return Restorer.from_pretrained(path)


def restore(texts: str | list[str], model: str | Path | None = None) -> str | list[str]:
    """Restore a text or a list of texts with the default model (loaded once, cached)."""
    return _cached(str(model) if model else None).restore(texts)
