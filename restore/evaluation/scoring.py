"""Scoring a system's results on a set: thresholds (with the document gate), the edit judge
and metrics, per-sentence records, the threshold sweep, F0.5 by length, top edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ..align import TYPOGRAPHY, WORD_RE, words
from ..edit_scoring import EditCounts, judge, partial_fixes
from ..edits import Edit, apply_edits
from ..guards import Proposal, Thresholds
from ..metrics import score
from .sets import EvalSet


def proposal(result) -> Proposal:
    """A system's result for one text as a :class:`Proposal` (a baseline's edits carry no
    spun-ness evidence)."""
    edits = result[1]
    return edits if isinstance(edits, Proposal) else Proposal(list(edits), 0, 0.0)


THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(20))  # 0.00 .. 0.95


LENGTH_BINS = ((1, 10), (11, 20), (21, 30), (31, 40), (41, 60), (61, None))


TOP_EDITS = 15


EDIT_METRICS = ("f0.5", "precision", "recall", "edits_right", "damage_removed")  # meaningless on clean text


def kept_by_document(evset: EvalSet, results: list, thresholds: Thresholds) -> list[list[Edit]]:
    """The edits ``thresholds`` keep of each row's result; the document gate pools the rows
    of each of the set's groups (each row alone when the set has no groups)."""
    return thresholds.apply_all([proposal(r) for r in results], evset.groups or None)


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of :func:`restore.align.words` in ``text`` (same tokens: the
    typography translation is one character for one)."""
    return [m.span() for m in WORD_RE.finditer(text.translate(TYPOGRAPHY))]


def _confidence(edit, spans: list[tuple[int, int]], text_len: int, sys_edits: list[Edit]) -> float | None:
    """Confidence of the system edit(s) behind a word-level edit (the least sure one)."""
    i1, i2, _ = edit
    if i2 > i1:
        lo, hi = spans[i1][0], spans[i2 - 1][1]
        hits = [e.confidence for e in sys_edits if e.start < hi and e.end > lo]
    else:  # insertion before word i1
        lo = spans[i1 - 1][1] if i1 > 0 else 0
        hi = spans[i1][0] if i1 < len(spans) else text_len
        hits = [e.confidence for e in sys_edits if e.start <= hi and e.end >= lo]
    return min(hits) if hits else None


def _f05(tp: int, fp: int, fn: int) -> dict:
    c = EditCounts(tp, fp, fn)
    return {"precision": c.precision, "recall": c.recall, "f0.5": c.f_beta(0.5), "tp": tp, "fp": fp, "fn": fn}


def _length_bin(n: int) -> str:
    for lo, hi in LENGTH_BINS:
        if hi is None or n <= hi:
            return f"{lo}+" if hi is None else f"{lo}-{hi}"
    return "?"


def threshold_sweep(
    evset: EvalSet, results: list, thresholds: Thresholds, sweep: Sequence[float] = THRESHOLDS
) -> list[dict]:
    """Edit P/R/F0.5 (and exact match) with ``thresholds`` but ``min_confidence`` set to
    each t of ``sweep``: from one pass of the system, no re-decoding."""
    rows = []
    cache: dict[tuple[int, str], tuple[dict, bool]] = {}  # (judgement, exact match) per output
    for t in sweep:
        kept = kept_by_document(evset, results, replace(thresholds, min_confidence=t))
        tp = fp = fn = exact = 0
        for k, (src, ref, edits) in enumerate(zip(evset.sources, evset.originals, kept)):
            out = apply_edits(src, edits)
            if (k, out) not in cache:
                cache[(k, out)] = judge(src, out, ref), words(out) == words(ref)
            j, same = cache[(k, out)]
            tp, fp, fn = tp + len(j["correct"]), fp + len(j["wrong"]), fn + len(j["missed"])
            exact += same
        rows.append({"threshold": t, **_f05(tp, fp, fn), "exact_match": exact / max(1, len(evset))})
    return rows


def sentence_records(
    evset: EvalSet, results: list, kept_edits: list[list[Edit]], others: dict[str, list[str]] | None = None
) -> list[dict]:
    """Per sentence: input, output, reference, exact, the edits marked correct / partial
    (a right fix of part of a reference edit, :func:`restore.edit_scoring.partial_fixes`) / wrong /
    missed (word span in the input, spun words, replacement, confidence of the model edit)
    and the other systems' outputs. ``kept_edits``: the edits applied to each row."""
    records = []
    for k, (src, ref, result, kept) in enumerate(zip(evset.sources, evset.originals, results, kept_edits)):
        edits = proposal(result).edits
        dropped = [x for x in edits if x not in kept]
        out = apply_edits(src, kept)
        j = judge(src, out, ref)
        # a right fix of part of a reference edit: wrong for F0.5, but not harm
        j["partial"] = partial_fixes(src, out, ref, j["wrong"])
        j["wrong"] = [e for e in j["wrong"] if e not in j["partial"]]
        src_words, spans = words(src), _word_spans(src)
        marked = []
        for mark in ("correct", "partial", "wrong", "missed"):
            for e in j[mark]:
                # a missed edit has a confidence when the model proposed it below the threshold
                conf = _confidence(e, spans, len(src), kept if mark != "missed" else dropped)
                marked.append(
                    {
                        "mark": mark,
                        "words": [e[0], e[1]],
                        "spun": " ".join(src_words[e[0] : e[1]]),
                        "replacement": " ".join(e[2]),
                        "confidence": None if conf is None else round(conf, 4),
                    }
                )
        marked.sort(key=lambda m: (m["words"], m["mark"]))
        rec = {
            "id": evset.ids[k],
            "input": src,
            "output": out,
            "reference": ref,
            "exact_match": words(out) == words(ref),
            "edits": marked,
        }
        if dropped:
            rec["below_threshold"] = [e.as_dict() for e in dropped]
        for name, outs in (others or {}).items():
            rec[f"{name}_output"] = outs[k]
        records.append(rec)
    return records


def by_length(evset: EvalSet, outputs: dict[str, list[str]]) -> list[dict]:
    """Edit F0.5 per sentence-length bin (words of the original), for each system."""
    bins = [_length_bin(len(words(r))) for r in evset.originals]
    order = [f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in LENGTH_BINS]
    rows = []
    for b in order:
        idx = [i for i, x in enumerate(bins) if x == b]
        if not idx:
            continue
        row = {"bin": b, "n": len(idx)}
        for name, outs in outputs.items():
            c = EditCounts()
            for i in idx:
                c.add(evset.sources[i], outs[i], evset.originals[i])
            row[name] = _f05(c.tp, c.fp, c.fn)
        rows.append(row)
    return rows


def top_edits(records: list[dict], n: int = TOP_EDITS) -> dict[str, list[tuple[str, int]]]:
    """The most frequent missed, wrong and partial edits, as ``"spun → replacement"`` labels."""
    out = {}
    for mark in ("missed", "wrong", "partial"):
        counts = Counter(
            f"{e['spun'] or '∅'} → {e['replacement'] or '∅'}" for r in records for e in r["edits"] if e["mark"] == mark
        )
        out[mark] = counts.most_common(n)
    return out


def set_scores(evset: EvalSet, outputs: list[str]) -> dict:
    m = score(evset.sources, outputs, evset.originals, evset.groups or None)
    if evset.kind == "clean":  # nothing to restore: only harm and exactness mean something
        for key in (*EDIT_METRICS, "f0.5_ci"):
            m[key] = None
    return m
