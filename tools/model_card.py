"""Write a model folder's README.md (model card) from its training report and evaluations.

    python -m tools.model_card MODEL_DIR --report runs/small/train_report.json [--report PART2 ...] \
        --eval eval/results/small_eval.json [--curve eval/results/small_curve.json] \
        [--suite eval/results/suite/report.md]

Several --report files: a run continued with --init-from; wall time and steps are summed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def fmt(x, pct=False):
    if x is None:
        return "n/a"
    return f"{x:.1%}" if pct else f"{x:.3f}"


def limitations(hours: float, ev: dict, curve: list[dict], restorer_dev: dict | None) -> str:
    """The Limitations section's figures, from the evaluations (nothing model-specific hard-coded)."""
    out = [f"- Trained for {hours:.1f} h on 2 CPU cores."]
    if restorer_dev:
        f = restorer_dev["f0.5"]
        verdict = "meets" if f >= 0.65 else "is below"
        ci = restorer_dev.get("f0.5_ci")
        out[0] += (
            f" On real spinner output the restorer {verdict} the project's dev edit F0.5 bar of 0.65 "
            f"({f:.3f}: precision {restorer_dev['precision']:.3f}, recall {restorer_dev['recall']:.3f}"
            + (f"; 95% bootstrap interval {ci[0]:.3f}–{ci[1]:.3f}" if ci else "")
            + ")."
        )
        if restorer_dev.get("edits_right") is not None:
            out[0] += (
                f" {restorer_dev['edits_right']:.0%} of its dev edits write the original's words: "
                f"{restorer_dev['partial']} of the {restorer_dev['fp']} that precision counts wrong are "
                'right fixes of one part of a multi-word change ("in opposition to quick" → '
                '"against quick" for "against short"), which is scored as a whole.'
            )
    out.append(
        f"- The raw model changes {ev['clean_harm']:.0%} of clean sentences; the restorer's thresholds "
        "(above) are what keep clean text mostly untouched."
    )
    if len(curve) >= 4:
        last = curve[-4:]
        lo, hi = min(c["dev_f0.5"] for c in last), max(c["dev_f0.5"] for c in last)
        out.append(
            f"- At the last four checkpoints (from {last[0]['hours']:.1f} h) raw dev F0.5 was "
            f'within {lo:.2f}-{hi:.2f}. Many remaining "wrong" dev edits restore a plausible synonym '
            "that is not the one the original had, or fix one word of a multi-word swap (scored as a "
            "whole), which word-level scoring counts as errors."
        )
    out.append(
        "- The training spinner's mixture can make 87% of the real substitutions of dev + dev2 (by "
        "token, `tools/spinner_fidelity.py`); rewrites outside its tables are not learnt."
    )
    out.append('- English news only; scientific "tortured phrases" are out of domain.')
    return "\n".join(out)


def card(
    name: str,
    reports: list[dict],
    ev: dict,
    curve: list[dict],
    checkpoint: str | None = None,
    suite: str = "",
    settings: dict | None = None,
    notes: list[str] | None = None,
    restorer_dev: dict | None = None,
    architecture: dict | None = None,
) -> str:
    dev, synth = ev["dev"], ev.get("synthetic_test") or {}
    report = reports[-1]
    m = architecture or report["config"]["model"]
    wall = sum(r["wall_seconds"] for r in reports)
    steps = sum(r["steps"] for r in reports)
    hours = wall / 3600
    notes = list(notes or []) + [""] * len(reports)
    runs = "\n".join(
        f"  - run {i + 1}: {r['steps']} steps in {r['wall_seconds'] / 60:.0f} min, lr "
        f"{r['config']['training']['learning_rate']} {r['config']['training']['scheduler']}"
        f"{' from ' + str(r['init_from']) if r.get('init_from') else ' from scratch'}"
        f"{'; ' + notes[i] if notes[i] else ''}"
        for i, r in enumerate(reports)
    )
    settings = settings or {}
    rows = "\n".join(
        f"| {c['step']} | {c['hours']:.2f} | {fmt(c['dev_f0.5'])} | {fmt(c['dev_precision'])} | "
        f"{fmt(c['dev_recall'])} |"
        for c in curve
    )
    examples = "\n".join(f"| {e['spun']} | {e['output']} | {e['original']} |" for e in ev.get("examples", [])[:5])
    return f"""---
license: apache-2.0
language: en
library_name: transformers
pipeline_tag: text2text-generation
tags: [text-restoration, article-spinning, seq2seq, bart]
---

# {name}

Restores the output of *article spinners* (context-blind synonym swaps: "the Home handed
the invoice" for "the House passed the bill") to standard news English. A BART-style
encoder-decoder trained **from scratch** on CPU by the `restore` project.

## Intended use
Cleaning scraped corpora, flagging and repairing spun news text. Input: English sentences
(the `restore` package segments longer text and restores sentence by sentence). Not for:
other languages, generating text, or judging authorship.

Use it through the `restore` package, which guards every edit (facts, names, confidence
thresholds stored in `restore_config.json`): `from restore import Restorer`, or the pipeline
task `spinner-restoration` (transformers 5 has no `text2text-generation` pipeline):

```python
import restore.hf_pipeline  # registers the task
from transformers import pipeline
pipe = pipeline("spinner-restoration", model=folder)
pipe("The Home handed the invoice.")  # {{"restored": ..., "edits": [...], "spun_score": ...}}
```

The raw model (weights stored in float16 safetensors, loaded as float32) is a plain
transformers seq2seq model; its unguarded output, which may change facts:

```python
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
tokenizer = AutoTokenizer.from_pretrained(folder)
model = AutoModelForSeq2SeqLM.from_pretrained(folder)
ids = model.generate(**tokenizer(["The Home handed the invoice."], return_tensors="pt"), max_new_tokens=128)
tokenizer.batch_decode(ids, skip_special_tokens=True)
```

## Model
- Architecture: BART-style encoder-decoder, d_model {m["d_model"]}, {m["encoder_layers"]}+{m["decoder_layers"]} layers,
  {m["heads"]} heads, FFN {m["ffn_dim"]}, tied embeddings, {report["parameters"] / 1e6:.1f}M parameters.
- Tokenizer: SentencePiece unigram, {report["config"]["tokenizer"]["vocab_size"]} pieces, byte fallback, digits split,
  no normalisation (round-trips text exactly).

## Training data and spinner
Pairs (spun, original) made by the project's synthetic spinner (`restore/spinner`) over ~6M
words of news (BBC 2004-05, Reuters-21578, ABC rural/science, WSJ sample, US speeches and,
from run 5, English Wikinews 2004-2018, CC BY 2.5, "Wikinews contributors"), 3 spins per
sentence, ~12% identity pairs, ~10% multi-sentence inputs; split by document.

Runs 1-4 used the open-thesaurus spinner alone (swaps from Moby + Open English WordNet +
MyThes, function words, numbers, contractions, names). Run 5's pairs come from a mixture
drawn per spin of a document (`configs/data.yaml`): 65% rewriter-style, 10% lightly
rewriter-style, 25% the open-thesaurus spinner (at 15-40% of words; `configs/data.yaml`
has since spun that component at 20-50%, to match the real WER histogram: runs 5-10 were
trained before that change, runs 11-12 after). The rewriter-style spins draw from
**the synonym database of a commercial "Article Rewriter" script** (`en_db.sdata`, the
"Turbo Spinner: Article Rewriter" PHP script, (c) 2015 ProThemes.Biz), which spam news
sites ran stolen copy through. That file carries no licence: the project uses it only at
build time to generate training and evaluation pairs, and neither this model folder, the
`restore` package nor its repository contains it or any table derived from it. No spinner
mode makes fact-changing swaps (million/billion, north/south, negation: `restore/facts.py`).
Which spinner each run's pairs came from is listed under Training.

## Training
- Hardware: {report["device"]}, fp32. Wall time {wall / 60:.0f} min ({hours:.2f} h) in all,
  {steps} steps of batch {report["config"]["training"]["batch_size"]}, ~{report["tokens_per_second"]:.0f} input tokens/s.
- Runs ({len(reports)}), optimiser AdamW:
{runs}
- Shipped weights: {checkpoint or "the best checkpoint"}.

## Recommended restorer setting
`restore_config.json`: min_spun_score **{settings.get("min_spun_score", 0)}**, min_confidence
**{settings.get("min_confidence", 0)}**, lone_edit_confidence **{settings.get("lone_edit_confidence", 0)}** — the
`restore` package leaves a document alone when its spun-ness score (the confidence-weighted share of its
words the model would change) is below min_spun_score, and applies only the edits whose least likely
token has at least min_confidence, and a sentence's only edit only at lone_edit_confidence (a single
change in an otherwise untouched sentence is what a false fix of clean text looks like). A document is
the text given to `restore()`, a JSONL record, or a block of up to 256 lines of a text file.
Chosen on {settings.get("chosen_on", "")} by the rule: {settings.get("rule", "")}.{(" " + settings["note"]) if settings.get("note") else ""}
It also drops edits that change a fact (a number, magnitude, percentage, date, compass
direction or negation; `restore/facts.py`) or lose a URL or e-mail address of the input, and
edits that write a word found neither in the training targets (`known_words.txt.gz`) nor in
the input, and deletions of a capitalised word (a name) or of more than two words.

{suite}

## Raw model metrics (greedy decoding, no restorer guards or threshold; `tools/quick_eval.py`)

| set | edit precision | recall | F0.5 | exact |
|---|---|---|---|---|
| real spinner output (`shared/data/real/dev.jsonl` + `dev2.jsonl`, 145 pairs) | {fmt(dev["precision"])} | {fmt(dev["recall"])} | {fmt(dev["f0.5"])} | {fmt(dev["exact_match"])} |
| synthetic test split ({synth.get("n", 0)} spun pairs) | {fmt(synth.get("precision"))} | {fmt(synth.get("recall"))} | {fmt(synth.get("f0.5"))} | {fmt(synth.get("exact_match"))} |

Clean text changed: **{fmt(ev["clean_harm"], True)}** of {ev["clean_n"]} clean sentences
(dev originals + synthetic identity test pairs). Copy baseline: F0.5 0, clean changed 0%.

### Learning curve (dev F0.5 against training time)

Raw model output on the real dev pairs (75 of dev for runs 1-4, 145 of dev + dev2 from run 5 on), at each saved checkpoint of every run (a run
continued with `--init-from` restarts the learning rate, hence the dips):

| step | hours | dev F0.5 | dev P | dev R |
|---|---|---|---|---|
{rows}

### Examples (synthetic test split, raw model output)

| spun | output | original |
|---|---|---|
{examples}

## Limitations
{limitations(hours, ev, curve, restorer_dev)}
"""


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--report", type=Path, required=True, action="append")
    ap.add_argument("--suite", type=Path, help="restore eval --suite report.md to include")
    ap.add_argument("--eval", type=Path, required=True)
    ap.add_argument("--curve", type=Path)
    ap.add_argument("--name", default=None)
    ap.add_argument("--checkpoint", help="which checkpoint the shipped weights are")
    ap.add_argument(
        "--note",
        action="append",
        default=[],
        help="one per --report, in order: what that run's data was (e.g. the spinner's settings)",
    )
    args = ap.parse_args(argv)
    reports = [json.loads(p.read_text()) for p in args.report]
    suite, restorer_dev = "", None
    if args.suite and (args.suite.parent / "metrics.json").is_file():
        sets = json.loads((args.suite.parent / "metrics.json").read_text()).get("sets", {})
        restorer_dev = (sets.get("real_dev") or {}).get("systems", {}).get("model")
    if args.suite:  # the suite's table and set notes, links dropped (they point into eval/results)
        import re

        keep = [
            re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
            for line in args.suite.read_text().splitlines()
            if line.startswith(("|", "- **", "Each cell", "Suite", "Model F0.5"))
        ]
        out = []
        for line in keep:  # blank lines around the table, as markdown needs
            if out and (out[-1].startswith("|") != line.startswith("|") or out[-1].startswith("Model F0.5")):
                out.append("")
            out.append(line)
        keep = out
        suite = (
            "## Evaluation (`restore eval --suite configs/eval.yaml`, the restorer at its recommended "
            "setting)\n\n" + "\n".join(keep)
        )
    settings_file = args.model_dir / "restore_config.json"
    settings = json.loads(settings_file.read_text()) if settings_file.is_file() else {}
    ev = json.loads(args.eval.read_text())
    ev = ev[0] if isinstance(ev, list) else ev
    curve = json.loads(args.curve.read_text()) if args.curve else []
    (args.model_dir / "README.md").write_text(
        card(
            args.name or args.model_dir.name,
            reports,
            ev,
            curve,
            args.checkpoint,
            suite,
            settings,
            args.note,
            restorer_dev,
            architecture_of(args.model_dir),
        )
    )


def architecture_of(model_dir: Path) -> dict:
    """The card's architecture figures from the model folder's own ``config.json`` (a run
    continued with ``--init-from`` trains the loaded model, whatever its YAML said)."""
    from transformers import AutoConfig

    from restore.training import model_args_of

    return model_args_of(AutoConfig.from_pretrained(model_dir))


if __name__ == "__main__":
    main()
