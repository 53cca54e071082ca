"""CPU inference benchmark: plain ``model.generate`` against the restorer's fast path.

    python -m tools.bench [--n 2000] [--model DIR] [--pairs data/pairs] [--json eval/results/bench.json]
    python -m tools.bench --levers [--n 300]      # the other levers, on a smaller sample
    python -m tools.bench --int8-gate [--n 1000]  # int8 against float32 only (bench_int8.json)
    python -m tools.bench --whole --n 1000        # issue 16: restore run against the yardstick (bench_whole.json)

Sentences: the ``spun`` side of single-sentence rows (kind "spun") of the test split of
the shared corpus' pairs (``restore pairs --config configs/data.yaml -o data/pairs``),
shuffled with seed 0; without ``data/pairs`` the test-split documents of the corpora in
``configs/data.yaml`` are segmented and spun the same way (first spin of each sentence).

Each system runs in its own fresh process, one after the other, so load time and peak
RSS are its own:

- baseline: Hugging Face ``model.generate``, greedy, fp32, batches of 32 sorted by length
  (the output length limit TorchEngine uses), on every core this process may use;
- fast: ``Restorer.from_pretrained(model, engine=...)`` and ``restorer.generate`` (the raw
  model output, before guards, so it compares with the baseline).

Printed and written to ``--json``: sentences/s of each, the ratio, the share of sentences
whose output is identical to the baseline's, peak RSS and load time (imports included,
the CTranslate2 conversion cached; the one-off conversion is timed separately), and the
load average, which shows whether something else was running.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "models" / "restore-small"
TARGETS = {"ratio": 5.0, "identical": 0.99, "peak_rss_mb": 1536, "load_s": 3.0}
# issue 16: `restore run` on 1,000 sentences, whole process, against plain generate on the
# model shipped at this commit (the fixed yardstick), and in absolute terms
YARDSTICK_COMMIT = "b661104"
WHOLE_TARGETS = {"ratio_to_yardstick": 5.0, "sentences_per_s": 300.0, "peak_rss_mb": 1024}


# ----------------------------------------------------------------------------- data


def bench_sentences(n: int, pairs: Path, seed: int = 0) -> tuple[list[str], list[str], str]:
    """(spun sentences, their originals, where they come from)."""
    if (pairs / "dataset_dict.json").is_file():
        from restore.pairs import load_pairs

        test = load_pairs(pairs)["test"]
        test = test.select([i for i, kind in enumerate(test["kind"]) if kind == "spun"]).shuffle(seed=seed)
        test = test.select(range(min(n, len(test))))
        name = pairs.resolve().relative_to(ROOT) if pairs.resolve().is_relative_to(ROOT) else pairs
        return list(test["spun"]), list(test["original"]), f"{name}: test split, kind=spun, shuffle(seed={seed})"
    rows = spin_test_split(n, seed)
    return (
        [s for s, _ in rows],
        [o for _, o in rows],
        "configs/data.yaml corpora: test-split documents spun (first spin)",
    )


def spin_test_split(n: int, seed: int) -> list[tuple[str, str]]:
    """Spun single sentences of the test-split documents, as build_pairs makes them."""
    from restore import pairs as P
    from restore.corpus import split_of
    from restore.document_pairs import segment_and_spin
    from restore.spinner import Spinner

    config = ROOT / "configs" / "data.yaml"
    cfg, base = P.resolve_config(config)
    spinner = Spinner.from_config(cfg["spinner"] or None, base_dir=base)
    out: list[tuple[str, str]] = []
    for doc in P.iter_documents(cfg, base, None, {}):
        if split_of(doc["doc_id"], cfg["seed"], cfg["splits"]["valid"], cfg["splits"]["test"]) != "test":
            continue
        res = segment_and_spin(doc, cfg, spinner)
        out += [(s, o) for s, o in zip(res["spins"][0], res["sentences"]) if s != o] if res["spins"] else []
        if len(out) >= 4 * n:
            break
    random.Random(seed).shuffle(out)
    return out[:n]


# ----------------------------------------------------------------------------- workers


def peak_rss_mb() -> float:
    """Peak resident memory of this process. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss over an exec, so a worker would report its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def worker_baseline(args, sentences: list[str]) -> dict:
    t0 = time.perf_counter()
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from restore.engines import cpu_cores, output_limit

    torch.set_num_threads(args.threads or cpu_cores())
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model, dtype=torch.float32).eval()
    load_s = time.perf_counter() - t0
    max_out = model.config.max_position_embeddings - 2
    out = [""] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    t0 = time.perf_counter()
    with torch.inference_mode():
        for k in range(0, len(order), args.batch_size):
            idx = order[k : k + args.batch_size]
            enc = tok(
                [sentences[i] for i in idx],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=min(128, model.config.max_position_embeddings - 4),
            )
            max_new = output_limit(enc["input_ids"].shape[1], max_out)
            ids = model.generate(**enc, max_new_tokens=max_new, num_beams=1, do_sample=False)
            for i, text in zip(idx, tok.batch_decode(ids, skip_special_tokens=True)):
                out[i] = text
    seconds = time.perf_counter() - t0
    return {"outputs": out, "seconds": seconds, "load_s": load_s, "threads": torch.get_num_threads()}


def worker_fast(args, sentences: list[str]) -> dict:
    t0 = time.perf_counter()
    from restore.restorer import Restorer

    restorer = Restorer.from_pretrained(args.model, batch_size=args.batch_size, engine=args.engine)
    load_s = time.perf_counter() - t0
    engine = restorer.engine
    t0 = time.perf_counter()
    out = restorer.generate(sentences)
    seconds = time.perf_counter() - t0
    info = {"engine": engine.name}
    if engine.name == "ct2":
        info.update(compute_type=engine.translator.compute_type, threads=engine.threads)
    return {"outputs": out, "seconds": seconds, "load_s": load_s, **info}


def run_worker(kind: str, args, sentences_file: Path, extra: list[str] = ()) -> dict:
    out_file = sentences_file.with_name(f"{kind}.json")
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--sentences",
        str(sentences_file),
        "--out",
        str(out_file),
        "--model",
        str(args.model),
        "--batch-size",
        str(args.batch_size),
        "--engine",
        args.engine,
        *(["--threads", str(args.threads)] if args.threads else []),
        *extra,
    ]
    subprocess.run(cmd, check=True)
    return json.loads(out_file.read_text(encoding="utf-8"))


def yardstick_model(commit: str, dest: Path) -> Path:
    """``models/restore-small`` as committed at ``commit``, unpacked under ``dest``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "models/restore-small"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "models" / "restore-small"


def whole_process(model: Path, sentences: list[str], tmp: Path, engine: str) -> dict:
    """``restore run FILE -o OUT`` in a fresh process (imports, model load, guards and
    writing included; the CTranslate2 conversion cached by a first run on one line):
    seconds, sentences/s and the process's peak RSS."""
    src, one = tmp / "whole.txt", tmp / "one.txt"
    src.write_text("".join(s + "\n" for s in sentences), encoding="utf-8")
    one.write_text(sentences[0] + "\n", encoding="utf-8")
    cmd = [
        sys.executable,
        "-c",
        "from restore.cli import main; raise SystemExit(main())",
        "run",
        "--model",
        str(model),
        "--engine",
        engine,
    ]
    subprocess.run([*cmd, str(one), "-o", str(tmp / "one.out")], check=True, capture_output=True)
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []  # peak RSS, KB, last line
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*timer, *cmd, str(src), "-o", str(tmp / "whole.out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"restore run failed: {err[-500:]}")
    last = err.strip().splitlines()[-1] if err.strip() else ""
    rss = int(last) / 1024 if last.isdigit() else None
    return {
        "what": f"restore run FILE -o OUT --engine {engine}, whole process",
        "seconds": round(seconds, 2),
        "sentences_per_s": round(len(sentences) / seconds, 1),
        "peak_rss_mb": round(rss) if rss is not None else None,
    }


# ----------------------------------------------------------------------------- ceiling


def flops_per_sentence(config: dict, src_tokens: int, tgt_tokens: int) -> float:
    """Floating-point operations (2 per multiply-add) a BART/Marian-style encoder-decoder
    needs for one sentence: ``src_tokens`` input tokens, ``tgt_tokens`` output tokens (EOS
    included), with a key/value cache. Matrix products and attention; norms and
    activations (a few per cent) left out."""
    d, v = config["d_model"], config["vocab_size"]
    enc_ffn, dec_ffn = config["encoder_ffn_dim"], config["decoder_ffn_dim"]
    n_enc, n_dec = config["encoder_layers"], config["decoder_layers"]
    s, t = src_tokens, tgt_tokens
    encoder = n_enc * s * (4 * d * d + 2 * d * enc_ffn + 2 * s * d)  # projections, FFN, attention
    cross_kv = n_dec * s * 2 * d * d  # cross-attention keys/values, once
    decoder = n_dec * t * (4 * d * d + 2 * d * d + 2 * d * dec_ffn + (t + 1) * d + 2 * s * d)
    output_layer = t * d * v
    return 2.0 * (encoder + cross_kv + decoder + output_layer)


def gemm_peak_gflops(config: dict, threads: int) -> float:
    """The best float32 GFLOP/s torch's matrix product reaches here on the model's own
    shapes (rows = a batch of 64 positions or a 512-position block): a practical ceiling."""
    import torch

    torch.set_num_threads(threads)
    d, ffn, v = config["d_model"], config["decoder_ffn_dim"], config["vocab_size"]
    best = 0.0
    for m in (64, 512):
        for k, n in ((d, ffn), (d, 3 * d), (d, v)):
            a, b = torch.randn(m, k), torch.randn(k, n)
            for _ in range(3):
                a @ b
            reps = max(5, int(2e9 / (2 * m * k * n)))
            t0 = time.perf_counter()
            for _ in range(reps):
                a @ b
            best = max(best, 2 * m * k * n * reps / (time.perf_counter() - t0) / 1e9)
    return best


def compute_ceiling(model: Path, sentences: list[str], outputs: list[str], threads: int) -> dict:
    """How fast float32 could go at all: the model's arithmetic per sentence against the
    matrix-product peak of this machine."""
    from restore.engines import Tokens

    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    tokens = Tokens(model)
    src = [len(t) for t, _ in tokens.encode(sentences, 128)]
    tgt = [len(t) for t, _ in tokens.encode(outputs, 254)]
    flops = sum(flops_per_sentence(config, s, t) for s, t in zip(src, tgt)) / len(sentences)
    peak = gemm_peak_gflops(config, threads)
    return {
        "mflop_per_sentence": round(flops / 1e6, 1),
        "mean_input_tokens": round(sum(src) / len(src), 1),
        "mean_output_tokens": round(sum(tgt) / len(tgt), 1),
        "gemm_peak_gflops": round(peak, 1),
        "threads": threads,
        "ceiling_sentences_per_s": round(peak * 1e9 / flops, 1),
    }


# ----------------------------------------------------------------------------- levers


def levers(args, sentences: list[str], originals: list[str]) -> dict:
    """Speed and identity to the baseline of the other options, on a smaller sample; for
    the CTranslate2 options also the edit F0.5 of the raw output against the originals."""
    import ctranslate2
    import torch

    from restore.engines import CT2Engine, Tokens, TorchEngine, cpu_cores, ct2_model_dir, output_limit
    from restore.metrics import spin_edits

    cores = args.threads or cpu_cores()
    results: dict = {"n": len(sentences), "cores": cores}
    torch_engine = TorchEngine.load(args.model, batch_size=32)
    torch.set_num_threads(cores)

    def timed(fn):
        t0 = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - t0

    def f05(out):
        return round(spin_edits(sentences, out, originals)["f0.5"], 4)

    base, base_s = timed(lambda: torch_engine.generate(sentences))
    results["torch_generate_b32"] = {"sent_per_s": len(sentences) / base_s, "identical": 1.0, "f0.5": f05(base)}

    def record(name, out, seconds):
        same = sum(a == b for a, b in zip(out, base)) / len(base)
        results[name] = {"sent_per_s": len(out) / seconds, "identical": same, "f0.5": f05(out)}
        print(
            f"  {name:40s} {len(out) / seconds:7.1f} sent/s  identical {same:.1%}  F0.5 {results[name]['f0.5']}",
            file=sys.stderr,
            flush=True,
        )

    for bs in (16, 64):
        torch_engine.batch_size = bs
        record(f"torch_generate_b{bs}", *timed(lambda: torch_engine.generate(sentences)))
    torch_engine.batch_size = 32

    # input-guided decoding: the input as draft (prompt lookup), batch size 1 in HF
    few = sentences[: min(len(sentences), 60)]
    tok, model = torch_engine.tokenizer, torch_engine.model

    def lookup(sents, n_draft):
        outs = []
        with torch.inference_mode():
            for s in sents:
                enc = tok([s], return_tensors="pt", truncation=True, max_length=128)
                max_new = output_limit(enc["input_ids"].shape[1], torch_engine.max_output_tokens)
                ids = model.generate(**enc, max_new_tokens=max_new, do_sample=False, prompt_lookup_num_tokens=n_draft)
                outs.append(tok.decode(ids[0], skip_special_tokens=True))
        return outs

    few_base = base[: len(few)]
    for name, fn in [
        ("torch_b1_plain", lambda: [torch_engine.generate([s])[0] for s in few]),
        ("torch_b1_prompt_lookup10", lambda: lookup(few, 10)),
    ]:
        try:
            out, seconds = timed(fn)
        except Exception as e:  # not supported for this model type / version
            results[name] = {"error": f"{type(e).__name__}: {str(e)[:200]}"}
            print(f"  {name}: {results[name]['error']}", file=sys.stderr)
            continue
        same = sum(a == b for a, b in zip(out, few_base)) / len(few)
        results[name] = {"sent_per_s": len(few) / seconds, "identical": same, "n": len(few)}
        print(f"  {name:40s} {len(few) / seconds:7.1f} sent/s  identical {same:.1%} (n={len(few)})", file=sys.stderr)

    # CTranslate2: compute type, sentences decoded together, batches at once x threads each
    tokens = Tokens(args.model)
    for compute_type in ("float32", "int8_float32", "int8"):
        ct2_dir = ct2_model_dir(args.model, compute_type)
        settings = (
            [(64, cores, 1), (64, 1, cores), (32, cores, 1), (128, cores, 1), (256, cores, 1)]
            if compute_type == "float32"
            else [(64, cores, 1)]
        )
        for bs, inter, intra in settings:
            translator = ctranslate2.Translator(
                str(ct2_dir), compute_type=compute_type, inter_threads=inter, intra_threads=intra
            )
            engine = CT2Engine(
                translator,
                tokens,
                max_input_tokens=torch_engine.max_input_tokens,
                max_output_tokens=torch_engine.max_output_tokens,
                decode_batch_size=bs,
            )
            engine.generate(sentences[:8])
            record(
                f"ct2_{compute_type}_b{bs}_inter{inter}_intra{intra}", *timed(lambda e=engine: e.generate(sentences))
            )
    results["int8_gate"] = int8_gate(args, sentences)
    return results


def int8_gate(args, sentences: list[str]) -> dict:
    """Could int8 decode first and float32 redo only the sentences int8 was unsure of?
    For each gate (the lowest probability int8 gave any token of the sentence): the share
    int8 keeps, and the share of all outputs then identical to float32. Also: how often
    the restored text (edits at the model's recommended thresholds) differs between the two."""
    import math

    from restore.engines import CT2Engine
    from restore.restorer import Restorer
    from restore.spec import model_settings

    f32, i8 = CT2Engine.load(args.model), CT2Engine.load(args.model, compute_type="int8")
    out32, out8 = f32.generate(sentences), i8.generate(sentences)
    lowest = [math.exp(min(scores)) if (scores := i8.decode_scores.of(s)) else 0.0 for s in sentences]
    n, gates = len(sentences), {}
    for gate in (0.3, 0.5, 0.6, 0.7, 0.9):
        kept = [i for i in range(n) if lowest[i] >= gate]
        differ = sum(out8[i] != out32[i] for i in kept)
        gates[str(gate)] = {"kept_by_int8": round(len(kept) / n, 3), "identical": round(1 - differ / n, 4)}
        print(f"  int8 gate {gate}: int8 keeps {len(kept) / n:.1%}, identical {1 - differ / n:.2%}", file=sys.stderr)
    settings = model_settings(args.model)  # the model's recommended thresholds
    gate = (settings.get("min_confidence", 0.0), settings.get("lone_edit_confidence", 0.0))
    restored32, restored8 = Restorer(f32, *gate).restore(sentences), Restorer(i8, *gate).restore(sentences)
    same = sum(a == b for a, b in zip(restored32, restored8)) / n
    print(f"  int8 vs float32 restored text (thresholds {gate}): identical {same:.2%}", file=sys.stderr)
    return {
        "gates": gates,
        "raw_identical": round(sum(a == b for a, b in zip(out8, out32)) / n, 4),
        "restored_identical": round(same, 4),
        "thresholds": gate,
    }


# ----------------------------------------------------------------------------- main


def whole(args, sentences: list[str]) -> dict:
    """Issue 16's measurement, every system on the same sentences in one run, one after the
    other in fresh processes."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sentences_file = tmp / "sentences.json"
        sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        yard = yardstick_model(args.yardstick, tmp)
        print(f"yardstick: model.generate on {args.yardstick}'s model ...", file=sys.stderr, flush=True)
        yardstick = run_worker("baseline", argparse.Namespace(**{**vars(args), "model": yard}), sentences_file)
        print("model.generate on --model ...", file=sys.stderr, flush=True)
        base = run_worker("baseline", args, sentences_file)
        print("fast path on --model ...", file=sys.stderr, flush=True)
        fast = run_worker("fast", args, sentences_file)
        print("restore run on --model, whole process ...", file=sys.stderr, flush=True)
        run = whole_process(args.model, sentences, tmp, args.engine)
    n = len(sentences)
    y_sps = n / yardstick["seconds"]
    identical = sum(a == b for a, b in zip(base["outputs"], fast["outputs"])) / n
    figures = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": len(os.sched_getaffinity(0)),
        "loadavg_1min_before": round(load_before[0], 2),
        "loadavg_1min_after": round(os.getloadavg()[0], 2),
        "model": str(args.model),
        "yardstick": {
            "what": f"HF model.generate greedy fp32 batch {args.batch_size}, models/restore-small at {args.yardstick}",
            "sentences_per_s": round(y_sps, 1),
            "peak_rss_mb": round(yardstick["peak_rss_mb"]),
            "load_s": round(yardstick["load_s"], 2),
        },
        "generate": {
            "sentences_per_s": round(n / base["seconds"], 1),
            "peak_rss_mb": round(base["peak_rss_mb"]),
            "load_s": round(base["load_s"], 2),
        },
        "fast_path": {
            "sentences_per_s": round(n / fast["seconds"], 1),
            "peak_rss_mb": round(fast["peak_rss_mb"]),
            "load_s": round(fast["load_s"], 2),
            "identical_to_generate": round(identical, 4),
            **{k: fast[k] for k in ("engine", "compute_type", "threads") if k in fast},
        },
        "restore_run": {**run, "ratio_to_yardstick": round(run["sentences_per_s"] / y_sps, 2)},
    }
    figures["targets"] = {
        **WHOLE_TARGETS,
        "met": {
            "ratio_to_yardstick": figures["restore_run"]["ratio_to_yardstick"] >= WHOLE_TARGETS["ratio_to_yardstick"],
            "sentences_per_s": run["sentences_per_s"] >= WHOLE_TARGETS["sentences_per_s"],
            "identical": identical >= TARGETS["identical"],
            "peak_rss_mb": run["peak_rss_mb"] is not None and run["peak_rss_mb"] <= WHOLE_TARGETS["peak_rss_mb"],
        },
    }
    for name in ("yardstick", "generate", "fast_path", "restore_run"):
        f = figures[name]
        print(f"{name:12s} {f['sentences_per_s']:7.1f} sent/s  peak RSS {f['peak_rss_mb']} MB")
    print(
        f"restore run / yardstick: {figures['restore_run']['ratio_to_yardstick']:.2f}x   "
        f"fast path identical to generate: {identical:.2%}"
    )
    return figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--pairs", type=Path, default=ROOT / "data" / "pairs")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--engine", default="auto", choices=["auto", "ct2", "ct2-int8", "torch"])
    ap.add_argument(
        "--threads",
        type=int,
        help="baseline and --levers: CPU threads (default: the cores available; the fast path always uses those)",
    )
    ap.add_argument("--json", type=Path, default=ROOT / "eval" / "results" / "bench.json")
    ap.add_argument("--levers", action="store_true", help="measure the other levers instead (smaller --n)")
    ap.add_argument("--int8-gate", action="store_true", help="only the int8 gate and identity figures of --levers")
    ap.add_argument(
        "--whole",
        action="store_true",
        help="issue 16's figures instead: restore run on --n sentences (whole process) against "
        f"plain generate on the model shipped at {YARDSTICK_COMMIT} (the yardstick) and on --model",
    )
    ap.add_argument("--yardstick", default=YARDSTICK_COMMIT, help="commit whose models/restore-small is the yardstick")
    ap.add_argument("--worker", choices=["baseline", "fast"], help=argparse.SUPPRESS)
    ap.add_argument("--sentences", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        sentences = json.loads(args.sentences.read_text(encoding="utf-8"))
        result = (worker_baseline if args.worker == "baseline" else worker_fast)(args, sentences)
        result["peak_rss_mb"] = peak_rss_mb()
        args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0

    sentences, originals, source = bench_sentences(args.n, args.pairs)
    print(
        f"{len(sentences)} sentences ({source}), mean {sum(map(len, sentences)) / len(sentences):.0f} chars",
        file=sys.stderr,
    )
    if args.int8_gate:
        result = {"sentences": source, "n": len(sentences), **int8_gate(args, sentences)}
        dest = args.json.with_name(args.json.stem + "_int8.json")
        dest.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"written to {dest}", file=sys.stderr)
        return 0
    if args.whole:
        result = {"sentences": {"n": len(sentences), "source": source}, **whole(args, sentences)}
        dest = args.json.with_name(args.json.stem + "_whole.json")
        dest.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"written to {dest}", file=sys.stderr)
        return 0
    if args.levers:
        result = {"sentences": source, **levers(args, sentences, originals)}
        dest = args.json.with_name(args.json.stem + "_levers.json")
        dest.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"written to {dest}", file=sys.stderr)
        return 0

    from restore.engines import CT2_COMPUTE_TYPE, ct2_model_dir

    conversion_s = None
    if args.engine != "torch":
        compute_type = "int8" if args.engine == "ct2-int8" else CT2_COMPUTE_TYPE
        with tempfile.TemporaryDirectory() as tmp:  # a first-use conversion, timed apart
            t0 = time.perf_counter()
            ct2_model_dir(args.model, compute_type, cache_dir=tmp)
            conversion_s = time.perf_counter() - t0
        ct2_model_dir(args.model, compute_type)  # the cache the fast path loads from
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        sentences_file = Path(tmp) / "sentences.json"
        sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        print("baseline: model.generate ...", file=sys.stderr, flush=True)
        base = run_worker("baseline", args, sentences_file)
        print("fast path ...", file=sys.stderr, flush=True)
        fast = run_worker("fast", args, sentences_file)
    load_after = os.getloadavg()
    from restore.engines import cpu_cores

    ceiling = compute_ceiling(args.model, sentences, base["outputs"], args.threads or cpu_cores())
    n = len(sentences)
    identical = sum(a == b for a, b in zip(base["outputs"], fast["outputs"])) / n
    b_sps, f_sps = n / base["seconds"], n / fast["seconds"]
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": len(os.sched_getaffinity(0)),
            "loadavg_1min_before": round(load_before[0], 2),
            "loadavg_1min_after": round(load_after[0], 2),
        },
        "model": str(args.model.resolve().relative_to(ROOT))
        if args.model.resolve().is_relative_to(ROOT)
        else str(args.model),
        "sentences": {"n": n, "source": source, "mean_chars": round(sum(map(len, sentences)) / n, 1)},
        "baseline": {
            "what": f"HF model.generate greedy fp32 batch {args.batch_size}",
            "sentences_per_s": round(b_sps, 2),
            "seconds": round(base["seconds"], 2),
            "peak_rss_mb": round(base["peak_rss_mb"]),
            "load_s": round(base["load_s"], 2),
            "threads": base["threads"],
        },
        "fast": {
            "what": f"Restorer.from_pretrained(engine={args.engine!r}).generate",
            **{k: fast[k] for k in ("engine", "compute_type", "threads") if k in fast},
            "sentences_per_s": round(f_sps, 2),
            "seconds": round(fast["seconds"], 2),
            "peak_rss_mb": round(fast["peak_rss_mb"]),
            "load_s": round(fast["load_s"], 2),
            "first_use_conversion_s": round(conversion_s, 2) if conversion_s is not None else None,
        },
        "ratio": round(f_sps / b_sps, 2),
        "float32_ceiling": {
            **ceiling,
            "ratio": round(ceiling["ceiling_sentences_per_s"] / b_sps, 2),
            "fast_path_share": round(f_sps / ceiling["ceiling_sentences_per_s"], 3),
        },
        "identical_share": round(identical, 4),
        "differing_examples": [
            {"input": s, "baseline": a, "fast": b}
            for s, a, b in zip(sentences, base["outputs"], fast["outputs"])
            if a != b
        ][:5],
    }
    result["targets"] = {
        **TARGETS,
        "met": {
            "ratio": result["ratio"] >= TARGETS["ratio"],
            "identical": identical >= TARGETS["identical"],
            "peak_rss_mb": fast["peak_rss_mb"] <= TARGETS["peak_rss_mb"],
            "load_s": fast["load_s"] <= TARGETS["load_s"],
        },
    }
    print(f"baseline  {b_sps:7.1f} sent/s  load {base['load_s']:.2f} s  peak RSS {base['peak_rss_mb']:.0f} MB")
    print(
        f"fast      {f_sps:7.1f} sent/s  load {fast['load_s']:.2f} s  peak RSS {fast['peak_rss_mb']:.0f} MB"
        f"  ({fast.get('engine')}, {fast.get('compute_type', '')})"
    )
    print(
        f"ratio {f_sps / b_sps:.2f}x   identical output {identical:.2%} of {n}   "
        f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}"
    )
    c = result["float32_ceiling"]
    print(
        f"float32 ceiling {c['ceiling_sentences_per_s']:.0f} sent/s = {c['ratio']:.2f}x the baseline "
        f"({c['mflop_per_sentence']:.0f} MFLOP a sentence at the {c['gemm_peak_gflops']:.0f} GFLOP/s "
        f"matrix-product peak of {c['threads']} threads); the fast path runs at {c['fast_path_share']:.0%} of it"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
