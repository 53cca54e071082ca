"""Word-level edit scoring: how much spinner damage a system undid, and how precisely.

An edit is a changed span of the spun text with its replacement, found by aligning the
spun text with another text word by word (typography normalised first). A system edit
(spun -> output) is correct when it equals a reference edit (spun -> original).
F0.5 weighs precision twice as much as recall: a wrong "fix" is worse than a missed one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .align import changed_spans, words

Edit = tuple[int, int, tuple[str, ...]]


def edits(source: str, target: str) -> set[Edit]:
    """Edits turning ``source`` into ``target``: ``(start_word, end_word, replacement)``."""
    src, tgt = words(source), words(target)
    return {(i1, i2, tuple(tgt[j1:j2])) for i1, i2, j1, j2 in changed_spans(src, tgt)}


@dataclass
class EditCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, spun: str, output: str, original: str) -> None:
        ref, hyp = edits(spun, original), edits(spun, output)
        self.tp += len(ref & hyp)
        self.fp += len(hyp - ref)
        self.fn += len(ref - hyp)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def f_beta(self, beta: float = 0.5) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f0.5": self.f_beta(0.5),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def score(spun: list[str], outputs: list[str], originals: list[str]) -> dict:
    """Micro-averaged edit precision/recall/F0.5, plus exact match and clean-change rate."""
    counts = EditCounts()
    exact = changed_clean = clean = 0
    for s, o, r in zip(spun, outputs, originals, strict=True):
        counts.add(s, o, r)
        exact += words(o) == words(r)
        if words(s) == words(r):
            clean += 1
            changed_clean += words(o) != words(s)
    return {**counts.as_dict(), "exact": exact / max(1, len(spun)),
            "clean_changed": changed_clean / clean if clean else None, "n": len(spun)}
