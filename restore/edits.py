"""Word-level edit scoring: how much spinner damage a system undid, and how precisely.

An edit is a changed span of the spun text with its replacement, found by aligning the
spun text with another text word by word (typography normalised first). A system edit
(spun -> output) is correct when it equals a reference edit (spun -> original): same
span of the spun text, same replacement words. Case counts ("home" -> "Home" is an edit);
only typography is normalised.
F0.5 weighs precision twice as much as recall: a wrong "fix" is worse than a missed one.
The full metric set (damage removed, clean harm, BLEU, chrF ...) is in :mod:`restore.metrics`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .align import changed_spans, words

Edit = tuple[int, int, tuple[str, ...]]


def edits(source: str, target: str) -> set[Edit]:
    """Edits turning ``source`` into ``target``: ``(start_word, end_word, replacement)``."""
    src, tgt = words(source), words(target)
    return {(i1, i2, tuple(tgt[j1:j2])) for i1, i2, j1, j2 in changed_spans(src, tgt)}


def judge(spun: str, output: str, original: str) -> dict[str, list[Edit]]:
    """One sentence's edits, sorted: ``correct`` (system edits that are reference edits),
    ``wrong`` (system edits that are not) and ``missed`` (reference edits the system lacks)."""
    ref, hyp = edits(spun, original), edits(spun, output)
    return {"correct": sorted(ref & hyp), "wrong": sorted(hyp - ref), "missed": sorted(ref - hyp)}


@dataclass
class EditCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, spun: str, output: str, original: str) -> None:
        j = judge(spun, output, original)
        self.tp += len(j["correct"])
        self.fp += len(j["wrong"])
        self.fn += len(j["missed"])

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
    """Micro-averaged edit precision/recall/F0.5, plus exact match and clean-change rate.

    The compact set used during training and by eval/quick_eval.py; the figures come from
    :mod:`restore.metrics`.
    """
    from .metrics import clean_harm, exact_match, spin_edits  # restore.metrics imports this module

    return {**spin_edits(spun, outputs, originals),
            "exact": exact_match(outputs, originals)["exact_match"],
            "clean_changed": clean_harm(spun, outputs, originals)["clean_harm"], "n": len(spun)}
