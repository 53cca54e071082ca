"""How the model reads a text: straight quotes and dashes, "..." for "…", one space for
any run of whitespace, no zero-width characters or emoji; and the input's own ellipsis
marks put back into the model's output.
"""

from __future__ import annotations

import re

from .align import TYPOGRAPHY
from .edits import has_unread, is_unread

__all__ = ["model_reading", "ellipses_back", "ELLIPSIS_RE", "DOTS_RE"]

DOTS_RE = re.compile(r"\.{2,}")
ELLIPSIS_RE = re.compile(r"\.{2,}|…")


def model_reading(text: str) -> tuple[str, list[int] | None]:
    """``text`` as the model reads it, and a map from its offsets back to ``text`` (None
    when they are the same). The model reads straight quotes and dashes, "..." for "…",
    one space for any run of whitespace (double spaces, NBSP), and no zero-width
    characters or emoji (rare byte-level tokens that derail it)."""
    text = text.translate(TYPOGRAPHY)
    if "…" not in text and "  " not in text and not has_unread(text):
        return text, None
    chars, back = [], []
    for i, ch in enumerate(text):
        if ch == "…":
            chars.append("...")
            back += [i] * 3
        elif ch.isspace() and (not chars or chars[-1] == " "):
            continue  # a run of whitespace, or whitespace left at the start by a skipped character
        elif is_unread(ch):
            continue
        else:
            chars.append(" " if ch.isspace() else ch)
            back.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        back.pop()
    back.append(len(text))
    return "".join(chars), back


def ellipses_back(source: str, output: str) -> str:
    """The model's output for ``source`` with the source's own marks for its runs of dots:
    the k-th run (the model miscounts dots: "..", "....") becomes the k-th "…" or dot run
    of the source. When the numbers of runs differ, every run becomes "…" if the source
    has no dot run of its own, else the output is left as it is."""
    if "…" not in source:
        return output
    marks = ELLIPSIS_RE.findall(source)
    runs = list(DOTS_RE.finditer(output))
    if len(runs) != len(marks):
        return DOTS_RE.sub("…", output) if ".." not in source else output
    parts, pos = [], 0
    for run, mark in zip(runs, marks):
        parts += [output[pos : run.start()], mark]
        pos = run.end()
    return "".join(parts) + output[pos:]
