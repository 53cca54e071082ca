"""The spinner's replacement tables: loaded once from the package's resources.

``synonyms.tsv.gz`` (thesaurus swaps, built by :mod:`restore.spinner.build_table`),
``spelling.tsv.gz`` (American/British pairs) and ``spinner_rules.yaml`` (hand-written
function-word, number, abbreviation and contraction rules).
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import yaml

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SEP = "\x1f"

# A table maps a key (lower-case phrase, or exact text for abbreviations) to a list of
# (replacement, weight) options.
Table = dict[str, list[tuple[str, float]]]


@lru_cache(maxsize=None)
def synonym_table(path: str | None = None) -> Table:
    path = Path(path) if path else RESOURCES / "synonyms.tsv.gz"
    table: Table = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            key, *reps = line.rstrip("\n").split("\t")
            opts = []
            for rep in reps:
                word, _, weight = rep.partition(SEP)
                opts.append((word, float(weight or 1)))
            table[key] = opts
    return table


@lru_cache(maxsize=None)
def spelling_table() -> Table:
    """Both directions: organize -> organise and organise -> organize."""
    table: Table = {}
    with gzip.open(RESOURCES / "spelling.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            us, uk = line.rstrip("\n").split("\t")
            table.setdefault(us, []).append((uk, 1.0))
            table.setdefault(uk, []).append((us, 1.0))
    return table


@lru_cache(maxsize=None)
def rules() -> dict:
    return yaml.safe_load((RESOURCES / "spinner_rules.yaml").read_text(encoding="utf-8"))


def weighted(section: dict, lower: bool = True) -> Table:
    """A rules section ``{key: {replacement: weight}}`` as a Table (zero weights dropped)."""
    out: Table = {}
    for key, reps in section.items():
        key = str(key)
        opts = [(str(r), float(1 if w is None else w)) for r, w in reps.items()]
        opts = [(r, w) for r, w in opts if w > 0 and r.lower() != key.lower()]
        if opts:
            out[key.lower() if lower else key] = opts
    return out


def contraction_table() -> Table:
    """Both directions, lower case, straight apostrophe (the spinner restyles it)."""
    table: Table = {}
    for full, short in rules()["contractions"].items():
        full, short = full.lower(), short.lower()
        table.setdefault(full, []).append((short, 1.0))
        table.setdefault(short, []).append((full, 1.0))
    return table


def decade_table() -> Table:
    table: Table = {}
    for digits, name in rules()["decades"].items():
        table[str(digits)] = [(name, 1.0)]
        table[name.lower()] = [(str(digits), 1.0)]
    return table


def read_extra_table(path: str | Path) -> Table:
    """A user table: ``original<TAB>replacement[<TAB>weight]`` per line, ``#`` comments."""
    table: Table = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}:{n}: expected 'original<TAB>replacement[<TAB>weight]'")
            weight = float(parts[2]) if len(parts) > 2 else 1.0
            table.setdefault(parts[0].lower(), []).append((parts[1], weight))
    return table
