"""A mixture of spinners: each document spun by one of several, drawn by weight."""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..config import merge
from .tables import resolve_paths
from .text import Swap


class DocumentSpinner(Protocol):
    """What a component of a mixture does (a :class:`restore.spinner.Spinner`, or a mixture)."""

    def spin_document(self, sentences: list[str], seed: int | str = 0, is_title: bool = False) -> list[str]: ...

    def spin_with_edits(
        self, text: str, seed: int | str = 0, rate: float | None = None, keep_quotes: bool | None = None
    ) -> tuple[str, list[Swap]]: ...

    def options(self, phrase: str) -> set[str]: ...


class MixedSpinner:
    """Spins each document with one of several spinners, drawn by weight from the seed.

    Real spam sites run different spinners: most documents may be spun rewriter-style
    and some thesaurus-style. A component whose synonym-set file is missing is left out
    with a warning (the open thesaurus spinner needs no external file).
    """

    def __init__(self, components: list[tuple[float, DocumentSpinner]]):
        if not components:
            raise ValueError("a spinner mixture needs at least one component")
        if any(w <= 0 for w, _ in components):
            raise ValueError("spinner mixture weights must be positive")
        self.components = components
        self.weights = [w for w, _ in components]

    @classmethod
    def from_config(
        cls,
        mixture: list[dict],
        common: dict | None,
        base_dir: str | Path | None,
        build: Callable[[dict, str | Path | None], DocumentSpinner],
    ) -> MixedSpinner:
        """Each item of ``mixture`` (``common`` merged under it) made a component by ``build``."""
        components = []
        for item in mixture:
            item = resolve_paths(dict(item), base_dir)
            weight = float(item.pop("weight", 1.0))
            missing = [
                p
                for p in [item.get("synonym_sets")] + list(item.get("real_pairs") or [])
                if p and not Path(p).is_file()
            ]
            if missing:
                warnings.warn(
                    f"spinner mixture: file {missing[0]!r} not found; its component (weight {weight}) is left out",
                    stacklevel=2,
                )
                continue
            components.append((weight, build(merge(common or {}, item), base_dir)))
        return cls(components)

    def pick(self, seed: int | str) -> DocumentSpinner:
        rng = random.Random(f"mix:{seed}")
        return rng.choices([sp for _, sp in self.components], weights=self.weights)[0]

    def spin_document(self, sentences: list[str], seed: int | str = 0, is_title: bool = False) -> list[str]:
        return self.pick(seed).spin_document(sentences, seed=seed, is_title=is_title)

    def spin_with_edits(
        self, text: str, seed: int | str = 0, rate: float | None = None, keep_quotes: bool | None = None
    ) -> tuple[str, list[Swap]]:
        return self.pick(seed).spin_with_edits(text, seed, rate, keep_quotes)

    def spin(self, text: str, seed: int | str = 0, rate: float | None = None) -> str:
        return self.spin_with_edits(text, seed, rate)[0]

    def options(self, phrase: str) -> set[str]:
        return set().union(*(sp.options(phrase) for _, sp in self.components))
