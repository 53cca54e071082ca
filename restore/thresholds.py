"""Choose a model's restorer thresholds (:class:`restore.guards.Thresholds`) on pairs.

    restore thresholds MODEL --pairs PAIRS.jsonl [--max-clean-harm 0.02] [--write]

The model runs once over every spun and every original text (every edit with its
confidence); then every ``min_confidence`` x ``lone_edit_confidence`` x
``min_spun_score`` (x ``document_evidence``) is scored offline:

- edit P/R/F0.5 on the spun texts, the document gate pooling each document;
- clean harm, the share of the original texts the restorer changes, counted twice: each
  document read whole, and each text read alone (as ``restore("one sentence")`` reads it).
  ``clean_harm`` is the larger of the two: the thresholds must keep clean text clean
  however it is read.

The choice (:func:`choose`): the highest F0.5 whose clean harm is at most
``max_clean_harm``, F0.5 within 0.001 of it counting as a tie that the lower clean harm
wins; without any, the lowest harm. ``restore train`` runs it on its validation pairs at
the end, so a trained model never leaves without thresholds; ``tools/choose_thresholds``
runs it on spun synthetic valid documents and real held-out articles for a release.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .edit_scoring import EditCounts, judge
from .edits import apply_edits
from .guards import Proposal, Thresholds

MIN_CONFIDENCE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LONE = (0.0, 0.8, 0.9, 0.95, 0.98)  # 0: no lone-edit gate
SPUN = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1)  # 0: no document gate
TIE = 0.001  # F0.5 differences below this are ties
# the document_evidence settings a choice tries (command-line word -> settings)
EVIDENCE = {"off": (False,), "on": (True,), "both": (False, True)}


def grid(evidence: tuple[bool, ...] = (False,)) -> Iterator[Thresholds]:
    """Every grid point (:data:`MIN_CONFIDENCE` x :data:`LONE` x :data:`SPUN` x ``evidence``),
    less the lone-edit gates at or below the confidence threshold (they do nothing there)."""
    for c in MIN_CONFIDENCE:
        for lone in LONE:
            if 0 < lone <= c:
                continue
            for gate in SPUN:
                for pooled in evidence:
                    yield Thresholds(c, lone, gate, pooled)


def choose(rows: list[dict], max_clean_harm: float) -> dict:
    """The row with the highest F0.5 among those at most ``max_clean_harm``; F0.5 within
    ``TIE`` of the best is a tie (far below the noise of a few hundred rows), which the
    lower clean harm wins. No row that harmless: the least harmful."""
    ok = [r for r in rows if r["clean_harm"] <= max_clean_harm]
    if not ok:
        return min(rows, key=lambda r: (r["clean_harm"], -r["f0.5"]))
    top = max(r["f0.5"] for r in ok)
    return min((r for r in ok if r["f0.5"] >= top - TIE), key=lambda r: (r["clean_harm"], -r["f0.5"]))


def read_pair_documents(path: str | Path, holdout_share: float | None = None) -> tuple[list[str], list[str], list]:
    """``(spun, originals, documents)`` of a JSONL file of ``{spun, original}`` pairs; a
    row's document is its ``article`` (or ``doc_id``) field, else the row alone. With
    ``holdout_share``, only the articles held out of training by that share
    (:func:`restore.spinner.channel.held_out`, as configs/real.yaml holds them out)."""
    from .spinner.channel import held_out, read_pairs

    rows = read_pairs(path)
    if holdout_share is not None:
        rows = [r for r in rows if held_out(r["article"], holdout_share)]
    docs = [r.get("article", r.get("doc_id", n)) for n, r in enumerate(rows)]
    return [r["spun"] for r in rows], [r["original"] for r in rows], docs


def score_grid(
    spun: list[str],
    originals: list[str],
    docs: list,
    spun_props: list[Proposal],
    clean_props: list[Proposal],
    parts: list[str] | None = None,
    evidence: tuple[bool, ...] = (False,),
) -> list[dict]:
    """Every grid point's F0.5 (spun sentences) and clean harm (originals, read both ways).
    ``parts`` names the set of each sentence (e.g. synthetic valid and real): F0.5 is then
    scored per set (``f0.5 <set>``) and ``f0.5`` is their mean, so that a small real set
    weighs as much as a large synthetic one. ``evidence``: the ``document_evidence``
    settings to try."""
    parts = parts or ["all"] * len(spun)
    names = sorted(set(parts))
    cache: dict[tuple[int, str], tuple[int, int, int]] = {}
    rows = []
    for th in grid(evidence):
        counts_of = {name: [0, 0, 0] for name in names}
        for k, (src, ref, edits) in enumerate(zip(spun, originals, th.apply_all(spun_props, docs))):
            out = apply_edits(src, edits)
            counts = cache.get((k, out))
            if counts is None:
                j = judge(src, out, ref)
                counts = cache[(k, out)] = (len(j["correct"]), len(j["wrong"]), len(j["missed"]))
            total = counts_of[parts[k]]
            for i in range(3):
                total[i] += counts[i]
        scores = {name: EditCounts(*counts_of[name]).f_beta(0.5) for name in names}
        harm = {}
        for mode, d in (("documents", docs), ("sentences", None)):
            kept = th.apply_all(clean_props, d)
            harm[mode] = sum(bool(e) for e in kept) / len(kept)
        every = EditCounts(*(sum(cs[i] for cs in counts_of.values()) for i in range(3)))
        row = {
            "min_confidence": th.min_confidence,
            "lone_edit_confidence": th.lone_edit_confidence,
            "min_spun_score": th.min_spun_score,
            "document_evidence": th.document_evidence,
            "precision": round(every.precision, 4),
            "recall": round(every.recall, 4),
            "f0.5": round(every.f_beta(0.5), 4),
        }
        if len(names) > 1:
            row["f0.5"] = round(sum(scores[n] for n in names) / len(names), 4)
            row.update({f"f0.5 {n}": round(scores[n], 4) for n in names})
        rows.append(
            {
                **row,
                "clean_harm_documents": round(harm["documents"], 4),
                "clean_harm_sentences": round(harm["sentences"], 4),
                "clean_harm": round(max(harm.values()), 4),
            }
        )
    return rows


def choose_thresholds(
    restorer,
    spun: list[str],
    originals: list[str],
    docs: list,
    parts: list[str] | None = None,
    evidence: tuple[bool, ...] = (False, True),
    max_clean_harm: float = 0.02,
) -> dict:
    """Propose once over ``spun`` and ``originals``, score the grid (:func:`score_grid`)
    and :func:`choose`; returns ``{"best": row, "rows": rows}``."""
    if not spun:
        raise ValueError("no pairs to choose thresholds on")
    spun_props, clean_props = restorer.propose(list(spun)), restorer.propose(list(originals))
    rows = score_grid(spun, originals, docs, spun_props, clean_props, parts, evidence)
    return {"best": choose(rows, max_clean_harm), "rows": rows}


def write_choice(model_dir: str | Path, best: dict, chosen_on: str, max_clean_harm: float) -> Path:
    """Store the chosen thresholds in ``MODEL/restore_config.json`` (other settings kept)."""
    config = Path(model_dir) / "restore_config.json"
    settings = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
    settings.pop("note", None)  # a note on an earlier choice
    settings.update(
        min_confidence=best["min_confidence"],
        lone_edit_confidence=best["lone_edit_confidence"],
        min_spun_score=best["min_spun_score"],
        document_evidence=best.get("document_evidence", False),
        chosen_on=chosen_on,
        rule=rule(max_clean_harm),
    )
    config.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return config


def rule(max_clean_harm: float) -> str:
    return (
        f"max F0.5 (ties within {TIE}: lower harm) with clean harm <= {max_clean_harm} "
        "read as documents and as single sentences"
    )
