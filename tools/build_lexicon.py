"""Build the lexicon baseline's table, ``restore/resources/lexicon.tsv.gz``: the spinner's
tables read backwards, each spun phrase mapped to the original it most likely comes from
(see :mod:`restore.lexicon` for the model and how the table is applied).

    python -m tools.build_lexicon [--data-config configs/data.yaml] [--out PATH]

Needs the shared corpus (phrase counts of the data config's train documents).
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from restore.lexicon import LEXICON_PATH, Inverse

# share of the words a table holds that the default spinner changes (measured: the spinner
# on 300 BBC sentences changed 34% of the words some table covers, "the" included)
SPIN_PROB = 0.35


_COUNT_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")


Table_ = dict[str, list[tuple[str, float]]]  # a spinner table: key -> [(replacement, weight)]


def count_tokens(text: str) -> tuple[str, ...]:
    """The token tuple a phrase is counted as (letters/digits runs and single marks)."""
    return tuple(_COUNT_TOKEN_RE.findall(text.replace("’", "'")))


def build_inverse(
    tables: Iterable[tuple[Table_, float]],
    freq: Callable[[str], float],
    key_probability: dict[str, float] | None = None,
    spin_prob: float = SPIN_PROB,
    temperature: float = 1.0,
    lower: bool = True,
) -> Inverse:
    """Inverse map of spinner tables: spun phrase -> (most likely original, ratio).

    ``tables``: ``(table, behaviour_weight)`` pairs, each table ``{key: [(replacement,
    weight), ...]}``; ``freq(phrase)`` the frequency of a phrase (any positive scale);
    ``lower``: keys and replacements compared in lower case. Only phrases whose best
    original beats staying as they are (ratio > 1) are kept.
    """
    key_probability = key_probability or {}
    norm = (lambda s: s.lower().replace("’", "'")) if lower else (lambda s: s)
    holders: dict[str, list[tuple[float, list[tuple[str, float]]]]] = defaultdict(list)
    for table, behaviour_weight in tables:
        for key, opts in table.items():
            holders[norm(key)].append((behaviour_weight, opts))

    def p_spin(phrase: str) -> float:
        return spin_prob * key_probability.get(phrase, 1.0) if phrase in holders else 0.0

    joint: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for key, held in holders.items():
        total_weight = sum(bw for bw, _ in held)
        base = freq(key) * p_spin(key)
        if base <= 0:
            continue
        for bw, opts in held:
            drawn = [(norm(r), w ** (1.0 / temperature)) for r, w in opts if w > 0]
            mass = sum(w for _, w in drawn)
            for rep, w in drawn:
                if rep != key:
                    joint[rep][key] += base * (bw / total_weight) * (w / mass)
    out: Inverse = {}
    for rep, cands in joint.items():
        original, score = max(cands.items(), key=lambda kv: (kv[1], kv[0]))
        stay = freq(rep) * (1.0 - p_spin(rep))
        ratio = score / stay if stay > 0 else math.inf
        if ratio > 1.0:
            out[rep] = (original, ratio)
    return out


def corpus_counts(texts: Iterable[str], phrases: Iterable[str], lower: bool = True) -> Counter:
    """How often each phrase occurs in ``texts`` (token-wise, see :func:`count_tokens`)."""
    wanted: dict[tuple[str, ...], str] = {}
    for p in phrases:
        toks = count_tokens(p.lower() if lower else p)
        if toks:
            wanted.setdefault(toks, p)
    prefixes = {toks[:n] for toks in wanted for n in range(1, len(toks) + 1)}
    found: Counter = Counter()
    for text in texts:
        toks = count_tokens(text.lower() if lower else text)
        for a in range(len(toks)):
            for b in range(a + 1, len(toks) + 1):
                gram = toks[a:b]
                if gram not in prefixes:
                    break
                if gram in wanted:
                    found[gram] += 1
    return Counter({p: found[toks] for toks, p in wanted.items()})


def spinner_tables(spinner=None) -> tuple[list[tuple[Table_, float]], list[tuple[Table_, float]], dict, float, float]:
    """The default spinner's tables as ``(lower-case tables, case-sensitive tables,
    key_probability, temperature, capitalized_prob)``."""
    from restore.spinner import Spinner

    spinner = spinner or Spinner.from_config()
    lower = [(table, spinner.weights[name]) for name, table in spinner.word_tables]
    cased = [(spinner.abbreviations, spinner.weights["abbreviation"])] if "abbreviation" in spinner.weights else []
    return (lower, cased, spinner.key_probability, spinner.temperature, float(spinner.config["capitalized_prob"]))


def build(texts: Iterable[str], spinner=None) -> tuple[Inverse, Inverse, float]:
    """Build the lexicon from clean texts (their phrase counts) and the spinner's tables."""
    lower, cased, key_probability, temperature, capitalized_prob = spinner_tables(spinner)
    texts = list(texts)
    need_lower, need_cased = _phrases(lower), _phrases(cased)
    counts = corpus_counts(texts, need_lower, lower=True)
    counts_cased = corpus_counts(texts, need_cased, lower=False)
    lower_counts = {p.lower().replace("’", "'"): c for p, c in counts.items()}
    phrases = build_inverse(lower, lambda p: lower_counts.get(p, 0) + 0.5, key_probability, temperature=temperature)
    cased_inv = build_inverse(cased, lambda p: counts_cased.get(p, 0) + 0.5, {}, temperature=temperature, lower=False)
    return phrases, cased_inv, capitalized_prob


def _phrases(tables: list[tuple[Table_, float]]) -> set[str]:
    """Every key and replacement of ``tables``."""
    out = set()
    for table, _ in tables:
        for key, opts in table.items():
            out.add(key)
            out.update(r for r, _ in opts)
    return out


def train_texts(data_config: str | Path) -> Iterator[str]:
    """Paragraphs of the train documents of a data config (as ``restore pairs``
    splits them: the valid and test documents are left out)."""
    from restore.corpus import split_of
    from restore.pairs import iter_documents, resolve_config

    cfg, base = resolve_config(data_config)
    valid, test = float(cfg["splits"]["valid"]), float(cfg["splits"]["test"])
    for doc in iter_documents(cfg, base, None, {}):
        if split_of(doc["doc_id"], cfg["seed"], valid, test) == "train":
            yield from doc["text"].split("\n")


def write(phrases: Inverse, cased: Inverse, capitalized_prob: float, path: Path, source: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(
            "# restore lexicon baseline: spun phrase -> most likely original (restore/lexicon.py)\n"
            f"# built by `python -m tools.build_lexicon` from the spinner tables and {source}\n"
            f"# capitalized_prob: {capitalized_prob}\n"
        )
        for flag, table in (("i", phrases), ("c", cased)):
            for spun in sorted(table):
                original, ratio = table[spun]
                f.write(f"{spun}\t{original}\t{min(ratio, 1e9):.4g}\t{flag}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the lexicon baseline's table (resources/lexicon.tsv.gz).")
    ap.add_argument(
        "--data-config",
        default=str(Path(__file__).resolve().parents[1] / "configs" / "data.yaml"),
        help="data config whose train documents give the phrase counts",
    )
    ap.add_argument("--out", type=Path, default=LEXICON_PATH)
    args = ap.parse_args(argv)
    phrases, cased, cap = build(train_texts(args.data_config))
    write(phrases, cased, cap, args.out, f"phrase counts in the train documents of {Path(args.data_config).name}")
    print(f"wrote {len(phrases):,} phrases + {len(cased)} case-sensitive ones to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
