"""Word-level alignment helpers shared by the spinner's fidelity report and the metrics.

Typographic differences (curly vs straight quotes, dash styles, runs of whitespace) are
not spinning: :func:`normalize_typography` removes them before anything is compared.
"""

from __future__ import annotations

import difflib
import re

from rapidfuzz.distance import Levenshtein

# one character for one: offsets in a translated text are offsets in the original
TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
WORD_RE = re.compile(r"\w+(?:['.]\w+)*|[^\w\s]")


def normalize_typography(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHY)).strip()


def words(text: str) -> list[str]:
    """Words and punctuation marks of typographically normalised text."""
    return WORD_RE.findall(normalize_typography(text))


def edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance between two token lists (rapidfuzz: the same figure as the
    textbook dynamic programme, in C)."""
    return Levenshtein.distance(a, b)


def wer(hypothesis: str, reference: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (punctuation counts as words)."""
    ref = words(reference)
    return edit_distance(words(hypothesis), ref) / max(1, len(ref))


def opcodes(source: list[str], target: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes from ``source`` to ``target`` (no junk heuristic), with the
    crossings its greedy longest-match makes undone: an unchanged run between two changes
    becomes part of one replacement when that costs fewer word edits than keeping it.
    difflib anchors on a common word wherever it lies, so "Officers couldn't substantiate
    what number of households could be" -> "Officials could not confirm how many families
    will be" matched the last "could" with the first: seven words replaced by one and six
    inserted (13 word edits), where replacing the eight by eight is 8."""
    Op = tuple[str, int, int, int, int]
    ops: list[Op] = list(difflib.SequenceMatcher(a=source, b=target, autojunk=False).get_opcodes())
    i = 1
    while i < len(ops) - 1:
        left, mid, right = ops[i - 1], ops[i], ops[i + 1]
        if mid[0] == "equal" and left[0] != "equal" and right[0] != "equal":
            anchored = max(left[2] - left[1], left[4] - left[3]) + max(right[2] - right[1], right[4] - right[3])
            merged = max(right[2] - left[1], right[4] - left[3])
            if merged < anchored:
                ops[i - 1 : i + 2] = [("replace", left[1], right[2], left[3], right[4])]
                # the merged change is ops[i - 1]: the unchanged runs on both sides of it
                # (ops[i - 2] and ops[i]) are checked again
                i = max(1, i - 2)
                continue
        i += 1
    return ops


def changed_spans(source: list[str], target: list[str]) -> list[tuple[int, int, int, int]]:
    """Spans ``(i1, i2, j1, j2)`` where ``source[i1:i2]`` became ``target[j1:j2]``.

    Aligned by :func:`opcodes`; adjacent changes are merged, so "documents purported" ->
    "paperwork presupposed" is one span.
    """
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes(source, target) if tag != "equal"]
