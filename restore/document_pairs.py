"""One document's training pairs: its sentences segmented and spun several times
(:func:`segment_and_spin`), and the rows they give (:func:`doc_rows`): spun sentences,
multi-sentence spans and identity pairs, in the shares the data config asks for."""

from __future__ import annotations

import math
import random
import time

from .corpus import is_prose, split_sentences, stable_int


def title_ok(title: str | None, max_chars: int) -> bool:
    """A title worth a pair: prose-like (not an ALL-CAPS wire slug) and of sane length."""
    return title is not None and 0 < len(title) <= max_chars and is_prose(title, min_words=3)


def segment_and_spin(doc: dict, cfg: dict, spinner) -> dict:
    """Segment one clean document and spin it ``spins_per_sentence`` times (``cfg``: a
    resolved data config, :func:`restore.pairs.resolve_config`).

    Returns the sentences, a run id per sentence (consecutive sentences share a run
    unless a dropped sentence lies between them), the spins and timing.
    """
    n_spins, max_chars, seed = int(cfg["spins_per_sentence"]), int(cfg["max_sentence_chars"]), cfg["seed"]
    t0 = time.perf_counter()
    sentences: list[str] = []
    runs: list[int] = []
    run, too_long, no_letters = 0, 0, 0
    for paragraph in doc["text"].split("\n"):
        for sent in split_sentences(paragraph):
            if not any(c.isalpha() for c in sent):
                no_letters += 1
                run += 1
            elif len(sent) > max_chars:
                too_long += 1
                run += 1
            else:
                sentences.append(sent)
                runs.append(run)
    t1 = time.perf_counter()
    spins = (
        [spinner.spin_document(sentences, seed=stable_int(seed, doc["doc_id"], k)) for k in range(n_spins)]
        if sentences
        else []
    )
    title = doc.get("title") if cfg["include_titles"] else None
    title = title.strip() if title and title_ok(title.strip(), max_chars) else None
    title_spins = (
        [
            spinner.spin_document([title], seed=stable_int(seed, doc["doc_id"], "title", k), is_title=True)[0]
            for k in range(n_spins)
        ]
        if title
        else []
    )
    t2 = time.perf_counter()
    for spun in spins:
        if len(spun) != len(sentences):
            raise RuntimeError(f"spinner returned {len(spun)} sentences for {len(sentences)}")
    return {
        "doc_id": doc["doc_id"],
        "sentences": sentences,
        "runs": runs,
        "spins": spins,
        "title": title,
        "title_spins": title_spins,
        "too_long": too_long,
        "no_letters": no_letters,
        "t_segment": t1 - t0,
        "t_spin": t2 - t1,
    }


def _stochastic_round(x: float, rng: random.Random) -> int:
    """Round ``x`` up with probability equal to its fractional part (unbiased)."""
    base = math.floor(x)
    return base + (rng.random() < x - base)


def doc_rows(res: dict, keep: list[bool], keep_title: bool, cfg: dict) -> tuple[list[dict], int]:
    """Turn one document's sentences and spins into rows; returns ``(rows, dropped)``.

    ``keep[i]`` says whether sentence ``i`` survived corpus-wide dedup.  Every kept
    sentence (and the title) gives up to ``spins_per_sentence`` "spun" rows.  Then
    "multi" rows (2-3 consecutive kept sentences, taken from one of the document's
    spins, so spun with the same rate) and "identity" rows are added so that they make
    about ``multi_sentence_frac`` and ``identity_frac`` of the document's rows.  A spin
    that came back unchanged becomes an identity row while the identity quota lasts;
    past it, it is dropped and counted in ``dropped``.  Identical (spun, original) rows
    are written once.  All choices use an RNG seeded from (seed, doc_id).
    """
    doc_id, sents, spins = res["doc_id"], res["sentences"], res["spins"]
    rng = random.Random(stable_int(cfg["seed"], doc_id, "pairs", bits=64))
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    unchanged: dict[tuple[str, int], None] = {}  # (original, n_sent) whose spin came back identical

    def add(spun: str, original: str, kind: str, n_sent: int) -> None:
        if spun == original and kind != "identity":
            unchanged.setdefault((original, n_sent))
            return
        if (spun, original) not in seen:
            seen.add((spun, original))
            rows.append({"spun": spun, "original": original, "doc_id": doc_id, "kind": kind, "n_sent": n_sent})

    if keep_title:
        for spun in res["title_spins"]:
            add(spun, res["title"], "spun", 1)
    for i, original in enumerate(sents):
        if keep[i]:
            for spun in spins:
                add(spun[i], original, "spun", 1)

    fi, fm = float(cfg["identity_frac"]), float(cfg["multi_sentence_frac"])
    n_multi = _stochastic_round(fm * len(rows) / (1 - fi - fm), rng)
    groups = [
        (i, n)
        for n in (2, 3)
        for i in range(len(sents) - n + 1)
        if all(keep[i : i + n]) and res["runs"][i] == res["runs"][i + n - 1]
    ]
    for i, n in sorted(rng.sample(groups, min(n_multi, len(groups)))):
        spun = spins[rng.randrange(len(spins))]
        add(" ".join(spun[i : i + n]), " ".join(sents[i : i + n]), "multi", n)

    n_identity = _stochastic_round(fi * len(rows) / (1 - fi), rng)
    chosen = list(unchanged)[:n_identity]
    dropped = len(unchanged) - len(chosen)
    if len(chosen) < n_identity:
        used = {orig for orig, _ in chosen}
        pool = [s for i, s in enumerate(sents) if keep[i] and s not in used]
        chosen += [(s, 1) for s in rng.sample(pool, min(n_identity - len(chosen), len(pool)))]
    for original, n_sent in chosen:
        add(original, original, "identity", n_sent)
    return rows, dropped
