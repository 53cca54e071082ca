"""A restorer's memory of sentences it has scored: :class:`SentenceMemo`.

Scraped text repeats bylines, captions and boilerplate across lines and files, and those
need not go through the model again: the scored edits (guarded, with confidences, before
any threshold) of the last sentences seen are kept, keyed by the sentence as it is.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from .edits import Edit

__all__ = ["SentenceMemo"]


class SentenceMemo:
    """The scored edits of the last ``size`` distinct sentences, least recently used
    forgotten first. Threads may share it (a web service): it changes under a lock."""

    def __init__(self, size: int):
        self.size = size
        self._edits: OrderedDict[str, list[Edit]] = OrderedDict()
        self._lock = threading.Lock()

    def recall(self, sentences: Iterable[str]) -> dict[str, list[Edit]]:
        """The remembered edits of those of ``sentences`` that are remembered."""
        remembered: dict[str, list[Edit]] = {}
        with self._lock:
            for src in sentences:
                if src in self._edits:
                    self._edits.move_to_end(src)
                    remembered[src] = self._edits[src]
        return remembered

    def remember(self, edits_of: dict[str, list[Edit]]) -> None:
        """Keep the edits of these sentences, forgetting the oldest beyond ``size``."""
        with self._lock:
            for src, edits in edits_of.items():
                self._edits[src] = edits
            while len(self._edits) > self.size:
                self._edits.popitem(last=False)

    def __len__(self) -> int:
        return len(self._edits)
