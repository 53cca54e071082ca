"""Evaluation sets: pairs from JSONL files and pair datasets, tortured phrases in a carrier
sentence, clean text, and the suite YAML that lists them."""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


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
    sources: list[str] = []
    originals: list[str] = []
    ids: list[str] = []
    groups: list[str | None] = []
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
    named = [g for g in groups if g is not None]
    return EvalSet(
        name or path.stem, sources, originals, ids, named if len(named) == len(groups) else [], title=str(path)
    )


def _pairs_split(path: str | Path, split: str):
    """One split of a pairs dataset built by ``restore pairs``; a DataError when missing."""
    from ..pairs import load_pairs

    try:
        ds = load_pairs(path)
    except FileNotFoundError as e:
        raise DataError(str(e)) from None
    if split not in ds:
        raise DataError(f"{path}: no split {split!r} (has {', '.join(ds)})")
    return ds[split]


def read_pairs_dataset(
    path: str | Path,
    split: str = "test",
    limit: int | None = None,
    seed: int = 0,
    clean_only: bool = False,
    name: str = "synthetic",
) -> EvalSet:
    """Rows of a pairs dataset built by ``restore pairs`` (a ``DatasetDict`` saved
    to disk), shuffled with ``seed`` and cut to ``limit``. ``clean_only``: only rows whose
    spun text equals the original (identity pairs, spins that changed nothing)."""
    ds = _pairs_split(path, split).shuffle(seed=seed)
    rows: list[int] | range = range(len(ds))
    if clean_only:
        rows = [i for i, (s, o) in enumerate(zip(ds["spun"], ds["original"])) if s == o]
    ds = ds.select(list(rows)[:limit])
    docs = list(ds["doc_id"]) if "doc_id" in ds.column_names else []
    ids = [f"{d}#{i}" for i, d in enumerate(docs)]
    return EvalSet(name, list(ds["spun"]), list(ds["original"]), ids, docs, title=f"{path} ({split})")


def read_pair_originals(path: str | Path, split: str = "test", limit: int | None = None, seed: int = 0) -> list[str]:
    """Distinct one-sentence originals of a pairs dataset's split (clean text, whatever
    the spinner made of it), shuffled with ``seed`` and cut to ``limit``: a clean set far
    larger than the split's identity rows."""
    ds = _pairs_split(path, split)
    single = ds["n_sent"] if "n_sent" in ds.column_names else [1] * len(ds)
    texts = sorted(set(o for o, n in zip(ds["original"], single) if n == 1))
    random.Random(seed).shuffle(texts)
    return texts[:limit]


PPS_CARRIER = "In this paper, we discuss {phrase} in more detail."


def _clean_phrase(text: str) -> str | None:
    """An expected phrase as plain words: notes in brackets, '?', escaped quotes and
    alternatives ('a/b' -> 'a') removed; None when nothing usable is left."""
    text = text.replace('\\"', "").replace('"', "").replace("\u00a0", " ")
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text).replace("?", " ")
    text = text.split("/")[0]
    text = re.sub(r"\s+", " ", text).strip(" ,;:.")
    if not text or len(text.split()) > 6 or re.search(r"https?:|\bsee\b", text):
        return None
    # Title Case words to lower case, acronyms and mixed case (DDoS, MACS) kept
    return " ".join(w.lower() if w[:1].isupper() and w[1:] == w[1:].lower() else w for w in text.split())


def read_tortured(
    folder: str | Path,
    top: int | None = None,
    limit: int | None = None,
    seed: int = 0,
    carrier: str = PPS_CARRIER,
    name: str = "tortured",
) -> EvalSet:
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
    for raw_tortured, raw_expected, _ in rows:
        tortured, expected = _clean_phrase(raw_tortured), _clean_phrase(raw_expected)
        if not tortured or not expected or tortured.lower() == expected.lower() or tortured.lower() in seen:
            continue
        seen.add(tortured.lower())
        pairs.append((tortured, expected))
    if top is not None:
        pairs = pairs[:top]
    if limit is not None and limit < len(pairs):
        pairs = random.Random(seed).sample(pairs, limit)
    return EvalSet(
        name,
        [carrier.format(phrase=t) for t, _ in pairs],
        [carrier.format(phrase=e) for _, e in pairs],
        [t for t, _ in pairs],
        kind="phrases",
        title=str(folder),
        out_of_domain=True,
    )


def load_suite(path: str | Path) -> dict:
    from ..config import ConfigError, read_yaml

    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such suite file: {path}")
    try:
        cfg = read_yaml(path)
    except ConfigError as e:
        raise DataError(str(e)) from None
    if not isinstance(cfg.get("sets"), list) or not cfg["sets"]:
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
    return read_pairs_dataset(
        base / spec["path"],
        spec.get("split", "test"),
        _cap(spec.get("limit"), limit),
        int(spec.get("seed", 0)),
        bool(spec.get("clean_only", False)),
        spec["name"],
    )


def _build_tortured(spec, base, limit):
    return read_tortured(
        base / spec["path"],
        spec.get("top"),
        _cap(spec.get("limit"), limit),
        int(spec.get("seed", 0)),
        spec.get("carrier", PPS_CARRIER),
        spec["name"],
    )


def _build_clean(spec, base, limit, log):
    """Clean sentences from several sources (``{jsonl, field}`` or ``{pairs, split,
    limit, seed, rows}``, ``rows``: ``identity`` (default: the split's identity rows) or
    ``originals`` (its distinct one-sentence originals)); a missing source is skipped."""
    texts, used = [], []
    for src in spec.get("sources") or []:
        # a source written wrong is an error; a source whose data is missing is skipped
        if "jsonl" not in src and "pairs" not in src:
            raise DataError(f"set {spec['name']}: a clean source needs 'jsonl' or 'pairs': {src!r}")
        rows = src.get("rows", "identity")
        if "jsonl" not in src and rows not in ("identity", "originals"):
            raise DataError(f"set {spec['name']}: a pairs source's rows are 'identity' or 'originals', not {rows!r}")
        try:
            if "jsonl" in src:
                ev = read_pairs(base / src["jsonl"], src.get("limit"))
                texts += ev.originals if src.get("field", "original") == "original" else ev.sources
                used.append(f"{src['jsonl']} ({src.get('field', 'original')}, {len(ev)})")
            elif rows == "originals":
                found = read_pair_originals(
                    base / src["pairs"], src.get("split", "test"), src.get("limit"), int(src.get("seed", 0))
                )
                texts += found
                used.append(f"{src['pairs']} ({src.get('split', 'test')} one-sentence originals, {len(found)})")
            else:
                ev = read_pairs_dataset(
                    base / src["pairs"],
                    src.get("split", "test"),
                    src.get("limit"),
                    int(src.get("seed", 0)),
                    clean_only=True,
                )
                texts += ev.originals
                used.append(f"{src['pairs']} ({src.get('split', 'test')} clean rows, {len(ev)})")
        except DataError as e:
            log(f"set {spec['name']}: source skipped: {e}")
    texts = list(dict.fromkeys(texts))
    if limit is not None:
        texts = texts[:limit]
    if not texts:
        raise DataError("no clean source available")
    return EvalSet(spec["name"], texts, list(texts), kind="clean", title="; ".join(used))


SET_KINDS: dict[str, Callable[..., EvalSet]] = {
    "jsonl": _build_jsonl,
    "pairs": _build_pairs,
    "tortured_phrases": _build_tortured,
    "clean": _build_clean,
}


def build_set(spec: dict, base: Path, limit: int | None, log: Callable[[str], None]) -> EvalSet | None:
    """The set a suite entry describes, or None (with a message) when its data is missing."""
    try:
        builder = SET_KINDS[spec["kind"]]
        ev = builder(spec, base, limit, log) if spec["kind"] == "clean" else builder(spec, base, limit)
    except DataError as e:
        log(f"set {spec['name']} skipped: {e}")
        return None
    if spec["kind"] != "clean":  # paths as written in the suite, not resolved
        ev.title = " + ".join(spec.get("paths") or [spec["path"]]) + (
            f" ({spec.get('split', 'test')})" if spec["kind"] == "pairs" else ""
        )
    ev.title = spec.get("title", ev.title)
    ev.note = spec.get("note", ev.note)
    ev.out_of_domain = bool(spec.get("out_of_domain", ev.out_of_domain))
    return ev
