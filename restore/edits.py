"""Edits: the character-level changes between a text and its restoration.

:func:`sentence_edits` aligns a source and the model's output word by word and returns
the changed spans of the source with their replacements; :func:`apply_edits` applies
edits. Only edits are ever applied, so everything the model did not change word-wise
(spacing, quote style, layout) stays byte for byte as in the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .align import TYPOGRAPHY, WORD_RE, opcodes

__all__ = ["Edit", "sentence_edits", "apply_edits", "read_words", "is_unread", "has_unread", "SPACE_RE"]

SPACE_RE = re.compile(r"\s+")
# characters the model does not read: format characters (zero-width space and joiners,
# BOM, bidi marks) and pictographs / emoji with their modifiers and variation selectors
UNREAD_CATEGORIES = {"Cf", "So", "Sk", "Cs", "Co"}


UNREAD_CANDIDATE_RE = re.compile("[\u2001-\U0010ffff]")  # the only characters is_unread may be true for


def is_unread(ch: str) -> bool:
    """A character the model does not read (it stays in the text, outside any edit)."""
    return ord(ch) > 0x2000 and (unicodedata.category(ch) in UNREAD_CATEGORIES or ch in "\ufe0e\ufe0f")


def has_unread(text: str) -> bool:
    """Whether ``text`` holds a character the model does not read (:func:`is_unread`)."""
    return any(is_unread(m.group()) for m in UNREAD_CANDIDATE_RE.finditer(text))


@dataclass(frozen=True)
class Edit:
    """One change: ``text[start:end]`` (``spun``) becomes ``replacement``.

    ``confidence`` is the model's probability for the least likely token of the
    replacement (for a deletion, of the token after it): 1.0 = certain. ``sentence``
    numbers the sentence piece of the text the edit is in (the restorer's unit).
    """

    start: int
    end: int
    spun: str
    replacement: str
    confidence: float
    sentence: int = 0

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "spun": self.spun,
            "replacement": self.replacement,
            "confidence": round(self.confidence, 4),
        }


def read_words(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` for each word and punctuation mark of ``text`` the model reads.

    Words are found in the typographically normalised text (one character for one, so
    the spans hold): "Russia’s" is one word like "Russia's", not "Russia", "’", "s".
    Characters the model does not read (zero-width, emoji) are layout, not words."""
    # a token of WORD_RE longer than one character holds a word character, which is read:
    # only a lone mark can be unread
    return [
        (m.start(), m.end(), m.group())
        for m in WORD_RE.finditer(text.translate(TYPOGRAPHY))
        if len(m.group()) > 1 or not is_unread(m.group())
    ]


def sentence_edits(source: str, output: str) -> list[Edit]:
    """Word-level edits turning ``source`` into ``output`` (confidence 1.0), with character
    spans of ``source``. Words equal after typography normalisation are not edits, so the
    input's quote style and spacing survive, around and inside an edit too (see below)."""
    src, out = read_words(source), read_words(output)
    edits = []
    for tag, i1, i2, j1, j2 in opcodes([w for *_, w in src], [w for *_, w in out]):
        if tag == "equal":
            continue
        # from the end of the previous unchanged word to the start of the next one
        s0 = src[i1 - 1][1] if i1 > 0 else 0
        s1 = src[i2][0] if i2 < len(src) else len(source)
        o0 = out[j1 - 1][1] if j1 > 0 else 0
        o1 = out[j2][0] if j2 < len(out) else len(output)
        old, new = source[s0:s1], output[o0:o1]
        if old.strip() and new.strip():
            # words replaced by words: whitespace at an end where both have some is the
            # input's (a double space or NBSP next to the edit stays), and so are the gaps
            # between the replacement's words where it can be (_input_style)
            start, end = s0, s1
            # at the sentence's start or end there is nothing for punctuation to attach to:
            # the input's layout there stays whatever the output has
            if (_is_layout(old[0]) and _is_layout(new[0])) or (i1 == 0 and _is_layout(old[0])):
                cut = _layout_run(old)
                start += cut
                old, new = old[cut:], new[_layout_run(new) :]
            if (_is_layout(old[-1]) and _is_layout(new[-1])) or (i2 == len(src) and _is_layout(old[-1])):
                cut = _layout_run(old[::-1])
                end -= cut
                old, new = old[: len(old) - cut], new[: len(new) - _layout_run(new[::-1])]
            old_core, new_core = old, _input_style(old, new, source)
            if old_core == new_core:
                continue
            edits.append(Edit(start, end, old_core, new_core, 1.0))
            continue
        # an insertion or a deletion: trim the whitespace both sides share
        lead = 0
        while lead < min(len(old), len(new)) and old[lead] == new[lead] and old[lead].isspace():
            lead += 1
        trail = 0
        while (
            trail < min(len(old), len(new)) - lead and old[-1 - trail] == new[-1 - trail] and old[-1 - trail].isspace()
        ):
            trail += 1
        old_core, new_core = old[lead : len(old) - trail], new[lead : len(new) - trail]
        if old_core == new_core:
            continue
        start, end = s0 + lead, s1 - trail
        edits.append(Edit(start, end, old_core, new_core, 1.0))
    return edits


def _is_layout(ch: str) -> bool:
    return ch.isspace() or is_unread(ch)


def _layout_run(text: str) -> int:
    """Length of the run of whitespace and unread characters that ``text`` starts with."""
    n = 0
    while n < len(text) and _is_layout(text[n]):
        n += 1
    return n


def _input_style(old: str, new: str, source: str) -> str:
    """``new`` with the whitespace and apostrophes of the input: the k-th gap between
    words is the input's k-th gap when both have as many (double spaces, NBSP), else
    the one gap style the input uses; the model's straight apostrophe becomes the
    input's curly one when the input uses only curly ones."""
    old_gaps, new_gaps = SPACE_RE.findall(old), SPACE_RE.findall(new)
    if new_gaps and (len(old_gaps) == len(new_gaps) or len(set(old_gaps)) == 1):
        fill = iter(old_gaps) if len(old_gaps) == len(new_gaps) else iter([old_gaps[0]] * len(new_gaps))
        new = SPACE_RE.sub(lambda m: next(fill), new)
    if "'" in new and "’" in source and "'" not in source:
        new = new.replace("'", "’")
    return new


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` (spans of ``text``) applied."""
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts += [text[pos : e.start], e.replacement]
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)
