"""The lexicon baseline: the spinner's own tables read backwards.

A spun phrase (``stated``, ``in keeping with``, ``12 months``) is replaced by the original
it most often comes from, and only when that is more likely than the phrase being an
unspun original itself. For a spun phrase ``r`` and every table phrase ``k`` that the
spinner may turn into ``r``::

    P(original k, spun r)  ~  f(k) * p_spin(k) * P(r | k spun)
    P(original r, kept r)  ~  f(r) * (1 - p_spin(r))

``P(r | k spun)`` comes from the spinner's table weights exactly as the spinner draws
(behaviours holding ``k`` compete by their weights, options by ``weight ** (1 /
temperature)``); ``p_spin`` is :data:`SPIN_PROB` times the rule's ``key_probability``
(0 for a phrase no table holds); ``f`` is the phrase's frequency in the news corpus of
the training data config (train documents only; add-0.5 smoothing). Corpus counts, not
``wordfreq``: wordfreq has no real frequencies for multi-word phrases (it estimates
"in keeping with" from its words, as common as "keeping") and does not tell "US" from
"us"; the news counts are in domain. The real dev pairs are not used.

The decisions are precomputed into ``resources/lexicon.tsv.gz`` (``python -m
tools.build_lexicon``, which needs the shared corpus), so the baseline needs no corpus at
run time: this module only loads and applies them. Applying it: spinner tokens (:data:`restore.spinner.text.TOKEN_RE`), greedy left
to right, longest phrase first, case carried over from the spun phrase, the spinner's
rules for names (never after an honorific, never ALL CAPS; a capitalised phrase inside a
sentence only when the evidence beats the spinner's ``capitalized_prob``), possessive
``'s`` kept, spun decimals (``3.Three``) turned back into digits.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from .edits import Edit, apply_edits
from .facts import SPELLED_DECIMAL_RE, spelled_decimal_value
from .spinner.tables import RESOURCES
from .spinner.text import HONORIFICS, POSSESSIVE_RE, TOKEN_RE, Token, sentence_initial, transfer_case

LEXICON_PATH = RESOURCES / "lexicon.tsv.gz"
# characters allowed between the tokens of one phrase ("in keeping with", "1000's")
_GAP_RE = re.compile(r" |['’\-]")

# spun phrase -> (original, evidence ratio); the ratio is P(original, spun) / P(kept)
Inverse = dict[str, tuple[str, float]]


class Lexicon:
    """Inverse-thesaurus restorer with the :class:`~restore.restorer.Restorer` interface
    (``restore``, ``restore_with_edits``; every edit has confidence 1.0).

    ``phrases``: lower-case spun phrase -> (original, ratio); ``cased``: case-sensitive
    ones (abbreviations: "US" -> "U.S."), tried first.
    """

    def __init__(self, phrases: Inverse, cased: Inverse | None = None, capitalized_prob: float = 0.35):
        self.phrases, self.cased = dict(phrases), dict(cased or {})
        self.capitalized_prob = capitalized_prob
        keys = list(self.phrases) + list(self.cased)
        self.max_tokens = max((len(TOKEN_RE.findall(k)) for k in keys), default=1)

    # -- loading ------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        """The shipped lexicon (``resources/lexicon.tsv.gz``) or another one in its format:
        ``spun<TAB>original<TAB>ratio<TAB>i|c`` (``c``: case-sensitive)."""
        path = Path(path) if path else LEXICON_PATH
        phrases: Inverse = {}
        cased: Inverse = {}
        capitalized_prob = 0.35
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    m = re.match(r"# capitalized_prob: ([\d.]+)", line)
                    if m:
                        capitalized_prob = float(m.group(1))
                    continue
                spun, original, ratio, flag = line.rstrip("\n").split("\t")
                (cased if flag == "c" else phrases)[spun] = (original, float(ratio))
        return cls(phrases, cased, capitalized_prob)

    # -- restoring ----------------------------------------------------------------
    def restore(self, texts: str | list[str]) -> str | list[str]:
        batch = [texts] if isinstance(texts, str) else list(texts)
        out = [r for r, _ in self.restore_with_edits(batch)]
        return out[0] if isinstance(texts, str) else out

    def restore_with_edits(self, texts: str | list[str]):
        batch = [texts] if isinstance(texts, str) else texts
        out = []
        for text in batch:
            edits = self.edits(text)
            out.append((apply_edits(text, edits), edits))
        return out[0] if isinstance(texts, str) else out

    def edits(self, text: str) -> list[Edit]:
        """The lexicon's edits of ``text`` (character spans, confidence 1.0)."""
        edits: list[Edit] = []
        taken: list[tuple[int, int]] = []
        for m in SPELLED_DECIMAL_RE.finditer(text):  # 3.Three -> 3.3
            edits.append(Edit(m.start(), m.end(), m.group(), spelled_decimal_value(m), 1.0))
            taken.append((m.start(), m.end()))
        tokens = [
            Token(m.start(), m.end(), m.group())
            for m in TOKEN_RE.finditer(text)
            if not any(s <= m.start() < e for s, e in taken)
        ]
        apostrophe = "’" if "’" in text else "'"
        i = 0
        while i < len(tokens):
            hit = self._match(text, tokens, i)
            if hit is None:
                i += 1
                continue
            j, replacement = hit
            start, end = tokens[i].start, tokens[j].end
            replacement = replacement.replace("'", apostrophe)
            if replacement != text[start:end]:
                edits.append(Edit(start, end, text[start:end], replacement, 1.0))
            i = j + 1
        return sorted(edits, key=lambda e: e.start)

    def _match(self, text: str, tokens: list[Token], i: int) -> tuple[int, str] | None:
        """Longest table phrase starting at token ``i``: (last token, replacement)."""
        last = i
        while (
            last + 1 < len(tokens)
            and last - i + 1 < self.max_tokens
            and _GAP_RE.fullmatch(text[tokens[last].end : tokens[last + 1].start])
        ):
            last += 1
        for j in range(last, i - 1, -1):
            phrase = text[tokens[i].start : tokens[j].end]
            if phrase in self.cased:
                return j, self.cased[phrase][0]
            suffix = ""
            entry = self.phrases.get(phrase.lower().replace("’", "'"))
            if entry is None and j == i:
                m = POSSESSIVE_RE.match(phrase)
                if m:
                    entry = self.phrases.get(m.group(1).lower().replace("’", "'"))
                    phrase, suffix = m.group(1), m.group(2)
            if entry is None or not self._allowed(text, tokens, i, j, entry[1]):
                continue
            return j, transfer_case(phrase, entry[0]) + suffix
        return None

    def _allowed(self, text: str, tokens: list[Token], i: int, j: int, ratio: float) -> bool:
        """The spinner's rules for names, read backwards."""
        words = [t.text for t in tokens[i : j + 1]]
        if any(len(w) > 1 and w.isupper() for w in words):
            return False
        capital = [w[:1].isupper() and w != "I" and not w.startswith(("I'", "I’")) for w in words]
        if not any(capital):
            return True
        if words[-1] in HONORIFICS or (i and tokens[i - 1].text in HONORIFICS):
            return False
        if not any(capital[1:]) and sentence_initial(text, tokens[i].start):
            return True
        return ratio * self.capitalized_prob > 1.0


# --------------------------------------------------------------------------- building
