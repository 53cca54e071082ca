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


def segments(text: str) -> list[tuple[bool, str]]:
    """``[(is_sentence, chunk), ...]`` with ``"".join(chunk ...) == text``."""
    out: list[tuple[bool, str]] = []
    for line in LINE_RE.findall(text):
        if not line:
            continue
        body = line.rstrip("\r\n")
        pos = 0
        for sent in split_sentences(body):
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
        if len(line) > len(body):
            out.append((False, line[len(body):]))
    return out


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
