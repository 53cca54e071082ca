"""PNG plots of an evaluation (matplotlib, Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_threshold(
    sweep: list[dict], path: Path, title: str, baselines: dict[str, float], chosen: float | None = None
) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ts = [r["threshold"] for r in sweep]
    for key, style in (("f0.5", "-o"), ("precision", "--"), ("recall", ":")):
        ax.plot(ts, [r[key] for r in sweep], style, label=f"model {key}", markersize=3)
    for (name, value), color in zip(baselines.items(), ("tab:gray", "tab:brown")):
        if value is not None:
            ax.axhline(value, color=color, linewidth=1, linestyle="-.", label=f"{name} F0.5")
    if chosen:
        ax.axvline(chosen, color="black", linewidth=0.8, alpha=0.5)
    ax.set(xlabel="min confidence of an applied edit", ylabel="score", ylim=(0, 1), xlim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_by_length(rows: list[dict], path: Path, title: str, systems: Sequence[str]) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    width = 0.8 / max(1, len(systems))
    for k, name in enumerate(systems):
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(rows))]
        ax.bar(xs, [r[name]["f0.5"] for r in rows], width, label=name)
    ax.set_xticks(range(len(rows)), [f"{r['bin']}\n(n={r['n']})" for r in rows], fontsize=8)
    ax.set(xlabel="words in the original sentence", ylabel="edit F0.5", ylim=(0, 1), title=title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_top_edits(top: dict[str, list[tuple[str, int]]], path: Path, title: str) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    for ax, mark, color in zip(axes, ("missed", "wrong"), ("tab:orange", "tab:red")):
        items = top.get(mark, [])[::-1]
        labels = [lab if len(lab) <= 40 else lab[:39] + "…" for lab, _ in items]
        ax.barh(range(len(items)), [c for _, c in items], color=color)
        ax.set_yticks(range(len(items)), labels, fontsize=7)
        ax.set(xlabel="times", title=f"most frequent {mark} edits")
        if not items:
            ax.set_xticks([])
            ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_suite(table: dict, path: Path, systems: Sequence[str]) -> None:
    """Edit F0.5 (clean sets: clean harm) of every system on every set."""
    plt = _plt()
    names = list(table)
    fig, ax = plt.subplots(figsize=(max(6.4, 1.3 * len(names) + 2), 4.2))
    width = 0.8 / max(1, len(systems))
    for k, sysname in enumerate(systems):
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(names))]
        vals = []
        for n in names:
            m = table[n]["systems"].get(sysname) or {}
            key = (
                "clean_harm"
                if table[n]["kind"] == "clean"
                else ("exact_match" if table[n]["kind"] == "phrases" else "f0.5")
            )
            vals.append(m.get(key) or 0.0)
        ax.bar(xs, vals, width, label=sysname)
    labels = [
        f"{n}\n({'clean harm' if table[n]['kind'] == 'clean' else 'exact' if table[n]['kind'] == 'phrases' else 'F0.5'})"
        for n in names
    ]
    ax.set_xticks(range(len(names)), labels, fontsize=8)
    ax.set(ylabel="score", ylim=(0, 1), title="model vs baselines on every set")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
