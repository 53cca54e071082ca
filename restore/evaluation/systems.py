"""Systems under evaluation: the restorer's proposals, the lexicon and copy baselines; each
maps texts to ``(output, edits)`` pairs (the restorer's edits as a :class:`Proposal`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..edits import Edit, apply_edits
from ..guards import Proposal

CHUNK = 64  # sentences handed to a system at a time (progress bar steps)


class CopySystem:
    """The copy baseline: output = input."""

    def restore_with_edits(self, texts: list[str]):
        return [(t, []) for t in texts]


class CachedSystem:
    """Remembers outputs by input text (a suite's sets share sentences)."""

    def __init__(self, system):
        self.system, self.cache = system, {}

    def restore_with_edits(self, texts: list[str]):
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            self.cache.update(zip(todo, self.system.restore_with_edits(todo)))
        return [self.cache[t] for t in texts]


class AllProposals:
    """A restorer as an evaluated system: every edit it proposes, unthresholded, with each
    text's spun-ness evidence (the evaluation applies the thresholds itself, for the sweep
    and the chosen setting)."""

    thresholded = True  # its results are proposals that Thresholds filter

    def __init__(self, restorer):
        self.restorer = restorer

    def restore_with_edits(self, texts: list[str]) -> list[tuple[str, Proposal]]:
        return [(apply_edits(t, p.edits), p) for t, p in zip(texts, self.restorer.propose(list(texts)))]


def is_thresholded(system) -> bool:
    return getattr(getattr(system, "system", system), "thresholded", False)  # through CachedSystem


def default_systems(restorer) -> dict:
    """``{"model": restorer, "lexicon": Lexicon, "copy": CopySystem}`` (cached)."""
    from ..lexicon import Lexicon

    systems = {"lexicon": Lexicon.load(), "copy": CopySystem()}
    if restorer is not None:  # every edit the model proposes: thresholds are applied by the evaluation
        systems = {"model": AllProposals(restorer), **systems}
    return {name: CachedSystem(s) for name, s in systems.items()}


def run_system(system, texts: Sequence[str], desc: str, progress: bool) -> list[tuple[str, list[Edit]]]:
    """``system.restore_with_edits`` over ``texts`` in chunks, with a progress bar on stderr."""
    from tqdm import tqdm

    out: list = []
    with tqdm(
        total=len(texts),
        desc=desc,
        unit=" sent",
        file=sys.stderr,
        dynamic_ncols=True,
        disable=not progress,
        leave=False,
    ) as bar:
        for k in range(0, len(texts), CHUNK):
            chunk = list(texts[k : k + CHUNK])
            out += system.restore_with_edits(chunk)
            bar.update(len(chunk))
    return out
