"""The PyTorch engine: the Hugging Face model's ``generate`` and teacher-forced scoring."""

from __future__ import annotations

import threading
from pathlib import Path

from .base import Batching, TokenScores, output_limit, set_threads


class TorchEngine(Batching):
    """Greedy or beam decoding with ``model.generate`` in length-sorted batches."""

    name = "torch"

    def __init__(self, model, tokenizer, batch_size: int = 32, num_beams: int = 1, max_input_tokens: int | None = None):
        self.model, self.tokenizer = model, tokenizer
        self.batch_size, self.num_beams = batch_size, num_beams
        max_pos = getattr(model.config, "max_position_embeddings", 256)
        # default: 128, within the model's learned positions
        self.max_input_tokens = max_input_tokens if max_input_tokens is not None else min(128, max_pos - 4)
        # learned decoder positions stop at max_position_embeddings
        self.max_output_tokens = max_pos - 2
        # a transformers fast tokenizer sets truncation and padding on its shared backend at
        # each call: threads sharing the engine take turns to tokenize
        self._tokenizing = threading.Lock()

    def _encode(self, texts: list[str], max_length: int, **kw):
        with self._tokenizing:
            return self.tokenizer(
                texts, return_tensors="pt", padding=True, truncation=True, max_length=max_length, **kw
            )

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu", threads: int | None = None, **kw) -> TorchEngine:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # stderr is for our progress bar and messages
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=torch.float32).to(device).eval()
        if device == "cpu":
            set_threads(threads)
        return cls(model, tokenizer, **kw)

    def generate(self, sentences: list[str]) -> list[str]:
        """Raw model output for each sentence, decoded in length-sorted batches."""
        import torch

        out = [""] * len(sentences)
        with torch.inference_mode():
            for idx in self._batches(len(sentences), key=lambda i: len(sentences[i])):
                enc = self._encode([sentences[i] for i in idx], self.max_input_tokens)
                enc = {key: v.to(self.model.device) for key, v in enc.items()}
                max_new = output_limit(enc["input_ids"].shape[1], self.max_output_tokens)
                ids = self.model.generate(**enc, max_new_tokens=max_new, num_beams=self.num_beams, do_sample=False)
                with self._tokenizing:
                    decoded = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
                for i, text in zip(idx, decoded):
                    out[i] = text
        return out

    def token_logprobs(self, sources: list[str], targets: list[str]) -> list[TokenScores]:
        """Log-probability of each token of ``targets[i]`` given ``sources[i]`` (teacher
        forcing, one decoder pass a batch), with the token's character span in the target."""
        import torch

        out: list[TokenScores] = [[] for _ in sources]
        with torch.inference_mode():
            for idx in self._batches(len(sources), key=lambda i: len(targets[i])):
                enc = self._encode([sources[i] for i in idx], self.max_input_tokens)
                tgt = self._encode([targets[i] for i in idx], self.max_output_tokens, return_offsets_mapping=True)
                labels = tgt["input_ids"].masked_fill(tgt["attention_mask"] == 0, -100)
                enc = {key: v.to(self.model.device) for key, v in enc.items()}
                logits = self.model(**enc, labels=labels.to(self.model.device)).logits
                logp = torch.log_softmax(logits.float(), dim=-1)
                chosen = logp.gather(-1, tgt["input_ids"].unsqueeze(-1).to(logp.device)).squeeze(-1)
                for row, i in enumerate(idx):
                    n = int(tgt["attention_mask"][row].sum())
                    spans = tgt["offset_mapping"][row][:n].tolist()
                    end = len(targets[i])
                    spans[-1] = (end, end)  # the end-of-sentence token
                    out[i] = [(int(s), int(e), float(chosen[row, t])) for t, (s, e) in enumerate(spans)]
        return out
