"""``report.md`` of one set and of a suite."""

from __future__ import annotations

import math

from .scoring import EDIT_METRICS

# columns of the combined table: (metrics key, header, kind of set it applies to)
COLUMNS = (
    ("f0.5", "F0.5"),
    ("precision", "P"),
    ("recall", "R"),
    ("edits_right", "edits right"),
    ("damage_removed", "damage removed"),
    ("clean_harm", "clean harm"),
    ("exact_match", "exact"),
    ("bleu", "BLEU"),
    ("chrf", "chrF"),
)


def _fmt(x, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float):
        return f"{x:.1%}" if pct else (f"{x:.1f}" if abs(x) >= 10 else f"{x:.3f}")
    return str(x)


def _system_table(metrics: dict) -> str:
    cols = [(k, h) for k, h in COLUMNS if not (metrics["kind"] == "clean" and k in EDIT_METRICS)]
    lines = ["| system | " + " | ".join(h for _, h in cols) + " | tp | fp | fn |", "|---|" + "---|" * (len(cols) + 3)]
    for name, m in metrics["systems"].items():
        cells = [_fmt(m.get(k), pct=k == "clean_harm") for k, _ in cols]
        edits = ["–"] * 3 if metrics["kind"] == "clean" else [str(m["tp"]), str(m["fp"]), str(m["fn"])]
        lines.append(f"| {name} | " + " | ".join(cells + edits) + " |")
    return "\n".join(lines)


def set_report(metrics: dict, records: list[dict]) -> str:
    """``report.md`` of one set."""
    info = [
        f"- data: `{metrics['title']}` — {metrics['n']} rows" + (" (out of domain)" if metrics["out_of_domain"] else "")
    ]
    if metrics.get("model"):
        info.append(
            f"- model: `{metrics['model']}`"
            + (f" (commit {metrics['model_commit']})" if metrics.get("model_commit") else "")
        )
    info.append(f"- model edits applied {_thresholds_note(metrics)}; restorer output (guards on), greedy decoding")
    if metrics.get("note"):
        info.append(f"- {metrics['note']}")
    parts = [
        f"# Evaluation: {metrics['set']}",
        "",
        *info,
        "",
        "Edit P/R/F0.5: word-level edits against the reference edits (spun → original), `restore/metrics.py`; "
        "edits right = share of the system's edits that write the original's words (right fixes of part of "
        "a reference edit included; P counts those wrong); "
        "damage removed = 1 − WER(output)/WER(spun); clean harm = share of the rows with nothing "
        "to restore that were changed; BLEU/chrF 0–100.",
        "",
        _system_table(metrics),
        "",
    ]
    intervals = _intervals({name: m.get("f0.5_ci") for name, m in metrics["systems"].items()})
    if intervals:
        unit = (
            f"its {metrics['groups']} articles/documents resampled whole" if metrics.get("groups") else "rows resampled"
        )
        parts += [f"F0.5, 95% bootstrap interval ({unit}, 1,000 times): {intervals}.", ""]
    sweep = metrics.get("threshold_sweep") or []
    if sweep:
        best = max(sweep, key=lambda r: (r["f0.5"], -r["threshold"]))
        parts += [
            "## Model: edits by confidence threshold",
            "",
            f"Best F0.5 {best['f0.5']:.3f} at threshold {best['threshold']:.2f} "
            "(chosen here, on this set: optimistic).",
            "",
            "| threshold | P | R | F0.5 | exact |",
            "|---|---|---|---|---|",
        ]
        parts += [
            f"| {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f0.5']:.3f} | "
            f"{r['exact_match']:.3f} |"
            for r in sweep
            if round(r["threshold"] * 20) % 2 == 0
        ]
        parts += ["", f"![threshold]({metrics['plots']['threshold']})", ""]
    if metrics.get("by_length"):
        names = [n for n in metrics["systems"] if n != "copy"]
        parts += [
            "## F0.5 by sentence length",
            "",
            "| words | n | " + " | ".join(names) + " |",
            "|---|---|" + "---|" * len(names),
        ]
        parts += [
            f"| {r['bin']} | {r['n']} | " + " | ".join(f"{r[n]['f0.5']:.3f}" for n in names) + " |"
            for r in metrics["by_length"]
        ]
        parts += ["", f"![by length]({metrics['plots']['by_length']})", ""]
    if metrics.get("top_edits"):
        parts += [
            "## Most frequent missed and wrong edits",
            "",
            '*partial*: right fixes of part of a reference edit ("in opposition to quick" → '
            '"against quick" where the original says "against short"); F0.5 counts them wrong, '
            "*edits right* does not.",
            "",
        ]
        for mark in ("missed", "wrong", "partial"):
            items = metrics["top_edits"].get(mark, [])
            parts.append(f"**{mark}**: " + ("; ".join(f"{lab} ({c})" for lab, c in items[:10]) or "none"))
            parts.append("")
        parts += [f"![top edits]({metrics['plots']['top_edits']})", ""]
    wrong = [r for r in records if any(e["mark"] == "wrong" for e in r["edits"])][:5]
    if wrong:
        parts += ["## Examples with wrong edits", "", "| input | output | reference |", "|---|---|---|"]
        parts += [f"| {_cell(r['input'])} | {_cell(r['output'])} | {_cell(r['reference'])} |" for r in wrong]
        parts.append("")
    sf = metrics["sentences_file"]
    parts.append(f"Per sentence: `{sf['path']}` ({sf['rows']} of {sf['of']} rows).")
    return "\n".join(parts) + "\n"


def _intervals(by_name: dict) -> str:
    """``name lo–hi; ...`` for the entries that have an interval."""
    return "; ".join(f"{name} {ci[0]:.3f}–{ci[1]:.3f}" for name, ci in by_name.items() if ci)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def suite_report(summary: dict, systems: list[str], cfg: dict) -> str:
    order = " / ".join(systems)
    parts = [
        "# Evaluation suite",
        "",
        f"Suite `{summary['suite']}`"
        + (f"; model `{summary['model']}`" if summary.get("model") else "")
        + (f" (commit {summary['model_commit']})" if summary.get("model_commit") else "")
        + f"; model edits applied {_thresholds_note(summary)}.",
        "",
        f"Each cell: **{order}**. Edit metrics (F0.5, P, R, edits right, damage removed) do not apply to clean "
        "text; clean harm counts only rows with nothing to restore. BLEU/chrF 0–100.",
        "",
    ]
    if cfg.get("description"):
        parts += [str(cfg["description"]).strip(), ""]
    parts += ["| set | n | " + " | ".join(h for _, h in COLUMNS) + " |", "|---|---|" + "---|" * len(COLUMNS)]
    for name, m in summary["sets"].items():
        cells = []
        for key, _ in COLUMNS:
            vals = [m["systems"].get(s, {}).get(key) for s in systems]
            cells.append(
                "–" if all(v is None for v in vals) else " / ".join(_fmt(v, pct=key == "clean_harm") for v in vals)
            )
        label = f"[{name}]({name}/report.md)" + (" (out of domain)" if m["out_of_domain"] else "")
        parts.append(f"| {label} | {m['n']} | " + " | ".join(cells) + " |")
    parts.append("")
    if "model" in systems:
        intervals = _intervals(
            {name: m["systems"].get("model", {}).get("f0.5_ci") for name, m in summary["sets"].items()}
        )
        if intervals:
            parts += [
                f"Model F0.5, 95% bootstrap interval (rows resampled 1,000 times, or the "
                f"articles/documents they come from where the set names them): {intervals}. "
                "A set's interval is what it can resolve: differences inside it are noise.",
                "",
            ]
    for name, m in summary["sets"].items():
        parts.append(f"- **{name}**: {m['title']}" + (f" — {m['note']}" if m.get("note") else ""))
    for name, why in summary["skipped"].items():
        parts.append(f"- **{name}**: skipped ({why})")
    parts += ["", "![model vs baselines](suite.png)", ""]
    return "\n".join(parts) + "\n"


def _thresholds_note(m: dict) -> str:
    """How the model's edits were chosen, from a metrics dict's threshold keys."""
    note = f"at confidence ≥ {m['min_confidence']}"
    if m.get("lone_edit_confidence", 0.0) > m["min_confidence"]:
        note += f" (a sentence's only edit at ≥ {m['lone_edit_confidence']})"
    if m.get("min_spun_score", 0.0) > 0:
        note += (
            f", in documents whose spun-ness score is at least {m['min_spun_score']} "
            "(a set's articles/documents, else each row)"
        )
    return note
