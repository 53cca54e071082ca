"""Quick model check with the simple edit scorer (restore/edit_scoring.py).

    python -m tools.quick_eval MODEL_DIR [MODEL_DIR ...] [--pairs data/pairs] [--json out.json]

For each model: edit precision / recall / F0.5 and exact match on the REAL dev pairs
(../shared/data/real/dev.jsonl + dev2.jsonl), the share of clean sentences it changes (dev originals
plus identity pairs of the synthetic test split), and F0.5 on synthetic test pairs.
Greedy decoding, batches sorted by length. The full evaluation tool is `restore eval`.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from restore.engines import TorchEngine
from restore.metrics import score

REAL = Path(__file__).resolve().parents[2] / "shared/data/real"
DEV = [REAL / "dev.jsonl", REAL / "dev2.jsonl"]


def evaluate(
    model_dir: str, pairs_dir: str | None, n_synth: int, tokenizer_dir: str | None = None, dev_only: bool = False
) -> dict:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(2)
    t0 = time.time()
    tok = AutoTokenizer.from_pretrained(tokenizer_dir or model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    generate = TorchEngine(model, tok).generate  # raw model output: the restorer's guards are not scored
    dev = [json.loads(line) for path in DEV for line in path.open(encoding="utf-8")]
    spun = [d["spun"] for d in dev]
    originals = [d["original"] for d in dev]
    t1 = time.time()
    outputs = generate(spun)
    dev_seconds = time.time() - t1
    result = {
        "model": model_dir,
        "dev": score(spun, outputs, originals, interval=False),
        "dev_sentences_per_second": len(spun) / dev_seconds,
    }
    if dev_only:
        return result
    clean = list(originals)
    synth, examples = None, []
    if pairs_dir:
        from datasets import load_from_disk

        test = load_from_disk(pairs_dir)["test"].shuffle(seed=0)
        ident = test.filter(lambda r: r["kind"] == "identity")
        ident = ident.select(range(min(200, len(ident))))
        clean += ident["original"]
        spun_rows = test.filter(lambda r: r["kind"] == "spun")
        spun_rows = spun_rows.select(range(min(n_synth, len(spun_rows))))
        synth_out = generate(list(spun_rows["spun"]))
        synth = score(spun_rows["spun"], synth_out, spun_rows["original"], interval=False)
        # examples for the model card come from our own synthetic test split: the shared
        # real pairs are never copied into the repository
        examples = list(zip(spun_rows["spun"], synth_out, spun_rows["original"]))[:8]
    clean_out = generate(clean)
    changed = sum(o.strip() != c.strip() for o, c in zip(clean_out, clean))
    result["clean_harm"] = changed / len(clean)
    result["clean_n"] = len(clean)
    result["synthetic_test"] = synth
    result["seconds"] = round(time.time() - t0, 1)
    result["examples"] = [{"spun": s, "output": o, "original": r} for s, o, r in examples]
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="+")
    ap.add_argument("--pairs", help="pairs folder (synthetic test split)")
    ap.add_argument("--n-synth", type=int, default=300)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--tokenizer", help="tokenizer folder, for checkpoints saved without one")
    ap.add_argument(
        "--curve",
        type=Path,
        help="checkpoints mode: dev scores per checkpoint (step and time from each trainer_state.json) written here",
    )
    ap.add_argument(
        "--hours-offset",
        type=float,
        default=0.0,
        help="curve mode: training hours before this run (a run continued with --init-from)",
    )
    ap.add_argument("--step-offset", type=int, default=0, help="curve mode: steps before this run")
    args = ap.parse_args(argv)
    if args.curve:
        curve = []
        for m in args.models:
            r = evaluate(m, None, 0, args.tokenizer, dev_only=True)
            state = json.loads((Path(m) / "trainer_state.json").read_text())
            logs = [e for e in state["log_history"] if "elapsed_s" in e]
            valid = [e for e in state["log_history"] if "eval_f0.5" in e]
            curve.append(
                {
                    "step": args.step_offset + state["global_step"],
                    "hours": args.hours_offset + float(logs[-1]["elapsed_s"]) / 3600,
                    **{f"dev_{k}": r["dev"][k] for k in ("precision", "recall", "f0.5", "exact_match")},
                    "valid_f0.5": valid[-1]["eval_f0.5"] if valid else None,
                }
            )
            print(curve[-1], flush=True)
        curve.sort(key=lambda c: c["step"])
        args.curve.write_text(json.dumps(curve, indent=2))
        return
    results = []
    for m in args.models:
        r = evaluate(m, args.pairs, args.n_synth, args.tokenizer)
        d = r["dev"]
        synth = r["synthetic_test"]
        print(
            f"{m}: dev P {d['precision']:.3f} R {d['recall']:.3f} F0.5 {d['f0.5']:.3f} "
            f"exact {d['exact_match']:.3f} | clean changed {r['clean_harm']:.1%} of {r['clean_n']}"
            + (
                f" | synthetic F0.5 {synth['f0.5']:.3f} (P {synth['precision']:.3f} R {synth['recall']:.3f})"
                if synth
                else ""
            )
            + f" | {r['dev_sentences_per_second']:.1f} sent/s",
            flush=True,
        )
        results.append(r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
