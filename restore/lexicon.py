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
restore.lexicon --build``, needs the shared corpus), so the baseline needs no corpus at
run time. Applying it: spinner tokens (:data:`restore.spinner.core.TOKEN_RE`), greedy left
to right, longest phrase first, case carried over from the spun phrase, the spinner's
rules for names (never after an honorific, never ALL CAPS; a capitalised phrase inside a
sentence only when the evidence beats the spinner's ``capitalized_prob``), possessive
``'s`` kept, spun decimals (``3.Three``) turned back into digits.
"""
from __future__ import annotations

import argparse
import gzip
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .diff import Edit, apply_edits
from .guards import DIGITS, SPUN_DECIMAL_RE
from .spinner.core import HONORIFICS, POSSESSIVE_RE, TOKEN_RE, Token, _sentence_initial, transfer_case
from .spinner.tables import RESOURCES

LEXICON_PATH = RESOURCES / "lexicon.tsv.gz"
# share of the words a table holds that the default spinner changes (measured: the spinner
# on 300 BBC sentences changed 34% of the words some table covers, "the" included)
SPIN_PROB = 0.35
# characters allowed between the tokens of one phrase ("in keeping with", "1000's")
_GAP_RE = re.compile(r" |['’\-]")
_COUNT_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")

# spun phrase -> (original, evidence ratio); the ratio is P(original, spun) / P(kept)
Inverse = dict[str, tuple[str, float]]
Table_ = dict[str, list[tuple[str, float]]]  # a spinner table: key -> [(replacement, weight)]


def count_tokens(text: str) -> tuple[str, ...]:
    """The token tuple a phrase is counted as (letters/digits runs and single marks)."""
    return tuple(_COUNT_TOKEN_RE.findall(text.replace("’", "'")))


def build_inverse(tables: Iterable[tuple[Table_, float]], freq: Callable[[str], float],
                  key_probability: dict[str, float] | None = None, spin_prob: float = SPIN_PROB,
                  temperature: float = 1.0, lower: bool = True) -> Inverse:
    """Inverse map of spinner tables: spun phrase -> (most likely original, ratio).

    ``tables``: ``(table, behaviour_weight)`` pairs, each table ``{key: [(replacement,
    weight), ...]}``; ``freq(phrase)`` the frequency of a phrase (any positive scale);
    ``lower``: keys and replacements compared in lower case. Only phrases whose best
    original beats staying as they are (ratio > 1) are kept.
    """
    key_probability = key_probability or {}
    norm = (lambda s: s.lower().replace("’", "'")) if lower else (lambda s: s)
    holders: dict[str, list[tuple[float, list[tuple[str, float]]]]] = defaultdict(list)
    for table, behaviour_weight in tables:
        for key, opts in table.items():
            holders[norm(key)].append((behaviour_weight, opts))

    def p_spin(phrase: str) -> float:
        return spin_prob * key_probability.get(phrase, 1.0) if phrase in holders else 0.0

    joint: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for key, held in holders.items():
        total_weight = sum(bw for bw, _ in held)
        base = freq(key) * p_spin(key)
        if base <= 0:
            continue
        for bw, opts in held:
            drawn = [(norm(r), w ** (1.0 / temperature)) for r, w in opts if w > 0]
            mass = sum(w for _, w in drawn)
            for rep, w in drawn:
                if rep != key:
                    joint[rep][key] += base * (bw / total_weight) * (w / mass)
    out: Inverse = {}
    for rep, cands in joint.items():
        original, score = max(cands.items(), key=lambda kv: (kv[1], kv[0]))
        stay = freq(rep) * (1.0 - p_spin(rep))
        ratio = score / stay if stay > 0 else math.inf
        if ratio > 1.0:
            out[rep] = (original, ratio)
    return out



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
    def load(cls, path: str | Path | None = None) -> "Lexicon":
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
        single = isinstance(texts, str)
        out = [r for r, _ in self.restore_with_edits([texts] if single else list(texts))]
        return out[0] if single else out

    def restore_with_edits(self, texts: str | list[str]):
        single = isinstance(texts, str)
        out = []
        for text in [texts] if single else texts:
            edits = self.edits(text)
            out.append((apply_edits(text, edits), edits))
        return out[0] if single else out

    def edits(self, text: str) -> list[Edit]:
        """The lexicon's edits of ``text`` (character spans, confidence 1.0)."""
        edits: list[Edit] = []
        taken: list[tuple[int, int]] = []
        for m in SPUN_DECIMAL_RE.finditer(text):  # 3.Three -> 3.3
            edits.append(Edit(m.start(), m.end(), m.group(), f"{m.group(1)}.{DIGITS[m.group(2)]}", 1.0))
            taken.append((m.start(), m.end()))
        tokens = [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)
                  if not any(s <= m.start() < e for s, e in taken)]
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
        while (last + 1 < len(tokens) and last - i + 1 < self.max_tokens
               and _GAP_RE.fullmatch(text[tokens[last].end:tokens[last + 1].start])):
            last += 1
        for j in range(last, i - 1, -1):
            phrase = text[tokens[i].start:tokens[j].end]
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
        words = [t.text for t in tokens[i:j + 1]]
        if any(len(w) > 1 and w.isupper() for w in words):
            return False
        capital = [w[:1].isupper() and w != "I" and not w.startswith(("I'", "I’")) for w in words]
        if not any(capital):
            return True
        if words[-1] in HONORIFICS or (i and tokens[i - 1].text in HONORIFICS):
            return False
        if not any(capital[1:]) and _sentence_initial(text, tokens[i].start):
            return True
        return ratio * self.capitalized_prob > 1.0


# --------------------------------------------------------------------------- building


def corpus_counts(texts: Iterable[str], phrases: Iterable[str], lower: bool = True) -> Counter:
    """How often each phrase occurs in ``texts`` (token-wise, see :func:`count_tokens`)."""
    wanted: dict[tuple[str, ...], str] = {}
    for p in phrases:
        toks = count_tokens(p.lower() if lower else p)
        if toks:
            wanted.setdefault(toks, p)
    prefixes = {toks[:n] for toks in wanted for n in range(1, len(toks) + 1)}
    found: Counter = Counter()
    for text in texts:
        toks = count_tokens(text.lower() if lower else text)
        for a in range(len(toks)):
            for b in range(a + 1, len(toks) + 1):
                gram = toks[a:b]
                if gram not in prefixes:
                    break
                if gram in wanted:
                    found[gram] += 1
    return Counter({p: found[toks] for toks, p in wanted.items()})


def spinner_tables(spinner=None) -> tuple[list[tuple[Table_, float]], list[tuple[Table_, float]], dict, float, float]:
    """The default spinner's tables as ``(lower-case tables, case-sensitive tables,
    key_probability, temperature, capitalized_prob)``."""
    from .spinner import Spinner

    spinner = spinner or Spinner.from_config()
    lower = [(table, spinner.weights[name]) for name, table in spinner.word_tables]
    cased = [(spinner.abbreviations, spinner.weights["abbreviation"])] if "abbreviation" in spinner.weights else []
    return (lower, cased, spinner.key_probability, spinner.temperature,
            float(spinner.config["capitalized_prob"]))


def build(texts: Iterable[str], spinner=None) -> tuple[Inverse, Inverse, float]:
    """Build the lexicon from clean texts (their phrase counts) and the spinner's tables."""
    lower, cased, key_probability, temperature, capitalized_prob = spinner_tables(spinner)
    texts = list(texts)
    need_lower, need_cased = _phrases(lower), _phrases(cased)
    counts = corpus_counts(texts, need_lower, lower=True)
    counts_cased = corpus_counts(texts, need_cased, lower=False)
    lower_counts = {p.lower().replace("’", "'"): c for p, c in counts.items()}
    phrases = build_inverse(lower, lambda p: lower_counts.get(p, 0) + 0.5, key_probability,
                            temperature=temperature)
    cased_inv = build_inverse(cased, lambda p: counts_cased.get(p, 0) + 0.5, {},
                              temperature=temperature, lower=False)
    return phrases, cased_inv, capitalized_prob


def _phrases(tables: list[tuple[Table_, float]]) -> set[str]:
    """Every key and replacement of ``tables``."""
    out = set()
    for table, _ in tables:
        for key, opts in table.items():
            out.add(key)
            out.update(r for r, _ in opts)
    return out


def train_texts(data_config: str | Path) -> Iterator[str]:
    """Paragraphs of the train documents of a data config (as ``restore pairs``
    splits them: the valid and test documents are left out)."""
    from .corpus import split_of
    from .pairs import _iter_documents, resolve_config

    cfg, base = resolve_config(data_config)
    valid, test = float(cfg["splits"]["valid"]), float(cfg["splits"]["test"])
    for doc in _iter_documents(cfg, base, None, {}):
        if split_of(doc["doc_id"], cfg["seed"], valid, test) == "train":
            yield from doc["text"].split("\n")


def write(phrases: Inverse, cased: Inverse, capitalized_prob: float, path: Path, source: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("# restore lexicon baseline: spun phrase -> most likely original (restore/lexicon.py)\n"
                f"# built by `python -m restore.lexicon --build` from the spinner tables and {source}\n"
                f"# capitalized_prob: {capitalized_prob}\n")
        for flag, table in (("i", phrases), ("c", cased)):
            for spun in sorted(table):
                original, ratio = table[spun]
                f.write(f"{spun}\t{original}\t{min(ratio, 1e9):.4g}\t{flag}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the lexicon baseline's table (resources/lexicon.tsv.gz).")
    ap.add_argument("--build", action="store_true", required=True)
    ap.add_argument("--data-config", default=str(Path(__file__).resolve().parents[1] / "configs" / "data.yaml"),
                    help="data config whose train documents give the phrase counts")
    ap.add_argument("--out", type=Path, default=LEXICON_PATH)
    args = ap.parse_args(argv)
    phrases, cased, cap = build(train_texts(args.data_config))
    write(phrases, cased, cap, args.out, f"phrase counts in the train documents of {Path(args.data_config).name}")
    print(f"wrote {len(phrases):,} phrases + {len(cased)} case-sensitive ones to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
