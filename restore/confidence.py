"""How sure the model is of an edit, and how spun a text looks: both from the model's token
scores of the restored sentence (:meth:`restore.restorer.Restorer.spun_score` and the edit
confidences the thresholds read, :class:`restore.guards.Thresholds`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .align import WORD_RE
from .edits import Edit

__all__ = ["SpunScore", "evidence", "span_logprobs", "least_likely_token", "scored_edits"]


@dataclass(frozen=True)
class SpunScore:
    """How spun a text looks: the confidence-weighted share of its words the model would
    change, for the whole text (``score``) and for each sentence ``(start, end, score)``."""

    score: float
    words: int
    sentences: list[tuple[int, int, float]]


def evidence(source: str, edits: list[Edit]) -> tuple[int, float]:
    """``(words, changed)`` of one sentence piece: its words (at least one) and the
    confidence-weighted words its edits replace (an insertion counts one), capped at its words."""
    n = max(1, len(WORD_RE.findall(source)))
    return n, min(n, sum(e.confidence * max(1, len(WORD_RE.findall(e.spun))) for e in edits))


def span_logprobs(scores: Sequence[tuple[int, int, float]], start: int, end: int) -> list[float]:
    """Log-probabilities of the output tokens ``scores`` (an engine's token scores: span in
    the restored sentence, log-probability) overlapping ``[start, end)``; for an empty span
    (a deletion) of the token that follows it."""
    if not scores:
        return []
    if end > start:
        return [lp for s, e, lp in scores if s < end and e > start]
    return [next((lp for s, e, lp in scores if e > start or s >= start), scores[-1][2])]


def least_likely_token(logprobs: list[float]) -> float:
    """An edit's confidence: the probability of the least likely token of its replacement
    (:func:`span_logprobs`; 0 without any)."""
    return math.exp(min(logprobs)) if logprobs else 0.0


def scored_edits(
    edits: list[Edit], scores: Sequence[tuple[int, int, float]], edit_confidence: Callable[[list[float]], float]
) -> list[Edit]:
    """``edits`` (in input order) with confidences from ``scores``, the restored
    sentence's token scores."""
    shift, scored = 0, []  # shift: where the output has moved past the edits so far
    for e in edits:
        start = e.start + shift
        confidence = edit_confidence(span_logprobs(scores, start, start + len(e.replacement)))
        scored.append(Edit(e.start, e.end, e.spun, e.replacement, confidence))
        shift += len(e.replacement) - (e.end - e.start)
    return scored
