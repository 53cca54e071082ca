"""Cut text into sentences for the model, keeping everything else byte for byte.

:func:`segments` returns chunks whose concatenation is exactly the input: sentences (to
restore) and the whitespace, line breaks and blank lines between them (kept as they are).
Sentences come from :func:`split_sentences` (pysbd), located back in the text so nothing
is re-spaced. The training data (:mod:`restore.corpus`) splits its sentences with the same
function, so the model sees at run time the kind of sentences it was trained on.
"""

from __future__ import annotations

import re
import threading

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
WINDOW_CHARS = 5000  # a longer line is cut (at a sentence end if it can) before segmenting
SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*\s+")
# the segmenter can merge thousands of characters into one "sentence" (after an unbalanced
# quote); a longer one is cut again at plain sentence ends (a mark, space, capital)
LONG_SENTENCE_CHARS = 600
PLAIN_END_RE = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))"
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\b[A-Z]\.)"
    r"\s+(?=[\"“‘(\[]?[A-Z0-9])"
)


# pysbd's Segmenter keeps the text being segmented on the instance (segment() sets
# self.original_text and reads it back to find each sentence), so one instance shared by
# threads finds one thread's sentences in another's text: each thread has its own
_SEGMENTERS = threading.local()
# A possible sentence end inside a paragraph: . ! ? (then closing quotes/brackets) and space.
_BOUNDARY = re.compile(r"[.!?\u2026]['\"\u2019\u201d)\]]*\s")


def _segmenter():
    """This thread's pysbd segmenter, created on first use (it is slow to build; it is not
    safe to share between threads)."""
    segmenter = getattr(_SEGMENTERS, "segmenter", None)
    if segmenter is None:
        import pysbd

        segmenter = _SEGMENTERS.segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into stripped sentences with pysbd (English, no cleaning).

    Two additions to plain pysbd: a paragraph with no possible sentence end inside it
    (no ``.``/``!``/``?`` followed by a space) is returned whole without calling pysbd,
    which is about 70% of news paragraphs, halves the time and avoids pysbd splitting
    things like ".eu domain"; and fragments without a letter or digit (a closing quote
    pysbd cut off as its own "sentence") are glued back onto the previous sentence.
    """
    text = paragraph.strip()
    if not text:
        return []
    if not _BOUNDARY.search(text):
        return [text]
    merged: list[str] = []
    for seg in _segmenter().segment(text):
        if merged and not any(c.isalnum() for c in seg):
            merged[-1] += seg
        else:
            merged.append(seg)
    return [s.strip() for s in merged if s.strip()]


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
    found = [part for sent in split_sentences(body) for part in _resplit(sent)]
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
        tail = rest[lead + len(core) :]
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
