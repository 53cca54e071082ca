"""``restore eval``: score a restorer and two baselines on pairs (spun, original).

    restore eval --data PAIRS.jsonl [--model DIR] [-o DIR] [--limit N] [--min-confidence X]
    restore eval --suite configs/eval.yaml [--model DIR] [-o DIR] [--limit N]

Three systems on the same rows:

* ``model``: the restorer (:class:`restore.restorer.Restorer`, guards included), run once
  with every edit and its confidence; the figures at ``--min-confidence`` and the
  threshold sweep are computed from that one pass by dropping the edits below each
  threshold.
* ``lexicon``: the spinner's tables read backwards (:mod:`restore.lexicon`).
* ``copy``: the input unchanged (F0.5 0 when there is damage, clean harm 0).

Metrics are :func:`restore.metrics.score_all`. Writes to the output folder:
``metrics.json``, ``report.md``, ``sentences.jsonl`` (per sentence: input, output,
reference, the lexicon's output and the model's edits marked correct / wrong / missed
with confidences) and PNG plots (F0.5 / precision / recall against the confidence
threshold, F0.5 by sentence length, the most frequent missed and wrong edits). A suite
(YAML listing several sets) writes one folder per set and a combined ``report.md`` and
``metrics.json``.
"""
from __future__ import annotations

import csv
import json
import math
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .align import TYPOGRAPHY, WORD_RE, words
from .edits import EditCounts, judge, partial_fixes
from .metrics import score_all
from .diff import Edit, apply_edits
from .guards import kept_edits

SYSTEMS = ("model", "lexicon", "copy")
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(20))  # 0.00 .. 0.95
LENGTH_BINS = ((1, 10), (11, 20), (21, 30), (31, 40), (41, 60), (61, None))
TOP_EDITS = 15
CHUNK = 64  # sentences handed to a system at a time (progress bar steps)
# columns of the combined table: (metrics key, header, kind of set it applies to)
COLUMNS = (("f0.5", "F0.5"), ("precision", "P"), ("recall", "R"), ("edits_right", "edits right"),
           ("damage_removed", "damage removed"),
           ("clean_harm", "clean harm"), ("exact_match", "exact"), ("bleu", "BLEU"), ("chrf", "chrF"))
EDIT_METRICS = ("f0.5", "precision", "recall", "edits_right", "damage_removed")  # meaningless on clean text


class DataError(ValueError):
    """Bad evaluation data or suite config: reported in one line by the CLI."""


@dataclass
class EvalSet:
    """Row-aligned evaluation rows. ``kind``: ``pairs`` (spun/original), ``clean`` (the
    sources are clean text: only harm counts) or ``phrases`` (tortured phrases in carrier
    sentences)."""
    name: str
    sources: list[str]
    originals: list[str]
    ids: list[str] = field(default_factory=list)
    # one label a row, e.g. its article: bootstrap intervals resample whole groups (none: rows)
    groups: list[str] = field(default_factory=list)
    kind: str = "pairs"
    title: str = ""
    note: str = ""
    out_of_domain: bool = False

    def __post_init__(self):
        if len(self.sources) != len(self.originals):
            raise ValueError("sources and originals differ in length")
        if not self.ids:
            self.ids = [str(i) for i in range(len(self.sources))]
        if self.groups and len(self.groups) != len(self.sources):
            raise ValueError("groups and sources differ in length")

    def __len__(self) -> int:
        return len(self.sources)


# --------------------------------------------------------------------------- systems


class CopySystem:
    """The copy baseline: output = input."""

    def restore_with_edits(self, texts: list[str]):
        return [(t, []) for t in texts]


class CachedSystem:
    """Remembers outputs by input text (a suite's sets share sentences)."""

    def __init__(self, system):
        self.system, self.cache = system, {}

    def restore_with_edits(self, texts: list[str]):
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            self.cache.update(zip(todo, self.system.restore_with_edits(todo)))
        return [self.cache[t] for t in texts]


class AllProposals:
    """A restorer as an evaluated system: every edit it proposes, unthresholded (the
    evaluation applies the thresholds itself, for the sweep and the chosen setting)."""

    def __init__(self, restorer):
        self.restorer = restorer

    def restore_with_edits(self, texts: list[str]) -> list[tuple[str, list[Edit]]]:
        return [(apply_edits(t, e), e) for t, e in zip(texts, self.restorer.propose(list(texts)))]


def default_systems(restorer) -> dict:
    """``{"model": restorer, "lexicon": Lexicon, "copy": CopySystem}`` (cached)."""
    from .lexicon import Lexicon

    systems = {"lexicon": Lexicon.load(), "copy": CopySystem()}
    if restorer is not None:  # every edit the model proposes: the thresholds are applied here
        systems = {"model": AllProposals(restorer), **systems}
    return {name: CachedSystem(s) for name, s in systems.items()}


def run_system(system, texts: Sequence[str], desc: str, progress: bool) -> list[tuple[str, list[Edit]]]:
    """``system.restore_with_edits`` over ``texts`` in chunks, with a progress bar on stderr."""
    from tqdm import tqdm

    out: list = []
    with tqdm(total=len(texts), desc=desc, unit=" sent", file=sys.stderr, dynamic_ncols=True,
              disable=not progress, leave=False) as bar:
        for k in range(0, len(texts), CHUNK):
            chunk = list(texts[k:k + CHUNK])
            out += system.restore_with_edits(chunk)
            bar.update(len(chunk))
    return out


# --------------------------------------------------------------------------- reading data


GROUP_KEYS = ("article", "doc_id", "group")  # JSONL fields naming the group of a row


def read_pairs(path: str | Path, limit: int | None = None, name: str | None = None) -> EvalSet:
    """A JSONL file of pairs: each line an object with string fields ``spun`` and
    ``original`` (``id`` optional; ``article``, ``doc_id`` or ``group``, when every line
    has one, groups rows for the bootstrap intervals); blank lines are skipped. Raises :class:`DataError`
    with the file and line of the first bad line."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"no such file: {path}")
    if path.is_dir():
        raise DataError(f"{path} is a folder; give a JSONL file of pairs")
    sources, originals, ids, groups = [], [], [], []
    try:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                if limit is not None and len(sources) >= limit:
                    break
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise DataError(f"{path}:{n}: not JSON ({e.msg})") from None
                if not isinstance(row, dict):
                    raise DataError(f"{path}:{n}: expected a JSON object with 'spun' and 'original'")
                for key in ("spun", "original"):
                    if not isinstance(row.get(key), str):
                        raise DataError(f"{path}:{n}: no '{key}' text field")
                sources.append(row["spun"])
                originals.append(row["original"])
                ids.append(str(row.get("id", n)))
                groups.append(next((str(row[k]) for k in GROUP_KEYS if row.get(k) is not None), None))
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte offset {e.start})") from None
    if not sources:
        raise DataError(f"{path}: no pairs")
    groups = groups if all(g is not None for g in groups) else []
    return EvalSet(name or path.stem, sources, originals, ids, groups, title=str(path))


def read_pairs_dataset(path: str | Path, split: str = "test", limit: int | None = None, seed: int = 0,
                       clean_only: bool = False, name: str = "synthetic") -> EvalSet:
    """Rows of a pairs dataset built by ``restore pairs`` (a ``DatasetDict`` saved
    to disk), shuffled with ``seed`` and cut to ``limit``. ``clean_only``: only rows whose
    spun text equals the original (identity pairs, spins that changed nothing)."""
    from .pairs import load_pairs

    try:
        ds = load_pairs(path)
    except FileNotFoundError as e:
        raise DataError(str(e)) from None
    if split not in ds:
        raise DataError(f"{path}: no split {split!r} (has {', '.join(ds)})")
    ds = ds[split].shuffle(seed=seed)
    rows = range(len(ds))
    if clean_only:
        rows = [i for i, (s, o) in enumerate(zip(ds["spun"], ds["original"])) if s == o]
    ds = ds.select(list(rows)[:limit])
    docs = list(ds["doc_id"]) if "doc_id" in ds.column_names else []
    ids = [f"{d}#{i}" for i, d in enumerate(docs)]
    return EvalSet(name, list(ds["spun"]), list(ds["original"]), ids, docs, title=f"{path} ({split})")


# tortured phrases -----------------------------------------------------------------------

PPS_CARRIER = "In this paper, we discuss {phrase} in more detail."


def _clean_phrase(text: str) -> str | None:
    """An expected phrase as plain words: notes in brackets, '?', escaped quotes and
    alternatives ('a/b' -> 'a') removed; None when nothing usable is left."""
    text = text.replace("\\\"", "").replace('"', "").replace("\u00a0", " ")
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text).replace("?", " ")
    text = text.split("/")[0]
    text = re.sub(r"\s+", " ", text).strip(" ,;:.")
    if not text or len(text.split()) > 6 or re.search(r"https?:|\bsee\b", text):
        return None
    # Title Case words to lower case, acronyms and mixed case (DDoS, MACS) kept
    return " ".join(w.lower() if w[:1].isupper() and w[1:] == w[1:].lower() else w for w in text.split())


def read_tortured(folder: str | Path, top: int | None = None, limit: int | None = None, seed: int = 0,
                  carrier: str = PPS_CARRIER, name: str = "tortured") -> EvalSet:
    """Tortured phrases (Problematic Paper Screener list) in a neutral carrier sentence:
    source = carrier with the tortured phrase, original = carrier with the expected one.

    Reads ``tortured_phrases_with_counts.csv`` (ranked by paper count; the tortured phrase
    is the first quoted term of the screener query, e.g. ``"surface region" AND "surface
    area"``) or, without it, ``tortured_phrases.json``. ``top``: the ``top`` phrases by
    paper count; ``limit``: a random sample (``seed``) of that many. Phrases whose
    expected form is a note rather than a phrase are dropped, and so are duplicates.
    """
    folder = Path(folder)
    csv_path, json_path = folder / "tortured_phrases_with_counts.csv", folder / "tortured_phrases.json"
    rows: list[tuple[str, str, int]] = []
    if csv_path.is_file():
        with csv_path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                m = re.match(r'\s*"([^"]+)"', r.get("tortured_phrase", ""))
                papers = int(re.sub(r"\D", "", r.get("num_papers", "")) or 0)
                if m:
                    rows.append((m.group(1), r.get("expected_phrase", ""), papers))
        rows.sort(key=lambda r: -r[2])  # stable: file order among equal counts
    elif json_path.is_file():
        if top is not None:
            raise DataError(f"{folder}: 'top' needs tortured_phrases_with_counts.csv (paper counts)")
        data = json.loads(json_path.read_text(encoding="utf-8"))
        rows = [(p["tortured"], p["correct"], 0) for p in data.get("phrases", [])]
    else:
        raise DataError(f"no tortured-phrase files in {folder}")
    if "{phrase}" not in carrier:
        raise DataError("the carrier sentence needs a {phrase} slot")
    seen, pairs = set(), []
    for tortured, expected, _ in rows:
        tortured, expected = _clean_phrase(tortured), _clean_phrase(expected)
        if not tortured or not expected or tortured.lower() == expected.lower() or tortured.lower() in seen:
            continue
        seen.add(tortured.lower())
        pairs.append((tortured, expected))
    if top is not None:
        pairs = pairs[:top]
    if limit is not None and limit < len(pairs):
        pairs = random.Random(seed).sample(pairs, limit)
    return EvalSet(name, [carrier.format(phrase=t) for t, _ in pairs], [carrier.format(phrase=e) for _, e in pairs],
                   [t for t, _ in pairs], kind="phrases", title=str(folder), out_of_domain=True)


# --------------------------------------------------------------------------- scoring


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


def _label(source_words: list[str], edit) -> str:
    i1, i2, rep = edit
    return f"{' '.join(source_words[i1:i2]) or '∅'} → {' '.join(rep) or '∅'}"


def _f05(tp: int, fp: int, fn: int) -> dict:
    c = EditCounts(tp, fp, fn)
    return {"precision": c.precision, "recall": c.recall, "f0.5": c.f_beta(0.5), "tp": tp, "fp": fp, "fn": fn}


def _length_bin(n: int) -> str:
    for lo, hi in LENGTH_BINS:
        if hi is None or n <= hi:
            return f"{lo}+" if hi is None else f"{lo}-{hi}"
    return "?"


def threshold_sweep(evset: EvalSet, results: list[tuple[str, list[Edit]]],
                    thresholds: Sequence[float] = THRESHOLDS, lone_edit_confidence: float = 0.0) -> list[dict]:
    """Edit P/R/F0.5 (and exact match) with only the edits of confidence >= t applied
    (and the lone-edit gate, :func:`restore.restorer.kept_edits`), for each threshold t:
    from one pass of the system, no re-decoding."""
    rows = []
    cache: dict[tuple[int, str], dict] = {}
    for t in thresholds:
        tp = fp = fn = exact = 0
        for k, (src, ref, (_, edits)) in enumerate(zip(evset.sources, evset.originals, results)):
            out = apply_edits(src, kept_edits(edits, t, lone_edit_confidence))
            j = cache.get((k, out))
            if j is None:
                j = cache[(k, out)] = judge(src, out, ref)
                j["exact"] = words(out) == words(ref)
            tp, fp, fn = tp + len(j["correct"]), fp + len(j["wrong"]), fn + len(j["missed"])
            exact += j["exact"]
        rows.append({"threshold": t, **_f05(tp, fp, fn), "exact_match": exact / max(1, len(evset))})
    return rows


def sentence_records(evset: EvalSet, results: list[tuple[str, list[Edit]]], min_confidence: float,
                     others: dict[str, list[str]] | None = None, lone_edit_confidence: float = 0.0) -> list[dict]:
    """Per sentence: input, output, reference, exact, the edits marked correct / partial
    (a right fix of part of a reference edit, :func:`restore.edits.partial_fixes`) / wrong /
    missed (word span in the input, spun words, replacement, confidence of the model edit)
    and the other systems' outputs."""
    records = []
    for k, (src, ref, (_, edits)) in enumerate(zip(evset.sources, evset.originals, results)):
        kept = kept_edits(edits, min_confidence, lone_edit_confidence)
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
                marked.append({"mark": mark, "words": [e[0], e[1]], "spun": " ".join(src_words[e[0]:e[1]]),
                               "replacement": " ".join(e[2]),
                               "confidence": None if conf is None else round(conf, 4)})
        marked.sort(key=lambda m: (m["words"], m["mark"]))
        rec = {"id": evset.ids[k], "input": src, "output": out, "reference": ref,
               "exact": words(out) == words(ref), "edits": marked}
        if min_confidence > 0 or lone_edit_confidence > 0:
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
        counts = Counter(f"{e['spun'] or '∅'} → {e['replacement'] or '∅'}"
                         for r in records for e in r["edits"] if e["mark"] == mark)
        out[mark] = counts.most_common(n)
    return out


def _scores(evset: EvalSet, outputs: list[str]) -> dict:
    m = score_all(evset.sources, outputs, evset.originals, evset.groups or None)
    if evset.kind == "clean":  # nothing to restore: only harm and exactness mean something
        for key in (*EDIT_METRICS, "f0.5_ci"):
            m[key] = None
    return m


# --------------------------------------------------------------------------- plots


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_threshold(sweep: list[dict], path: Path, title: str, baselines: dict[str, float],
                   chosen: float | None = None) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ts = [r["threshold"] for r in sweep]
    for key, style in (("f0.5", "-o"), ("precision", "--"), ("recall", ":")):
        ax.plot(ts, [r[key] for r in sweep], style, label=f"model {key}", markersize=3)
    for (name, value), color in zip(baselines.items(), ("tab:gray", "tab:brown")):
        if value is not None:
            ax.axhline(value, color=color, linewidth=1, linestyle="-.", label=f"{name} F0.5")
    if chosen:
        ax.axvline(chosen, color="black", linewidth=0.8, alpha=0.5)
    ax.set(xlabel="min confidence of an applied edit", ylabel="score", ylim=(0, 1), xlim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_by_length(rows: list[dict], path: Path, title: str, systems: Sequence[str]) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    width = 0.8 / max(1, len(systems))
    for k, name in enumerate(systems):
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(rows))]
        ax.bar(xs, [r[name]["f0.5"] for r in rows], width, label=name)
    ax.set_xticks(range(len(rows)), [f"{r['bin']}\n(n={r['n']})" for r in rows], fontsize=8)
    ax.set(xlabel="words in the original sentence", ylabel="edit F0.5", ylim=(0, 1), title=title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_top_edits(top: dict[str, list[tuple[str, int]]], path: Path, title: str) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    for ax, mark, color in zip(axes, ("missed", "wrong"), ("tab:orange", "tab:red")):
        items = top.get(mark, [])[::-1]
        labels = [lab if len(lab) <= 40 else lab[:39] + "…" for lab, _ in items]
        ax.barh(range(len(items)), [c for _, c in items], color=color)
        ax.set_yticks(range(len(items)), labels, fontsize=7)
        ax.set(xlabel="times", title=f"most frequent {mark} edits")
        if not items:
            ax.set_xticks([])
            ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_suite(table: dict, path: Path, systems: Sequence[str]) -> None:
    """Edit F0.5 (clean sets: clean harm) of every system on every set."""
    plt = _plt()
    names = list(table)
    fig, ax = plt.subplots(figsize=(max(6.4, 1.3 * len(names) + 2), 4.2))
    width = 0.8 / max(1, len(systems))
    for k, sysname in enumerate(systems):
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(names))]
        vals = []
        for n in names:
            m = table[n]["systems"].get(sysname) or {}
            key = "clean_harm" if table[n]["kind"] == "clean" else ("exact_match" if table[n]["kind"] == "phrases" else "f0.5")
            vals.append(m.get(key) or 0.0)
        ax.bar(xs, vals, width, label=sysname)
    labels = [f"{n}\n({'clean harm' if table[n]['kind'] == 'clean' else 'exact' if table[n]['kind'] == 'phrases' else 'F0.5'})"
              for n in names]
    ax.set_xticks(range(len(names)), labels, fontsize=8)
    ax.set(ylabel="score", ylim=(0, 1), title="model vs baselines on every set")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# --------------------------------------------------------------------------- one set


def _fmt(x, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float):
        return f"{x:.1%}" if pct else (f"{x:.1f}" if abs(x) >= 10 else f"{x:.3f}")
    return str(x)


def evaluate_set(evset: EvalSet, systems: dict, out_dir: str | Path, min_confidence: float = 0.0,
                 progress: bool = False, per_sentence_limit: int | None = None,
                 info: dict | None = None, lone_edit_confidence: float = 0.0) -> dict:
    """Run every system on ``evset``, score, write the folder; returns the metrics dict."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results, outputs, seconds = {}, {}, {}
    for name, system in systems.items():
        t0 = time.perf_counter()
        results[name] = run_system(system, evset.sources, f"{evset.name}: {name}", progress)
        seconds[name] = round(time.perf_counter() - t0, 2)
        conf, lone = (min_confidence, lone_edit_confidence) if name == "model" else (0.0, 0.0)
        outputs[name] = [apply_edits(s, kept_edits(edits, conf, lone))
                         for s, (_, edits) in zip(evset.sources, results[name])]
    metrics = {
        "set": evset.name, "title": evset.title, "kind": evset.kind, "out_of_domain": evset.out_of_domain,
        "n": len(evset), "groups": len(set(evset.groups)) if evset.groups else None,
        "note": evset.note, **(info or {}), "min_confidence": min_confidence,
        "lone_edit_confidence": lone_edit_confidence,
        "systems": {name: _scores(evset, outs) for name, outs in outputs.items()},
        "seconds": seconds,
    }
    main = "model" if "model" in systems else next(iter(systems))
    others = {n: o for n, o in outputs.items() if n not in (main, "copy")}
    records = sentence_records(evset, results[main], min_confidence if main == "model" else 0.0, others,
                               lone_edit_confidence if main == "model" else 0.0)
    plots = {}
    if evset.kind != "clean":
        sweep = threshold_sweep(evset, results[main], lone_edit_confidence=lone_edit_confidence) \
            if main == "model" else []
        metrics["threshold_sweep"] = sweep
        metrics["by_length"] = by_length(evset, outputs)
        metrics["top_edits"] = top_edits(records)
        if sweep:
            plots["threshold"] = "threshold.png"
            plot_threshold(sweep, out_dir / plots["threshold"], f"{evset.name}: model edits by confidence",
                           {n: metrics["systems"][n]["f0.5"] for n in systems if n not in ("model", "copy")},
                           chosen=min_confidence)
        plots["by_length"] = "f05_by_length.png"
        plot_by_length(metrics["by_length"], out_dir / plots["by_length"], f"{evset.name}: F0.5 by sentence length",
                       [n for n in systems if n != "copy"])
        plots["top_edits"] = "top_edits.png"
        plot_top_edits(metrics["top_edits"], out_dir / plots["top_edits"], f"{evset.name}: {main}")
    metrics["plots"] = plots
    shown = records if per_sentence_limit is None else records[:per_sentence_limit]
    with (out_dir / "sentences.jsonl").open("w", encoding="utf-8") as f:
        for r in shown:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    metrics["sentences_file"] = {"path": "sentences.jsonl", "rows": len(shown), "of": len(records)}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(set_report(metrics, records), encoding="utf-8")
    return metrics


def _system_table(metrics: dict) -> str:
    cols = [(k, h) for k, h in COLUMNS if not (metrics["kind"] == "clean" and k in EDIT_METRICS)]
    lines = ["| system | " + " | ".join(h for _, h in cols) + " | tp | fp | fn |",
             "|---|" + "---|" * (len(cols) + 3)]
    for name, m in metrics["systems"].items():
        cells = [_fmt(m.get(k), pct=k == "clean_harm") for k, _ in cols]
        edits = ["–"] * 3 if metrics["kind"] == "clean" else [str(m["tp"]), str(m["fp"]), str(m["fn"])]
        lines.append(f"| {name} | " + " | ".join(cells + edits) + " |")
    return "\n".join(lines)


def set_report(metrics: dict, records: list[dict]) -> str:
    """``report.md`` of one set."""
    info = [f"- data: `{metrics['title']}` — {metrics['n']} rows" + (" (out of domain)" if metrics["out_of_domain"] else "")]
    if metrics.get("model"):
        info.append(f"- model: `{metrics['model']}`" + (f" (commit {metrics['model_commit']})"
                                                       if metrics.get("model_commit") else ""))
    info.append(f"- model edits applied at confidence ≥ {metrics['min_confidence']}"
                f"{_lone_note(metrics.get('lone_edit_confidence', 0.0), metrics['min_confidence'])}; "
                "restorer output (guards on), greedy decoding")
    if metrics.get("note"):
        info.append(f"- {metrics['note']}")
    parts = [f"# Evaluation: {metrics['set']}", "", *info, "",
             "Edit P/R/F0.5: word-level edits against the reference edits (spun → original), `restore/metrics.py`; "
             "edits right = share of the system's edits that write the original's words (right fixes of part of "
             "a reference edit included; P counts those wrong); "
             "damage removed = 1 − WER(output)/WER(spun); clean harm = share of the rows with nothing "
             "to restore that were changed; BLEU/chrF 0–100.", "", _system_table(metrics), ""]
    intervals = _intervals({name: m.get("f0.5_ci") for name, m in metrics["systems"].items()})
    if intervals:
        unit = (f"its {metrics['groups']} articles/documents resampled whole" if metrics.get("groups")
                else "rows resampled")
        parts += [f"F0.5, 95% bootstrap interval ({unit}, 1,000 times): {intervals}.", ""]
    sweep = metrics.get("threshold_sweep") or []
    if sweep:
        best = max(sweep, key=lambda r: (r["f0.5"], -r["threshold"]))
        parts += ["## Model: edits by confidence threshold", "",
                  f"Best F0.5 {best['f0.5']:.3f} at threshold {best['threshold']:.2f} "
                  "(chosen here, on this set: optimistic).", "",
                  "| threshold | P | R | F0.5 | exact |", "|---|---|---|---|---|"]
        parts += [f"| {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f0.5']:.3f} | "
                  f"{r['exact_match']:.3f} |" for r in sweep if round(r["threshold"] * 20) % 2 == 0]
        parts += ["", f"![threshold]({metrics['plots']['threshold']})", ""]
    if metrics.get("by_length"):
        names = [n for n in metrics["systems"] if n != "copy"]
        parts += ["## F0.5 by sentence length", "", "| words | n | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        parts += [f"| {r['bin']} | {r['n']} | " + " | ".join(f"{r[n]['f0.5']:.3f}" for n in names) + " |"
                  for r in metrics["by_length"]]
        parts += ["", f"![by length]({metrics['plots']['by_length']})", ""]
    if metrics.get("top_edits"):
        parts += ["## Most frequent missed and wrong edits", "",
                  "*partial*: right fixes of part of a reference edit (\"in opposition to quick\" → "
                  "\"against quick\" where the original says \"against short\"); F0.5 counts them wrong, "
                  "*edits right* does not.", ""]
        for mark in ("missed", "wrong", "partial"):
            items = metrics["top_edits"].get(mark, [])
            parts.append(f"**{mark}**: " + ("; ".join(f"{lab} ({c})" for lab, c in items[:10]) or "none"))
            parts.append("")
        parts += [f"![top edits]({metrics['plots']['top_edits']})", ""]
    wrong = [r for r in records if any(e["mark"] == "wrong" for e in r["edits"])][:5]
    if wrong:
        parts += ["## Examples with wrong edits", "", "| input | output | reference |", "|---|---|---|"]
        parts += [f"| {_cell(r['input'])} | {_cell(r['output'])} | {_cell(r['reference'])} |" for r in wrong]
        parts.append("")
    sf = metrics["sentences_file"]
    parts.append(f"Per sentence: `{sf['path']}` ({sf['rows']} of {sf['of']} rows).")
    return "\n".join(parts) + "\n"


def _intervals(by_name: dict) -> str:
    """``name lo–hi; ...`` for the entries that have an interval."""
    return "; ".join(f"{name} {ci[0]:.3f}–{ci[1]:.3f}" for name, ci in by_name.items() if ci)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- suite


def model_commit(model_dir: str | Path | None) -> str | None:
    """The last git commit touching the model folder (best effort)."""
    if not model_dir:
        return None
    path = Path(model_dir).resolve()
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%h %cs", "--", "."], cwd=path, capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=path, capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return out.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def load_suite(path: str | Path) -> dict:
    import yaml

    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such suite file: {path}")
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise DataError(f"{path}: invalid YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(cfg, dict) or not isinstance(cfg.get("sets"), list) or not cfg["sets"]:
        raise DataError(f"{path}: expected a mapping with a non-empty 'sets' list")
    names = set()
    for spec in cfg["sets"]:
        if not isinstance(spec, dict) or not spec.get("name") or spec.get("kind") not in SET_KINDS:
            raise DataError(f"{path}: each set needs a 'name' and a 'kind' ({', '.join(SET_KINDS)}): {spec!r}")
        if spec["name"] in names:
            raise DataError(f"{path}: set name {spec['name']!r} used twice")
        names.add(spec["name"])
    return cfg


def _cap(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _build_jsonl(spec, base, limit):
    """One JSONL file of pairs (``path``), or several read as one set (``paths``)."""
    paths = spec.get("paths") or [spec["path"]]
    limit = _cap(spec.get("limit"), limit)
    parts = [read_pairs(base / p, limit, spec["name"]) for p in paths]
    ev = parts[0]
    for part in parts[1:]:
        ev.sources += part.sources
        ev.originals += part.originals
        ev.ids += part.ids
        ev.groups = ev.groups + part.groups if ev.groups and part.groups else []
    if limit is not None:
        ev.sources, ev.originals, ev.ids = ev.sources[:limit], ev.originals[:limit], ev.ids[:limit]
        ev.groups = ev.groups[:limit]
    return ev


def _build_pairs(spec, base, limit):
    return read_pairs_dataset(base / spec["path"], spec.get("split", "test"), _cap(spec.get("limit"), limit),
                              int(spec.get("seed", 0)), bool(spec.get("clean_only", False)), spec["name"])


def _build_tortured(spec, base, limit):
    return read_tortured(base / spec["path"], spec.get("top"), _cap(spec.get("limit"), limit),
                         int(spec.get("seed", 0)), spec.get("carrier", PPS_CARRIER), spec["name"])


def _build_clean(spec, base, limit, log):
    """Clean sentences from several sources (``{jsonl, field}`` or ``{pairs, split,
    limit}``); a missing source is skipped."""
    texts, used = [], []
    for src in spec.get("sources") or []:
        try:
            if "jsonl" in src:
                ev = read_pairs(base / src["jsonl"], src.get("limit"))
                texts += ev.originals if src.get("field", "original") == "original" else ev.sources
                used.append(f"{src['jsonl']} ({src.get('field', 'original')}, {len(ev)})")
            elif "pairs" in src:
                ev = read_pairs_dataset(base / src["pairs"], src.get("split", "test"), src.get("limit"),
                                        int(src.get("seed", 0)), clean_only=True)
                texts += ev.originals
                used.append(f"{src['pairs']} ({src.get('split', 'test')} clean rows, {len(ev)})")
            else:
                raise DataError(f"set {spec['name']}: a clean source needs 'jsonl' or 'pairs': {src!r}")
        except DataError as e:
            if "needs" in str(e):
                raise
            log(f"set {spec['name']}: source skipped: {e}")
    texts = list(dict.fromkeys(texts))
    if limit is not None:
        texts = texts[:limit]
    if not texts:
        raise DataError("no clean source available")
    return EvalSet(spec["name"], texts, list(texts), kind="clean", title="; ".join(used))


SET_KINDS = {"jsonl": _build_jsonl, "pairs": _build_pairs, "tortured_phrases": _build_tortured,
             "clean": _build_clean}


def build_set(spec: dict, base: Path, limit: int | None, log: Callable[[str], None]) -> EvalSet | None:
    """The set a suite entry describes, or None (with a message) when its data is missing."""
    try:
        builder = SET_KINDS[spec["kind"]]
        ev = builder(spec, base, limit, log) if spec["kind"] == "clean" else builder(spec, base, limit)
    except DataError as e:
        log(f"set {spec['name']} skipped: {e}")
        return None
    if spec["kind"] != "clean":  # paths as written in the suite, not resolved
        ev.title = " + ".join(spec.get("paths") or [spec["path"]]) + (f" ({spec.get('split', 'test')})" if spec["kind"] == "pairs" else "")
    ev.title = spec.get("title", ev.title)
    ev.note = spec.get("note", ev.note)
    ev.out_of_domain = bool(spec.get("out_of_domain", ev.out_of_domain))
    return ev


def run_suite(suite_path: str | Path, systems: dict, out_dir: str | Path, limit: int | None = None,
              min_confidence: float = 0.0, progress: bool = False, info: dict | None = None,
              log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
              lone_edit_confidence: float = 0.0) -> dict:
    """Evaluate every set of a suite YAML; write one folder per set plus the combined
    ``report.md``, ``metrics.json`` and ``suite.png`` in ``out_dir``."""
    suite_path = Path(suite_path)
    cfg = load_suite(suite_path)
    base = suite_path.resolve().parent
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cap = cfg.get("per_sentence_limit")
    table, skipped = {}, {}
    for spec in cfg["sets"]:
        messages = []
        ev = build_set(spec, base, limit, lambda m: (messages.append(m), log(m)))
        if ev is None:
            skipped[spec["name"]] = messages[-1] if messages else "skipped"
            continue
        log(f"set {ev.name}: {len(ev)} rows")
        table[ev.name] = evaluate_set(ev, systems, out_dir / ev.name, min_confidence, progress, cap, info,
                                      lone_edit_confidence)
    summary = {"suite": str(suite_path), **(info or {}), "min_confidence": min_confidence,
               "lone_edit_confidence": lone_edit_confidence, "limit": limit,
               "sets": {n: {k: m[k] for k in ("title", "kind", "out_of_domain", "n", "systems", "note")}
                        for n, m in table.items()},
               "skipped": skipped}
    if table:
        plot_suite(summary["sets"], out_dir / "suite.png", list(systems))
    (out_dir / "metrics.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(suite_report(summary, list(systems), cfg), encoding="utf-8")
    return summary


def suite_report(summary: dict, systems: list[str], cfg: dict) -> str:
    order = " / ".join(systems)
    parts = ["# Evaluation suite", "",
             f"Suite `{summary['suite']}`" + (f"; model `{summary['model']}`" if summary.get("model") else "")
             + (f" (commit {summary['model_commit']})" if summary.get("model_commit") else "")
             + f"; model edits at confidence ≥ {summary['min_confidence']}"
             + _lone_note(summary.get("lone_edit_confidence", 0.0), summary["min_confidence"]) + ".", "",
             f"Each cell: **{order}**. Edit metrics (F0.5, P, R, edits right, damage removed) do not apply to clean "
             "text; clean harm counts only rows with nothing to restore. BLEU/chrF 0–100.", ""]
    if cfg.get("description"):
        parts += [str(cfg["description"]).strip(), ""]
    parts += ["| set | n | " + " | ".join(h for _, h in COLUMNS) + " |", "|---|---|" + "---|" * len(COLUMNS)]
    for name, m in summary["sets"].items():
        cells = []
        for key, _ in COLUMNS:
            vals = [m["systems"].get(s, {}).get(key) for s in systems]
            cells.append("–" if all(v is None for v in vals) else
                         " / ".join(_fmt(v, pct=key == "clean_harm") for v in vals))
        label = f"[{name}]({name}/report.md)" + (" (out of domain)" if m["out_of_domain"] else "")
        parts.append(f"| {label} | {m['n']} | " + " | ".join(cells) + " |")
    parts.append("")
    if "model" in systems:
        intervals = _intervals({name: m["systems"].get("model", {}).get("f0.5_ci")
                                for name, m in summary["sets"].items()})
        if intervals:
            parts += [f"Model F0.5, 95% bootstrap interval (rows resampled 1,000 times, or the "
                      f"articles/documents they come from where the set names them): {intervals}. "
                      "A set's interval is what it can resolve: differences inside it are noise.", ""]
    for name, m in summary["sets"].items():
        parts.append(f"- **{name}**: {m['title']}" + (f" — {m['note']}" if m.get("note") else ""))
    for name, why in summary["skipped"].items():
        parts.append(f"- **{name}**: skipped ({why})")
    parts += ["", "![model vs baselines](suite.png)", ""]
    return "\n".join(parts) + "\n"


def evaluate_file(data: str | Path, systems: dict, out_dir: str | Path, limit: int | None = None,
                  min_confidence: float = 0.0, progress: bool = False, info: dict | None = None,
                  lone_edit_confidence: float = 0.0) -> dict:
    """``restore eval --data``: one JSONL file of pairs."""
    return evaluate_set(read_pairs(data, limit), systems, out_dir, min_confidence, progress, info=info,
                        lone_edit_confidence=lone_edit_confidence)


def _lone_note(lone: float, min_confidence: float) -> str:
    return f" (a sentence's only edit at ≥ {lone})" if lone > min_confidence else ""
