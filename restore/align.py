"""Word-level alignment helpers shared by the spinner's fidelity report and the metrics.

Typographic differences (curly vs straight quotes, dash styles, runs of whitespace) are
not spinning: :func:`normalize_typography` removes them before anything is compared.
"""
from __future__ import annotations

import difflib
import re

# one character for one: offsets in a translated text are offsets in the original
TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                            "\u00a0": " "})
WORD_RE = re.compile(r"\w+(?:['.]\w+)*|[^\w\s]")


def normalize_typography(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHY)).strip()


def words(text: str) -> list[str]:
    """Words and punctuation marks of typographically normalised text."""
    return WORD_RE.findall(normalize_typography(text))


def edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance between two token lists."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def wer(hypothesis: str, reference: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (punctuation counts as words)."""
    ref = words(reference)
    return edit_distance(words(hypothesis), ref) / max(1, len(ref))


def changed_spans(source: list[str], target: list[str]) -> list[tuple[int, int, int, int]]:
    """Spans ``(i1, i2, j1, j2)`` where ``source[i1:i2]`` became ``target[j1:j2]``.

    Uses difflib's matching blocks without its junk heuristic; adjacent changes are
    merged, so "documents purported" -> "paperwork presupposed" is one span.
    """
    sm = difflib.SequenceMatcher(a=source, b=target, autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]
