"""The ``restore`` command line.

    restore spin FILE|-  [--seed N] [--rate R] [--spinner-config YAML] [--set key=value ...] [-o OUT]
    restore pairs --config configs/data.yaml -o data/pairs [--set key=value ...] [--limit-docs N] [--num-proc N]
    restore train CONFIG.yaml [--set key=value ...] [--init-from MODEL_DIR] [--resume]
    restore run FILE|DIR|- ... [-o OUT] [--recursive] [--field F] [--model DIR] [--show-edits] ...
    restore score FILE|- ... [--lines] [--field F] [--json] [--model DIR]
    restore eval --data PAIRS.jsonl | --suite configs/eval.yaml [--model DIR] [-o DIR] [--limit N]
    restore thresholds MODEL --pairs PAIRS.jsonl [--max-clean-harm 0.02] [--write]

Each ``cmd_*`` checks its flags, builds what it runs (a :class:`restore.spec.RestorerSpec`
for the commands that restore), runs it and reports. The flags are declared in
:mod:`restore.options`; the work of ``run``, ``score``, ``eval`` and ``spin`` is in
:mod:`restore.commands`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .commands import UserError, check_device, language_notice, named_inputs, read_config, restorer_spec
from .options import build_parser

__all__ = ["main", "UserError"]


def cmd_pairs(args: argparse.Namespace) -> int:
    """Build (spun, original) training pairs from a data config."""
    from .pairs import build_pairs

    config = read_config(args.config, args.set)
    try:
        stats = build_pairs(
            config,
            args.output,
            base_dir=Path(args.config).resolve().parent,
            limit_docs=args.limit_docs,
            num_proc=args.num_proc,
        )
    except (FileNotFoundError, ValueError) as e:
        raise UserError(str(e)) from None
    splits = stats.get("pairs", {})
    print(
        f"wrote pairs to {args.output}: "
        + ", ".join(f"{name} {sum(v.values()) if isinstance(v, dict) else v:,}" for name, v in splits.items()),
        file=sys.stderr,
    )
    return 0


def cmd_spin(args: argparse.Namespace) -> int:
    """Spin a text file (each line kept) like an article spinner would."""
    from .commands.spin import read_text, spinner_from_flags

    spinner = spinner_from_flags(args.spinner_config, args.set, args.rate)
    text = read_text(args.file)
    # one document: every line is spun (with one rate), and line breaks are kept exactly
    spun = "\n".join(spinner.spin_document(text.split("\n"), seed=args.seed))
    if args.output:
        Path(args.output).write_text(spun, encoding="utf-8")
    elif sys.stdout is None:
        raise UserError("stdout is closed: give -o FILE for the output")
    else:
        sys.stdout.write(spun)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train or fine-tune a restorer from a YAML config (restore.training)."""
    from .config import ConfigError, load_train_config
    from .training import train

    try:
        cfg = load_train_config(args.config, args.set or [])
        report = train(cfg, init_from=args.init_from, resume=args.resume)
    except (ConfigError, FileNotFoundError) as e:
        raise UserError(str(e)) from None
    final = report["final_eval"]
    print(
        f"trained {report['steps']} steps in {report['wall_seconds'] / 60:.1f} min "
        f"({report['tokens_per_second']:.0f} tokens/s); valid F0.5 {final.get('eval_f0.5', float('nan')):.3f}, "
        f"loss {final.get('eval_loss', float('nan')):.3f}; model in {cfg.output_dir}/model",
        file=sys.stderr,
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Restore files, folders or stdin (:mod:`restore.commands.run`, :mod:`restore.batch`)."""
    from .batch import made_by
    from .commands import run as runner

    runner.check_flags(args)
    device = check_device(args.device)
    args.inputs = named_inputs(args.inputs)
    plan = runner.plan_from_flags(args)
    if not plan.jobs:
        if not args.quiet:
            print("restore run: nothing to do (no files matched)", file=sys.stderr)
        return 1 if plan.walk.unreadable else 0
    runner.check_backend_flags(args)
    if not args.quiet:
        language_notice(plan.jobs, args.field or "text", "run")
    spec = restorer_spec(args, device)
    backend, engine_class = runner.load(spec, args)
    opts = runner.options(args, plan, made_by(spec, engine_class))
    summary = runner.restore_all(
        backend, spec, plan, opts, show_bar=not args.quiet and (args.progress or sys.stderr.isatty())
    )
    return runner.TERMINATED if summary is None else runner.report(summary, plan, args.quiet)


def cmd_score(args: argparse.Namespace) -> int:
    """How spun each document looks (:mod:`restore.commands.score`)."""
    from .commands.score import collect, score_jobs
    from .restorer import ModelNotFound, Restorer

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    device = check_device(args.device)
    jobs = collect(named_inputs(args.inputs), args.recursive, args.field)
    if not jobs:
        if not args.quiet:
            print("restore score: nothing to do (no files matched)", file=sys.stderr)
        return 0
    if not args.quiet:
        language_notice(jobs, args.field or "text", "score")
    try:  # the score counts every proposed edit: the thresholds do not matter (0: no warning about them)
        spec = restorer_spec(args, device, every_edit=True)
        restorer = Restorer.from_spec(spec)
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    return score_jobs(
        restorer,
        jobs,
        field=args.field or "text",
        lines=args.lines,
        as_json=args.json,
        show_bar=not args.quiet and (args.progress or sys.stderr.isatty()),
    )


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the model and the copy and lexicon baselines (see :mod:`restore.evaluation`)."""
    from .commands import evaluate
    from .evaluation import DataError
    from .evaluation.run import headline
    from .restorer import ModelNotFound, Restorer

    evaluate.check_flags(args)
    try:  # a bad suite or data file fails before the model loads
        data = evaluate.read_data(args)
        spec = restorer_spec(args)  # the thresholds given, or the model's recommended ones
        restorer = Restorer.from_spec(spec)
    except (DataError, ModelNotFound) as e:
        raise UserError(str(e)) from None
    out = evaluate.output_dir(args)
    rows = evaluate.evaluate(data, restorer, spec, out, args, progress=args.progress or sys.stderr.isatty())
    for set_name, by_system in rows.items():
        print(headline(set_name, by_system))
    print(f"report: {out / 'report.md'}", file=sys.stderr)
    return 0


def cmd_known_words(args: argparse.Namespace) -> int:
    """Write a model folder's list of known words from the training pairs (restore.known_words)."""
    from .training_data import write_known_words

    if not (Path(args.model) / "config.json").is_file():
        raise UserError(f"{args.model} is not a model folder (no config.json)")
    if not Path(args.pairs).is_dir():
        raise UserError(f"--pairs: no pairs folder at {args.pairs}")
    path, n_words, n_pairs = write_known_words(args.model, args.pairs)
    print(f"{n_words:,} words from {n_pairs:,} training pairs -> {path}", file=sys.stderr)
    return 0


def cmd_thresholds(args: argparse.Namespace) -> int:
    """Choose a model's thresholds on pairs (restore.thresholds) and report (or write) them."""
    import json

    from .restorer import ModelNotFound, Restorer
    from .spec import RestorerSpec
    from .thresholds import EVIDENCE, choose_thresholds, read_pair_documents, write_choice

    if not 0 <= args.max_clean_harm <= 1:
        raise UserError("--max-clean-harm must be between 0 and 1")
    try:
        spun, originals, docs = read_pair_documents(args.pairs, args.holdout_share)
        spec = RestorerSpec.build(args.model, min_confidence=0.0, lone_edit_confidence=0.0, min_spun_score=0.0)
        restorer = Restorer.from_spec(spec)
    except (OSError, ValueError, ModelNotFound) as e:
        raise UserError(str(e)) from None
    if not spun:
        raise UserError(f"{args.pairs}: no pairs to choose thresholds on")
    evidence = EVIDENCE[args.document_evidence]
    best = choose_thresholds(restorer, spun, originals, docs, None, evidence, args.max_clean_harm)["best"]
    print(json.dumps(best))
    print(
        f"chosen on {len(spun)} pairs ({len(set(docs))} documents): min_confidence {best['min_confidence']}, "
        f"lone_edit_confidence {best['lone_edit_confidence']}, min_spun_score {best['min_spun_score']}, "
        f"document_evidence {best['document_evidence']}: F0.5 {best['f0.5']:.3f}, clean harm "
        f"{best['clean_harm']:.1%}",
        file=sys.stderr,
    )
    if args.write:
        path = write_choice(args.model, best, f"{args.pairs}: {len(spun)} pairs", args.max_clean_harm)
        print(f"written to {path}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the model over HTTP with its page (restore.serve; pip install "restore[serve]")."""
    from .restorer import ModelNotFound

    if not 0 < args.port < 65536:
        raise UserError("--port must be between 1 and 65535")
    if args.max_chars < 1 or args.max_batch < 1:
        raise UserError("--max-chars and --max-batch must be at least 1")
    try:
        from .serve import serve
    except ImportError as e:
        raise UserError(str(e)) from None
    print(
        f"restore serve: loading the model, then serving http://{args.host}:{args.port}/ (Ctrl-C stops it)",
        file=sys.stderr,
    )
    try:
        serve(
            args.host,
            args.port,
            model=args.model,
            engine=args.engine,
            max_chars=args.max_chars,
            max_batch=args.max_batch,
        )
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    return 0


COMMANDS = {
    "spin": cmd_spin,
    "pairs": cmd_pairs,
    "train": cmd_train,
    "run": cmd_run,
    "score": cmd_score,
    "eval": cmd_eval,
    "known-words": cmd_known_words,
    "thresholds": cmd_thresholds,
    "serve": cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as e:
        print(f"restore {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
