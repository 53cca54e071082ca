"""The spinner's view of text: word tokens (found by a regular expression, never
re-tokenised, so punctuation and whitespace come back exactly), the swaps it records,
case transfer and the sentence and quote positions its rules look at."""

from __future__ import annotations

import re
from dataclasses import dataclass

# U.S. / U.K. style abbreviations, numbers (3.3, 1,000, 1960s, 3rd), words with inner
# apostrophes (couldn't, people's) or hyphens (long-term)
TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"
    r"|\d+(?:[.,]\d+)*(?:s|st|nd|rd|th)?\b"
    r"|[A-Za-z]+(?:['’][A-Za-z]+)*"
)


POSSESSIVE_RE = re.compile(r"^(.+?)(['’]s)$")


# a capitalised word after one of these is a person's name: never spun
HONORIFICS = {
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "President",
    "Sen",
    "Senator",
    "Rep",
    "Gov",
    "Governor",
    "Judge",
    "Minister",
    "Chancellor",
}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Swap:
    """What the spinner did at one place: characters ``start:end`` of its input were
    ``original``, now ``replacement`` (``behaviour``: which habit made it). The restorer's
    character-span edits, the other way round, are :class:`restore.edits.Edit`."""

    start: int
    end: int
    original: str
    replacement: str
    behaviour: str
    n_words: int


def transfer_case(original: str, replacement: str) -> str:
    """Give ``replacement`` the capitalisation pattern of ``original``."""
    words = original.split()
    if replacement[:1].isalpha() is False:
        return replacement
    if len(words) > 1 and all(w[:1].isupper() for w in words):
        return " ".join(w[:1].upper() + w[1:] for w in replacement.split())
    if original[:1].isupper():
        replacement = replacement[:1].upper() + replacement[1:]
    # the pronoun I stays upper case whatever it is swapped into
    return re.sub(r"\bi\b(?=$|\s|['’])", "I", replacement)


def quote_state(chars: str, in_quote: bool) -> bool:
    for ch in chars:
        if ch == "“":
            in_quote = True
        elif ch == "”":
            in_quote = False
        elif ch == '"':
            in_quote = not in_quote
    return in_quote


def sentence_initial(text: str, start: int) -> bool:
    """True when the token starting at ``start`` opens a sentence (or a quote in one)."""
    before = text[max(0, start - 12) : start].rstrip().rstrip("\"'“”‘’([")
    return not before or before[-1] in ".!?:;"
