"""Machine-readable output of ``restore run`` for text input: ``--format jsonl`` and ``--format m2``.

Both read text (files and stdin) line by line, like ``--format text``, and restore each
block of lines as one document (the same edits, the same restored text):

- **jsonl**: one JSON object per input line, blank lines included, in order::

      {"line": 1, "text": "...", "restored": "...", "edits": [{"start": 4, "end": 8,
       "spun": "Home", "replacement": "House", "confidence": 0.97}], "spun_score": 0.31}

  ``start`` and ``end`` are offsets in ``text`` counted in Unicode code points (Python
  string indices; not bytes, not UTF-16 units); ``spun_score`` is the line's spun-ness
  (:attr:`restore.guards.Proposal.spun_score`: every edit the model proposes, weighted by
  its confidence, before the thresholds).
- **m2**: ERRANT's M2 format (``errant_parallel``'s output): for each non-blank line an
  ``S`` line (the line's tokens, space-separated), one ``A`` line per edit with token
  offsets into it (``A start end|||type|||correction|||REQUIRED|||-NONE-|||0``), or
  ERRANT's ``noop`` line when nothing changed, then a blank line. Blank lines are skipped,
  as ``errant_parallel`` skips them. Tokens are the words and punctuation marks the model
  reads (:func:`restore.edits.read_words`), not spaCy's; the type is ``R:OTHER``,
  ``M:OTHER`` (insertion) or ``U:OTHER`` (deletion): restore does not classify edits.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..edits import Edit, apply_edits, read_words

if TYPE_CHECKING:
    from .base import Restoring

FORMATS = ("text", "jsonl", "m2")
SUFFIXES = {"jsonl": ".jsonl", "m2": ".m2"}  # an output's suffix in a folder job
M2_NOOP = "A -1 -1|||noop|||-NONE-|||REQUIRED|||-NONE-|||0"


def scored_restorations(
    restorer: Restoring, texts: list[str], one_document: bool = False
) -> list[tuple[str, list[Edit], float]]:
    """``(restored, edits, spun_score)`` for each text, each decoded once: what
    ``Restorer.restore_with_edits`` gives, with the text's spun-ness (``Restorer.spun_score``).
    Each text is one document, or with ``one_document`` all are (what ``restore run``
    applies to a block of a text file)."""
    proposals = restorer.propose(list(texts))
    kept = restorer.thresholds.apply_all(proposals, [0] * len(proposals) if one_document else None)
    return [(apply_edits(text, edits), edits, p.spun_score) for text, edits, p in zip(texts, kept, proposals)]


def answer(restored: str, edits: list[Edit], spun_score: float) -> dict:
    """One text's restored text, edits and spun-ness as every machine-readable output gives
    them: ``--format jsonl`` records, ``restore serve``'s ``POST /restore`` and the
    ``spinner-restoration`` pipeline."""
    return {"restored": restored, "edits": [e.as_dict() for e in edits], "spun_score": round(spun_score, 4)}


def jsonl_record(line_number: int, text: str, restored: str, edits: list[Edit], spun_score: float) -> str:
    """One line's ``--format jsonl`` record (without the newline)."""
    return json.dumps({"line": line_number, "text": text, **answer(restored, edits, spun_score)}, ensure_ascii=False)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, token)`` of ``text``: its words and punctuation marks as the model
    reads them, each written as it is in ``text`` (curly quotes kept)."""
    return [(s, e, text[s:e]) for s, e, _ in read_words(text)]


def m2_edit(toks: list[tuple[int, int, str]], edit: Edit) -> str | None:
    """The M2 ``A`` line of one edit (character span of the line) against the line's
    tokens ``toks``; None when it changes no token (layout only)."""
    if edit.end > edit.start:
        inside = [k for k, (s, e, _) in enumerate(toks) if s < edit.end and e > edit.start]
    else:
        inside = []
    if inside:
        first, last = inside[0], inside[-1] + 1
    else:  # an insertion (or a span between tokens): before the first token after it
        first = last = sum(1 for _, e, _ in toks if e <= edit.start)
    old = [t for *_, t in toks[first:last]]
    new = [t for *_, t in tokens(edit.replacement)]
    if old == new:
        return None
    kind = "M" if not old else "U" if not new else "R"
    return "|||".join([f"A {first} {last}", f"{kind}:OTHER", " ".join(new), "REQUIRED", "-NONE-", "0"])


def m2_block(text: str, edits: list[Edit]) -> str:
    """The M2 block of one line (empty for a blank line): ``S``, ``A`` lines, a blank line."""
    toks = tokens(text)
    if not toks:
        return ""
    lines = [" ".join(["S"] + [t for *_, t in toks])]
    lines += [a for a in (m2_edit(toks, e) for e in sorted(edits, key=lambda e: (e.start, e.end))) if a]
    if len(lines) == 1:
        lines.append(M2_NOOP)
    return "\n".join(lines) + "\n\n"


def render_lines(restorer: Restoring, bodies: list[str], first_line: int, fmt: str) -> str:
    """A block of text lines (one document) restored and written in ``fmt`` (jsonl or m2)."""
    results = scored_restorations(restorer, bodies, one_document=True)
    if fmt == "jsonl":
        return "".join(
            jsonl_record(first_line + k, body, restored, edits, score) + "\n"
            for k, (body, (restored, edits, score)) in enumerate(zip(bodies, results))
        )
    if fmt == "m2":
        return "".join(m2_block(body, edits) for body, (_, edits, _) in zip(bodies, results))
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
