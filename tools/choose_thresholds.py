"""Choose a model's recommended restorer thresholds on synthetic VALID documents.

    python -m tools.choose_thresholds models/restore-small [--pairs data/pairs]
        [--config configs/data.yaml] [--docs 0] [--max-sentences 25]
        [--max-clean-harm 0.02] [--json out.json] [--write]

Documents: ``--docs`` documents of the valid split of the pairs (shuffled with seed 1; 0,
the default: every valid document with at least three one-sentence originals, about 500
and 5,000 sentences for configs/data.yaml's pairs: the more sentences, the less the choice
follows the noise of a sample), each its distinct sentences in order (at most
``--max-sentences``), spun once as a whole
document by the data config's spinner, as the pairs were (one spinner mode, one rate
for the document). The model runs once over every spun and every original sentence
(every edit with its confidence); then every ``min_confidence`` x
``lone_edit_confidence`` x ``min_spun_score`` (:class:`restore.guards.Thresholds`) is
scored offline:

- edit P/R/F0.5 on the spun sentences, the document gate pooling each document;
- clean harm, the share of the original sentences the restorer changes, counted twice:
  each document read whole, and each sentence read alone (as ``restore("one
  sentence")`` reads it, where the document gate sees one sentence). ``clean_harm`` is
  the larger of the two: the thresholds must keep clean text clean however it is read.

The choice: the highest F0.5 whose clean harm is at most ``--max-clean-harm``, F0.5
within 0.001 of it counting as a tie that the lower clean harm wins; without any, the
lowest harm. The real dev sets are not used. ``--write`` stores the choice in the
model's ``restore_config.json``.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from restore.diff import apply_edits
from restore.edits import judge
from restore.guards import Proposal, Thresholds

MIN_CONFIDENCE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LONE = (0.0, 0.8, 0.9, 0.95, 0.98)  # 0: no lone-edit gate
SPUN = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1)  # 0: no document gate
TIE = 0.001  # F0.5 differences below this are ties


def choose(rows: list[dict], max_clean_harm: float) -> dict:
    """The row with the highest F0.5 among those at most ``max_clean_harm``; F0.5 within
    ``TIE`` of the best is a tie (far below the noise of a few hundred rows), which the
    lower clean harm wins. No row that harmless: the least harmful."""
    ok = [r for r in rows if r["clean_harm"] <= max_clean_harm]
    if not ok:
        return min(rows, key=lambda r: (r["clean_harm"], -r["f0.5"]))
    top = max(r["f0.5"] for r in ok)
    return min((r for r in ok if r["f0.5"] >= top - TIE), key=lambda r: (r["clean_harm"], -r["f0.5"]))


def valid_documents(pairs, n_docs: int | None, max_sentences: int, seed: int = 1) -> list[tuple[str, list[str]]]:
    """``(doc_id, sentences)`` of ``n_docs`` (None: all) valid documents with at least three
    distinct one-sentence originals, in their order in the pairs."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for original, doc, n_sent in zip(pairs["original"], pairs["doc_id"], pairs["n_sent"]):
        if n_sent == 1 and original not in by_doc[doc]:
            by_doc[doc].append(original)
    docs = sorted(d for d, s in by_doc.items() if len(s) >= 3)
    random.Random(seed).shuffle(docs)
    return [(d, by_doc[d][:max_sentences]) for d in docs[:n_docs]]


def spun_valid_documents(pairs: Path, config: Path, n_docs: int | None, max_sentences: int):
    """``(documents, spun, originals, docs)``: :func:`valid_documents` of the pairs, each spun
    once as a whole document by the data config's spinner (seeded by the document), their
    sentences flattened with ``docs`` numbering the document of each."""
    from restore.corpus import stable_int
    from restore.pairs import load_pairs, resolve_config
    from restore.spinner import Spinner

    cfg, base = resolve_config(config)
    spinner = Spinner.from_config(cfg["spinner"] or None, base_dir=base)
    documents = valid_documents(load_pairs(pairs)["valid"], n_docs, max_sentences)
    spun, originals, docs = [], [], []
    for k, (doc_id, sentences) in enumerate(documents):
        spun += spinner.spin_document(sentences, seed=stable_int(cfg["seed"], doc_id, "thresholds"))
        originals += sentences
        docs += [k] * len(sentences)
    return documents, spun, originals, docs


def score_grid(spun: list[str], originals: list[str], docs: list[int], spun_props: list[Proposal],
               clean_props: list[Proposal]) -> list[dict]:
    """Every grid point's F0.5 (spun sentences) and clean harm (originals, read both ways)."""
    cache: dict[tuple[int, str], tuple[int, int, int]] = {}
    rows = []
    for c in MIN_CONFIDENCE:
        for lone in LONE:
            if 0 < lone <= c:
                continue  # the gate does nothing there
            for gate in SPUN:
                th = Thresholds(c, lone, gate)
                tp = fp = fn = 0
                for k, (src, ref, edits) in enumerate(zip(spun, originals, th.apply_all(spun_props, docs))):
                    out = apply_edits(src, edits)
                    counts = cache.get((k, out))
                    if counts is None:
                        j = judge(src, out, ref)
                        counts = cache[(k, out)] = (len(j["correct"]), len(j["wrong"]), len(j["missed"]))
                    tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
                p = tp / (tp + fp) if tp + fp else 1.0
                r = tp / (tp + fn) if tp + fn else 1.0
                f = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
                harm = {}
                for mode, d in (("documents", docs), ("sentences", None)):
                    kept = th.apply_all(clean_props, d)
                    harm[mode] = sum(bool(e) for e in kept) / len(kept)
                rows.append({"min_confidence": c, "lone_edit_confidence": lone, "min_spun_score": gate,
                             "precision": round(p, 4), "recall": round(r, 4), "f0.5": round(f, 4),
                             "clean_harm_documents": round(harm["documents"], 4),
                             "clean_harm_sentences": round(harm["sentences"], 4),
                             "clean_harm": round(max(harm.values()), 4)})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument("--config", type=Path, default=Path("configs/data.yaml"),
                    help="the data config whose spinner spins the valid documents")
    ap.add_argument("--docs", type=int, default=0, help="valid documents to use (default 0: all)")
    ap.add_argument("--max-sentences", type=int, default=25)
    ap.add_argument("--max-clean-harm", type=float, default=0.02)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--write", action="store_true", help="store the choice in MODEL/restore_config.json")
    args = ap.parse_args(argv)

    from restore.restorer import Restorer

    documents, spun, originals, docs = spun_valid_documents(args.pairs, args.config, args.docs or None,
                                                            args.max_sentences)
    print(f"{len(documents)} valid documents, {len(spun)} sentences "
          f"({sum(s != o for s, o in zip(spun, originals))} changed by the spinner)", file=sys.stderr)
    restorer = Restorer.from_pretrained(args.model)
    spun_props, clean_props = restorer.propose(spun), restorer.propose(originals)

    rows = score_grid(spun, originals, docs, spun_props, clean_props)
    best = choose(rows, args.max_clean_harm)
    for r in rows:
        if r["min_spun_score"] in (0.0, best["min_spun_score"]):
            print(f"min {r['min_confidence']:.2f} lone {r['lone_edit_confidence']:.2f} "
                  f"doc gate {r['min_spun_score']:.2f}: P {r['precision']:.3f} R {r['recall']:.3f} "
                  f"F0.5 {r['f0.5']:.3f}  clean harm {r['clean_harm_documents']:.1%} (documents) "
                  f"{r['clean_harm_sentences']:.1%} (sentences)", file=sys.stderr)
    print(f"chosen: min_confidence {best['min_confidence']}, lone_edit_confidence {best['lone_edit_confidence']}, "
          f"min_spun_score {best['min_spun_score']} (F0.5 {best['f0.5']:.3f}, clean harm "
          f"{best['clean_harm_documents']:.1%} read as documents, {best['clean_harm_sentences']:.1%} as sentences)")
    result = {"set": f"{args.pairs} valid: {len(documents)} documents (shuffle seed 1, at most "
                     f"{args.max_sentences} sentences each, {len(spun)} sentences), spun once each by "
                     f"{args.config}'s spinner; clean: their originals",
              "rule": f"max F0.5 (ties within {TIE}: lower harm) with clean harm <= {args.max_clean_harm} "
                      "read as documents and as single sentences",
              "best": best, "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.write:
        config = args.model / "restore_config.json"
        settings = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
        settings.pop("note", None)  # a note on an earlier choice
        settings.update(min_confidence=best["min_confidence"], lone_edit_confidence=best["lone_edit_confidence"],
                        min_spun_score=best["min_spun_score"], chosen_on=result["set"], rule=result["rule"])
        config.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        print(f"written to {config}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
