"""The model's tokenizer as token strings, for engines that take tokens as strings (CTranslate2)."""

from __future__ import annotations

import json
import threading
from pathlib import Path


class Tokens:
    """The model's tokenizer, for engines that take tokens as strings.

    With a ``tokenizer.json`` and no clean-up of decoded spaces (our tokenizers), it runs
    on the ``tokenizers`` library directly: what transformers' fast tokenizer calls, with
    the same ids, offsets and decoded text, but without importing torch and transformers
    (seconds of load time). Otherwise it goes through ``AutoTokenizer``."""

    def __init__(self, path: str | Path):
        path = Path(path)
        config_file = path / "tokenizer_config.json"
        config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
        self.hf = None
        eos = config.get("eos_token") or "</s>"
        self.eos = eos["content"] if isinstance(eos, dict) else eos
        if (path / "tokenizer.json").is_file() and config.get("clean_up_tokenization_spaces") is False:
            from tokenizers import Tokenizer

            self.backend = Tokenizer.from_file(str(path / "tokenizer.json"))
            self.backend.no_padding()
            self.vocab = self.backend.get_vocab(with_added_tokens=True)
        else:
            from transformers import AutoTokenizer

            self.hf = AutoTokenizer.from_pretrained(path)
            self.vocab = self.hf.get_vocab()
        # truncation is a setting of a tokenizers object, not an argument of encode: a
        # setting changed at each call (sources at max_input_tokens, targets at
        # max_output_tokens) would be changed under another thread's call. Each length gets
        # its own copy, set once; the transformers tokenizer sets it at each call: a lock
        self._truncating: dict[int, object] = {}
        self._lock = threading.Lock()

    def _truncating_at(self, max_length: int):
        """A copy of the backend that truncates to ``max_length`` tokens (made once)."""
        backend = self._truncating.get(max_length)
        if backend is None:
            with self._lock:
                backend = self._truncating.get(max_length)
                if backend is None:
                    from tokenizers import Tokenizer

                    backend = Tokenizer.from_str(self.backend.to_str())
                    backend.no_padding()
                    backend.enable_truncation(max_length)
                    self._truncating[max_length] = backend
        return backend

    def encode(self, texts: list[str], max_length: int) -> list[tuple[list[str], list[tuple[int, int]]]]:
        """(tokens, character offsets) of each text, end-of-sentence token included,
        truncated to ``max_length`` tokens."""
        if self.hf is not None:
            with self._lock:
                enc = self.hf(texts, truncation=True, max_length=max_length, return_offsets_mapping=True)
            out = []
            for ids, offs in zip(enc["input_ids"], enc["offset_mapping"]):
                tokens = self.hf.convert_ids_to_tokens(ids)
                assert isinstance(tokens, list)  # ids in a list give a list (transformers types it str | list[str])
                out.append((tokens, [tuple(o) for o in offs]))
            return out
        return [(e.tokens, e.offsets) for e in self._truncating_at(max_length).encode_batch(texts)]

    def decode(self, tokens: list[str]) -> str:
        ids = [self.vocab[t] for t in tokens]
        if self.hf is not None:
            text = self.hf.decode(ids, skip_special_tokens=True)
            assert isinstance(text, str)  # one sequence of ids gives one text (typed str | list[str])
            return text
        return self.backend.decode(ids, skip_special_tokens=True)
