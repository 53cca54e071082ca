"""Cut text into sentences for the model, keeping everything else byte for byte.

:func:`segments` returns chunks whose concatenation is exactly the input: sentences (to
restore) and the whitespace, line breaks and blank lines between them (kept as they are).
Sentences come from :func:`restore.corpus.split_sentences` (pysbd), located back in the
text so nothing is re-spaced.
"""
from __future__ import annotations

import re

from .corpus import split_sentences

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
WINDOW_CHARS = 5000  # a longer line is cut (at a sentence end if it can) before segmenting
INNER_END_RE = re.compile(r"[.!?;:\u2026]\W*\s")  # a possible sentence end before more text
SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*\s+")
# the segmenter can merge thousands of characters into one "sentence" (after an unbalanced
# quote); a longer one is cut again at plain sentence ends (a mark, space, capital)
LONG_SENTENCE_CHARS = 600
PLAIN_END_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))"
                          r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\b[A-Z]\.)"
                          r"\s+(?=[\"“‘(\[]?[A-Z0-9])")


def windows(body: str, size: int = WINDOW_CHARS) -> list[str]:
    """``body`` cut into pieces of at most about ``size`` characters, after a sentence end
    when there is one in the second half of the window; the pieces concatenate to ``body``.
    Keeps the sentence segmenter's work (and memory) bounded on a single huge line."""
    pieces, rest = [], body
    while len(rest) > size:
        ends = [m.end() for m in SENTENCE_END_RE.finditer(rest, size // 2, size)]
        cut = ends[-1] if ends else (rest.rfind(" ", size // 2, size) + 1 or size)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def segments(text: str) -> list[tuple[bool, str]]:
    """``[(is_sentence, chunk), ...]`` with ``"".join(chunk ...) == text``."""
    out: list[tuple[bool, str]] = []
    for line in LINE_RE.findall(text):
        if not line:
            continue
        for body in windows(line.rstrip("\r\n")):
            _segment_body(body, out)
        body_len = len(line.rstrip("\r\n"))
        if len(line) > body_len:
            out.append((False, line[body_len:]))
    return out


def _segment_body(body: str, out: list) -> None:
    """Append the chunks of one line (without its line ending) to ``out``."""
    pos = 0
    # no sentence end inside the line: one sentence, no need for the (slow) segmenter
    core = body.strip()
    found = ([core] if core else []) if not INNER_END_RE.search(core) else split_sentences(body)
    found = [part for sent in found for part in _resplit(sent)]
    for sent in found:
        start = body.find(sent, pos)
        if start < 0:  # the segmenter changed the text: keep the rest of the line whole
            break
        if start > pos:
            out.append((False, body[pos:start]))
        out.append((True, sent))
        pos = start + len(sent)
    else:
        if pos < len(body):
            out.append((False, body[pos:]))
        pos = len(body)
    if pos < len(body):
        rest = body[pos:]
        lead = len(rest) - len(rest.lstrip())
        core = rest.strip()
        if lead:
            out.append((False, rest[:lead]))
        if core:
            out.append((True, core))
        tail = rest[lead + len(core):]
        if tail:
            out.append((False, tail))


def _resplit(sentence: str) -> list[str]:
    """A sentence longer than :data:`LONG_SENTENCE_CHARS` cut at plain sentence ends (the
    parts, without the whitespace between them, in order)."""
    if len(sentence) <= LONG_SENTENCE_CHARS:
        return [sentence]
    parts = [p for p in PLAIN_END_RE.split(sentence) if p]
    return parts or [sentence]


def split_long(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence longer than ``max_chars`` at spaces (after punctuation when
    possible) into pieces whose concatenation is the sentence."""
    pieces, rest = [], sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = max(window.rfind(", "), window.rfind("; "), window.rfind(": "))
        cut = cut + 2 if cut > max_chars // 3 else window.rfind(" ") + 1
        if cut <= 0:
            cut = max_chars  # no space at all: a hard cut
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces
