"""The words a model saw in its training targets, kept with the model so the restorer
never writes a word nobody wrote.

A seq2seq model over subword pieces can spell words that do not exist: on real spun news
the shipped model turned "Truss" into "Trus" and "Trusss", "retrospect" into
"retropect", "vivid" into "vivivid", at confidences up to 0.99 that no threshold catches.
A restoration only ever needs words of standard English or of its own input, so an edit
whose replacement holds a word that is in neither (lower-cased, letters only: numbers are
the guards' business) is dropped (:func:`restore.guards.guarded_edits`).

The list is ``known_words.txt.gz`` in the model folder, one lower-cased word a line, written
by ``restore train`` from the ORIGINAL side of its training pairs (joined with the list of
an ``--init-from`` model). For a model folder without one,
``restore known-words MODEL_DIR --pairs data/pairs``
(:func:`restore.training_data.write_known_words`).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

from .align import TYPOGRAPHY, WORD_RE

FILE = "known_words.txt.gz"


def word_keys(text: str) -> set[str]:
    """The lower-cased words of ``text`` that hold a letter and no digit (straight
    apostrophes: "Russia’s" and "Russia's" are one word)."""
    return {
        w.lower()
        for w in WORD_RE.findall(text.translate(TYPOGRAPHY))
        if any(c.isalpha() for c in w) and not any(c.isdigit() for c in w)
    }


def collect(texts: Iterable[str], known: Iterable[str] = ()) -> set[str]:
    """Every word of ``texts`` (:func:`word_keys`), joined with ``known``."""
    words = set(known)
    for text in texts:
        words |= word_keys(text)
    return words


def save(folder: str | Path, words: Iterable[str]) -> Path:
    path = Path(folder) / FILE
    # mtime 0: the same words give the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(sorted(words)) + "\n").encode("utf-8"))
    return path


def load(folder: str | Path) -> frozenset[str] | None:
    """The model's known words; None when the folder has no list (then nothing is checked)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return frozenset(line.rstrip("\n") for line in f if line.strip())


def invented(replacement: str, source: str, known: frozenset[str] | None) -> list[str]:
    """The words of ``replacement`` that are neither known nor in ``source``."""
    if known is None:
        return []
    unknown = {w for w in word_keys(replacement) if w not in known}
    return sorted(unknown - word_keys(source)) if unknown else []  # the source is read only when needed
