"""Reading and cleaning text corpora for building training pairs.

A *source* is a dict from a data config, for example::

    {"path": "../../shared/data/corpus/bbc_news_2225.jsonl",
     "field": "text", "title_field": "title", "id_field": "id", "filter": "prose"}

``path`` may be a ``.jsonl`` file, a plain-text file (documents separated by blank
lines; a file without blank lines has one document per line), a folder or a glob
pattern.  ``{"hf_dataset": NAME, "split": "train", "field": "text"}`` reads a Hugging
Face dataset instead (needs a network).  Every document is a dict
``{"doc_id", "title", "text", "source"}`` whose ``text`` holds paragraphs separated by
``\\n``; ``doc_id`` is prefixed with the file stem so that it is unique across corpora.
"""

from __future__ import annotations

import glob
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .segment import split_sentences  # sentence splitting lives with the segmenter (inference side)

__all__ = [
    "read_documents",
    "is_prose",
    "clean_document",
    "split_sentences",
    "normalise",
    "text_key",
    "Deduper",
    "dedup_documents",
    "dedup_sentences",
    "split_of",
    "stable_int",
]

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_GLOB_CHARS = set("*?[")


# --------------------------------------------------------------------------- reading


def _resolve(path: str | Path, base_dir: str | Path | None) -> Path:
    """Resolve ``path`` against ``base_dir`` when it is relative (``~`` is expanded)."""
    p = Path(path).expanduser()
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    return p


def _source_files(path: str | Path, base_dir: str | Path | None) -> list[Path]:
    """List the files a ``path`` entry names: one file, a folder's files, or a glob."""
    p = _resolve(path, base_dir)
    if _GLOB_CHARS & set(str(path)):
        files = sorted(Path(f) for f in glob.glob(str(p), recursive=True) if Path(f).is_file())
        if not files:
            raise FileNotFoundError(f"no files match corpus pattern {str(p)!r}")
        return files
    if p.is_dir():
        files = sorted(
            f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
        )
        if not files:
            raise FileNotFoundError(f"corpus folder {str(p)!r} holds no files")
        return files
    if not p.is_file():
        raise FileNotFoundError(f"corpus file not found: {str(p)!r}")
    return [p]


def _read_jsonl(path: Path, source: dict) -> Iterator[dict]:
    field = source.get("field", "text")
    title_field = source.get("title_field", "title")
    id_field = source.get("id_field", "id")
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({e})") from e
            if not isinstance(rec, dict) or field not in rec:
                found = sorted(rec) if isinstance(rec, dict) else type(rec).__name__
                raise ValueError(f"{path}:{lineno}: no field {field!r} (found: {found})")
            local_id = rec.get(id_field, lineno) if id_field else lineno
            title = rec.get(title_field) if title_field else None
            yield {
                "doc_id": f"{path.stem}:{local_id}",
                "title": title or None,
                "text": str(rec[field] or ""),
                "source": str(path),
            }


def _has_inner_blank_line(path: Path) -> bool:
    """True if a blank line lies between two non-blank lines of the file."""
    seen_text = blank_after_text = False
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                if blank_after_text:
                    return True
                seen_text = True
            elif seen_text:
                blank_after_text = True
    return False


def _read_text(path: Path) -> Iterator[dict]:
    """Plain text: blank lines separate documents; without any blank line, one per line."""
    has_blank = _has_inner_blank_line(path)
    block: list[str] = []
    n = 0
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in itertools.chain(f, [""]):
            line = line.strip()
            if line:
                block.append(line)
            if block and (not line or not has_blank):
                yield {"doc_id": f"{path.stem}:{n}", "title": None, "text": "\n".join(block), "source": str(path)}
                block, n = [], n + 1


def _read_hf(source: dict) -> Iterator[dict]:
    name = source["hf_dataset"]
    split = source.get("split", "train")
    field = source.get("field", "text")
    title_field = source.get("title_field")
    id_field = source.get("id_field")
    try:
        import datasets

        ds = datasets.load_dataset(
            name,
            source.get("config"),
            split=split,
            streaming=source.get("streaming", True),
            cache_dir=source.get("cache_dir"),
        )
        rows = iter(ds)
        first = next(rows, None)
    except Exception as e:  # network, unknown name, missing split ...
        # ValueError so that the command line reports it as a one-line user error
        raise ValueError(
            f"could not load Hugging Face dataset {name!r} (split {split!r}): "
            f"{type(e).__name__}: {e}. It needs a network connection; without one, "
            f"point the config at a local .jsonl or .txt corpus instead."
        ) from e
    if first is None:
        return
    prefix = name.replace("/", "_")
    for i, rec in enumerate(itertools.chain([first], rows)):
        if field not in rec:
            raise ValueError(f"dataset {name!r}: no field {field!r} (fields: {sorted(rec)})")
        local_id = rec.get(id_field, i) if id_field else i
        yield {
            "doc_id": f"{prefix}:{local_id}",
            "title": (rec.get(title_field) or None) if title_field else None,
            "text": str(rec[field] or ""),
            "source": f"hf:{name}",
        }


def read_documents(source: dict | str | Path, base_dir: str | Path | None = None) -> Iterator[dict]:
    """Yield the documents of one corpus source (see the module docstring).

    ``source`` is a config dict (or just a path).  Relative paths are resolved against
    ``base_dir`` (the config file's folder) when given, else the working directory.
    Raises ``FileNotFoundError`` naming the path when nothing is found.
    """
    if isinstance(source, (str, Path)):
        source = {"path": str(source)}
    if "hf_dataset" in source:
        yield from _read_hf(source)
        return
    if "path" not in source:
        raise ValueError(f"corpus source needs 'path' or 'hf_dataset': {source!r}")
    for path in _source_files(source["path"], base_dir):
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl(path, source)
        else:
            yield from _read_text(path)


# --------------------------------------------------------------------------- cleaning

_ALPHA_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'\u2019.\-]*")
_NUMERIC_TOKEN = re.compile(r"[-+(<$£€]*[\d][\d.,:/%]*\w{0,4}[)>%]*")
_TRAILER = re.compile(r"\s*\bREUTER\s*$")
_STRIP = "\"'“”‘’()[]{}<>,;:!?.…*-–—"


def _tokens(text: str) -> list[str]:
    """Whitespace tokens with surrounding punctuation stripped (empty ones dropped)."""
    return [t for t in (tok.strip(_STRIP) for tok in text.split()) if t]


def is_prose(
    paragraph: str, min_words: int = 4, min_alpha: float = 0.7, max_upper: float = 0.5, max_number_run: int = 3
) -> bool:
    """Tell whether a paragraph is running prose (not a table, figures or a heading).

    A paragraph is prose when at least ``min_words`` tokens are words, at least
    ``min_alpha`` of its whitespace tokens are alphabetic words, at most ``max_upper``
    of its words are ALL CAPS, and it has no table pattern: a run of more than
    ``max_number_run`` numbers (a run of exactly that many only in a paragraph under
    40 tokens, so that "$186m (£98m; 143m euros)" inside long prose survives), or a
    short line with "vs" (Reuters earnings tables: "Net 1.2 mln vs 900,000",
    "Shr profit five cts vs loss 16 cts"; in prose it is spelled "versus").
    """
    toks = _tokens(paragraph)
    if not toks:
        return False
    words = [t for t in toks if _ALPHA_TOKEN.fullmatch(t)]
    if len(words) < min_words or len(words) / len(toks) < min_alpha:
        return False
    caps = sum(1 for w in words if len(w) > 1 and w.isupper())
    if caps / len(words) > max_upper:
        return False
    numeric = [bool(_NUMERIC_TOKEN.fullmatch(t)) for t in toks]
    run = best = 0
    for is_num in numeric:
        run = run + 1 if is_num else 0
        best = max(best, run)
    if best > max_number_run or (best == max_number_run and len(toks) < 40):
        return False
    if len(toks) < 20 and any(t.lower() in ("vs", "vs.") for t in paragraph.split()):
        return False  # "Shr profit five cts vs loss 16 cts": earnings-table line
    return True


def clean_document(doc: dict, min_doc_words: int = 60, prose_filter: bool = True) -> dict | None:
    """Return ``doc`` keeping only its prose paragraphs, or ``None`` if too little is left.

    A trailing Reuters sign-off ("... said. REUTER") is removed.  Paragraphs
    (``\\n``-separated) are stripped and empty ones removed; with
    ``prose_filter`` only paragraphs passing :func:`is_prose` are kept.  A document
    with fewer than ``min_doc_words`` words left is dropped.
    """
    paras = [p.strip() for p in _TRAILER.sub("", doc["text"]).split("\n")]
    paras = [p for p in paras if p and (not prose_filter or is_prose(p))]
    if sum(len(p.split()) for p in paras) < min_doc_words:
        return None
    return {**doc, "text": "\n".join(paras)}


# --------------------------------------------------------------------------- dedup


def normalise(text: str) -> str:
    """Lower-case ``text`` and collapse whitespace: the key used for exact dedup."""
    return " ".join(text.lower().split())


def text_key(text: str) -> bytes:
    """A compact 8-byte digest of :func:`normalise` (keeps dedup sets small)."""
    return hashlib.blake2b(normalise(text).encode("utf-8"), digest_size=8).digest()


class Deduper:
    """Remembers texts seen so far; :meth:`first` is True only for a first occurrence."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()

    def first(self, text: str) -> bool:
        key = text_key(text)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def dedup_documents(docs: Iterable[dict]) -> Iterator[dict]:
    """Drop documents whose text exactly duplicates an earlier one (whitespace/case-blind)."""
    seen = Deduper()
    for doc in docs:
        if seen.first(doc["text"]):
            yield doc


def dedup_sentences(sentences: Iterable[str], seen: Deduper | None = None) -> list[str]:
    """Keep the first occurrence of each sentence; pass one ``seen`` across a corpus."""
    seen = seen if seen is not None else Deduper()
    return [s for s in sentences if seen.first(s)]


# --------------------------------------------------------------------------- splits


def stable_int(*parts: object, bits: int = 32) -> int:
    """A deterministic non-negative integer derived from ``parts`` (sha1, not ``hash``)."""
    digest = hashlib.sha1(":".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def split_of(doc_id: str, seed: int, valid_frac: float, test_frac: float) -> str:
    """Assign a document to "train", "valid" or "test" from a hash of ``seed:doc_id``.

    The split depends only on the document, so all its sentences land in one split.
    """
    if valid_frac < 0 or test_frac < 0 or valid_frac + test_frac > 1:
        raise ValueError(f"bad split fractions valid={valid_frac} test={test_frac}")
    u = stable_int(seed, doc_id, bits=53) / 2**53
    if u < test_frac:
        return "test"
    if u < test_frac + valid_frac:
        return "valid"
    return "train"
