"""The spinner's replacement tables: loaded once from the package's resources.

``synonyms.tsv.gz`` (thesaurus swaps, built by ``tools/build_table.py``),
``spelling.tsv.gz`` (American/British pairs) and ``spinner_rules.yaml`` (hand-written
function-word, number, abbreviation and contraction rules).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import yaml

from ..facts import may_state_facts, signature

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SEP = "\x1f"

# A table maps a key (lower-case phrase, or exact text for abbreviations) to a list of
# (replacement, weight) options.
Table = dict[str, list[tuple[str, float]]]


@cache
def safe_synonym_table() -> Table:
    """The shipped synonym table without fact-changing options (:func:`fact_safe`)."""
    return fact_safe(synonym_table())


@cache
def safe_synonym_set_table(
    path: str, lines: str = "all", chain_weight: float = 0.0, original_weight: float = 1.0
) -> Table:
    """:func:`synonym_set_table` without fact-changing options (:func:`fact_safe`)."""
    return fact_safe(synonym_set_table(path, lines, chain_weight, original_weight))


@cache
def synonym_table(path: str | None = None) -> Table:
    source = Path(path) if path else RESOURCES / "synonyms.tsv.gz"
    table: Table = {}
    with gzip.open(source, "rt", encoding="utf-8") as f:
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


@cache
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


@cache
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


@cache
def synonym_set_table(path: str, lines: str = "all", chain_weight: float = 0.0, original_weight: float = 1.0) -> Table:
    """A rewriter's synonym-set file as a Table: one set per line, members ``|``-separated.

    A matched phrase draws one member of a line that holds it, the phrase itself
    included (the rewriter may draw the original): each option, the key among them,
    weighs the sum over those lines of 1 / line size. ``lines``: ``"all"`` draws from
    every line that holds the phrase (fits real spinner output better), ``"first"`` only
    from the first one (the documented rule of one rewriter). ``chain_weight`` > 0 adds
    the options of the options (two swaps in a row, as when a text is spun twice),
    scaled by that factor; ``original_weight`` scales the chance of drawing the phrase
    itself. Keys are lower case.
    """
    if lines not in ("all", "first"):
        raise ValueError(f"set_lines must be 'all' or 'first', got {lines!r}")
    direct: dict[str, dict[str, float]] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            members: dict[str, None] = {}
            for member in line.rstrip("\n").split("|"):
                member = " ".join(member.split())
                if member:
                    members.setdefault(member.lower())
            if len(members) < 2:
                continue
            share = 1.0 / len(members)
            for key in members:
                if lines == "first" and key in direct:
                    continue
                opts = direct.setdefault(key, {})
                for other in members:
                    opts[other] = opts.get(other, 0.0) + share
    table: Table = {}
    for key, opts in direct.items():
        total = sum(opts.values())
        out = {rep: w / total for rep, w in opts.items()}
        if chain_weight > 0:
            for rep, w in list(out.items()):
                if rep == key:
                    continue
                second = direct.get(rep, {})
                second_total = sum(second.values())
                for other, w2 in second.items():
                    if other not in opts:  # a member of a member's line, not of the phrase's own
                        out[other] = out.get(other, 0.0) + chain_weight * w * w2 / second_total
        out[key] *= original_weight
        table[key] = [(rep, w) for rep, w in out.items() if w > 0]
    return table


def fact_safe(table: Table) -> Table:
    """``table`` without the options that state other facts than their key
    (million -> billion, north -> south, never -> always: see :mod:`restore.facts`)."""
    memo: dict[str, object] = {}

    def facts_of(text: str):
        if text not in memo:  # None: states no fact
            memo[text] = (signature(text, ignore_case=True) or None) if may_state_facts(text) else None
        return memo[text]

    out: Table = {}
    for key, opts in table.items():
        sig = facts_of(key)
        kept = [(rep, w) for rep, w in opts if facts_of(rep) == sig]
        if kept:
            out[key] = kept
    return out


def resolve_paths(config: dict, base_dir: str | Path | None) -> dict:
    """The table paths of a spinner config (``synonym_sets``, ``extra_tables``,
    ``real_pairs``) made absolute against ``base_dir``."""
    if base_dir is None:
        return config

    def fix(p: str | Path) -> str:
        p = Path(p)
        return str(p if p.is_absolute() else Path(base_dir) / p)

    config = dict(config)
    if config.get("synonym_sets"):
        config["synonym_sets"] = fix(config["synonym_sets"])
    if config.get("extra_tables"):
        config["extra_tables"] = [fix(p) for p in config["extra_tables"]]
    if config.get("real_pairs"):
        paths = config["real_pairs"]
        config["real_pairs"] = [fix(p) for p in ([paths] if isinstance(paths, str) else paths)]
    return config
