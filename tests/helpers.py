"""Test doubles shared by test modules.

:class:`SwapEngine` is an engine whose "model" really rewrites each sentence by a table of
known word swaps ("Home" -> "House"), so a restorer around it applies edits whose every
character is known in advance: whitespace, line-ending and offset bugs then show up in the
restored text, not only in text that stays unchanged. It is deterministic and holds no
state a call changes, so threads may share it.
"""
from __future__ import annotations

import math
import re

SWAPS = {"Home": "House", "handed": "passed", "invoice": "bill", "stated": "said",
         "officers": "officials", "Officers": "Officials", "scheme": "plan"}


class SwapEngine:
    """Rewrites whole words (or phrases) of each sentence by ``swaps``; every output token
    (run of non-space characters) gets probability ``probs.get(token, default_prob)``."""

    def __init__(self, swaps: dict[str, str] | None = None, probs: dict[str, float] | None = None,
                 default_prob: float = 0.95, max_input_tokens: int = 128):
        self.swaps = dict(SWAPS if swaps is None else swaps)
        self.probs = probs or {}
        self.default_prob = default_prob
        self.max_input_tokens = max_input_tokens
        keys = sorted(self.swaps, key=len, reverse=True)
        self._re = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w'])") if keys else None

    def rewrite(self, sentence: str) -> str:
        return self._re.sub(lambda m: self.swaps[m.group()], sentence) if self._re else sentence

    def generate(self, sentences: list[str]) -> list[str]:
        return [self.rewrite(s) for s in sentences]

    def token_logprobs(self, sources: list[str], targets: list[str]):
        out = []
        for t in targets:
            scores = [(m.start(), m.end(), math.log(self.probs.get(m.group(), self.default_prob)))
                      for m in re.finditer(r"\S+", t)]
            out.append(scores + [(len(t), len(t), math.log(0.99))])
        return out


def swap_restorer(swaps: dict[str, str] | None = None, **kw):
    """A :class:`~restore.restorer.Restorer` around a :class:`SwapEngine` (no thresholds
    unless given)."""
    from restore.restorer import Restorer

    engine_kw = {k: kw.pop(k) for k in ("probs", "default_prob", "max_input_tokens") if k in kw}
    return Restorer(SwapEngine(swaps, **engine_kw), **kw)
