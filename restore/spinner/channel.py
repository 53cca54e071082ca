"""A spinner channel fitted to real (spun, original) pairs.

Real spinners have fixed habits per word: one site changed "said" 32 times in 32,
"support" never. The rewriter and thesaurus modes draw at random from every option of
a table instead. :class:`Channel` estimates, for each original phrase, how often real
spinners change it and what they write instead, from word-aligned real pairs
(:mod:`restore.align`), backed off to a table (the rewriter's synonym sets or the open
thesaurus) for phrases the pairs have not seen:

    P(change | k)       = (changed_k + alpha * rho_k) / (seen_k + alpha)
    P(r | k, change)    = (count_k(r) + beta * Pb(r | k)) / (changed_k + beta)

``rho_k`` is the change rate of all phrases of k's kind (in the back-off table or not),
``Pb`` the back-off table's option share with ``epsilon`` of it kept for replacements
the table does not hold. ``alpha``, ``beta`` and ``epsilon`` are chosen by held-out
log-likelihood of the observed events on articles left out of fitting
(:func:`choose_backoff`). The spinner's ``fitted`` mode samples from it.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..align import changed_spans, words
from ..corpus import stable_int
from . import tables

UNSEEN_TYPES = 10_000  # nominal count of replacements a table does not hold (for epsilon's share)
GRID = {"alpha": (0.1, 0.3, 1.0, 3.0, 10.0, 30.0), "beta": (0.1, 0.5, 2.0, 10.0, 50.0), "epsilon": (0.05, 0.2, 0.5)}


def read_pairs(paths: str | Path | list) -> list[dict]:
    """Pairs ``{spun, original[, article]}`` from JSONL files (one or a list)."""
    rows = []
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if not isinstance(row.get("spun"), str) or not isinstance(row.get("original"), str):
                    raise ValueError(f"{path}:{n}: a pair needs string fields 'spun' and 'original'")
                row.setdefault("article", row.get("id", f"{Path(path).name}:{n}"))
                rows.append(row)
    return rows


def held_out(article: str, share: float, seed: int = 13) -> bool:
    """Whether a real article is held out of fitting and training (for validation)."""
    return share > 0 and stable_int(seed, article, "real-holdout") % 10_000 < share * 10_000


def detok(tokens: list[str]) -> str:
    """Aligned word tokens back to text: punctuation attached to the word before it."""
    text = " ".join(tokens)
    for p in (" .", " ,", " ;", " :", " ?", " !", " %", " )"):
        text = text.replace(p, p.strip())
    return text.replace("( ", "(")


@dataclass
class Event:
    article: str
    key: str  # lower-case original phrase
    replacement: str | None  # None: the phrase was left as it was


def events(pairs: list[dict], keys: set[str], max_words: int = 4) -> list[Event]:
    """What real spinners did at each place: a changed span (its original words, lower
    case, at most ``max_words``) and what it became, and each unchanged occurrence of a
    phrase in ``keys`` (longest match first, left to right). A pure insertion ("new" ->
    "brand new") is anchored on the word after it, a pure deletion on the word after it."""
    out: list[Event] = []
    for pair in pairs:
        src, tgt = words(pair["original"]), words(pair["spun"])
        lower = [w.lower() for w in src]
        changed = [False] * len(src)
        for i1, i2, j1, j2 in changed_spans(src, tgt):
            if i1 == i2 or j1 == j2:  # anchor on the next word, kept on both sides
                if i2 >= len(src) or j2 >= len(tgt):
                    continue
                i2, j2 = i2 + 1, j2 + 1
            for k in range(i1, i2):
                changed[k] = True
            phrase = " ".join(lower[i1:i2])
            if i2 - i1 == j2 - j1 > 1 and phrase not in keys:
                # adjacent swaps the alignment joined ("House said" -> "Home stated"): word by word
                pieces = [
                    (i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2)) if lower[i] != tgt[j].lower()
                ]
            else:
                pieces = [(i1, i2, j1, j2)]
            for a, b, c, d in pieces:
                if b - a <= max_words and any(w[0].isalnum() for w in src[a:b]):
                    out.append(Event(pair["article"], " ".join(lower[a:b]), detok(tgt[c:d]).lower()))
        i = 0
        while i < len(src):
            if changed[i]:
                i += 1
                continue
            for n in range(max_words, 0, -1):
                phrase = " ".join(lower[i : i + n])
                if i + n <= len(src) and not any(changed[i : i + n]) and phrase in keys:
                    out.append(Event(pair["article"], phrase, None))
                    i += n
                    break
            else:
                i += 1
    return out


@dataclass
class Channel:
    """Per original phrase: the chance of a change and the replacements' shares."""

    seen: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    to: dict = field(default_factory=lambda: defaultdict(Counter))
    backoff: tables.Table = field(default_factory=dict)
    alpha: float = 5.0
    beta: float = 2.0
    epsilon: float = 0.2
    rho: dict = field(default_factory=dict)  # {True: rate of back-off phrases, False: others}

    @classmethod
    def fit(cls, evts: list[Event], backoff: tables.Table, **weights) -> Channel:
        ch = cls(backoff=backoff, **weights)
        for e in evts:
            ch.seen[e.key] += 1
            if e.replacement is not None:
                ch.changed[e.key] += 1
                ch.to[e.key][e.replacement] += 1
        for in_table in (True, False):
            keys = [k for k in ch.seen if (k in backoff) == in_table]
            n = sum(ch.seen[k] for k in keys)
            ch.rho[in_table] = sum(ch.changed[k] for k in keys) / n if n else 0.0
        return ch

    def keys(self) -> set[str]:
        return set(self.backoff) | set(self.changed)

    def change_prob(self, key: str) -> float:
        rho = self.rho.get(key in self.backoff, 0.0)
        return (self.changed[key] + self.alpha * rho) / (self.seen[key] + self.alpha)

    def _backoff_share(self, key: str) -> dict[str, float]:
        opts = [(r, w) for r, w in self.backoff.get(key, ()) if r != key]
        total = sum(w for _, w in opts)
        return {r: w / total for r, w in opts} if total else {}

    def replacement_prob(self, key: str, replacement: str) -> float:
        share = self._backoff_share(key)
        pb = (
            (1 - self.epsilon) * share.get(replacement, 0.0) + self.epsilon / UNSEEN_TYPES
            if share
            else 1.0 / UNSEEN_TYPES
        )
        return (self.to[key][replacement] + self.beta * pb) / (self.changed[key] + self.beta)

    def options(self, key: str) -> list[tuple[str, float]]:
        """Replacements the spinner draws from, with their weights (the unseen mass left out)."""
        share = self._backoff_share(key)
        reps = set(share) | set(self.to.get(key, ()))
        return [(r, self.replacement_prob(key, r)) for r in sorted(reps)]

    def table(self) -> tuple[tables.Table, dict[str, float]]:
        """The spinner's table (key -> options) and each key's change probability."""
        table, rates = {}, {}
        for key in self.keys():
            opts = self.options(key)
            if opts:
                table[key], rates[key] = opts, self.change_prob(key)
        return table, rates

    def log_likelihood(self, evts: list[Event]) -> tuple[float, int]:
        """Summed log-likelihood of ``evts``, and how many changed phrases among them the
        channel has no key for (not covered: scored at the rate of unknown phrases, with a
        replacement of the unseen mass)."""
        keys, total, missed = self.keys(), 0.0, 0
        for e in evts:
            missed += e.key not in keys and e.replacement is not None
            p = self.change_prob(e.key)
            if e.replacement is None:
                total += math.log(max(1e-12, 1 - p))
            else:
                total += math.log(max(1e-12, p)) + math.log(self.replacement_prob(e.key, e.replacement))
        return total, missed


def phrase_events(pairs: list[dict], backoff_keys, max_words: int = 4) -> list[Event]:
    """:func:`events` over the phrases a channel can know: the back-off table's and every
    phrase the pairs themselves changed."""
    keys = set(backoff_keys)
    keys |= {e.key for e in events(pairs, keys, max_words) if e.replacement is not None}
    return events(pairs, keys, max_words)


def choose_backoff(
    pairs: list[dict], backoff: tables.Table, folds: int = 5, max_words: int = 4, grid: dict | None = None
) -> dict:
    """The back-off weights with the highest held-out log-likelihood, articles left out
    by fold; returns ``{alpha, beta, epsilon, log_likelihood, events, grid}``."""
    return _choose_backoff(phrase_events(pairs, backoff, max_words), backoff, folds, grid or GRID)


def _choose_backoff(evts: list[Event], backoff: tables.Table, folds: int, grid: dict) -> dict:
    articles = sorted({e.article for e in evts})
    folds = max(2, min(folds, len(articles)))
    fold_of = {a: stable_int(a, "channel-fold") % folds for a in articles}
    results = []
    for alpha, beta, eps in itertools.product(grid["alpha"], grid["beta"], grid["epsilon"]):
        ll = 0.0
        for f in range(folds):
            fit = [e for e in evts if fold_of[e.article] != f]
            held = [e for e in evts if fold_of[e.article] == f]
            ll += Channel.fit(fit, backoff, alpha=alpha, beta=beta, epsilon=eps).log_likelihood(held)[0]
        results.append({"alpha": alpha, "beta": beta, "epsilon": eps, "log_likelihood": round(ll, 2)})
    best = max(results, key=lambda r: r["log_likelihood"])
    return {**best, "events": len(evts), "grid": results}


def fit_channel(pairs: list[dict], backoff: tables.Table, max_words: int = 4, weights: dict | None = None) -> Channel:
    """A channel fitted to every pair; back-off weights chosen by :func:`choose_backoff`
    unless ``weights`` (``alpha``, ``beta``, ``epsilon``) are given."""
    evts = phrase_events(pairs, backoff, max_words)
    if weights is None:
        best = _choose_backoff(evts, backoff, 5, GRID)
        weights = {k: best[k] for k in ("alpha", "beta", "epsilon")}
    return Channel.fit(evts, backoff, **weights)
