"""Which of a sentence's candidate swaps the spinner makes: a thesaurus spinner's budget
of changed words, or a rewriter's every match left to right."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass
class Candidate:
    """A swap the spinner could make at tokens ``first`` to ``last``: the options of one
    table (``behaviour``) for the phrase there."""

    first: int  # token index
    last: int  # token index, inclusive
    behaviour: str
    options: list[tuple[str, float]]
    suffix: str = ""  # possessive 's carried over to the replacement
    key: str = ""  # the table key matched


def take_budget(
    cands: list[Candidate], n_tokens: int, rng: random.Random, rate: float, weights: dict[str, float]
) -> list[Candidate]:
    """Thesaurus mode: change about ``rate`` of the words, candidates in random order
    weighted by their behaviour's weight (Efraimidis-Spirakis keys), no two overlapping."""
    budget = math.floor(rate * n_tokens + rng.random())
    keyed = sorted(cands, key=lambda c: -(rng.random() ** (1.0 / weights[c.behaviour])))
    taken: list[Candidate] = []
    used = [False] * n_tokens
    changed = 0
    for cand in keyed:
        n = cand.last - cand.first + 1
        if changed + n > budget or any(used[cand.first : cand.last + 1]):
            continue
        taken.append(cand)
        for k in range(cand.first, cand.last + 1):
            used[k] = True
        changed += n
    return sorted(taken, key=lambda c: c.first)


def take_every_match(
    cands: list[Candidate],
    n_tokens: int,
    rng: random.Random,
    place: float,
    weights: dict[str, float],
    rules_prob: float,
    change_rates: dict[str, float] | None = None,
) -> list[Candidate]:
    """Rewriter mode: left to right, the longest synonym-set match at each place is taken
    (with the document's ``place`` probability, or, fitted mode, ``change_rates`` given,
    with the phrase's own change rate scaled by it; the member drawn later may be the
    original); where no set matches, a rule swap is made with probability ``rules_prob``
    times its behaviour's weight."""
    by_first: dict[int, list[Candidate]] = {}
    for cand in cands:
        by_first.setdefault(cand.first, []).append(cand)
    taken: list[Candidate] = []
    i = 0
    while i < n_tokens:
        here = by_first.get(i)
        if not here:
            i += 1
            continue
        sets = [c for c in here if c.behaviour == "synonym"]
        if sets:
            cand = max(sets, key=lambda c: c.last)
            p = place if change_rates is None else min(1.0, place * change_rates.get(cand.key, 0.0))
            if rng.random() < p:
                taken.append(cand)
            i = cand.last + 1
            continue
        cand = here[rng.randrange(len(here))]
        if rng.random() < min(1.0, rules_prob * weights[cand.behaviour]):
            taken.append(cand)
            i = cand.last + 1
        else:
            i += 1
    return taken
