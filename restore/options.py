"""The ``restore`` command line's flags: one parser for every command
(:func:`build_parser`); the flag groups that several commands share (the model, decoding
and thresholds) are declared once here. :mod:`restore.cli` runs the commands."""

from __future__ import annotations

import argparse

from .engines import ENGINES

__all__ = ["build_parser", "add_model_flag", "add_decoding_flags", "add_threshold_flags"]

RUN_ENGINE_HELP = (
    "decoding engine: auto = CTranslate2 when installed (several times faster on "
    "CPU), at the precision the model recommends (restore_config.json compute_type: "
    "float32 without one), else PyTorch; ct2 = CTranslate2 float32 (the same output "
    "as torch); ct2-int8 = CTranslate2 int8 (faster; some outputs differ)"
)
RUN_MIN_CONFIDENCE_HELP = (
    "apply only edits the model is at least this sure of (0-1; default: the "
    "model's recommended threshold, in its restore_config.json)"
)
RUN_MIN_SPUN_SCORE_HELP = (
    "the document gate: a document whose spun-ness score (confidence-weighted share "
    "of words the model would change) is below this is left as it is (0-1; default: "
    "the model's recommended value; 0 turns the gate off). A document: a JSONL record, "
    "or a block of up to 256 lines of a text file (a whole article)"
)


def add_model_flag(parser: argparse.ArgumentParser) -> None:
    """``--model``: the model folder."""
    parser.add_argument("--model", help="model folder (default: models/restore-small or $RESTORE_MODEL)")


def add_decoding_flags(
    parser: argparse.ArgumentParser, engine_help: str, batch_size: bool = True, num_beams: bool = False
) -> None:
    """``--batch-size``, ``--num-beams`` and ``--engine``: how the model decodes."""
    if batch_size:
        parser.add_argument("--batch-size", type=int, default=32)
    if num_beams:
        parser.add_argument("--num-beams", type=int, default=1)
    parser.add_argument("--engine", choices=list(ENGINES), default="auto", help=engine_help)


def add_threshold_flags(parser: argparse.ArgumentParser, min_confidence_help: str, min_spun_score_help: str) -> None:
    """The restorer's thresholds (:class:`restore.guards.Thresholds`); each left out: the
    model's own."""
    parser.add_argument("--min-confidence", type=float, help=min_confidence_help)
    parser.add_argument(
        "--lone-edit-confidence",
        type=float,
        help="a sentence whose only edit is below this keeps it unchanged (0-1; default: the "
        "model's recommended value, in its restore_config.json; 0 turns the gate off)",
    )
    parser.add_argument("--min-spun-score", type=float, help=min_spun_score_help)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="restore", description="Restore article-spinner output to standard English.")
    parser.add_argument("--version", action="version", version=f"restore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    spin = sub.add_parser(
        "spin",
        help="spin a text file like an article spinner would",
        description="Spin a text file (every line kept) like an article spinner would.",
    )
    spin.add_argument("file", help="text file to spin ('-' for stdin)")
    spin.add_argument("-o", "--output", help="write the spun text here (default: stdout)")
    spin.add_argument("--seed", type=int, default=0)
    spin.add_argument(
        "--rate",
        type=float,
        help="share of words to spin (default: drawn per document from the spinner config, 0.15-0.40)",
    )
    spin.add_argument(
        "--spinner-config", help="YAML with spinner settings (see restore/resources/spinner_default.yaml)"
    )
    spin.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a spinner setting, e.g. --set rate.min=0.3 (repeatable)",
    )

    pairs = sub.add_parser(
        "pairs",
        help="build (spun, original) training pairs from a data config",
        description="Build training pairs: read the corpora of a data config, spin "
        "them, split by document (see configs/data.yaml).",
    )
    pairs.add_argument("--config", required=True, help="data config YAML (e.g. configs/data.yaml)")
    pairs.add_argument(
        "-o", "--output", "--out", dest="output", required=True, help="output folder for the pair datasets"
    )
    pairs.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a data config value, e.g. --set spins_per_sentence=2 (repeatable)",
    )
    pairs.add_argument("--limit-docs", type=int, help="read at most this many documents per corpus")
    pairs.add_argument("--num-proc", type=int, default=1, help="worker processes")

    tr = sub.add_parser(
        "train",
        help="train or fine-tune a restorer from a YAML config",
        description="Train a seq2seq restorer (see configs/*.yaml). Runs under torchrun / accelerate launch unchanged.",
    )
    tr.add_argument(
        "config",
        help="training config YAML (e.g. configs/tiny.yaml), or the name of one that ships "
        "with restore: quickstart (the sample corpus, no data needed), tiny, small, real",
    )
    tr.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set training.max_steps=500 (repeatable)",
    )
    tr.add_argument("--init-from", metavar="MODEL_DIR", help="start from this model (fine-tuning / continuing)")
    tr.add_argument("--resume", action="store_true", help="resume from the last checkpoint in the output folder")

    run = sub.add_parser(
        "run",
        help="restore text files, folders or stdin (line count kept)",
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
        "restore run parts -r -o done ; cat done/big-*.txt > big.restored.txt",
    )
    run.add_argument(
        "inputs",
        nargs="*",
        help="files, folders (with --recursive) or '-' for stdin (read "
        "when nothing is named and stdin is piped); named files are "
        "always restored",
    )
    run.add_argument(
        "-o",
        "--output",
        help="output file, or folder (mirrors the input tree) for several "
        "inputs or a folder; default: stdout. Never an input file or "
        "folder; inside an input folder it is not read as input",
    )
    run.add_argument("-r", "--recursive", action="store_true", help="restore the files in folders, recursively")
    run.add_argument(
        "--glob",
        help="in folders, only files matching this pattern, e.g. '*.csv' (default: "
        "text-like files: .txt, .text, .md, .jsonl, .ndjson, .parquet, and UTF-8 "
        "text files without an extension other than scripts and Makefiles). "
        "Subfolders holding an earlier run's output (.restore-run.jsonl) are "
        "never read",
    )
    run.add_argument(
        "--field",
        help="JSONL and Parquet: the field (column) to restore (default: text). With "
        "stdin ('-'), --field or --output-field reads stdin as JSONL; without "
        "them stdin is text",
    )
    run.add_argument(
        "--output-field",
        help="JSONL and Parquet: write the restored text to this new field "
        "(default: replace --field); a record that already has it is an "
        "error, as is an existing <field>_edits with --show-edits",
    )
    add_model_flag(run)
    add_decoding_flags(run, RUN_ENGINE_HELP, num_beams=True)
    add_threshold_flags(run, RUN_MIN_CONFIDENCE_HELP, RUN_MIN_SPUN_SCORE_HELP)
    run.add_argument(
        "--show-edits",
        action="store_true",
        help="show edits: an inline diff for text (coloured on a terminal), an '<field>_edits' list in JSONL",
    )
    run.add_argument(
        "--errors",
        choices=["strict", "replace"],
        default="strict",
        help="bytes that are not UTF-8: stop on that file (strict), or replace them with U+FFFD",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="redo every file of a folder job (default: skip the outputs the same input and settings already made)",
    )
    run.add_argument(
        "--format",
        choices=["text", "jsonl", "m2"],
        default="text",
        help="text files and stdin: text = the restored lines (default); jsonl = one JSON record "
        "per input line: line, text, restored, edits (start and end in Unicode code points "
        "of the line, spun, replacement, confidence) and spun_score; m2 = ERRANT's M2 "
        "format (S tokens, A edits with token offsets) for GEC tooling. In a folder job "
        "the outputs are named .jsonl or .m2",
    )
    run.add_argument("--device", help="local run: cpu (default), cuda or cuda:N")
    run.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, no notes or summary of skipped files; errors are still printed",
    )
    run.add_argument(
        "--backend",
        choices=["local", "ray"],
        default="local",
        help="local: this process (default); ray: a Ray cluster, same outputs (pip install "
        '"restore[ray]"; see README, Scale out)',
    )
    run.add_argument(
        "--address", help="Ray: the cluster to join (auto, or ray://HOST:PORT; default: start Ray on this machine)"
    )
    run.add_argument("--workers", type=int, help="Ray: model replicas (default: as many as the CPUs allow)")
    run.add_argument("--cpus-per-worker", type=float, default=1.0, help="Ray: CPUs per replica (default 1)")
    run.add_argument("--gpus-per-worker", type=float, default=0.0, help="Ray: GPUs per replica (default 0)")

    sc = sub.add_parser(
        "score",
        help="how spun each document looks (0 clean .. 1 heavily spun)",
        description="Print each document's spun-ness score: the confidence-weighted share of "
        "its words the model would change, every proposed edit counted whatever "
        "the thresholds (Restorer.spun_score). A text file is one document (--lines: "
        "each non-blank line); a JSONL record or Parquet row is one (its --field). "
        "One line per document: score, tab, document (FILE or FILE:LINE).",
    )
    sc.add_argument(
        "inputs",
        nargs="*",
        help="files, folders (with --recursive) or '-' for stdin (read when nothing is named and stdin is piped)",
    )
    sc.add_argument("-r", "--recursive", action="store_true", help="score the text-like files in folders")
    sc.add_argument("--lines", action="store_true", help="text: each non-blank line is a document")
    sc.add_argument(
        "--field", help="JSONL and Parquet: the field to score (default: text); with stdin, reads stdin as JSONL"
    )
    sc.add_argument(
        "--json",
        action="store_true",
        help="one JSON record per document: file, line (lines and records), score, words, "
        "sentences ([start, end, score], offsets in Unicode code points)",
    )
    add_model_flag(sc)
    add_decoding_flags(sc, "decoding engine, as for restore run")
    sc.add_argument("--device", help="cpu (default), cuda or cuda:N")
    sc.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    sc.add_argument("-q", "--quiet", action="store_true", help="no progress bar or notes; errors are still printed")

    ev = sub.add_parser(
        "eval",
        help="score the model against the copy and lexicon baselines",
        description="Evaluate a restorer on (spun, original) pairs, beside the copy and "
        "lexicon baselines: metrics.json, report.md, per-sentence JSONL, plots.",
    )
    ev.add_argument("--data", help="JSONL of pairs: each line an object with 'spun' and 'original'")
    ev.add_argument("--suite", help="YAML listing evaluation sets (e.g. configs/eval.yaml)")
    add_model_flag(ev)
    ev.add_argument(
        "-o",
        "--output",
        "--out",
        dest="output",
        help="output folder (default: eval/runs/<name of the data or suite file>)",
    )
    ev.add_argument("--limit", type=int, help="at most this many rows (of each set, for a suite)")
    add_threshold_flags(
        ev,
        "apply only model edits this sure (0-1; default: the model's recommended threshold)",
        "the document gate (0-1; default: the model's recommended value; 0 turns it off); "
        "a set's documents are its articles/doc ids, else each row",
    )
    add_decoding_flags(ev, "decoding engine, as for restore run (ct2-int8: to measure int8 against float32)")
    ev.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    kw = sub.add_parser(
        "known-words",
        help="write a model folder's list of known words (restore train does it)",
        description="Write the words of the training targets into MODEL/known_words.txt.gz: "
        "the restorer drops edits that write a word neither there nor in the input. "
        "restore train writes it; this is for model folders made without it.",
    )
    kw.add_argument("model", help="model folder")
    kw.add_argument(
        "--pairs",
        required=True,
        help="pairs folder (restore pairs --config ... -o); the originals of its train split are read",
    )
    th = sub.add_parser(
        "thresholds",
        help="choose a model's restorer thresholds on (spun, original) pairs",
        description="Run the model over the pairs' spun and original sides and choose the "
        "thresholds with the best edit F0.5 that change at most --max-clean-harm of "
        "the originals (read as documents and one at a time). restore train does "
        "it on its validation pairs.",
    )
    th.add_argument("model", help="model folder")
    th.add_argument(
        "--pairs",
        required=True,
        help="JSONL of {spun, original[, article]} pairs; rows sharing an article are one document",
    )
    th.add_argument(
        "--holdout-share",
        type=float,
        default=None,
        help="only the articles held out of training by this share (configs/real.yaml: 0.2)",
    )
    th.add_argument("--max-clean-harm", type=float, default=0.02)
    th.add_argument(
        "--document-evidence",
        choices=("off", "on", "both"),
        default="both",
        help="try the thresholds without and/or with document evidence (default both)",
    )
    th.add_argument("--write", action="store_true", help="store the choice in MODEL/restore_config.json")
    sv = sub.add_parser(
        "serve",
        help="serve the model over HTTP, with a page to restore pasted text",
        description='An HTTP service around one loaded model (pip install "restore[serve]"): '
        "GET / is a page to paste text and accept or reject each edit; POST /restore "
        '({"text": ...} or {"texts": [...]}: restored text, edits with offsets in '
        "code points, spun-ness score); POST /check (LanguageTool-style, offsets in "
        "UTF-16 units); GET /health. See docs/running.md, Service.",
    )
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"
    )
    sv.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    add_model_flag(sv)
    add_decoding_flags(sv, "decoding engine, as for restore run", batch_size=False)
    sv.add_argument(
        "--max-chars",
        type=int,
        default=100_000,
        help="characters in one request, all its texts together (default 100000; more: 413)",
    )
    sv.add_argument(
        "--max-batch",
        type=int,
        default=64,
        help="texts in one request, and the most decoded together (default 64; more: 413)",
    )
    return parser
