"""Word-level edit scoring: how much spinner damage a system undid, and how precisely.

An edit is a changed span of the spun text with its replacement, found by aligning the
spun text with another text word by word (typography normalised first). A system edit
(spun -> output) is correct when it equals a reference edit (spun -> original): same
span of the spun text, same replacement words. Case counts ("home" -> "Home" is an edit);
only typography is normalised.
F0.5 weighs precision twice as much as recall: a wrong "fix" is worse than a missed one.

Adjacent changed words form one edit ("in opposition to quick" -> "against short" is one
reference edit), so a system that fixes only part of such a span ("against quick") makes
an edit that F0.5 counts wrong although every word it wrote is the original's. Those are
:func:`partial_fixes`; ``edits_right`` (:class:`EditCounts`) is the share of the system's
edits that write the original's words, partial fixes included: the harm figure, where
precision is the strict one the F0.5 uses.
The full metric set (damage removed, clean harm, BLEU, chrF ...) is in :mod:`restore.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .align import changed_spans, words

# a word-level edit for scoring: (start word, end word, replacement words) of the spun text;
# the restorer's character-span edits are restore.edits.Edit
WordEdit = tuple[int, int, tuple[str, ...]]


def word_edits(source: str, target: str) -> set[WordEdit]:
    """Edits turning ``source`` into ``target``: ``(start_word, end_word, replacement)``."""
    src, tgt = words(source), words(target)
    return {(i1, i2, tuple(tgt[j1:j2])) for i1, i2, j1, j2 in changed_spans(src, tgt)}


def judge(spun: str, output: str, original: str) -> dict[str, list[WordEdit]]:
    """One sentence's edits, sorted: ``correct`` (system edits that are reference edits),
    ``wrong`` (system edits that are not) and ``missed`` (reference edits the system lacks)."""
    ref, hyp = word_edits(spun, original), word_edits(spun, output)
    return {"correct": sorted(ref & hyp), "wrong": sorted(hyp - ref), "missed": sorted(ref - hyp)}


def partial_fixes(spun: str, output: str, original: str, wrong: list[WordEdit] | None = None) -> list[WordEdit]:
    """The ``wrong`` edits (default: :func:`judge`'s) that are right fixes of part of a
    reference edit: every spun word they change is changed in the original too, and the
    words they write are the original's at that place (aligning output with original); a
    deletion must leave nothing missing there. "in opposition to quick" -> "against quick"
    (original "against short") is one."""
    if wrong is None:
        wrong = judge(spun, output, original)["wrong"]
    if not wrong:  # most rows: no alignment needed
        return []
    src, out, ref = words(spun), words(output), words(original)
    spun_changed = {i for i1, i2, _, _ in changed_spans(src, ref) for i in range(i1, i2)}
    out_off: set[int] = set()
    out_gap: set[int] = set()  # output words not the original's; gaps missing words
    for j1, j2, _, _ in changed_spans(out, ref):
        out_off.update(range(j1, j2))
        if j1 == j2:
            out_gap.add(j1)
    where = {(i1, i2): (j1, j2) for i1, i2, j1, j2 in changed_spans(src, out)}
    fixes = []
    for e in wrong:
        j1, j2 = where[(e[0], e[1])]
        if not all(i in spun_changed for i in range(e[0], e[1])):
            continue
        if (j2 > j1 and not any(j in out_off for j in range(j1, j2))) or (j2 == j1 and j1 not in out_gap):
            fixes.append(e)
    return fixes


@dataclass
class EditCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    partial: int = 0  # of the fp: right fixes of part of a reference edit (partial_fixes)

    def add(self, spun: str, output: str, original: str) -> None:
        j = judge(spun, output, original)
        self.tp += len(j["correct"])
        self.fp += len(j["wrong"])
        self.fn += len(j["missed"])
        self.partial += len(partial_fixes(spun, output, original, j["wrong"]))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def edits_right(self) -> float:
        """Share of the system's edits that write the original's words (1.0 with none)."""
        return (self.tp + self.partial) / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def f_beta(self, beta: float = 0.5) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f0.5": self.f_beta(0.5),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "partial": self.partial,
            "edits_right": self.edits_right,
        }
