"""Evaluation metrics for restored text, in one place.

``restore eval`` calls these directly; the ``evaluate`` modules in ``eval/metrics/`` are thin
wrappers over them. Argument names follow the project: ``sources`` are the spun texts fed
to the system, ``outputs`` its restorations, ``originals`` the texts before spinning (the
evaluate modules call them ``sources``, ``predictions``, ``references``).

Conventions shared by every metric here:

* Texts are compared word by word (punctuation marks count as words) after typography is
  normalised with :func:`restore.align.words`: curly vs straight quotes, dash styles and runs
  of whitespace do not count. BLEU and chrF see the same normalised strings.
* Case is NOT normalised: "home" -> "Home" is a change of word (a spinner writes "Home" for
  "House"), so it is an edit, it breaks an exact match and it harms a clean sentence.
* Figures are micro-averaged: counts are summed over the corpus, then divided.
* The three lists are row-aligned; lists of different lengths raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import edit_distance, normalize_typography, words
from .edit_scoring import EditCounts


def spin_edits(sources: Sequence[str], outputs: Sequence[str], originals: Sequence[str]) -> dict:
    """Edit precision, recall and F0.5 with the counts ``tp``, ``fp``, ``fn``.

    Reference edits align each source with its original, system edits align it with the
    output (:func:`restore.edit_scoring.word_edits`); a system edit is a true positive when it equals a
    reference edit (same span, same replacement). Precision is 1.0 when the system made no
    edit, recall 1.0 when there was nothing to fix (the :class:`~restore.edit_scoring.EditCounts`
    convention). ``partial`` counts the false positives that are right fixes of part of a
    reference edit (:func:`restore.edit_scoring.partial_fixes`), and ``edits_right`` is the share
    of system edits writing the original's words, ``(tp + partial) / (tp + fp)``.
    """
    return _total(_row_counts(sources, outputs, originals)).as_dict()


def f05_interval(
    sources: Sequence[str],
    outputs: Sequence[str],
    originals: Sequence[str],
    groups: Sequence[str] | None = None,
    level: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the edit F0.5 (:func:`spin_edits`): ``resamples``
    resamplings with replacement (fixed ``seed``: same inputs, same interval).

    ``groups`` (one label per row, e.g. the article a sentence comes from): whole groups
    are resampled, since sentences of one article share their spinner's habits and their
    topic; without it each row is its own group. On the 75 real dev pairs (8 articles) the
    interval is what such a small set can resolve."""
    return _interval(_row_counts(sources, outputs, originals), groups, level, resamples, seed)


def _row_counts(sources: Sequence[str], outputs: Sequence[str], originals: Sequence[str]) -> list[EditCounts]:
    """Each row's edit counts (the rows judged once, for the totals and the interval)."""
    rows = []
    for s, o, r in zip(sources, outputs, originals, strict=True):
        counts = EditCounts()
        counts.add(s, o, r)
        rows.append(counts)
    return rows


def _total(rows: Sequence[EditCounts]) -> EditCounts:
    return EditCounts(
        sum(c.tp for c in rows), sum(c.fp for c in rows), sum(c.fn for c in rows), sum(c.partial for c in rows)
    )


def _interval(
    rows: Sequence[EditCounts], groups: Sequence[str] | None, level: float = 0.95, resamples: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """:func:`f05_interval` from each row's counts."""
    import numpy as np

    counts = _group_counts(rows, groups)
    sums = counts[_resampled(len(counts), resamples, seed)].sum(axis=1)  # (resamples, 3): tp, fp, fn
    scores = [EditCounts(int(tp), int(fp), int(fn)).f_beta(0.5) for tp, fp, fn in sums]
    lo, hi = np.quantile(scores, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _group_counts(rows: Sequence[EditCounts], groups: Sequence[str] | None):
    """``(groups, 3)`` array of each group's tp, fp, fn (groups in order of first row; each
    row its own group without ``groups``)."""
    import numpy as np

    if not rows:
        raise ValueError("no rows")
    if groups is not None and len(groups) != len(rows):
        raise ValueError(f"{len(groups)} groups for {len(rows)} rows")
    by_group: dict = {}
    for i, c in enumerate(rows):
        by_group.setdefault(groups[i] if groups is not None else i, []).append(c)
    return np.array([[t.tp, t.fp, t.fn] for t in map(_total, by_group.values())], dtype=np.int64)


def _resampled(n: int, resamples: int, seed: int):
    """``(resamples, n)`` group indices drawn with replacement (fixed ``seed``)."""
    import numpy as np

    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def f05_difference(
    sources: Sequence[str],
    outputs_a: Sequence[str],
    outputs_b: Sequence[str],
    originals: Sequence[str],
    groups: Sequence[str] | None = None,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> dict:
    """Two systems on the same rows: F0.5 of each, ``difference`` (b − a) and its paired
    percentile bootstrap interval (the same resampled rows, or whole ``groups``, score both
    systems, so what the rows share cancels out; an interval that excludes 0 is a difference
    beyond resampling chance), and ``b_better``, the share of resamplings where b scores higher."""
    import numpy as np

    a = _row_counts(sources, outputs_a, originals)
    b = _row_counts(sources, outputs_b, originals)
    counts_a, counts_b = _group_counts(a, groups), _group_counts(b, groups)
    picks = _resampled(len(counts_a), resamples, seed)  # the same resampling scores both
    sums_a, sums_b = counts_a[picks].sum(axis=1), counts_b[picks].sum(axis=1)  # (resamples, 3)
    diffs = np.array(
        [
            EditCounts(*map(int, sb)).f_beta(0.5) - EditCounts(*map(int, sa)).f_beta(0.5)
            for sa, sb in zip(sums_a, sums_b)
        ]
    )
    lo, hi = np.quantile(diffs, [(1 - level) / 2, (1 + level) / 2])
    fa, fb = _total(a).f_beta(0.5), _total(b).f_beta(0.5)
    return {
        "f0.5_a": fa,
        "f0.5_b": fb,
        "difference": fb - fa,
        "interval": [float(lo), float(hi)],
        "b_better": float((diffs > 0).mean()),
        "groups": len(counts_a),
        "resamples": resamples,
    }


def paired_clean_harm(sources: Sequence[str], outputs_a: Sequence[str], outputs_b: Sequence[str]) -> dict:
    """Two systems on the same clean sentences: how many each changed, how many only one of
    them changed, and the exact two-sided McNemar p-value of those discordant counts (whether
    one harms clean text more than the other beyond chance)."""
    return paired_changes(
        [words(o) != words(s) for s, o in zip(sources, outputs_a, strict=True)],
        [words(o) != words(s) for s, o in zip(sources, outputs_b, strict=True)],
    )


def paired_changes(changed_a: Sequence[bool], changed_b: Sequence[bool]) -> dict:
    """:func:`paired_clean_harm` from whether each system changed each sentence."""
    only_a = sum(x and not y for x, y in zip(changed_a, changed_b, strict=True))
    only_b = sum(y and not x for x, y in zip(changed_a, changed_b, strict=True))
    return {
        "n": len(changed_a),
        "changed_a": sum(changed_a),
        "changed_b": sum(changed_b),
        "only_a": only_a,
        "only_b": only_b,
        "p": mcnemar_p(only_a, only_b),
    }


def mcnemar_p(only_a: int, only_b: int) -> float:
    """Exact two-sided McNemar p-value of two systems' discordant counts (rows only a
    changed, rows only b changed): the binomial test of the smaller count at 1/2."""
    import math

    m, k = only_a + only_b, min(only_a, only_b)
    return min(1.0, 2 * sum(math.comb(m, i) for i in range(k + 1)) / 2**m) if m else 1.0


def damage_removed(sources: Sequence[str], outputs: Sequence[str], originals: Sequence[str]) -> dict:
    """Share of the spinner's word-level damage the system undid.

    ``damage_removed = 1 - D_output / D_spun`` with ``D_x`` the word edit distance of ``x``
    to the original summed over the corpus, i.e. ``1 - WER(output) / WER(spun)`` at corpus
    level. 1.0: everything restored; 0.0: no better than the spun text; negative: the
    output is further from the original than the spun text (clean rows that the system
    changes add to ``D_output`` and so count against it). When the spun texts have no
    damage at all (``D_spun == 0``) the ratio is undefined and ``damage_removed`` is None;
    ``wer_output`` still shows any harm done.

    Also returns ``wer_spun`` and ``wer_output`` (corpus WER: summed distance over summed
    original length) and the raw sums ``spun_distance``, ``output_distance``,
    ``original_words``.
    """
    d_spun = d_out = n_words = 0
    for s, o, r in zip(sources, outputs, originals, strict=True):
        ref = words(r)
        d_spun += edit_distance(words(s), ref)
        d_out += edit_distance(words(o), ref)
        n_words += len(ref)
    return {
        "damage_removed": 1 - d_out / d_spun if d_spun else None,
        "wer_spun": d_spun / max(1, n_words),
        "wer_output": d_out / max(1, n_words),
        "spun_distance": d_spun,
        "output_distance": d_out,
        "original_words": n_words,
    }


def clean_harm(sources: Sequence[str], outputs: Sequence[str], originals: Sequence[str] | None = None) -> dict:
    """Share of clean inputs that the system changed (lower is better).

    Input convention: without ``originals`` every source is taken to be a clean sentence
    (nothing to restore) and ``outputs`` are the system's outputs for them. With
    ``originals`` (a spun/original corpus), only rows whose source equals its original are
    clean and counted. A clean row is changed when the output's words differ from the
    source's. Returns ``clean_harm`` (None when there is no clean row), ``clean_changed``
    and ``clean_n``.
    """
    if originals is None:
        originals = sources
    changed = n = 0
    for s, o, r in zip(sources, outputs, originals, strict=True):
        src = words(s)
        if src == words(r):
            n += 1
            changed += words(o) != src
    return {"clean_harm": changed / n if n else None, "clean_changed": changed, "clean_n": n}


def exact_match(outputs: Sequence[str], originals: Sequence[str]) -> dict:
    """Share of outputs whose words equal the original's (0.0 for an empty corpus)."""
    hits = sum(words(o) == words(r) for o, r in zip(outputs, originals, strict=True))
    return {"exact_match": hits / max(1, len(outputs))}


def bleu_chrf(outputs: Sequence[str], originals: Sequence[str]) -> dict:
    """Corpus BLEU and chrF (sacrebleu defaults: 13a tokenizer, cased; chrF with character
    6-grams, beta 2) of the outputs against the originals, one reference each, on
    typographically normalised text. Scores are on sacrebleu's 0-100 scale."""
    import sacrebleu  # the standard implementation, so figures compare with published ones

    if len(outputs) != len(originals):
        raise ValueError(f"{len(outputs)} outputs but {len(originals)} originals")
    hyp = [normalize_typography(o) for o in outputs]
    refs = [[normalize_typography(r) for r in originals]]
    return {"bleu": sacrebleu.corpus_bleu(hyp, refs).score, "chrf": sacrebleu.corpus_chrf(hyp, refs).score}


def score(
    sources: Sequence[str],
    outputs: Sequence[str],
    originals: Sequence[str],
    groups: Sequence[str] | None = None,
    interval: bool = True,
) -> dict:
    """Every metric above for one row-aligned corpus, as one flat dict: the one entry point
    (``restore eval``, training's validation and the tools all call it).

    Keys: ``precision``, ``recall``, ``f0.5``, ``tp``, ``fp``, ``fn``, ``partial``,
    ``edits_right`` (:func:`spin_edits`);
    ``damage_removed``, ``wer_spun``, ``wer_output``, ``spun_distance``,
    ``output_distance``, ``original_words`` (:func:`damage_removed`); ``clean_harm``,
    ``clean_changed``, ``clean_n`` over the rows whose source equals its original
    (:func:`clean_harm`); ``exact_match``; ``bleu``, ``chrf``; ``n`` (rows); ``f0.5_ci``, the
    95% bootstrap interval of F0.5 (:func:`f05_interval`; ``groups`` resampled whole), None
    without rows or with ``interval=False`` (training's frequent validation skips it).
    """
    sources, outputs, originals = list(sources), list(outputs), list(originals)
    rows = _row_counts(sources, outputs, originals)
    return {
        **_total(rows).as_dict(),
        "f0.5_ci": list(_interval(rows, groups)) if rows and interval else None,
        **damage_removed(sources, outputs, originals),
        **clean_harm(sources, outputs, originals),
        **exact_match(outputs, originals),
        **bleu_chrf(outputs, originals),
        "n": len(sources),
    }
