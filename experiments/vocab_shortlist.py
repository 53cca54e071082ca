"""A vocabulary shortlist for decoding (CTranslate2's vmap): how fast, and how different?

    python experiments/vocab_shortlist.py MODEL_DIR [--k 500,1000,2000,3000] [--n 1000]
        [--compute-type float32] [--pairs data/pairs] [--json out.json]

In a model with a one-layer decoder the 8,000-piece output layer is most of each decoding
step's arithmetic (256 x 8,000 multiply-adds against about 0.9 M for the layer itself).
CTranslate2 can restrict it per batch to a shortlist: the pieces a vocabulary map lists
for the batch's source pieces, plus pieces always included. Here the map lists every
source piece for itself (copying) and always includes the K most probable pieces of the
model's own unigram tokenizer (no training data is read). For each K: the share of
outputs identical to full-vocabulary greedy decoding (same converted model, same batches)
and sentences/s of both, on ``--n`` spun test sentences of the pairs.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

SPECIAL = ("<pad>", "</s>", "<unk>", "<s>")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--k", default="500,1000,2000,3000", help="shortlist sizes, comma-separated")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--compute-type", default="float32")
    ap.add_argument("--pairs", type=Path, default=Path("data/pairs"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    import ctranslate2

    from restore.engines import Tokens
    from restore.engines.ct2_convert import converter
    from restore.pairs import load_pairs

    tokens = Tokens(args.model)
    vocab = json.loads((args.model / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    ranked = [p for p, _ in sorted(vocab, key=lambda v: -v[1]) if not p.startswith("<0x") and p not in SPECIAL]
    test = load_pairs(args.pairs)["test"].shuffle(seed=0)
    sentences = [r["spun"] for r in test.select(range(min(len(test), 3 * args.n))) if r["kind"] == "spun"][: args.n]
    src = [t for t, _ in tokens.encode(sentences, 128)]
    order = sorted(range(len(src)), key=lambda i: len(src[i]))

    def decode(translator, use_vmap: bool) -> tuple[list[list[str]], float]:
        t0, out, jobs = time.perf_counter(), [None] * len(src), []
        for k in range(0, len(order), 64):
            idx = order[k : k + 64]
            jobs.append(
                (
                    idx,
                    translator.translate_batch(
                        [src[i] for i in idx],
                        beam_size=1,
                        max_decoding_length=160,
                        use_vmap=use_vmap,
                        asynchronous=True,
                    ),
                )
            )
        for idx, results in jobs:
            for i, r in zip(idx, results):
                out[i] = r.result().hypotheses[0]
        return out, time.perf_counter() - t0

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        full_dir = Path(tmp) / "full"
        converter(args.model).convert(str(full_dir), quantization=args.compute_type, force=True)
        full = ctranslate2.Translator(str(full_dir), inter_threads=2, intra_threads=1)
        reference, _ = decode(full, False)
        for k in (int(x) for x in args.k.split(",")):
            vmap = Path(tmp) / f"vmap{k}.txt"
            lines = ["\t" + " ".join(ranked[:k])]
            lines += [f"{p}\t{p}" for p, _ in vocab if p not in SPECIAL and not any(c.isspace() for c in p)]
            vmap.write_text("\n".join(lines) + "\n", encoding="utf-8")
            short_dir = Path(tmp) / f"vmap{k}"
            converter(args.model).convert(str(short_dir), quantization=args.compute_type, force=True, vmap=str(vmap))
            short = ctranslate2.Translator(str(short_dir), inter_threads=2, intra_threads=1)
            outputs, t_short = decode(short, True)
            _, t_full = decode(full, False)  # measured right after, under the same load
            top = set(ranked[:k])
            outside = sum(p not in top and p not in set(s) for o, s in zip(reference, src) for p in o)
            rows.append(
                {
                    "k": k,
                    "identical": round(sum(a == b for a, b in zip(reference, outputs)) / len(src), 4),
                    "output_pieces_outside_shortlist": outside,
                    "output_pieces": sum(map(len, reference)),
                    "full_sentences_per_s": round(len(src) / t_full, 1),
                    "shortlist_sentences_per_s": round(len(src) / t_short, 1),
                }
            )
            print(rows[-1], flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"model": str(args.model), "n": len(src), "compute_type": args.compute_type, "rows": rows}, indent=1
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
