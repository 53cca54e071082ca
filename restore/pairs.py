"""Build (spun, original) training pairs from clean corpora, as Hugging Face datasets.

``build_pairs(config, out_dir)`` reads every corpus of a data config (see
``configs/data.yaml``), keeps prose documents, splits them by document into
train/valid/test, segments them into sentences, spins each sentence several times with
:class:`restore.spinner.Spinner` and writes a ``DatasetDict`` with rows::

    {"spun": str, "original": str, "doc_id": str, "kind": "spun"|"identity"|"multi", "n_sent": int}

``kind`` is "spun" for one spun sentence (or title), "multi" for 2-3 consecutive
sentences spun together, "identity" for a clean sentence paired with itself (so the
model learns to leave clean text alone).  Rows are in document order: shuffle when
training.  ``stats.json`` and ``data_config.yaml`` (the resolved config) are written
beside the dataset.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import shutil
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .config import merge, read_yaml
from .corpus import Deduper, clean_document, read_documents, split_of
from .document_pairs import doc_rows, segment_and_spin

__all__ = ["DEFAULTS", "SPLITS", "KINDS", "resolve_config", "build_pairs", "load_pairs"]

SPLITS = ("train", "valid", "test")
KINDS = ("spun", "identity", "multi")
COLUMNS = ("spun", "original", "doc_id", "kind", "n_sent")

DEFAULTS: dict = {
    "seed": 13,
    "corpora": [],
    "splits": {"valid": 0.02, "test": 0.02},
    "min_doc_words": 60,
    "spins_per_sentence": 3,
    "identity_frac": 0.12,
    "multi_sentence_frac": 0.1,
    "max_sentence_chars": 600,
    "include_titles": True,
    "spinner": {},
}


# --------------------------------------------------------------------------- config


def resolve_config(config: dict | str | Path, base_dir: str | Path | None = None) -> tuple[dict, Path | None]:
    """Merge a data config (dict or YAML path) with :data:`DEFAULTS` and check it.

    Returns ``(config, base_dir)``; for a YAML path ``base_dir`` defaults to its folder.
    Corpus paths stay as written and are resolved against ``base_dir`` when read.
    Raises ``ValueError`` for bad values; unknown keys only warn.
    """
    if isinstance(config, (str, Path)):
        path = Path(config)
        if not path.is_file():
            raise FileNotFoundError(f"data config not found: {str(path)!r}")
        config = read_yaml(path)
        base_dir = base_dir if base_dir is not None else path.resolve().parent
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        warnings.warn(f"data config: ignoring unknown keys {sorted(unknown)}", stacklevel=2)
    cfg = merge(DEFAULTS, {k: v for k, v in config.items() if k in DEFAULTS and v is not None})
    if not cfg["corpora"]:
        raise ValueError("data config lists no corpora")
    for source in cfg["corpora"]:
        if not isinstance(source, dict) or not ({"path", "hf_dataset"} & set(source)):
            raise ValueError(f"each corpus needs a 'path' or 'hf_dataset': {source!r}")
    valid, test = float(cfg["splits"]["valid"]), float(cfg["splits"]["test"])
    if valid < 0 or test < 0 or valid + test >= 1:
        raise ValueError(f"splits: need 0 <= valid, test and valid + test < 1, got {cfg['splits']}")
    fi, fm = float(cfg["identity_frac"]), float(cfg["multi_sentence_frac"])
    if fi < 0 or fm < 0 or fi + fm >= 1:
        raise ValueError(f"need identity_frac, multi_sentence_frac >= 0 with sum < 1, got {fi}, {fm}")
    if int(cfg["spins_per_sentence"]) < 1:
        raise ValueError("spins_per_sentence must be at least 1")
    return cfg, (Path(base_dir) if base_dir is not None else None)


def _source_name(source: dict) -> str:
    return str(source.get("name") or source.get("path") or f"hf:{source['hf_dataset']}")


# --------------------------------------------------------------------------- per-document work
# (restore.document_pairs), in worker processes

# Set in the parent before worker processes fork, so they share the (large) spinner.
_STATE: dict = {}


def _segment_and_spin(doc: dict) -> dict:
    """Worker: :func:`segment_and_spin` with the config and spinner set before the fork."""
    return segment_and_spin(doc, _STATE["cfg"], _STATE["spinner"])


# --------------------------------------------------------------------------- build


def iter_documents(cfg: dict, base_dir: Path | None, limit_docs: int | None, source_stats: dict) -> Iterator[dict]:
    """Clean, prose-filtered, document-deduplicated documents of every corpus, in order.

    ``limit_docs`` caps the documents *read* from each corpus.
    """
    seen = Deduper()
    for source in cfg["corpora"]:
        st = source_stats.setdefault(
            _source_name(source), {"read": 0, "kept": 0, "dropped_nonprose": 0, "dropped_duplicate": 0, "words_kept": 0}
        )
        docs: Iterable[dict] = read_documents(source, base_dir)
        if limit_docs is not None:
            docs = itertools.islice(docs, limit_docs)
        prose = source.get("filter", "prose") not in (None, False, "none")
        min_words = int(source.get("min_doc_words", cfg["min_doc_words"]))
        for doc in docs:
            st["read"] += 1
            clean = clean_document(doc, min_words, prose_filter=prose)
            if clean is None:
                st["dropped_nonprose"] += 1
            elif not seen.first(clean["text"]):
                st["dropped_duplicate"] += 1
            else:
                st["kept"] += 1
                st["words_kept"] += len(clean["text"].split())
                yield clean


def _results(docs: Iterator[dict], num_proc: int) -> Iterator[dict]:
    """Run :func:`_segment_and_spin` over ``docs`` in order, in ``num_proc`` processes.

    Documents are handed out in bounded batches so memory does not grow with the corpus.
    """
    if num_proc <= 1:
        yield from map(_segment_and_spin, docs)
        return
    with multiprocessing.get_context("fork").Pool(num_proc) as pool:
        while batch := list(itertools.islice(docs, 64 * num_proc)):
            yield from pool.imap(_segment_and_spin, batch, chunksize=4)


def _empty_stats(cfg: dict, limit_docs: int | None, num_proc: int) -> dict:
    return {
        "sources": {},
        "documents": {s: 0 for s in SPLITS},
        "sentences": {"segmented": 0, "kept": 0, "duplicate": 0, "too_long": 0, "no_letters": 0},
        "titles": {"used": 0, "duplicate": 0},
        "pairs": {s: {k: 0 for k in KINDS} for s in SPLITS},
        "dropped_unchanged": 0,
        "seconds": {"segment": 0.0, "spin": 0.0, "total": 0.0},
        "limit_docs": limit_docs,
        "num_proc": num_proc,
    }


def _prepare_out_dir(out_dir: Path) -> None:
    """Create ``out_dir``; a previous pairs build there is replaced, anything else refused."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if (out_dir / "dataset_dict.json").is_file() or (out_dir / ".building").is_dir():
            shutil.rmtree(out_dir)
        else:
            raise ValueError(f"output folder {str(out_dir)!r} is not empty and holds no pairs build")
    out_dir.mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _progress_bars(enabled: bool):
    """Silence the datasets library's own progress bars unless ``enabled``."""
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    if not enabled:
        datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_enabled:
            datasets.enable_progress_bars()


def build_pairs(
    config: dict | str | Path,
    out_dir: str | Path,
    base_dir: str | Path | None = None,
    limit_docs: int | None = None,
    progress: bool = True,
    spinner=None,
    num_proc: int = 1,
) -> dict:
    """Build the train/valid/test pair datasets of a data config into ``out_dir``.

    ``config`` is a dict (or a YAML path) as in ``configs/data.yaml``; relative corpus
    paths are resolved against ``base_dir``.  ``limit_docs`` reads at most that many
    documents per corpus.  ``spinner`` is any object with ``spin_document(sentences,
    seed, is_title=False)`` (default: ``Spinner.from_config(config["spinner"])``).
    ``num_proc`` > 1 segments and spins in that many forked processes; the output does
    not depend on it.  Returns the stats also written to ``out_dir/stats.json``.
    """
    start = time.perf_counter()
    cfg, base = resolve_config(config, base_dir)
    if spinner is None:
        from .spinner import Spinner

        spinner = Spinner.from_config(cfg["spinner"] or None, base_dir=base)
    out = Path(out_dir)
    _prepare_out_dir(out)
    tmp = out / ".building"
    tmp.mkdir()
    stats = _empty_stats(cfg, limit_docs, num_proc)
    valid_frac, test_frac = float(cfg["splits"]["valid"]), float(cfg["splits"]["test"])
    sentence_seen = Deduper()
    files = {s: (tmp / f"{s}.jsonl").open("w", encoding="utf-8") for s in SPLITS}

    _STATE.update(cfg=cfg, spinner=spinner)
    try:
        docs = iter_documents(cfg, base, limit_docs, stats["sources"])
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(desc="building pairs", unit="doc", file=sys.stderr, dynamic_ncols=True)
        for res in _results(docs, num_proc):
            split = split_of(res["doc_id"], cfg["seed"], valid_frac, test_frac)
            keep = [sentence_seen.first(s) for s in res["sentences"]]
            keep_title = bool(res["title"]) and sentence_seen.first(res["title"])
            rows, dropped = doc_rows(res, keep, keep_title, cfg)
            for row in rows:
                files[split].write(json.dumps(row, ensure_ascii=False) + "\n")
                stats["pairs"][split][row["kind"]] += 1
            st = stats["sentences"]
            st["segmented"] += len(res["sentences"]) + res["too_long"] + res["no_letters"]
            st["kept"] += sum(keep)
            st["duplicate"] += len(keep) - sum(keep)
            st["too_long"] += res["too_long"]
            st["no_letters"] += res["no_letters"]
            stats["titles"]["used"] += keep_title
            stats["titles"]["duplicate"] += bool(res["title"]) and not keep_title
            stats["documents"][split] += 1
            stats["dropped_unchanged"] += dropped
            stats["seconds"]["segment"] += res["t_segment"]
            stats["seconds"]["spin"] += res["t_spin"]
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
    finally:
        _STATE.clear()
        for f in files.values():
            f.close()

    import datasets  # imported after the worker processes are gone

    features = datasets.Features(
        {
            "spun": datasets.Value("string"),
            "original": datasets.Value("string"),
            "doc_id": datasets.Value("string"),
            "kind": datasets.Value("string"),
            "n_sent": datasets.Value("int32"),
        }
    )
    splits = {}
    for split in SPLITS:
        if sum(stats["pairs"][split].values()):
            with _progress_bars(progress):
                splits[split] = datasets.load_dataset(
                    "json",
                    data_files=str(tmp / f"{split}.jsonl"),
                    split="train",
                    features=features,
                    cache_dir=str(tmp / "cache"),
                )
        else:
            splits[split] = datasets.Dataset.from_dict({c: [] for c in COLUMNS}, features=features)
    # an empty split must still get one (empty) shard, or load_from_disk fails on it
    num_shards = {name: (None if len(ds) else 1) for name, ds in splits.items()}
    with _progress_bars(progress):
        datasets.DatasetDict(splits).save_to_disk(str(out), num_shards=num_shards)
    del splits
    shutil.rmtree(tmp, ignore_errors=True)

    stats["seconds"] = {k: round(v, 2) for k, v in stats["seconds"].items()}
    stats["seconds"]["total"] = round(time.perf_counter() - start, 2)
    (out / "stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    resolved = {
        **cfg,
        "base_dir": str(base.resolve()) if base else None,
        "limit_docs": limit_docs,
        "num_proc": num_proc,
    }
    (out / "data_config.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False), encoding="utf-8")
    return stats


def load_pairs(out_dir: str | Path):
    """Load the ``DatasetDict`` written by :func:`build_pairs`."""
    import datasets

    path = Path(out_dir)
    if not (path / "dataset_dict.json").is_file():
        raise FileNotFoundError(f"no pairs dataset in {str(path)!r} (run build_pairs first)")
    return datasets.load_from_disk(str(path))
