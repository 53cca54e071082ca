"""Study: how does clean text stay clean? Levers measured on real dev + dev2 and clean text.

    python experiments/clean_text_levers.py MODEL [--pairs data/pairs] [--json OUT]

The model runs once over (a) the 145 real dev + dev2 pairs, sentence by sentence, and
their 16 articles as whole documents, and (b) 500 clean sentences of held-out corpus
documents (test split), grouped by document. Every proposed edit is kept with its
confidence; then each lever is applied offline:

- none: every guarded edit applied (thresholds 0);
- confidence gates: ``min_confidence`` x ``lone_edit_confidence`` (the shipped ones);
- a document gate on top: a document whose spun-ness score (confidence-weighted share
  of words the model would change, ``Restorer.spun_score``) is below T is left alone.

Printed per lever: real dev + dev2 edit F0.5 / P / R, the share of dev + dev2 originals
changed, the share of the 500 clean corpus sentences changed.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from restore.edits import apply_edits
from restore.guards import kept_edits
from restore.metrics import spin_edits
from restore.restorer import Restorer

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared/data/real"


def doc_scores(restorer: Restorer, docs: dict[str, str]) -> dict[str, float]:
    return {name: restorer.spun_score(text).score for name, text in docs.items()}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--pairs", type=Path, default=ROOT / "data/pairs")
    ap.add_argument("--n-clean", type=int, default=500)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from restore.pairs import load_pairs

    real = [json.loads(line) for f in ("dev.jsonl", "dev2.jsonl") for line in (REAL / f).open(encoding="utf-8")]
    articles = {}
    for f in ("dev_articles.jsonl", "dev2_articles.jsonl"):
        for line in (REAL / f).open(encoding="utf-8"):
            a = json.loads(line)
            articles[a["article"]] = a
    test = load_pairs(args.pairs)["test"]
    by_doc = defaultdict(list)
    for o, k, d in zip(test["original"], test["kind"], test["doc_id"]):
        if k != "multi" and o not in by_doc[d]:
            by_doc[d].append(o)
    docs = sorted(by_doc)
    random.Random(1).shuffle(docs)
    clean, clean_doc = [], []
    for d in docs:
        for s in by_doc[d]:
            if len(clean) < args.n_clean:
                clean.append(s)
                clean_doc.append(d)

    r = Restorer.from_pretrained(args.model)
    spun = [p["spun"] for p in real]
    originals = [p["original"] for p in real]
    spun_edits, orig_edits, clean_edits = ([p.edits for p in r.propose(texts)] for texts in (spun, originals, clean))
    dev_doc_score = doc_scores(r, {a: articles[a]["spun_text"] for a in articles})
    dev_orig_doc_score = doc_scores(r, {a: articles[a]["original_text"] for a in articles})
    clean_doc_score = doc_scores(r, {d: " ".join(by_doc[d]) for d in set(clean_doc)})

    shipped = r.thresholds
    levers = [
        ("none", 0.0, 0.0, 0.0),
        ("min_confidence only", shipped.min_confidence, 0.0, 0.0),
        ("shipped gates", shipped.min_confidence, shipped.lone_edit_confidence, 0.0),
    ]
    levers += [
        (f"shipped gates + document gate {t}", shipped.min_confidence, shipped.lone_edit_confidence, t)
        for t in (0.02, 0.04, 0.06, 0.08, 0.1)
    ]
    rows = []
    for name, c, lone, t in levers:

        def out(texts, edits, scores):
            return [
                text if s < t else apply_edits(text, kept_edits(e, c, lone)) for text, e, s in zip(texts, edits, scores)
            ]

        dev_out = out(spun, spun_edits, [dev_doc_score[p["article"]] for p in real])
        m = spin_edits(spun, dev_out, originals)
        orig_out = out(originals, orig_edits, [dev_orig_doc_score[p["article"]] for p in real])
        harm_dev = sum(a != b for a, b in zip(orig_out, originals)) / len(originals)
        clean_out = out(clean, clean_edits, [clean_doc_score[d] for d in clean_doc])
        harm_clean = sum(a != b for a, b in zip(clean_out, clean)) / len(clean)
        rows.append(
            {
                "lever": name,
                "f0.5": m["f0.5"],
                "precision": m["precision"],
                "recall": m["recall"],
                "dev_originals_changed": harm_dev,
                "clean_corpus_changed": harm_clean,
            }
        )
        print(
            f"{name:<40} F0.5 {m['f0.5']:.3f} P {m['precision']:.3f} R {m['recall']:.3f}  "
            f"dev originals changed {harm_dev:.1%}  clean corpus changed {harm_clean:.1%}"
        )
    result = {
        "model": str(args.model),
        "rows": rows,
        "document_scores": {
            "dev_spun": dev_doc_score,
            "dev_original": dev_orig_doc_score,
            "clean_corpus": clean_doc_score,
        },
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
