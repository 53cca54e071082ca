"""A cheap check that an input looks like English, for a one-line notice.

The model restores English: text in another language passes through it mostly unchanged,
or with a few English words written into it. :func:`english_share` is the share of
common English function words (articles, pronouns, prepositions, auxiliaries) among the
words of a sample: 35-50% in English prose, spun or not (spinners swap content words),
under 10% in French, German, Spanish, Italian, Portuguese or Dutch. Text mostly in
another script (Cyrillic, CJK, Arabic ...) is told by its letters. The check reads a few
KB, never blocks a job and never changes its output.
"""

from __future__ import annotations

import re

SAMPLE_BYTES = 16_384  # read from the start of each input
MIN_WORDS = 20  # fewer words: no opinion
MIN_LETTERS = 20
ENGLISH_SHARE = 0.15  # below this share of function words: not English
LATIN_SHARE = 0.5  # below this share of ASCII letters: not English

FUNCTION_WORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves
""".split()
)

_WORD = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> tuple[float, int]:
    """``(share of function words, words)`` of ``text``."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(w in FUNCTION_WORDS for w in words) / len(words), len(words)


def looks_english(text: str) -> tuple[bool | None, str]:
    """``(verdict, why)``: True, False, or None when the sample is too short to tell."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= MIN_LETTERS:
        latin = sum(c.isascii() for c in letters) / len(letters)
        if latin < LATIN_SHARE:
            return False, f"{1 - latin:.0%} of its letters are not Latin"
    share, n = english_share(text)
    if n < MIN_WORDS:
        return None, f"{n} words"
    if share < ENGLISH_SHARE:
        return False, f"{share:.0%} of its words are common English words, against 35-50% in English"
    return True, f"{share:.0%} common English words"
