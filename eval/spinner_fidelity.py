"""How faithful is the synthetic spinner to real spinner output?

    python eval/spinner_fidelity.py [--dev ../shared/data/real/dev.jsonl] [--json out.json]

1. Coverage: the share of real substitutions (original -> spun, counted by original
   token) that the spinner's tables can produce. Substitutions come from aligning each
   real dev pair word by word (typography normalised); a substitution is covered when
   its original side can be cut into pieces that each stay the same or become the
   corresponding piece of the spun side through one spinner option. Reported for the
   general tables alone, and with substitutions mined from the OTHER dev articles added
   (leave-one-article-out), so the mined figure is not scored on its own training data.
2. Word error rate of spun vs original: real dev pairs next to the synthetic spinner run
   over the same originals (5 seeds per article).
"""
from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from restore.align import changed_spans, normalize_typography, wer, words
from restore.spinner import Spinner

DEFAULT_DEV = Path(__file__).resolve().parents[2] / "shared/data/real/dev.jsonl"
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
                subs.append({"article": pair["article"], "original": spans[0][0],
                             "spun": spans[0][1], "variants": spans})
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
                if i + di <= len(src) and j + dj <= len(tgt) and can_map(src[i:i + di], tgt[j:j + dj]):
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
    return {"token_coverage": hit / max(1, total), "substitution_coverage": hit_types / max(1, len(subs)),
            "tokens": total, "substitutions": len(subs), "top_missed": missed.most_common(25)}


def wer_summary(values: list[float]) -> dict:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    bins = Counter(min(int(v * 10), 6) for v in values)
    hist = {f"{b / 10:.1f}-{(b + 1) / 10:.1f}" if b < 6 else ">=0.6": bins[b] / len(values) for b in range(7)}
    return {"n": len(values), "mean": statistics.fmean(values), "q1": q[0], "median": q[1], "q3": q[2],
            "histogram": hist}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--config", help="spinner YAML overrides")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    if not args.dev.exists():
        raise SystemExit(f"dev set not found: {args.dev} (it lives in ../shared/data/real)")
    pairs = [json.loads(line) for line in args.dev.open(encoding="utf-8")]
    spinner = Spinner.from_config(args.config)
    subs = [s for s in substitutions(pairs)
            if [t.lower() for t in s["original"]] != [t.lower() for t in s["spun"]]]

    by_article: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in subs:
        by_article[s["article"]][detok(s["original"]).lower()].add(detok(s["spun"]).lower())

    def mined_without(article: str) -> dict[str, set[str]]:
        merged: dict[str, set[str]] = defaultdict(set)
        for other, table in by_article.items():
            if other != article:
                for k, v in table.items():
                    merged[k] |= v
        return merged

    general = coverage(subs, spinner)
    mined = coverage(subs, spinner, mined_without)
    # the thesaurus-built table alone, without the hand-written rules
    thesauri_only = coverage(subs, Spinner.from_config({"behaviours": {
        b: {"enabled": b == "synonym"} for b in spinner.config["behaviours"]}}))

    real_wer = [wer(p["spun"], p["original"]) for p in pairs]
    articles = defaultdict(list)
    for p in pairs:
        articles[p["article"]].append(p["original"])
    synth_wer = []
    for seed in range(args.seeds):
        for name, originals in articles.items():
            spun = spinner.spin_document(originals, seed=f"{name}:{seed}")
            synth_wer += [wer(s, o) for s, o in zip(spun, originals)]
    report = {
        "coverage_thesaurus_table_only": thesauri_only,
        "coverage_general_tables": general,
        "coverage_with_mined_leave_one_article_out": mined,
        "wer_real": wer_summary(real_wer),
        "wer_synthetic": wer_summary(synth_wer),
    }
    print(f"real substitutions: {general['substitutions']} ({general['tokens']} original tokens)")
    print(f"coverage, thesaurus table alone     : {thesauri_only['token_coverage']:.1%} by token, "
          f"{thesauri_only['substitution_coverage']:.1%} by substitution")
    print(f"coverage, general thesauri + rules : {general['token_coverage']:.1%} by token, "
          f"{general['substitution_coverage']:.1%} by substitution")
    print(f"coverage, + mined from other dev articles: {mined['token_coverage']:.1%} by token, "
          f"{mined['substitution_coverage']:.1%} by substitution")
    print("\nWER spun vs original       mean   q1     median q3")
    for name in ("wer_real", "wer_synthetic"):
        r = report[name]
        print(f"  {name[4:]:<24} {r['mean']:.3f}  {r['q1']:.3f}  {r['median']:.3f}  {r['q3']:.3f}  (n={r['n']})")
    print("  histogram  " + "  ".join(report["wer_real"]["histogram"]))
    for name in ("wer_real", "wer_synthetic"):
        print(f"  {name[4:]:<9}  " + "  ".join(f"{v:>7.0%}" for v in report[name]["histogram"].values()))
    print("\nmost frequent uncovered substitutions:")
    for sub, n in general["top_missed"][:15]:
        print(f"  {n}  {sub}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
