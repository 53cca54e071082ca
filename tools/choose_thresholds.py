"""Choose a model's recommended restorer thresholds on synthetic VALID documents (and
real held-out articles), for a release; the grid and the rule are restore.thresholds'.

    python -m tools.choose_thresholds models/restore-small [--pairs data/pairs]
        [--config configs/data.yaml] [--docs 0] [--max-sentences 25]
        [--real ../shared/data/real/train.jsonl --holdout-share 0.2]
        [--document-evidence off|on|both] [--max-clean-harm 0.02] [--json out.json] [--write]

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
lowest harm. ``--real``: the real training pairs of the articles held out of training join
the choice, and F0.5 is the mean of the valid documents' and theirs (so that a few real
articles weigh as much as hundreds of synthetic ones). The real dev sets are not used.
``--write`` stores the choice in the model's ``restore_config.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from restore.thresholds import EVIDENCE, choose, choose_thresholds, read_pair_documents, rule, score_grid, write_choice

__all__ = ["choose", "score_grid", "valid_documents", "spun_valid_documents", "main"]


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument(
        "--config",
        type=Path,
        default=Path("configs/data.yaml"),
        help="the data config whose spinner spins the valid documents",
    )
    ap.add_argument("--docs", type=int, default=0, help="valid documents to use (default 0: all)")
    ap.add_argument("--max-sentences", type=int, default=25)
    ap.add_argument("--max-clean-harm", type=float, default=0.02)
    ap.add_argument(
        "--real",
        type=Path,
        help="real pairs (JSONL with article ids): the articles held out by "
        "--holdout-share join the choice, F0.5 being the mean of valid's and theirs",
    )
    ap.add_argument(
        "--holdout-share",
        type=float,
        default=0.2,
        help="share of --real's articles held out of training (as in configs/real.yaml)",
    )
    ap.add_argument(
        "--document-evidence",
        choices=tuple(EVIDENCE),
        default="both",
        help="try the thresholds without and/or with document evidence (default both)",
    )
    ap.add_argument("--json", type=Path)
    ap.add_argument("--write", action="store_true", help="store the choice in MODEL/restore_config.json")
    args = ap.parse_args(argv)

    from restore.restorer import Restorer

    documents, spun, originals, docs = spun_valid_documents(
        args.pairs, args.config, args.docs or None, args.max_sentences
    )
    print(
        f"{len(documents)} valid documents, {len(spun)} sentences "
        f"({sum(s != o for s, o in zip(spun, originals))} changed by the spinner)",
        file=sys.stderr,
    )
    parts = ["valid"] * len(spun)
    if args.real:
        real_spun, real_originals, articles = read_pair_documents(args.real, args.holdout_share)
        print(f"{len(set(articles))} held-out real articles, {len(real_spun)} pairs", file=sys.stderr)
        spun, originals = spun + real_spun, originals + real_originals
        docs, parts = docs + [f"real:{a}" for a in articles], parts + ["real"] * len(real_spun)
    restorer = Restorer.from_pretrained(args.model)
    evidence = EVIDENCE[args.document_evidence]
    chosen = choose_thresholds(restorer, spun, originals, docs, parts, evidence, args.max_clean_harm)
    rows = chosen["rows"]
    best = chosen["best"]
    for r in rows:
        if r["min_spun_score"] in (0.0, best["min_spun_score"]):
            print(
                f"min {r['min_confidence']:.2f} lone {r['lone_edit_confidence']:.2f} "
                f"doc gate {r['min_spun_score']:.2f}: P {r['precision']:.3f} R {r['recall']:.3f} "
                f"F0.5 {r['f0.5']:.3f}  clean harm {r['clean_harm_documents']:.1%} (documents) "
                f"{r['clean_harm_sentences']:.1%} (sentences)",
                file=sys.stderr,
            )
    print(
        f"chosen: min_confidence {best['min_confidence']}, lone_edit_confidence {best['lone_edit_confidence']}, "
        f"min_spun_score {best['min_spun_score']}, document_evidence {best['document_evidence']} "
        f"(F0.5 {best['f0.5']:.3f}, clean harm "
        f"{best['clean_harm_documents']:.1%} read as documents, {best['clean_harm_sentences']:.1%} as sentences)"
    )
    result = {
        "set": f"{args.pairs} valid: {len(documents)} documents (shuffle seed 1, at most "
        f"{args.max_sentences} sentences each, {len(spun)} sentences), spun once each by "
        f"{args.config}'s spinner; clean: their originals"
        + (
            f"; and the real pairs of {args.real}'s held-out articles (share {args.holdout_share}), "
            "F0.5 the mean of the two sets'"
            if args.real
            else ""
        ),
        "rule": rule(args.max_clean_harm),
        "best": best,
        "rows": rows,
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.write:
        config = write_choice(args.model, best, result["set"], args.max_clean_harm)
        print(f"written to {config}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
