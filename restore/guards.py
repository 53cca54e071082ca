"""Guards: which of the model's proposed edits are safe to apply, and the thresholds
(document gate, confidence gates) that filter the rest.

An output that is not a restoration of its input at all is not used; an edit that
changes a fact (:mod:`restore.facts`), loses a URL or e-mail address, writes a word the
model never saw in its training targets, changes punctuation alone, drops an ellipsis,
removes a sentence end, markup or more than two words, changes a name or coordinates a
word with itself ("services and services") is dropped.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass

from .edits import Edit, read_words, sentence_edits
from .facts import NUMBER_WORDS, SOFT_NUMBER_RE, SPELLED_DECIMAL_RE, same_facts, spelled_decimal_value
from .known_words import invented
from .reading import ELLIPSIS_RE

__all__ = [
    "guarded_edits",
    "drops_text",
    "changes_name",
    "changes_facts",
    "doubles_word",
    "kept_edits",
    "Proposal",
    "document_score",
    "Thresholds",
    "MIN_SIMILARITY",
]

# numbers, URLs and e-mail addresses that an output must keep (3.Three -> 3.3 is fine: the
# restored side has the digits, restore.facts.SPELLED_DECIMAL_RE)
PROTECTED_RE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\d+(?:[.,:]\d+)*")
# an edit with no letter or digit on either side changes punctuation only: spinners swap
# words, and the model miscounts runs of marks ("it... would" -> "it.... would")
LETTER_OR_DIGIT_RE = re.compile(r"[^\W_]")
MIN_SIMILARITY = 0.4  # difflib ratio of input and output words below which an output is not used
# spinners insert a word or two ("new" -> "brand new"); an edit that removes more, net, is a
# model dropping text
MAX_DELETED_WORDS = 2
DELETED_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# a sentence end: ? ! … anywhere, or a full stop followed (after closing quotes or brackets)
# by a space and a capital, digit or opening quote, or by the end of the sentence
SENTENCE_END_RE = re.compile(r"[?!…]|\.(?=[\"'”’)\]]*(?:\s+[\"“‘(\[]?[A-Z0-9]|\s*$))")
# markup a spinner never touches: tags, wiki links, templates, tables and headings, entities, file names
MARKUP_RE = re.compile(
    r"</?[A-Za-z][^<>]*>|\[\[|\]\]|\{\{|\}\}|\||'''|==|&#?\w+;"
    r"|\.(?:jpe?g|png|gif|svg|pdf|webp)\b",
    re.IGNORECASE,
)
NO_LONGER_RE = re.compile(r"\bno\s+longer\b", re.IGNORECASE)
RESPELLING_SIMILARITY = 0.8  # difflib ratio from which a changed capitalised word is a respelling


def _ends(text: str, after: str) -> int:
    """Sentence ends in ``text`` followed by ``after`` (what comes after it in the sentence)."""
    return sum(1 for m in SENTENCE_END_RE.finditer(text + after) if m.start() < len(text))


def drops_text(edit: Edit, after: str = "") -> bool:
    """An edit no spinner explains because it removes text (one rule for deletions and
    replacements alike): a sentence end ("What's that? It truly" -> "What", "Us Of A." ->
    "United States" before the next sentence), markup ("Bidens.jpg </gallery>" -> "Obama"),
    more than :data:`MAX_DELETED_WORDS` words net ("the deal raised will probably be" ->
    "the deal"), or, in a deletion, a capitalised word (a name: "Mo", "Kabul"). ``after``:
    the sentence's text after the edit (a full stop is a sentence end when a capital follows)."""
    removed = DELETED_WORD_RE.findall(edit.spun)
    if len(removed) - len(DELETED_WORD_RE.findall(edit.replacement)) > MAX_DELETED_WORDS:
        return True
    if _ends(edit.spun, after) > _ends(edit.replacement, after):
        return True
    if len(MARKUP_RE.findall(edit.spun)) > len(MARKUP_RE.findall(edit.replacement)):
        return True
    return not edit.replacement.strip() and any(w[0].isupper() for w in removed)


def changes_name(source: str, edit: Edit) -> bool:
    """A name changed rather than restored: a capitalised word changed into a look-alike
    ("Hussain" -> "Husain", "Lynn" -> "Lyn": a respelling, which no spinner does; case alone,
    "Us" -> "US", is not one), or a name of two or more capitalised words inside the sentence
    replaced by other capitalised words with none in common ("Long Island" -> "New York").
    A spinner swaps the words of a name one by one ("Home Office" -> "Dwelling Workplace"),
    and the model cannot tell those from a real name it does not know: on real dev + dev2
    none of the whole-name replacements it proposed was kept."""
    old = DELETED_WORD_RE.findall(edit.spun)
    new = DELETED_WORD_RE.findall(edit.replacement)
    new_keys = {w.lower() for w in new}
    for w in old:
        if (
            w[0].isupper()
            and w.lower() not in new_keys
            and any(difflib.SequenceMatcher(a=w.lower(), b=r.lower()).ratio() >= RESPELLING_SIMILARITY for r in new)
        ):
            return True
    names = [w for w in old if w[0].isupper()]
    if (
        names
        and old[0][0].isupper()
        and not (len(old) > 1 and old[1][0].isupper())
        and not source[: edit.start].strip(" \t\"'“‘([-")
    ):
        names = names[1:]  # the sentence's first word is capitalised whatever it is, unless a name goes on
    new_names = [w for w in new if w[0].isupper()]
    return len(names) >= 2 and len(new_names) >= 2 and not {w.lower() for w in names} & {w.lower() for w in new_names}


# number words and digits joined by a hyphen or a space: an edit inside such a compound is
# judged on the whole compound ("forty-five" -> "40-five" is 45 -> 40 and 5)
_NUMBERISH = r"(?:\d+|" + "|".join(sorted(set(NUMBER_WORDS) | {"one"}, key=len, reverse=True)) + r")"
_LEFT_NUMBER_RE = re.compile(rf"(?<![\w-])(?:{_NUMBERISH}[- ])+$", re.IGNORECASE)
_RIGHT_NUMBER_RE = re.compile(rf"^(?:[- ]{_NUMBERISH})+(?![\w])", re.IGNORECASE)


def changes_facts(source: str, edit: Edit) -> bool:
    """Whether ``edit`` states other facts than the text it replaces
    (:func:`restore.facts.same_facts`), read with the number words it is joined to
    ("forty-five" -> "40-five"), or removes or adds "no longer" ("no longer" -> "not" loses
    that it was so before)."""
    left = _LEFT_NUMBER_RE.search(source[: edit.start])
    right = _RIGHT_NUMBER_RE.match(source[edit.end :])
    before = left.group() if left else ""
    after = right.group() if right else ""
    if not same_facts(before + edit.spun + after, before + edit.replacement + after):
        return True
    return len(NO_LONGER_RE.findall(edit.spun)) != len(NO_LONGER_RE.findall(edit.replacement))


# "services and products" -> "services and services": a word coordinated with itself, which the
# spun text did not have, is the model copying a neighbour, not a restoration. Idioms that
# double a word ("more and more", "again and again", "bigger and bigger") are left alone
DOUBLED_RE = re.compile(r"\b([^\W\d_]+) (?:and|or) \1\b", re.IGNORECASE)
DOUBLING_IDIOMS = frozenset(
    """more less fewer again over on through round time times years
    months days weeks hours worse millions billions thousands hundreds dozens neck""".split()
)
CONTEXT = 40  # characters either side of an edit read by doubles_word


def doubles_word(source: str, edit: Edit) -> bool:
    """Whether applying ``edit`` to ``source`` coordinates a word with itself ("chopping
    services and products" -> "services and services") where the source had no such pair.
    Comparatives ("bigger and bigger") and the idioms in :data:`DOUBLING_IDIOMS` do not count."""
    left, right = source[max(0, edit.start - CONTEXT) : edit.start], source[edit.end : edit.end + CONTEXT]

    def doubled(text: str) -> int:
        return sum(
            1
            for m in DOUBLED_RE.finditer(text)
            if m.group(1).lower() not in DOUBLING_IDIOMS and not m.group(1).lower().endswith("er")
        )

    return doubled(left + edit.replacement + right) > doubled(left + edit.spun + right)


def guarded_edits(source: str, output: str, known_words: frozenset[str] | None = None) -> list[Edit]:
    """The edits from ``source`` to ``output`` that are safe to apply.

    None when the output is empty or not a restoration of the source at all (real
    spinners change about 30% of the words, rarely more than half: an output that shares
    less than 40% of its words and punctuation with the input is a model failure, not a fix). Otherwise every edit except those
    that lose or alter a number, URL or e-mail address of the input; a known spinner
    rewrite is not a loss (2.Four is the number 2.4; 12 months, 1000's, 3rd, 10 years
    are the spinner's versions of year, thousands, third, decade). With ``known_words``
    (:mod:`restore.known_words`), an edit that writes a word neither in that list nor in
    the source ("Truss" -> "Trus") is dropped too: a model spelling a non-word. So is an
    edit of punctuation alone ("..." -> "....", an added comma): spinners swap words, and
    none of the model's punctuation-only edits on 2,075 valid and dev rows was right; an
    edit that drops or adds an ellipsis ("Home…" -> "House"); and an edit that states
    other facts than the text it replaces (:func:`restore.facts.same_facts`: "trillion"
    -> "billion", "northwest" -> "north", a negation lost or added), read with the number
    words it is joined to ("forty-five" -> "40-five"), or that drops or adds "no longer"
    (:func:`changes_facts`); an edit that removes a sentence end, markup or more than two
    words net, or deletes a capitalised word (:func:`drops_text`); a name respelt or
    replaced by another (:func:`changes_name`); and an edit that coordinates a word with
    itself ("services and products" -> "services and services", :func:`doubles_word`)."""
    if not output.strip():
        return []
    source_words, output_words = ([w for *_, w in read_words(t)] for t in (source, output))
    if difflib.SequenceMatcher(a=source_words, b=output_words, autojunk=False).ratio() < MIN_SIMILARITY:
        return []
    protected = [(m.start(), m.end(), spelled_decimal_value(m)) for m in SPELLED_DECIMAL_RE.finditer(source)]
    protected += [
        (m.start(), m.end(), m.group())
        for m in PROTECTED_RE.finditer(source)
        if not any(s <= m.start() < e for s, e, _ in protected)
    ]
    # a spinner's numbers for words (restore.facts.SOFT_NUMBER_RE): restoring the word loses no number
    soft = [(m.start(), m.end()) for m in SOFT_NUMBER_RE.finditer(source)]
    kept = []
    for edit in sorted(sentence_edits(source, output), key=lambda e: e.start):
        if not (LETTER_OR_DIGIT_RE.search(edit.spun) or LETTER_OR_DIGIT_RE.search(edit.replacement)):
            continue
        if len(ELLIPSIS_RE.findall(edit.spun)) != len(ELLIPSIS_RE.findall(edit.replacement)):
            continue  # drops or adds an ellipsis along with its words
        values = PROTECTED_RE.findall(edit.replacement)
        safe = True
        for s, e, value in protected:
            if not (s < edit.end and e > edit.start):
                continue
            if value in values:
                values.remove(value)
            elif not any(a <= s and e <= b for a, b in soft) or re.search(r"\d", edit.replacement):
                # lost or altered; a spinner's number (1000's) may become words, not another number
                safe = False
        if (
            safe
            and not invented(edit.replacement, source, known_words)
            and not changes_facts(source, edit)
            and not drops_text(edit, source[edit.end :])
            and not changes_name(source, edit)
            and not doubles_word(source, edit)
        ):
            kept.append(edit)
    return kept


def kept_edits(edits: list[Edit], min_confidence: float = 0.0, lone_edit_confidence: float = 0.0) -> list[Edit]:
    """The edits to apply: those at ``min_confidence`` or above, except that a sentence
    left with a single edit keeps it only at ``lone_edit_confidence`` or above.

    One isolated change in an otherwise untouched sentence is what a false "fix" of clean
    text looks like; a spun sentence usually carries several (real spinners change ~30% of
    the words), so the second gate removes most harm to clean text for little recall."""
    kept = [e for e in edits if e.confidence >= min_confidence]
    if lone_edit_confidence <= min_confidence:
        return kept
    per_sentence: dict[int, int] = {}
    for e in kept:
        per_sentence[e.sentence] = per_sentence.get(e.sentence, 0) + 1
    return [e for e in kept if per_sentence[e.sentence] > 1 or e.confidence >= lone_edit_confidence]


@dataclass(frozen=True)
class Proposal:
    """Every edit the model proposes for one text (guarded and scored, not thresholded)
    and how spun the text looks: ``changed`` words, confidence-weighted (an edit counts the
    words it replaces, at least one, times its confidence; capped per sentence piece at the
    piece's words), of ``words`` in all."""

    edits: list[Edit]
    words: int
    changed: float

    @property
    def spun_score(self) -> float:
        """The confidence-weighted share of words the model would change: 0 for text it
        finds clean, towards 1 for heavy spinning."""
        return self.changed / self.words if self.words else 0.0


def document_score(proposals: list[Proposal]) -> float:
    """The spun-ness score of several texts read as one document (pooled words)."""
    words = sum(p.words for p in proposals)
    return sum(p.changed for p in proposals) / words if words else 0.0


@dataclass(frozen=True)
class Thresholds:
    """The gates a restorer applies to the edits it proposes.

    - ``min_spun_score`` (the document gate): a document whose spun-ness score
      (:attr:`Proposal.spun_score`, pooled over the document) is below it is left as it is.
      Clean text gets a few unsure proposals; spun text many.
    - ``min_confidence`` and ``lone_edit_confidence``: per edit (:func:`kept_edits`).
    """

    min_confidence: float = 0.0
    lone_edit_confidence: float = 0.0
    min_spun_score: float = 0.0
    # an edit counts with the best confidence the same restoration (same spun words, same
    # replacement) has anywhere in its document: real spinners write the same replacement
    # for the same word throughout an article (:func:`document_evidence`)
    document_evidence: bool = False

    def __post_init__(self):
        for name in ("min_confidence", "lone_edit_confidence", "min_spun_score"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")

    def apply(
        self, proposal: Proposal, pooled_score: float | None = None, best: dict[tuple[str, str], float] | None = None
    ) -> list[Edit]:
        """The edits of ``proposal`` to apply. ``pooled_score``: the score of the whole
        document the text belongs to (:func:`document_score`); ``best``: its restorations'
        best confidences (:func:`best_confidences`); default: the text's own."""
        score = proposal.spun_score if pooled_score is None else pooled_score
        if score < self.min_spun_score:
            return []
        edits = proposal.edits
        if self.document_evidence:
            edits = document_evidence(edits, best_confidences([proposal]) if best is None else best)
        return kept_edits(edits, self.min_confidence, self.lone_edit_confidence)

    def apply_all(self, proposals: list[Proposal], documents: list | None = None) -> list[list[Edit]]:
        """:meth:`apply` to each proposal; the document gate (and ``document_evidence``)
        pools the proposals that share a label in ``documents`` (one label a proposal),
        each proposal alone without it."""
        if documents is None:
            return [self.apply(p) for p in proposals]
        members: dict = {}
        for p, doc in zip(proposals, documents, strict=True):
            members.setdefault(doc, []).append(p)
        pooled = {doc: document_score(ps) for doc, ps in members.items()}
        best = {doc: best_confidences(ps) for doc, ps in members.items()} if self.document_evidence else {}
        return [self.apply(p, pooled[doc], best.get(doc)) for p, doc in zip(proposals, documents)]


def _restoration(edit: Edit) -> tuple[str, str]:
    return " ".join(edit.spun.lower().split()), " ".join(edit.replacement.lower().split())


def best_confidences(proposals: list[Proposal]) -> dict[tuple[str, str], float]:
    """The highest confidence of each restoration (spun words -> replacement, lower case)
    among the edits of ``proposals`` (one document)."""
    best: dict[tuple[str, str], float] = {}
    for p in proposals:
        for e in p.edits:
            key = _restoration(e)
            best[key] = max(best.get(key, 0.0), e.confidence)
    return best


def document_evidence(edits: list[Edit], best: dict[tuple[str, str], float]) -> list[Edit]:
    """Each edit with the best confidence its restoration has in the document (``best``,
    :func:`best_confidences`): a phrase restored confidently in one sentence is evidence
    for the same restoration of the same phrase elsewhere, with no second decoding."""
    return [dataclasses.replace(e, confidence=max(e.confidence, best.get(_restoration(e), 0.0))) for e in edits]
