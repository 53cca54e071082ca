"""How faithful is the synthetic spinner to real spinner output?

    python -m tools.spinner_fidelity [--dev DEV.jsonl ...] [--data-config configs/data.yaml ...]
        [--train ../shared/data/real/train.jsonl] [--json out.json]

For each spinner mode (the open thesaurus spinner; rewriter-style over the synonym-set
file with the first-line and every-line rules, single swaps and chains of two) and for
the data config's mixture, against real pairs (default dev + dev2):

1. Coverage: the share of real substitutions (original -> spun), by original token and
   by substitution, that the mode can produce. Substitutions come from aligning each
   real pair word by word (typography normalised); one is covered when its original
   side can be cut into pieces that each stay the same or become the corresponding
   piece of the spun side through one spinner option.
2. Word error rate of spun vs original: the real pairs next to the mode run over the
   same originals (5 seeds per article), as a histogram.
3. Per-word change rate of the 50 most frequent original words of the real pairs: how
   often real spinners changed each, next to how often the mode changed it over the same
   originals (mean absolute gap).
4. Held-out log-likelihood of the real substitutions (``--train``): each mode spins the
   originals of the real training pairs (5 seeds); a channel (restore.spinner.channel,
   the same back-off) fitted to that output scores the real events of the dev pairs, per
   event. The fitted mode's own channel is fitted on real pairs, so this is the fair way
   to put every mode on one scale.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from restore.align import changed_spans, normalize_typography, wer, words
from restore.spinner import Spinner, channel, tables

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DEV = [SHARED / "data/real/dev.jsonl", SHARED / "data/real/dev2.jsonl"]
DEFAULT_SETS = SHARED / "data/spinner_db/en_db.sdata"
DEFAULT_TRAIN = SHARED / "data/real/train.jsonl"
MAX_PIECE = 4


def detok(tokens: list[str]) -> str:
    text = " ".join(tokens)
    for p in (" .", " ,", " '", " ;", " :", " ?", " !", " %"):
        text = text.replace(p, p.strip())
    return text.replace("' s", "'s")


def substitutions(pairs: list[dict]) -> list[dict]:
    """Word-level substitutions of real pairs: ``{article, original, spun, variants}``.

    A pure insertion or deletion ("could be" -> "could possibly be") has no original
    tokens of its own: it is anchored on the word to its left or to its right, and
    counts as covered when either variant is.
    """
    subs = []
    for pair in pairs:
        src, tgt = words(pair["original"]), words(pair["spun"])
        for i1, i2, j1, j2 in changed_spans(src, tgt):
            variants = [(i1, i2, j1, j2)]
            if i1 == i2 or j1 == j2:
                variants = []
                if i1 > 0 and j1 > 0:
                    variants.append((i1 - 1, i2, j1 - 1, j2))
                if i2 < len(src) and j2 < len(tgt):
                    variants.append((i1, i2 + 1, j1, j2 + 1))
            if variants:
                spans = [(src[a:b], tgt[c:d]) for a, b, c, d in variants]
                subs.append(
                    {"article": pair["article"], "original": spans[0][0], "spun": spans[0][1], "variants": spans}
                )
    return subs


def covered(sub: dict, spinner: Spinner, extra: dict[str, set[str]], cache: dict) -> bool:
    return any(_covered(src, tgt, spinner, extra, cache) for src, tgt in sub["variants"])


def _covered(src, tgt, spinner: Spinner, extra: dict[str, set[str]], cache: dict) -> bool:
    """Can the original tokens be cut into pieces each kept or turned into the spun piece?"""

    def can_map(a: list[str], b: list[str]) -> bool:
        key = (tuple(a), tuple(b))
        if key not in cache:
            phrase, target = detok(a), detok(b).lower()
            opts = {normalize_typography(o).lower() for o in spinner.options(phrase)}
            cache[key] = target in opts
        return cache[key] or detok(b).lower() in extra.get(detok(a).lower(), ())

    reach = {(0, 0)}
    frontier = [(0, 0)]
    while frontier:
        i, j = frontier.pop()
        if (i, j) == (len(src), len(tgt)):
            return True
        steps = []
        if i < len(src) and j < len(tgt) and src[i].lower() == tgt[j].lower():
            steps.append((i + 1, j + 1))
        for di in range(1, MAX_PIECE + 1):
            for dj in range(1, MAX_PIECE + 1):
                if i + di <= len(src) and j + dj <= len(tgt) and can_map(src[i : i + di], tgt[j : j + dj]):
                    steps.append((i + di, j + dj))
        for step in steps:
            if step not in reach:
                reach.add(step)
                frontier.append(step)
    return False


def coverage(subs, spinner, mined_from=None) -> dict:
    cache: dict = {}
    hit = total = hit_types = 0
    missed = Counter()
    for sub in subs:
        extra = mined_from(sub["article"]) if mined_from else {}
        n = max(1, len(sub["original"]))
        ok = covered(sub, spinner, extra, cache)
        hit += n * ok
        total += n
        hit_types += ok
        if not ok:
            missed[f"{detok(sub['original'])} -> {detok(sub['spun'])}"] += 1
    return {
        "token_coverage": hit / max(1, total),
        "substitution_coverage": hit_types / max(1, len(subs)),
        "tokens": total,
        "substitutions": len(subs),
        "top_missed": missed.most_common(25),
    }


def wer_summary(values: list[float]) -> dict:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    bins = Counter(min(int(v * 10), 6) for v in values)
    hist = {f"{b / 10:.1f}-{(b + 1) / 10:.1f}" if b < 6 else ">=0.6": bins[b] / len(values) for b in range(7)}
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "q1": q[0],
        "median": q[1],
        "q3": q[2],
        "histogram": hist,
    }


def _spinners(data_configs: list[Path], sets: Path | None) -> dict:
    """The spinner modes to compare: the open thesaurus spinner, rewriter-style modes
    over the synonym-set file (each line rule, single swaps and chains) and the mixture
    of the data config."""
    modes = {"thesaurus": Spinner.from_config()}
    if sets is not None and sets.is_file():
        base = {"mode": "rewriter", "synonym_sets": str(sets)}
        if data_configs:  # the settings the first mixture's main rewriter component uses
            for item in _mixture(data_configs[0]):
                if item.get("mode") == "rewriter":
                    base = {**{k: v for k, v in item.items() if k != "weight"}, "synonym_sets": str(sets)}
                    break
        modes["rewriter, first line only, single swaps"] = Spinner.from_config(
            {**base, "set_lines": "first", "chain_weight": 0.0}
        )
        modes["rewriter, every line, single swaps"] = Spinner.from_config(
            {**base, "set_lines": "all", "chain_weight": 0.0}
        )
        modes["rewriter, every line, chains of two"] = Spinner.from_config(
            {**base, "set_lines": "all", "chain_weight": max(0.2, float(base.get("chain_weight", 0)))}
        )
    for data_config in data_configs:
        cfg = yaml.safe_load(data_config.read_text(encoding="utf-8")) or {}
        modes["mixture (" + data_config.name + ")"] = Spinner.from_config(
            cfg.get("spinner") or {}, base_dir=data_config.resolve().parent
        )
    return modes


def _mixture(data_config: Path) -> list[dict]:
    cfg = yaml.safe_load(data_config.read_text(encoding="utf-8")) or {}
    return list((cfg.get("spinner") or {}).get("mixture") or [])


def synthetic_wer(spinner, pairs: list[dict], seeds: int) -> list[float]:
    """WER of the spinner run over the originals of ``pairs``, article by article."""
    return [wer(p["spun"], p["original"]) for p in spun_pairs(spinner, pairs, seeds)]


def change_rates(pairs: list[dict], top: list[str]) -> dict[str, float]:
    """Share of the occurrences of each word of ``top`` (lower case) that were changed."""
    evts = [e for e in channel.events(pairs, set(top), max_words=1) if e.key in top]
    seen, changed = Counter(e.key for e in evts), Counter(e.key for e in evts if e.replacement is not None)
    return {w: changed[w] / seen[w] if seen[w] else 0.0 for w in top}


def spun_pairs(spinner, pairs: list[dict], seeds: int) -> list[dict]:
    """The mode run over the originals of ``pairs``, article by article, ``seeds`` times."""
    articles = defaultdict(list)
    for p in pairs:
        articles[p["article"]].append(p["original"])
    out = []
    for seed in range(seeds):
        for name, originals in articles.items():
            spun = spinner.spin_document(originals, seed=f"{name}:{seed}")
            out += [{"article": f"{name}:{seed}", "original": o, "spun": s} for o, s in zip(originals, spun)]
    return out


def held_out_likelihood(
    spinner, train: list[dict], evts: list, backoff: tables.Table, weights: dict, seeds: int
) -> float:
    """Mean log-likelihood per dev event (:func:`restore.spinner.channel.phrase_events`:
    each changed phrase of dev, each unchanged occurrence of a back-off phrase or of a
    phrase changed somewhere in dev) of a channel fitted to the
    mode's spins of the real training originals (:func:`spun_pairs`)."""
    fitted = channel.fit_channel(spun_pairs(spinner, train, seeds), backoff, weights=weights)
    return fitted.log_likelihood(evts)[0] / max(1, len(evts))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--dev",
        type=Path,
        nargs="+",
        default=DEFAULT_DEV,
        help="real pairs (default: dev + dev2 in ../shared/data/real)",
    )
    ap.add_argument(
        "--data-config",
        type=Path,
        nargs="+",
        default=[ROOT / "configs/data.yaml"],
        help="data configs whose spinner mixtures are reported (default configs/data.yaml)",
    )
    ap.add_argument(
        "--train",
        type=Path,
        default=DEFAULT_TRAIN,
        help="real training pairs for the held-out likelihood (skipped when absent)",
    )
    ap.add_argument(
        "--synonym-sets",
        type=Path,
        default=DEFAULT_SETS,
        help="synonym-set file for the rewriter modes (default: ../shared/data/spinner_db)",
    )
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    missing = [str(p) for p in args.dev if not p.exists()]
    if missing:
        raise SystemExit(f"dev set not found: {missing} (it lives in ../shared/data/real)")
    pairs = [json.loads(line) for path in args.dev for line in path.open(encoding="utf-8")]
    subs = [s for s in substitutions(pairs) if [t.lower() for t in s["original"]] != [t.lower() for t in s["spun"]]]
    for n, p in enumerate(pairs):
        p.setdefault("article", p.get("id", str(n)))
    real_wer = wer_summary([wer(p["spun"], p["original"]) for p in pairs])
    top = [
        w for w, _ in Counter(w.lower() for p in pairs for w in words(p["original"]) if w[0].isalpha()).most_common(50)
    ]
    real_rates = change_rates(pairs, top)
    train = channel.read_pairs(args.train) if args.train and args.train.is_file() else []
    backoff = (
        tables.safe_synonym_set_table(str(args.synonym_sets), "all", 0.0, 1.0)
        if args.synonym_sets and args.synonym_sets.is_file()
        else tables.safe_synonym_table()
    )
    weights, evts = None, channel.phrase_events(pairs, backoff)
    if train:
        best = channel.choose_backoff(train, backoff)
        weights = {k: best[k] for k in ("alpha", "beta", "epsilon")}
    report = {"dev": [str(p) for p in args.dev], "pairs": len(pairs), "wer_real": real_wer, "modes": {}}
    print(f"real pairs: {len(pairs)}; substitutions: {len(subs)}")
    print(
        f"{'mode':<44} {'cover tok':>9} {'cover type':>10} {'WER':>6}  WER histogram ("
        + " ".join(real_wer["histogram"])
        + ")"
    )
    print(
        f"{'real spinner output':<44} {'':>9} {'':>10} {real_wer['mean']:>6.3f}  "
        + " ".join(f"{v:>7.0%}" for v in real_wer["histogram"].values())
    )
    for name, spinner in _spinners(args.data_config, args.synonym_sets).items():
        cov = coverage(subs, spinner)
        syn = wer_summary(synthetic_wer(spinner, pairs, args.seeds))
        gap = max(abs(syn["histogram"][b] - real_wer["histogram"][b]) for b in real_wer["histogram"])
        rates = change_rates(spun_pairs(spinner, pairs, args.seeds), top)
        rate_gap = statistics.fmean(abs(rates[w] - real_rates[w]) for w in top)
        ll = held_out_likelihood(spinner, train, evts, backoff, weights, args.seeds) if train else None
        report["modes"][name] = {
            "coverage": cov,
            "wer": syn,
            "max_bin_gap": gap,
            "change_rates": rates,
            "change_rate_gap": rate_gap,
            "held_out_ll_per_event": ll,
        }
        print(
            f"{name:<44} {cov['token_coverage']:>9.1%} {cov['substitution_coverage']:>10.1%} "
            f"{syn['mean']:>6.3f}  "
            + " ".join(f"{v:>7.0%}" for v in syn["histogram"].values())
            + f"   (largest bin gap {gap:.0%}; top-50 change-rate gap {rate_gap:.3f}"
            + (f"; held-out log-lik/event {ll:.3f})" if ll is not None else ")")
        )
    report["real_change_rates"] = real_rates
    if train:  # the fitted channel itself (no spinning in between), on the same dev events
        fitted = channel.fit_channel(train, backoff, weights=weights)
        ll, missed = fitted.log_likelihood(evts)
        per = ll / max(1, len(evts))
        report["channel_fitted_on_train"] = {
            "weights": weights,
            "held_out_ll_per_event": per,
            "changed_phrases_not_covered": missed,
        }
        print(
            f"{'channel fitted on the real training pairs':<44} held-out log-lik/event {per:.3f} "
            f"(weights {weights}; {missed} changed dev phrases it has no key for)"
        )
    last = list(report["modes"].values())[-1]
    print("\nmost frequent substitutions the last mode cannot make:")
    for sub, n in last["coverage"]["top_missed"][:15]:
        print(f"  {n}  {sub}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
