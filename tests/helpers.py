"""Test doubles and helpers shared by test modules: a test module imports them from here,
never from another test module (shared fixtures are in conftest.py).

:class:`ScriptedEngine` returns scripted outputs, so the expected answers can be worked out
by hand. :class:`SwapEngine` is an engine whose "model" really rewrites each sentence by a
table of known word swaps ("Home" -> "House"), so a restorer around it applies edits whose
every character is known in advance: whitespace, line-ending and offset bugs then show up in
the restored text, not only in text that stays unchanged. It is deterministic and holds no
state a call changes, so threads may share it. :func:`follows` makes a double that keeps the
signature of what it replaces.
"""

from __future__ import annotations

import inspect
import json
import math
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPUN = "The Home handed the invoice."
FIXED = "The House passed the bill."


class ScriptedEngine:
    """Returns scripted outputs; every output token has probability ``probs.get(word, 0.9)``."""

    max_input_tokens = 128

    def __init__(self, outputs: dict, probs: dict | None = None):
        self.outputs, self.probs = outputs, probs or {}
        self.generated, self.scored = [], []

    def generate(self, sentences):
        self.generated += sentences
        return [self.outputs.get(s, s) for s in sentences]

    def token_logprobs(self, sources, targets):
        self.scored += list(zip(sources, targets))
        out = []
        for t in targets:
            scores, pos = [], 0
            for w in t.split(" "):
                scores.append((pos, pos + len(w), math.log(self.probs.get(w, 0.9))))
                pos += len(w) + 1
            out.append(scores + [(len(t), len(t), math.log(0.99))])
        return out


SWAPS = {
    "Home": "House",
    "handed": "passed",
    "invoice": "bill",
    "stated": "said",
    "officers": "officials",
    "Officers": "Officials",
    "scheme": "plan",
}


class SwapEngine:
    """Rewrites whole words (or phrases) of each sentence by ``swaps``; every output token
    (run of non-space characters) gets probability ``probs.get(token, default_prob)``."""

    def __init__(
        self,
        swaps: dict[str, str] | None = None,
        probs: dict[str, float] | None = None,
        default_prob: float = 0.95,
        max_input_tokens: int = 128,
    ):
        self.swaps = dict(SWAPS if swaps is None else swaps)
        self.probs = probs or {}
        self.default_prob = default_prob
        self.max_input_tokens = max_input_tokens
        keys = sorted(self.swaps, key=len, reverse=True)
        self._re = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w'])") if keys else None

    def rewrite(self, sentence: str) -> str:
        return self._re.sub(lambda m: self.swaps[m.group()], sentence) if self._re else sentence

    def generate(self, sentences: list[str]) -> list[str]:
        return [self.rewrite(s) for s in sentences]

    def token_logprobs(self, sources: list[str], targets: list[str]):
        out = []
        for t in targets:
            scores = [
                (m.start(), m.end(), math.log(self.probs.get(m.group(), self.default_prob)))
                for m in re.finditer(r"\S+", t)
            ]
            out.append(scores + [(len(t), len(t), math.log(0.99))])
        return out


def swap_restorer(swaps: dict[str, str] | None = None, **kw):
    """A :class:`~restore.restorer.Restorer` around a :class:`SwapEngine` (no thresholds
    unless given)."""
    from restore.restorer import Restorer

    engine_kw = {k: kw.pop(k) for k in ("probs", "default_prob", "max_input_tokens") if k in kw}
    return Restorer(SwapEngine(swaps, **engine_kw), **kw)


def follows(real: Callable, fake: Callable[[dict[str, Any]], Any]) -> Callable:
    """A double for ``real`` with its signature, read by ``inspect.signature`` so that it
    cannot drift from it: a call ``real`` would refuse raises the same TypeError, and
    ``fake`` gets the arguments the call gave, by name. Set on a class, it is a method
    (``self`` is one of the arguments), as ``real`` was."""
    signature = inspect.signature(real)

    def double(*args, **kwargs):
        return fake(signature.bind(*args, **kwargs).arguments)

    return double


def from_pretrained_double(load: Callable[[dict[str, Any]], Any]) -> staticmethod:
    """A stand-in for ``Restorer.from_pretrained`` (see :func:`follows`): ``load`` gets the
    arguments of each call by name. ``monkeypatch.setattr(Restorer, "from_pretrained",
    from_pretrained_double(load))``, or an assignment in a subprocess's driver script."""
    from restore.restorer import Restorer

    return staticmethod(follows(Restorer.from_pretrained, load))


def restore_run(model: Path, *args) -> int:
    """``restore run ARGS --model MODEL`` in this process; its exit code."""
    from restore.cli import main

    return main(["run", *map(str, args), "--model", str(model)])


def write(path: Path, data: bytes | str) -> Path:
    """Writes ``data`` to ``path`` (its folders made); the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def files_under(folder: Path) -> list[str]:
    """The files under ``folder``, as sorted relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


SUBJECTS = ["The government", "The council", "Officials", "The company", "The minister", "Workers"]
VERBS = ["said", "announced", "confirmed", "warned", "reported", "denied"]
OBJECTS = [
    "a new plan to cut costs",
    "that prices would rise",
    "the bill had passed",
    "a major crisis in the industry",
    "thousands of jobs were at risk",
    "the vote was delayed",
]
TAILS = ["on Monday.", "last week.", "in a statement.", "after a long debate.", "according to a report."]


def make_corpus(path: Path, n_docs: int = 60, seed: int = 0) -> None:
    """A JSONL corpus of generated news documents (8 sentences each) to train the tiny model on."""
    rng = random.Random(seed)
    with path.open("w") as f:
        for i in range(n_docs):
            sents = [
                f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
                for _ in range(8)
            ]
            f.write(
                json.dumps({"id": f"d{i}", "title": f"Story number {i} about the news", "text": " ".join(sents)}) + "\n"
            )
