"""The ``restore`` command line.

    restore spin FILE|-  [--seed N] [--rate R] [--spinner-config YAML] [--set key=value ...] [-o OUT]
    restore pairs --config configs/data.yaml -o data/pairs [--set key=value ...] [--limit-docs N] [--num-proc N]
    restore train CONFIG.yaml [--set key=value ...] [--init-from MODEL_DIR] [--resume]
    restore run FILE|DIR|- ... [-o OUT] [--recursive] [--field F] [--model DIR] [--show-edits] ...
    restore score FILE|- ... [--lines] [--field F] [--json] [--model DIR]
    restore eval --data PAIRS.jsonl | --suite configs/eval.yaml [--model DIR] [-o DIR] [--limit N]
    restore thresholds MODEL --pairs PAIRS.jsonl [--max-clean-harm 0.02] [--write]
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict
from pathlib import Path

from .engines import ENGINES


class UserError(Exception):
    """A problem with the user's input: reported in one line, exit code 2."""


def _read_text(path: str) -> str:
    if path == "-":
        if sys.stdin is None:
            raise UserError("stdin ('-') is closed: nothing to read")
        return sys.stdin.read()
    p = Path(path)
    if not p.exists():
        raise UserError(f"no such file: {path}")
    if p.is_dir():
        raise UserError(f"{path} is a folder; give a text file")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 text (byte offset {e.start})") from None


def _config(path: str | None, overrides: list[str] | None) -> dict:
    """A config mapping from YAML (or empty), with ``--set`` overrides (:mod:`restore.config`)."""
    from .config import ConfigError, read_yaml, set_values

    try:
        return set_values(read_yaml(path) if path else {}, overrides or [])
    except ConfigError as e:
        raise UserError(str(e)) from None


def cmd_pairs(args: argparse.Namespace) -> int:
    """Build (spun, original) training pairs from a data config."""
    from .pairs import build_pairs

    config = _config(args.config, args.set)
    try:
        stats = build_pairs(config, args.output, base_dir=Path(args.config).resolve().parent,
                            limit_docs=args.limit_docs, num_proc=args.num_proc)
    except (FileNotFoundError, ValueError) as e:
        raise UserError(str(e)) from None
    splits = stats.get("pairs", {})
    print(f"wrote pairs to {args.output}: " + ", ".join(
        f"{name} {sum(v.values()) if isinstance(v, dict) else v:,}" for name, v in splits.items()),
        file=sys.stderr)
    return 0


def cmd_spin(args: argparse.Namespace) -> int:
    """Spin a text file (each line kept) like an article spinner would."""
    from .spinner import Spinner

    from .config import ConfigError, set_values

    overrides = _config(args.spinner_config, None)
    overrides = overrides.get("spinner", overrides)  # a data config's spinner section, or a spinner config
    try:
        overrides = set_values(overrides, args.set or [])  # keys of the spinner config: --set rate.min=0.3
    except ConfigError as e:
        raise UserError(str(e)) from None
    base_dir = Path(args.spinner_config).resolve().parent if args.spinner_config else None
    if args.rate is not None:
        if not 0 <= args.rate <= 1:
            raise UserError("--rate must be between 0 and 1")
        overrides = {**overrides, "rate": {"min": args.rate, "max": args.rate}}
    try:
        spinner = Spinner.from_config(overrides, base_dir=base_dir)
    except ValueError as e:
        raise UserError(str(e)) from None
    text = _read_text(args.file)
    # one document: every line is spun (with one rate), and line breaks are kept exactly
    lines = text.split("\n")
    spun = "\n".join(spinner.spin_document(lines, seed=args.seed))
    if args.output:
        Path(args.output).write_text(spun, encoding="utf-8")
    elif sys.stdout is None:
        raise UserError("stdout is closed: give -o FILE for the output")
    else:
        sys.stdout.write(spun)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_train_config
    from .training import train

    try:
        cfg = load_train_config(args.config, args.set or [])
        report = train(cfg, init_from=args.init_from, resume=args.resume)
    except (ConfigError, FileNotFoundError) as e:
        raise UserError(str(e)) from None
    final = report["final_eval"]
    print(f"trained {report['steps']} steps in {report['wall_seconds'] / 60:.1f} min "
          f"({report['tokens_per_second']:.0f} tokens/s); valid F0.5 {final.get('eval_f0.5', float('nan')):.3f}, "
          f"loss {final.get('eval_loss', float('nan')):.3f}; model in {cfg.output_dir}/model", file=sys.stderr)
    return 0


def _check_thresholds(args: argparse.Namespace) -> None:
    for flag, value in (("--min-confidence", args.min_confidence),
                        ("--lone-edit-confidence", args.lone_edit_confidence),
                        ("--min-spun-score", args.min_spun_score)):
        if value is not None and not 0 <= value <= 1:
            raise UserError(f"{flag} must be between 0 and 1")


def _device(device: str | None) -> str:
    """``--device``: cpu (default), cuda or cuda:N; a CUDA device must be visible."""
    import re

    if device is None:
        return "cpu"
    if not re.fullmatch(r"cpu|cuda(:\d+)?", device):
        raise UserError(f"--device {device}: give cpu, cuda or cuda:N")
    if device != "cpu" and not _cuda_available():
        raise UserError(f"--device {device}: no CUDA GPU is visible to this process; use --device cpu")
    return device


def _cuda_available() -> bool:
    try:
        import ctranslate2

        if ctranslate2.get_cuda_device_count() > 0:
            return True
    except Exception:  # noqa: BLE001 - not installed, or no CUDA runtime
        pass
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # noqa: BLE001
        return False


def _language_notice(jobs: list, field: str, command: str, limit: int = 20) -> None:
    """One line on stderr when the first inputs do not look like English
    (:mod:`restore.language`); never stops the job, never changes its output."""
    from .language import SAMPLE_BYTES, looks_english, sample_text

    foreign, checked = [], 0
    for job in jobs:
        if job.fmt == "parquet" or checked >= limit:
            continue
        if job.source is None:  # stdin: peeked at, not read
            peek = getattr(getattr(sys.stdin, "buffer", None), "peek", None)
            try:
                head = peek(SAMPLE_BYTES)[:SAMPLE_BYTES] if peek else b""
            except (OSError, ValueError):
                head = b""
        else:
            try:
                with job.source.open("rb") as f:
                    head = f.read(SAMPLE_BYTES)
            except OSError:
                continue  # reported when it is restored
        checked += 1
        verdict, why = looks_english(sample_text(head, job.fmt, field))
        if verdict is False:
            foreign.append((job.name, why))
    if foreign:
        name, why = foreign[0]
        which = name if len(foreign) == 1 else f"{len(foreign)} of {checked} inputs (e.g. {name})"
        print(f"restore {command}: note: {which} does not look like English ({why}); the model restores "
              f"English text and changes little else", file=sys.stderr)


def _format_jobs(jobs: list, fmt: str, output_is_dir: bool) -> list:
    """``--format jsonl|m2`` reads text: JSONL and Parquet inputs are refused; in a folder
    job each output gets the format's suffix (a.txt -> a.jsonl, a.m2)."""
    from . import batch
    from .formats import SUFFIXES

    if fmt == "text":
        return jobs
    other = next((job for job in jobs if job.fmt != "txt"), None)
    if other is not None:
        raise UserError(f"--format {fmt} reads text files and stdin; {other.name} is {other.fmt.upper()} "
                        f"(--show-edits adds the edits to JSONL and Parquet records; --glob '*.txt' picks "
                        f"the text files of a folder)")
    if not output_is_dir:
        return jobs
    return [batch.Job(job.source, job.relative.with_suffix(SUFFIXES[fmt]), job.fmt) for job in jobs]


def _inputs(inputs: list[str]) -> list[str]:
    """The inputs named, or stdin when none is and it is piped (`cat f | restore run`)."""
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UserError("give files, folders or '-' for stdin (nothing is piped in)")
        return ["-"]
    if inputs.count("-") > 1:
        raise UserError("stdin ('-') can be read only once")
    return inputs


def cmd_run(args: argparse.Namespace) -> int:
    """Restore files, folders or stdin (see :mod:`restore.batch`)."""
    import signal

    from . import batch
    from .restorer import ModelNotFound, Restorer, default_model_dir

    _check_thresholds(args)
    if args.batch_size < 1 or args.num_beams < 1:
        raise UserError("--batch-size and --num-beams must be at least 1")
    if args.format != "text" and args.show_edits:
        raise UserError(f"--show-edits is for --format text; --format {args.format} always carries the edits")
    if args.device is not None and args.backend == "ray":
        raise UserError("--device is for a local run; with --backend ray give --gpus-per-worker")
    device = _device(args.device)
    args.inputs = _inputs(args.inputs)
    if "-" in args.inputs and getattr(sys.stdin, "buffer", None) is None:
        raise UserError("stdin ('-') is closed: nothing to read")
    if not args.output and sys.stdout is None:
        raise UserError("stdout is closed: give -o FILE (or a folder) for the output")
    output = Path(args.output) if args.output else None
    # stdin is text, or JSONL when --field or --output-field names a field to restore
    stdin_format = "jsonl" if args.field is not None or args.output_field is not None else "txt"
    field = args.field or "text"
    walk = batch.Walk()
    try:
        jobs = batch.collect_jobs(args.inputs, recursive=args.recursive, glob=args.glob, output=output,
                                  walk=walk, stdin_format=stdin_format)
    except ValueError as e:
        raise UserError(str(e)) from None
    skipped = walk.skipped
    output_is_dir = False
    if output is not None:
        many = len(args.inputs) > 1 or any(Path(i).is_dir() for i in args.inputs if i != "-")
        output_is_dir = many or output.is_dir() or args.output.endswith(("/", os.sep))
        if output_is_dir and output.exists() and not output.is_dir():
            raise UserError(f"-o {args.output}: several inputs need an output folder, and this is a file")
        if not output_is_dir and output.parent and not output.parent.exists():
            raise UserError(f"-o {args.output}: folder {output.parent} does not exist")
    jobs = _format_jobs(jobs, args.format, output_is_dir)
    try:
        batch.check_outputs(jobs, output, output_is_dir)
    except ValueError as e:
        raise UserError(str(e)) from None
    if skipped and not args.quiet:
        print(f"restore run: {len(skipped)} file(s) in the folder(s) skipped: not text-like "
              f"({', '.join(batch.TEXT_SUFFIXES)} or UTF-8 text without an extension, not a script "
              f"or a Makefile); "
              f"--glob selects others, e.g. --glob '*.csv'", file=sys.stderr)
    if walk.outputs and not args.quiet:
        print(f"restore run: {len(walk.outputs)} folder(s) skipped: the output of an earlier run (they hold "
              f"{batch.MANIFEST}): {', '.join(map(str, walk.outputs))}", file=sys.stderr)
    for folder, reason in walk.unreadable:
        print(f"restore run: error: cannot read folder {folder} ({reason}): its files were not restored",
              file=sys.stderr)
    if not jobs:
        if not args.quiet:
            print("restore run: nothing to do (no files matched)", file=sys.stderr)
        return 1 if walk.unreadable else 0
    if args.backend == "ray" and "-" in args.inputs:
        raise UserError("--backend ray reads files, not stdin ('-')")
    if args.workers is not None and args.workers < 1 or args.cpus_per_worker <= 0 or args.gpus_per_worker < 0:
        raise UserError("--workers and --cpus-per-worker must be positive, --gpus-per-worker at least 0")
    if not args.quiet:
        _language_notice(jobs, field, "run")
    try:
        restorer = Restorer.from_pretrained(args.model, batch_size=args.batch_size, num_beams=args.num_beams,
                                            device=device, min_confidence=args.min_confidence, engine=args.engine,
                                            lone_edit_confidence=args.lone_edit_confidence,
                                            min_spun_score=args.min_spun_score)
        model_dir = Path(args.model) if args.model else default_model_dir()
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    from . import progress

    # recorded with each output of a folder job: a rerun with another model or settings redoes it
    made_by = {**batch.model_fingerprint(model_dir), "engine": args.engine,
               "engine_class": type(restorer.engine).__name__, "num_beams": args.num_beams,
               **asdict(restorer.thresholds)}
    opts = batch.Options(field=field, output_field=args.output_field, errors=args.errors,
                         show_edits=args.show_edits, overwrite=args.overwrite, made_by=made_by,
                         format=args.format,
                         # https://no-color.org: NO_COLOR set to anything but "" turns colours off
                         color=(args.show_edits and output is None and sys.stdout.isatty()
                                and not os.environ.get("NO_COLOR")))
    # lines (Parquet rows), with a total and an ETA once the files to do are known
    bar = progress.bar(" line", shown=not args.quiet and (args.progress or sys.stderr.isatty()))

    def on_lines(n: int) -> None:
        bar.update(n)

    def on_start(todo: list) -> None:
        if not bar.disable:
            progress.set_total(bar, progress.total_lines(todo))

    def on_sigterm(signum, frame) -> None:
        raise batch.Terminated()

    try:  # SIGTERM unwinds like Ctrl-C: the temporary file being written is removed
        previous, installed = signal.signal(signal.SIGTERM, on_sigterm), True
    except ValueError:  # not the main thread
        previous, installed = None, False
    warn = lambda msg: bar.write(f"restore run: {msg}", file=sys.stderr)  # noqa: E731
    try:
        if args.backend == "ray":
            from . import ray as ray_backend

            spec = ray_backend.RestorerSpec(str(model_dir), engine=args.engine, batch_size=args.batch_size,
                                            num_beams=args.num_beams, **asdict(restorer.thresholds))
            del restorer  # the workers load their own
            ray_opts = ray_backend.RayOptions(address=args.address, workers=args.workers,
                                              cpus_per_worker=args.cpus_per_worker,
                                              gpus_per_worker=args.gpus_per_worker)
            summary = ray_backend.run_jobs(spec, jobs, output, output_is_dir, opts, ray_opts, on_lines, warn,
                                           on_start=on_start)
        else:
            summary = batch.run_jobs(restorer, jobs, output, output_is_dir, opts, on_lines=on_lines, warn=warn,
                                     on_start=on_start)
    except ImportError as e:
        raise UserError(str(e)) from None
    except batch.Terminated:
        bar.close()
        print("restore run: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
    bar.close()
    if summary.skipped_finished and not args.quiet:
        print(f"restore run: {len(summary.skipped_finished)} file(s) already restored, skipped "
              f"(--overwrite to redo)", file=sys.stderr)
    if summary.failed and len(jobs) == 1 and not walk.unreadable:
        raise UserError(summary.failed[0][1])
    if summary.failed:
        # a failed file's existing output is left as it was
        written = len(summary.written)
        done = "nothing was written" if not written else \
            "the others were written" if written + len(summary.failed) == len(jobs) else f"{written} were written"
        print(f"restore run: {len(summary.failed)} of {len(jobs)} file(s) failed; {done} (an existing output of a "
              f"failed file is kept as it was):", file=sys.stderr)
        for _, msg in summary.failed:
            print(f"  {msg}", file=sys.stderr)
    if summary.bad_records:
        print(f"restore run: {sum(n for _, n in summary.bad_records)} record(s) could not be restored "
              f"and were written out unchanged:", file=sys.stderr)
        for name, n in summary.bad_records:
            print(f"  {name}: {n} record(s)", file=sys.stderr)
    if walk.unreadable:
        print(f"restore run: {len(walk.unreadable)} folder(s) could not be read (listed above)", file=sys.stderr)
    return 1 if summary.failed or summary.bad_records or walk.unreadable else 0


SCORE_CHUNK = 256  # documents proposed together (one batched pass), then scored one by one from the memo


def _score_documents(job, args):
    """``(line or None, text)`` of each document of one input of ``restore score``."""
    from . import batch
    from .inputs import InputError, read_lines, unreadable_reason

    field = args.field or "text"
    if job.fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(job.source)
            if field not in pf.schema_arrow.names:
                raise InputError(f"{job.name}: no column {field!r} (set it with --field)")
            row = 0
            for chunk in pf.iter_batches(batch_size=batch.BLOCK_LINES, columns=[field]):
                for value in chunk.column(0).to_pylist():
                    row += 1
                    if isinstance(value, str):
                        yield row, value
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{job.name}: not a Parquet file ({str(e).splitlines()[0][:120]})") from None
        return
    if job.source is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("<stdin>: stdin is closed")
    else:
        stream = job.source.open("rb")
    try:
        head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
        reason = unreadable_reason(head)
        if reason:
            raise InputError(f"{job.name}: {reason}")
        lines = read_lines(stream, job.name, "strict")
        if job.fmt == "jsonl":
            for n, (body, _) in enumerate(lines, 1):
                if body.strip():
                    record, problem = batch.parse_record(body, field)
                    if problem is not None:
                        print(f"restore score: error: {job.name}:{n}: {problem}; not scored", file=sys.stderr)
                        continue
                    yield n, record[field]
        elif args.lines:
            for n, (body, _) in enumerate(lines, 1):
                if body.strip():
                    yield n, body
        else:
            yield None, "".join(body + ending for body, ending in lines)
    finally:
        if job.source is not None:
            stream.close()


def cmd_score(args: argparse.Namespace) -> int:
    """How spun each document looks (:meth:`restore.restorer.Restorer.spun_score`)."""
    import itertools
    import json

    from . import batch, progress
    from .inputs import InputError
    from .restorer import ModelNotFound, Restorer

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    device = _device(args.device)
    args.inputs = _inputs(args.inputs)
    try:
        jobs = batch.collect_jobs(args.inputs, recursive=args.recursive, walk=batch.Walk(),
                                  stdin_format="jsonl" if args.field else "txt")
    except ValueError as e:
        raise UserError(str(e)) from None
    if any(job.fmt == "parquet" and job.source is None for job in jobs):
        raise UserError("Parquet is not read from stdin")
    if not jobs:
        if not args.quiet:
            print("restore score: nothing to do (no files matched)", file=sys.stderr)
        return 0
    if not args.quiet:
        _language_notice(jobs, args.field or "text", "score")
    try:  # the score counts every proposed edit: the thresholds do not matter (0: no warning about them)
        restorer = Restorer.from_pretrained(args.model, batch_size=args.batch_size, engine=args.engine,
                                            device=device, min_confidence=0.0, lone_edit_confidence=0.0,
                                            min_spun_score=0.0)
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    whole = not args.lines and all(job.fmt == "txt" for job in jobs)
    bar = progress.bar(" doc", shown=not args.quiet and (args.progress or sys.stderr.isatty()), desc="scoring")
    if whole:
        progress.set_total(bar, len(jobs))
    failed = []
    for job in jobs:
        try:
            docs = _score_documents(job, args)
            while chunk := list(itertools.islice(docs, SCORE_CHUNK)):
                restorer.propose([text for _, text in chunk])  # one batched pass; spun_score reads its memo
                for line, text in chunk:
                    s = restorer.spun_score(text)
                    where = job.name if line is None else f"{job.name}:{line}"
                    if args.json:
                        record = {"file": job.name, **({} if line is None else {"line": line}),
                                  "score": round(s.score, 4), "words": s.words,
                                  "sentences": [[a, b, round(x, 4)] for a, b, x in s.sentences]}
                        out = json.dumps(record, ensure_ascii=False)
                    else:
                        out = f"{s.score:.4f}\t{where}"
                    bar.clear()
                    print(out, flush=True)
                    bar.update(1)
        except (InputError, OSError) as e:
            msg = str(e) if isinstance(e, InputError) else f"{job.name}: {getattr(e, 'strerror', None) or e}"
            if len(jobs) == 1:
                bar.close()
                raise UserError(msg) from None
            failed.append(msg)
            print(f"restore score: error: {msg}", file=sys.stderr)
    bar.close()
    if failed:
        print(f"restore score: {len(failed)} of {len(jobs)} file(s) could not be scored (listed above)",
              file=sys.stderr)
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the model and the copy and lexicon baselines (see :mod:`restore.evaluation`)."""
    from . import evaluation
    from .restorer import ModelNotFound, Restorer

    if bool(args.data) == bool(args.suite):
        raise UserError("give either --data PAIRS.jsonl or --suite SUITE.yaml")
    _check_thresholds(args)
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be at least 1")
    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    try:
        if args.suite:
            evaluation.load_suite(args.suite)  # a bad suite fails before the model loads
        else:
            evaluation.read_pairs(args.data, args.limit)
        restorer = Restorer.from_pretrained(args.model, batch_size=args.batch_size, engine=args.engine,
                                            min_confidence=args.min_confidence,
                                            lone_edit_confidence=args.lone_edit_confidence,
                                            min_spun_score=args.min_spun_score)
    except (evaluation.DataError, ModelNotFound) as e:
        raise UserError(str(e)) from None
    thresholds = restorer.thresholds  # given, or the model's recommended ones
    model_dir = Path(args.model) if args.model else None
    if model_dir is None:
        from .restorer import default_model_dir

        model_dir = default_model_dir()
    try:  # shown relative to the working folder when inside it
        shown = model_dir.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = model_dir
    info = {"model": str(shown), "model_commit": evaluation.model_commit(model_dir), "engine": args.engine}
    name = Path(args.suite or args.data).stem
    out = Path(args.output) if args.output else Path("eval") / "runs" / name
    progress = args.progress or sys.stderr.isatty()
    systems = evaluation.default_systems(restorer)
    try:
        if args.suite:
            summary = evaluation.run_suite(args.suite, systems, out, args.limit, thresholds=thresholds,
                                           progress=progress, info=info)
            rows = {n: m["systems"] for n, m in summary["sets"].items()}
        else:
            metrics = evaluation.evaluate_file(args.data, systems, out, args.limit, thresholds=thresholds,
                                               progress=progress, info=info)
            rows = {metrics["set"]: metrics["systems"]}
    except evaluation.DataError as e:
        raise UserError(str(e)) from None
    for set_name, by_system in rows.items():
        print(set_name + ": " + "; ".join(" ".join(
            [s] + ([f"F0.5 {m['f0.5']:.3f}" + (f" [{m['f0.5_ci'][0]:.3f}-{m['f0.5_ci'][1]:.3f}]"
                                                 if m.get("f0.5_ci") else "")] if m.get("f0.5") is not None else [])
            + ([f"edits right {m['edits_right']:.3f}"] if m.get("edits_right") is not None else [])
            + ([f"clean harm {m['clean_harm']:.1%}"] if m.get("clean_harm") is not None else [])
            + [f"exact {m['exact_match']:.3f}"]) for s, m in by_system.items()))
    print(f"report: {out / 'report.md'}", file=sys.stderr)
    return 0


def cmd_known_words(args: argparse.Namespace) -> int:
    from . import known_words

    if not (Path(args.model) / "config.json").is_file():
        raise UserError(f"{args.model} is not a model folder (no config.json)")
    if not Path(args.pairs).is_dir():
        raise UserError(f"--pairs: no pairs folder at {args.pairs}")
    path, n_words, n_pairs = known_words.write_from_pairs(args.model, args.pairs)
    print(f"{n_words:,} words from {n_pairs:,} training pairs -> {path}", file=sys.stderr)
    return 0


def cmd_thresholds(args: argparse.Namespace) -> int:
    """Choose a model's thresholds on pairs (restore.thresholds) and report (or write) them."""
    import json

    from .restorer import ModelNotFound, Restorer
    from .thresholds import EVIDENCE, choose_thresholds, read_pair_documents, write_choice

    if not 0 <= args.max_clean_harm <= 1:
        raise UserError("--max-clean-harm must be between 0 and 1")
    try:
        spun, originals, docs = read_pair_documents(args.pairs, args.holdout_share)
        restorer = Restorer.from_pretrained(args.model, min_confidence=0.0, lone_edit_confidence=0.0,
                                            min_spun_score=0.0)
    except (OSError, ValueError, ModelNotFound) as e:
        raise UserError(str(e)) from None
    if not spun:
        raise UserError(f"{args.pairs}: no pairs to choose thresholds on")
    evidence = EVIDENCE[args.document_evidence]
    best = choose_thresholds(restorer, spun, originals, docs, None, evidence, args.max_clean_harm)["best"]
    print(json.dumps(best))
    print(f"chosen on {len(spun)} pairs ({len(set(docs))} documents): min_confidence {best['min_confidence']}, "
          f"lone_edit_confidence {best['lone_edit_confidence']}, min_spun_score {best['min_spun_score']}, "
          f"document_evidence {best['document_evidence']}: F0.5 {best['f0.5']:.3f}, clean harm "
          f"{best['clean_harm']:.1%}", file=sys.stderr)
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
    print(f"restore serve: loading the model, then serving http://{args.host}:{args.port}/ "
          f"(Ctrl-C stops it)", file=sys.stderr)
    try:
        serve(args.host, args.port, model=args.model, engine=args.engine, max_chars=args.max_chars,
              max_batch=args.max_batch)
    except ModelNotFound as e:
        raise UserError(str(e)) from None
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="restore", description="Restore article-spinner output to standard English.")
    parser.add_argument("--version", action="version", version=f"restore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    spin = sub.add_parser("spin", help="spin a text file like an article spinner would",
                          description="Spin a text file (every line kept) like an article spinner would.")
    spin.add_argument("file", help="text file to spin ('-' for stdin)")
    spin.add_argument("-o", "--output", help="write the spun text here (default: stdout)")
    spin.add_argument("--seed", type=int, default=0)
    spin.add_argument("--rate", type=float, help="share of words to spin (default: drawn per document from the spinner config, 0.15-0.40)")
    spin.add_argument("--spinner-config", help="YAML with spinner settings (see restore/resources/spinner_default.yaml)")
    spin.add_argument("--set", action="append", metavar="KEY=VALUE",
                      help="override a spinner setting, e.g. --set rate.min=0.3 (repeatable)")
    spin.set_defaults(func=cmd_spin)

    pairs = sub.add_parser("pairs", help="build (spun, original) training pairs from a data config",
                           description="Build training pairs: read the corpora of a data config, spin "
                                       "them, split by document (see configs/data.yaml).")
    pairs.add_argument("--config", required=True, help="data config YAML (e.g. configs/data.yaml)")
    pairs.add_argument("-o", "--output", "--out", dest="output", required=True,
                       help="output folder for the pair datasets")
    pairs.add_argument("--set", action="append", metavar="KEY=VALUE",
                       help="override a data config value, e.g. --set spins_per_sentence=2 (repeatable)")
    pairs.add_argument("--limit-docs", type=int, help="read at most this many documents per corpus")
    pairs.add_argument("--num-proc", type=int, default=1, help="worker processes")
    pairs.set_defaults(func=cmd_pairs)

    tr = sub.add_parser("train", help="train or fine-tune a restorer from a YAML config",
                        description="Train a seq2seq restorer (see configs/*.yaml). Runs under "
                                    "torchrun / accelerate launch unchanged.")
    tr.add_argument("config", help="training config YAML (e.g. configs/tiny.yaml), or the name of one that ships "
                                   "with restore: quickstart (the sample corpus, no data needed), tiny, small, real")
    tr.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="override a config value, e.g. --set training.max_steps=500 (repeatable)")
    tr.add_argument("--init-from", metavar="MODEL_DIR", help="start from this model (fine-tuning / continuing)")
    tr.add_argument("--resume", action="store_true", help="resume from the last checkpoint in the output folder")
    tr.set_defaults(func=cmd_train)

    run = sub.add_parser("run", help="restore text files, folders or stdin (line count kept)",
                         description="Restore spun text with a trained model. .txt files: each line "
                                     "restored, the output has exactly the input's lines. .jsonl files: "
                                     "one field of each record restored, the other fields kept (a record "
                                     "that cannot be restored is reported and written out unchanged). "
                                     "A folder job resumes when rerun: an output is kept only when the same "
                                     "input and settings made it (recorded in OUT/.restore-run.jsonl), "
                                     "every other file is redone. A single file is redone whole on every "
                                     "run, so for a large file that may be interrupted, split it into a "
                                     "folder and restore that (each line is restored on its own): mkdir parts ; "
                                     "split -l 10000 -d --additional-suffix=.txt big.txt parts/big- ; "
                                     "restore run parts -r -o done ; cat done/big-*.txt > big.restored.txt")
    run.add_argument("inputs", nargs="*", help="files, folders (with --recursive) or '-' for stdin (read "
                                               "when nothing is named and stdin is piped); named files are "
                                               "always restored")
    run.add_argument("-o", "--output", help="output file, or folder (mirrors the input tree) for several "
                                            "inputs or a folder; default: stdout. Never an input file or "
                                            "folder; inside an input folder it is not read as input")
    run.add_argument("-r", "--recursive", action="store_true", help="restore the files in folders, recursively")
    run.add_argument("--glob", help="in folders, only files matching this pattern, e.g. '*.csv' (default: "
                                    "text-like files: .txt, .text, .md, .jsonl, .ndjson, .parquet, and UTF-8 "
                                    "text files without an extension other than scripts and Makefiles). "
                                    "Subfolders holding an earlier run's output (.restore-run.jsonl) are "
                                    "never read")
    run.add_argument("--field", help="JSONL and Parquet: the field (column) to restore (default: text). With "
                                      "stdin ('-'), --field or --output-field reads stdin as JSONL; without "
                                      "them stdin is text")
    run.add_argument("--output-field", help="JSONL and Parquet: write the restored text to this new field "
                                            "(default: replace --field); a record that already has it is an "
                                            "error, as is an existing <field>_edits with --show-edits")
    run.add_argument("--model", help="model folder (default: models/restore-small or $RESTORE_MODEL)")
    run.add_argument("--batch-size", type=int, default=32)
    run.add_argument("--num-beams", type=int, default=1)
    run.add_argument("--engine", choices=list(ENGINES), default="auto",
                     help="decoding engine: auto = CTranslate2 when installed (several times faster on "
                          "CPU), at the precision the model recommends (restore_config.json compute_type: "
                          "float32 without one), else PyTorch; ct2 = CTranslate2 float32 (the same output "
                          "as torch); ct2-int8 = CTranslate2 int8 (faster; some outputs differ)")
    run.add_argument("--min-confidence", type=float,
                     help="apply only edits the model is at least this sure of (0-1; default: the "
                          "model's recommended threshold, in its restore_config.json)")
    run.add_argument("--lone-edit-confidence", type=float,
                     help="a sentence whose only edit is below this keeps it unchanged (0-1; default: the "
                          "model's recommended value, in its restore_config.json; 0 turns the gate off)")
    run.add_argument("--min-spun-score", type=float,
                     help="the document gate: a document whose spun-ness score (confidence-weighted share "
                          "of words the model would change) is below this is left as it is (0-1; default: "
                          "the model's recommended value; 0 turns the gate off). A document: a JSONL record, "
                          "or a block of up to 256 lines of a text file (a whole article)")
    run.add_argument("--show-edits", action="store_true",
                     help="show edits: an inline diff for text (coloured on a terminal), an '<field>_edits' "
                          "list in JSONL")
    run.add_argument("--errors", choices=["strict", "replace"], default="strict",
                     help="bytes that are not UTF-8: stop on that file (strict), or replace them with U+FFFD")
    run.add_argument("--overwrite", action="store_true",
                     help="redo every file of a folder job (default: skip the outputs the same input and "
                          "settings already made)")
    run.add_argument("--format", choices=["text", "jsonl", "m2"], default="text",
                     help="text files and stdin: text = the restored lines (default); jsonl = one JSON record "
                          "per input line: line, text, restored, edits (start and end in Unicode code points "
                          "of the line, spun, replacement, confidence) and spun_score; m2 = ERRANT's M2 "
                          "format (S tokens, A edits with token offsets) for GEC tooling. In a folder job "
                          "the outputs are named .jsonl or .m2")
    run.add_argument("--device", help="local run: cpu (default), cuda or cuda:N")
    run.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar, no notes or summary of skipped files; errors are still printed")
    run.add_argument("--backend", choices=["local", "ray"], default="local",
                     help="local: this process (default); ray: a Ray cluster, same outputs (pip install "
                          "\"restore[ray]\"; see README, Scale out)")
    run.add_argument("--address", help="Ray: the cluster to join (auto, or ray://HOST:PORT; default: start "
                                       "Ray on this machine)")
    run.add_argument("--workers", type=int, help="Ray: model replicas (default: as many as the CPUs allow)")
    run.add_argument("--cpus-per-worker", type=float, default=1.0, help="Ray: CPUs per replica (default 1)")
    run.add_argument("--gpus-per-worker", type=float, default=0.0, help="Ray: GPUs per replica (default 0)")
    run.set_defaults(func=cmd_run)

    sc = sub.add_parser("score", help="how spun each document looks (0 clean .. 1 heavily spun)",
                        description="Print each document's spun-ness score: the confidence-weighted share of "
                                    "its words the model would change, every proposed edit counted whatever "
                                    "the thresholds (Restorer.spun_score). A text file is one document (--lines: "
                                    "each non-blank line); a JSONL record or Parquet row is one (its --field). "
                                    "One line per document: score, tab, document (FILE or FILE:LINE).")
    sc.add_argument("inputs", nargs="*", help="files, folders (with --recursive) or '-' for stdin (read when "
                                              "nothing is named and stdin is piped)")
    sc.add_argument("-r", "--recursive", action="store_true", help="score the text-like files in folders")
    sc.add_argument("--lines", action="store_true", help="text: each non-blank line is a document")
    sc.add_argument("--field", help="JSONL and Parquet: the field to score (default: text); with stdin, reads "
                                    "stdin as JSONL")
    sc.add_argument("--json", action="store_true",
                    help="one JSON record per document: file, line (lines and records), score, words, "
                         "sentences ([start, end, score], offsets in Unicode code points)")
    sc.add_argument("--model", help="model folder (default: models/restore-small or $RESTORE_MODEL)")
    sc.add_argument("--batch-size", type=int, default=32)
    sc.add_argument("--engine", choices=list(ENGINES), default="auto", help="decoding engine, as for restore run")
    sc.add_argument("--device", help="cpu (default), cuda or cuda:N")
    sc.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    sc.add_argument("-q", "--quiet", action="store_true", help="no progress bar or notes; errors are still printed")
    sc.set_defaults(func=cmd_score)

    ev = sub.add_parser("eval", help="score the model against the copy and lexicon baselines",
                        description="Evaluate a restorer on (spun, original) pairs, beside the copy and "
                                    "lexicon baselines: metrics.json, report.md, per-sentence JSONL, plots.")
    ev.add_argument("--data", help="JSONL of pairs: each line an object with 'spun' and 'original'")
    ev.add_argument("--suite", help="YAML listing evaluation sets (e.g. configs/eval.yaml)")
    ev.add_argument("--model", help="model folder (default: models/restore-small or $RESTORE_MODEL)")
    ev.add_argument("-o", "--output", "--out", dest="output",
                    help="output folder (default: eval/runs/<name of the data or suite file>)")
    ev.add_argument("--limit", type=int, help="at most this many rows (of each set, for a suite)")
    ev.add_argument("--min-confidence", type=float,
                    help="apply only model edits this sure (0-1; default: the model's recommended threshold)")
    ev.add_argument("--lone-edit-confidence", type=float,
                    help="a sentence whose only edit is below this keeps it unchanged (0-1; default: the "
                         "model's recommended value, in its restore_config.json; 0 turns the gate off)")
    ev.add_argument("--min-spun-score", type=float,
                    help="the document gate (0-1; default: the model's recommended value; 0 turns it off); "
                         "a set's documents are its articles/doc ids, else each row")
    ev.add_argument("--batch-size", type=int, default=32)
    ev.add_argument("--engine", choices=list(ENGINES), default="auto",
                    help="decoding engine, as for restore run (ct2-int8: to measure int8 against float32)")
    ev.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    ev.set_defaults(func=cmd_eval)
    kw = sub.add_parser("known-words", help="write a model folder's list of known words (restore train does it)",
                        description="Write the words of the training targets into MODEL/known_words.txt.gz: "
                                    "the restorer drops edits that write a word neither there nor in the input. "
                                    "restore train writes it; this is for model folders made without it.")
    kw.add_argument("model", help="model folder")
    kw.add_argument("--pairs", required=True, help="pairs folder (restore pairs --config ... -o); the "
                                                   "originals of its train split are read")
    kw.set_defaults(func=cmd_known_words)
    th = sub.add_parser("thresholds", help="choose a model's restorer thresholds on (spun, original) pairs",
                        description="Run the model over the pairs' spun and original sides and choose the "
                                    "thresholds with the best edit F0.5 that change at most --max-clean-harm of "
                                    "the originals (read as documents and one at a time). restore train does "
                                    "it on its validation pairs.")
    th.add_argument("model", help="model folder")
    th.add_argument("--pairs", required=True, help="JSONL of {spun, original[, article]} pairs; rows sharing "
                                                   "an article are one document")
    th.add_argument("--holdout-share", type=float, default=None,
                    help="only the articles held out of training by this share (configs/real.yaml: 0.2)")
    th.add_argument("--max-clean-harm", type=float, default=0.02)
    th.add_argument("--document-evidence", choices=("off", "on", "both"), default="both",
                    help="try the thresholds without and/or with document evidence (default both)")
    th.add_argument("--write", action="store_true", help="store the choice in MODEL/restore_config.json")
    th.set_defaults(func=cmd_thresholds)
    sv = sub.add_parser("serve", help="serve the model over HTTP, with a page to restore pasted text",
                        description="An HTTP service around one loaded model (pip install \"restore[serve]\"): "
                                    "GET / is a page to paste text and accept or reject each edit; POST /restore "
                                    "({\"text\": ...} or {\"texts\": [...]}: restored text, edits with offsets in "
                                    "code points, spun-ness score); POST /check (LanguageTool-style, offsets in "
                                    "UTF-16 units); GET /health. See docs/running.md, Service.")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for "
                                                        "every interface)")
    sv.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sv.add_argument("--model", help="model folder (default: models/restore-small or $RESTORE_MODEL)")
    sv.add_argument("--engine", choices=list(ENGINES), default="auto", help="decoding engine, as for restore run")
    sv.add_argument("--max-chars", type=int, default=100_000,
                    help="characters in one request, all its texts together (default 100000; more: 413)")
    sv.add_argument("--max-batch", type=int, default=64,
                    help="texts in one request, and the most decoded together (default 64; more: 413)")
    sv.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
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
