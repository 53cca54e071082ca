"""Train a seq2seq restorer from a YAML config with the Hugging Face ``Seq2SeqTrainer``.

    restore train configs/small.yaml [--set training.max_steps=2000 ...]
                  [--init-from models/restore-small] [--resume]

The same command runs under ``torchrun`` / ``accelerate launch`` on many GPUs (the
Trainer handles distribution). A config names:

- ``data``: ``pairs`` (a folder built by ``restore pairs``) or ``build`` (a data
  config to build pairs from, into ``OUTPUT/pairs``), and caps on pair counts;
- ``tokenizer``: vocabulary size for a new SentencePiece model (ignored with
  ``--init-from``, which keeps that model's tokenizer);
- ``model``: a BART-style encoder-decoder (learned absolute positions: decoder position
  i finds source position i directly, which makes copying easy to learn from scratch);
- ``training``: steps, batch, learning rate and schedule, evaluation cadence, bf16;
- ``output_dir``: where checkpoints, the best model and ``train_report.json`` go.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import os
import sys
import time
from pathlib import Path

from . import known_words
from .config import ConfigError, ModelArgs, TrainConfig, load_train_config
from .training_data import tokenized, training_pairs, training_tokenizer, valid_sets

logger = logging.getLogger(__name__)

__all__ = ["train", "build_model", "save_model", "set_generation_defaults", "load_train_config", "ConfigError"]

# ----------------------------------------------------------------------------- pieces


def build_model(model_cfg: ModelArgs, tokenizer):
    """A BART-style encoder-decoder sized by ``model_cfg``, ids from ``tokenizer``."""
    from transformers import BartConfig, BartForConditionalGeneration

    if model_cfg.arch != "bart":
        raise ConfigError(f"model.arch {model_cfg.arch!r} not supported (bart)")
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=model_cfg.d_model,
        encoder_layers=model_cfg.encoder_layers,
        decoder_layers=model_cfg.decoder_layers,
        encoder_attention_heads=model_cfg.heads,
        decoder_attention_heads=model_cfg.heads,
        encoder_ffn_dim=model_cfg.ffn_dim,
        decoder_ffn_dim=model_cfg.ffn_dim,
        dropout=model_cfg.dropout,
        attention_dropout=0.0,
        activation_dropout=0.0,
        max_position_embeddings=model_cfg.max_positions,
        scale_embedding=True,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.pad_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        forced_eos_token_id=None,
        tie_word_embeddings=True,
    )
    return BartForConditionalGeneration(config)


def model_args_of(config) -> dict:
    """The ``model:`` section (:class:`ModelArgs`) describing a loaded BART config."""
    return {
        "arch": config.model_type,
        "d_model": config.d_model,
        "encoder_layers": config.encoder_layers,
        "decoder_layers": config.decoder_layers,
        "heads": config.encoder_attention_heads,
        "ffn_dim": config.encoder_ffn_dim,
        "dropout": config.dropout,
        "max_positions": config.max_position_embeddings,
    }


def set_generation_defaults(model, tokenizer, max_length: int, num_beams: int = 1) -> None:
    gen = model.generation_config
    for cfg in (model.config, gen):
        cfg.pad_token_id = tokenizer.pad_token_id
        cfg.eos_token_id = tokenizer.eos_token_id
        cfg.decoder_start_token_id = tokenizer.pad_token_id
        cfg.bos_token_id = tokenizer.pad_token_id
    gen.forced_bos_token_id = None
    gen.forced_eos_token_id = None
    gen.max_length = None
    gen.max_new_tokens = max_length
    gen.num_beams = num_beams
    gen.do_sample = False
    gen.early_stopping = num_beams > 1
    gen.no_repeat_ngram_size = 0


def metrics_from_predictions(tokenizer):
    """``compute_metrics`` for the Trainer: edit P/R/F0.5 and exact match of generated
    outputs, with the spun input and the reference decoded from the same prediction rows
    (``include_for_metrics=["inputs"]``), so the scores hold whatever order the eval
    sampler used (transformers 5 groups eval batches by length too)."""
    from .metrics import score

    def decode(rows) -> list[str]:
        rows = rows[0] if isinstance(rows, tuple) else rows
        return tokenizer.batch_decode([[t for t in row if t >= 0] for row in rows.tolist()], skip_special_tokens=True)

    def compute_metrics(pred) -> dict:
        outputs, originals, spun = decode(pred.predictions), decode(pred.label_ids), decode(pred.inputs)
        return {
            k: v
            for k, v in score(spun, outputs, originals, interval=False).items()
            if k in ("precision", "recall", "f0.5", "exact_match")
        }

    return compute_metrics


# ----------------------------------------------------------------------------- train


def train(cfg: TrainConfig, init_from: str | Path | None = None, resume: bool = False) -> dict:
    """Run training; returns the report also written to ``OUTPUT/train_report.json``."""
    import torch
    from transformers import (
        AutoModelForSeq2SeqLM,
        DataCollatorForSeq2Seq,
        Seq2SeqTrainer,
        Seq2SeqTrainingArguments,
        TrainerCallback,
    )

    t_start = time.time()
    tcfg = cfg.training
    out_dir = Path(cfg.output_dir)  # relative to the current folder, like any Trainer
    out_dir.mkdir(parents=True, exist_ok=True)
    init_from = Path(init_from) if init_from else None
    if init_from is not None and not (init_from / "config.json").is_file():
        raise ConfigError(f"--init-from: {init_from} is not a model folder (no config.json)")
    checkpoint: str | None = None
    run_info = out_dir / "run_info.json"
    if resume:
        checkpoint = _last_checkpoint(out_dir)
        # the run goes on from its checkpoint: that architecture and tokenizer (a run begun
        # with --init-from is not the config's model), the words of the model it began from
        first = json.loads(run_info.read_text()) if run_info.is_file() else {}
        init_from = init_from or (Path(first["init_from"]) if first.get("init_from") else None)
        start_from = Path(checkpoint) if first.get("init_from") or init_from else None
    else:
        start_from = init_from
        run_info.write_text(json.dumps({"init_from": str(init_from) if init_from else None}) + "\n")

    pairs = training_pairs(cfg, out_dir)
    tokenizer = training_tokenizer(cfg, pairs, out_dir, start_from)
    max_len = cfg.data.max_length
    train_ds = tokenized(
        pairs["train"], tokenizer, max_len, None if cfg.data.mix else cfg.data.max_train_pairs, tcfg.seed
    )
    valid_raw, valid_ds = valid_sets(pairs["valid"], tokenizer, max_len, cfg.data.max_valid_pairs)
    gen_n = min(len(valid_raw), tcfg.eval_generate)

    if start_from is not None:
        model = AutoModelForSeq2SeqLM.from_pretrained(start_from, dtype=torch.float32)
        loaded = model_args_of(model.config)
        ignored = {k: v for k, v in dataclasses.asdict(cfg.model).items() if loaded.get(k) != v}
        if ignored:
            logger.warning(
                "restore train: --init-from %s: training its architecture (%s+%s layers, d_model %s); "
                "the config's model settings %s are not used",
                init_from,
                loaded["encoder_layers"],
                loaded["decoder_layers"],
                loaded["d_model"],
                ignored,
            )
    else:
        model = build_model(cfg.model, tokenizer)
    set_generation_defaults(model, tokenizer, max_len, tcfg.num_beams)
    n_params = sum(p.numel() for p in model.parameters())

    cuda = torch.cuda.is_available()
    bf16 = tcfg.bf16
    if bf16 == "auto":
        # on CUDA when supported; never on CPU, where bf16 autocast measured 28x slower than
        # fp32 for this model (40 s vs 1.4 s a step on 2 cores, torch 2.13)
        bf16 = cuda and torch.cuda.is_bf16_supported()
    args = Seq2SeqTrainingArguments(
        output_dir=str(out_dir / "checkpoints"),
        max_steps=tcfg.max_steps,
        per_device_train_batch_size=tcfg.batch_size,
        per_device_eval_batch_size=64,
        learning_rate=tcfg.learning_rate,
        lr_scheduler_type=tcfg.scheduler,
        warmup_steps=tcfg.warmup_steps,
        weight_decay=tcfg.weight_decay,
        label_smoothing_factor=tcfg.label_smoothing,
        eval_strategy="steps",
        eval_steps=tcfg.eval_steps,
        save_strategy="steps",
        save_steps=tcfg.eval_steps,
        save_total_limit=tcfg.save_total_limit,
        # the checkpoint kept: lowest loss over every valid row, or (select_by f0.5) highest F0.5
        # of the generated rows; 200 rows are too few to rank close checkpoints by F0.5
        load_best_model_at_end=True,
        metric_for_best_model="loss" if tcfg.select_by == "loss" else "select",
        greater_is_better=tcfg.select_by != "loss",
        logging_steps=tcfg.logging_steps,
        logging_first_step=True,
        predict_with_generate=True,
        include_for_metrics=["inputs"],
        bf16=bool(bf16),
        use_cpu=not cuda,
        train_sampling_strategy="group_by_length",
        include_num_input_tokens_seen="non_padding",
        dataloader_num_workers=0,
        report_to="none",
        seed=tcfg.seed,
        disable_tqdm=not bool(os.environ.get("RESTORE_PROGRESS", "1") == "1"),
    )
    if not cuda and "OMP_NUM_THREADS" not in os.environ:  # a set OMP_NUM_THREADS is respected
        torch.set_num_threads(max(1, os.cpu_count() or 1))

    compute_metrics = metrics_from_predictions(tokenizer)

    class Clock(TrainerCallback):
        """Stops training at ``max_minutes`` (saving and evaluating first)."""

        def on_step_end(self, args_, state, control, **kw):
            if tcfg.max_minutes and time.time() - t_start > 60 * tcfg.max_minutes:
                control.should_training_stop = True
                control.should_evaluate = control.should_save = True

    class GenerateSubset(Seq2SeqTrainer):
        """Evaluation: loss on the whole valid set, F0.5 from generating its first
        ``eval_generate`` pairs (generation is the slow part)."""

        def log(self, logs, *a, **kw):
            logs["elapsed_s"] = round(time.time() - t_start, 1)  # for the learning curve
            super().log(logs, *a, **kw)

        def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix="eval", **kw):
            metrics_fn, self.compute_metrics = self.compute_metrics, None
            self.args.predict_with_generate = False
            try:
                loss = super().evaluate(eval_dataset, ignore_keys, metric_key_prefix)
            finally:
                self.compute_metrics, self.args.predict_with_generate = metrics_fn, True
            gen = super().evaluate(valid_ds.select(range(gen_n)), ignore_keys, metric_key_prefix, **kw)
            full_loss = loss[f"{metric_key_prefix}_loss"]
            # checkpoint selection: F0.5 first; while it is still 0 early in a run, lower loss
            score = gen.get(f"{metric_key_prefix}_f0.5", 0.0) - 0.01 * full_loss
            return {**gen, f"{metric_key_prefix}_loss": full_loss, f"{metric_key_prefix}_select": score}

    trainer = GenerateSubset(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=valid_ds,
        data_collator=DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100),
        processing_class=tokenizer,
        compute_metrics=compute_metrics,
        callbacks=[Clock()],
    )
    result = trainer.train(resume_from_checkpoint=checkpoint)
    final = trainer.evaluate()

    save_model(trainer.model, tokenizer, out_dir / "model", tcfg.dtype_saved)
    # the words of the training targets (and of the model fine-tuned from): what the
    # restorer may write besides its input's words (restore.known_words)
    known_words.save(
        out_dir / "model",
        known_words.collect(pairs["train"]["original"], (known_words.load(init_from) or ()) if init_from else ()),
    )
    # a model never leaves without thresholds: chosen on the run's valid pairs by the rule
    # restore.thresholds documents (each pair its own document)
    thresholds = (
        _choose_thresholds(out_dir / "model", valid_raw, tcfg.threshold_pairs) if tcfg.threshold_pairs else None
    )
    train_tokens = trainer.state.num_input_tokens_seen
    wall = time.time() - t_start
    config = cfg.to_dict()
    if start_from is not None:  # the architecture trained is the loaded model's, not the YAML's
        config["model"] = loaded
    report = {
        "config": config,
        "init_from": str(init_from) if init_from else None,
        "parameters": n_params,
        "steps": trainer.state.global_step,
        "wall_seconds": round(wall, 1),
        "train_seconds": round(result.metrics.get("train_runtime", wall), 1),
        "input_tokens_seen": train_tokens,
        "tokens_per_second": round(train_tokens / max(1e-9, result.metrics.get("train_runtime", wall)), 1),
        "bf16": bool(bf16),
        "device": "cuda" if cuda else f"cpu x{torch.get_num_threads()}",
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "final_eval": final,
        "thresholds": thresholds,
        "curve": [e for e in trainer.state.log_history],
        "train_pairs": len(train_ds),
        "valid_pairs": len(valid_ds),
    }
    (out_dir / "train_report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def _last_checkpoint(out_dir: Path) -> str:
    ckpts = sorted((out_dir / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    if not ckpts:
        raise ConfigError(f"--resume: no checkpoint in {out_dir / 'checkpoints'}")
    return str(ckpts[-1])


def _choose_thresholds(model_dir: Path, valid, n: int) -> dict:
    """Thresholds for the trained model from ``n`` of its valid pairs, written to its
    ``restore_config.json`` (:mod:`restore.thresholds`)."""
    from .restorer import Restorer
    from .thresholds import choose_thresholds, write_choice

    rows = valid.select(range(min(n, len(valid))))
    spun, originals = list(rows["spun"]), list(rows["original"])
    restorer = Restorer.from_pretrained(model_dir, min_confidence=0.0, lone_edit_confidence=0.0, min_spun_score=0.0)
    best = choose_thresholds(restorer, spun, originals, list(range(len(spun))))["best"]
    write_choice(model_dir, best, f"{len(spun)} valid pairs of the training run, each its own document", 0.02)
    # the command's report of what it wrote (restore train's output, not a diagnostic)
    print(
        f"restore train: thresholds min_confidence {best['min_confidence']}, lone_edit_confidence "
        f"{best['lone_edit_confidence']}, min_spun_score {best['min_spun_score']}, document_evidence "
        f"{best['document_evidence']} (valid F0.5 {best['f0.5']:.3f}, clean harm {best['clean_harm']:.1%}) "
        f"written to {model_dir / 'restore_config.json'}",
        file=sys.stderr,
    )
    return best


def save_model(model, tokenizer, path: Path, dtype: str = "float16") -> None:
    """``save_pretrained`` folder: safetensors weights in ``dtype`` (fp16/bf16 keeps the
    repo small), config marked float32 so ``from_pretrained`` loads fp32 on CPU."""
    import torch

    path.mkdir(parents=True, exist_ok=True)
    to_save = copy.deepcopy(model).to(getattr(torch, dtype))
    to_save.save_pretrained(path)
    config_path = path / "config.json"
    config = json.loads(config_path.read_text())
    config["dtype"] = "float32"
    config.pop("torch_dtype", None)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    # evaluation with generate leaves transformers' default max_length (20) in the generation
    # config, where max_new_tokens is the limit: only a warning on every generate for users
    gen_path = path / "generation_config.json"
    if gen_path.is_file():
        gen = json.loads(gen_path.read_text())
        if gen.get("max_new_tokens") is not None and gen.pop("max_length", None) is not None:
            gen_path.write_text(json.dumps(gen, indent=2) + "\n")
    # training left truncation at max_length switched on in the fast tokenizer; saved so, it
    # would cut every longer input of the model's users short
    tokenizer = copy.deepcopy(tokenizer)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        backend.no_truncation()
        backend.no_padding()
    tokenizer.save_pretrained(path)
