"""Restore spun text with a trained model: the Python API.

    >>> from restore import restore
    >>> restore("The Home handed the invoice.")          # doctest: +SKIP
    'The House passed the bill.'

Texts are cut into sentences (:mod:`restore.segment`); only sentences go through the
model (an engine from :mod:`restore.engines`), in length-sorted batches, and everything
between them (spaces, line breaks, blank lines) is put back as it was. A sentence too
long for the model is restored in pieces. An output that drops or alters a number, URL
or e-mail address of its input is not trusted: the input sentence is kept.

The model's output is not pasted in whole: it is aligned with the input word by word and
turned into edits (character span of the input, replacement, confidence), and only the
edits are applied. Everything the model did not change word-wise (spacing, quote style)
stays byte for byte as in the input, and ``min_confidence`` drops the edits the model was
unsure of.
"""
from __future__ import annotations

import difflib
import unicodedata
import math
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .align import TYPOGRAPHY, WORD_RE, words
from .facts import same_facts
from .known_words import invented, load as load_known_words
from .segment import segments, split_long

DEFAULT_MODEL_NAME = "restore-small"
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
# numbers, URLs and e-mail addresses that an output must keep (3.Three -> 3.3 is fine: the
# restored side has the digits)
SPUN_DECIMAL_RE = re.compile(r"(\d+)\.(Zero|One|Two|Three|Four|Five|Six|Seven|Eight|Nine)\b")
DIGITS = {w: str(i) for i, w in enumerate("Zero One Two Three Four Five Six Seven Eight Nine".split())}
PROTECTED_RE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\d+(?:[.,:]\d+)*")
MEMO_SIZE = 50_000  # distinct sentences whose scored edits a Restorer remembers across calls
# an edit with no letter or digit on either side changes punctuation only: spinners swap
# words, and the model miscounts runs of marks ("it... would" -> "it.... would")
LETTER_OR_DIGIT_RE = re.compile(r"[^\W_]")
DOTS_RE = re.compile(r"\.{2,}")
ELLIPSIS_RE = re.compile(r"\.{2,}|…")
SPACE_RE = re.compile(r"\s+")
# characters the model does not read: format characters (zero-width space and joiners,
# BOM, bidi marks) and pictographs / emoji with their variation selectors
SKIPPED_CATEGORIES = {"Cf", "So", "Sk", "Cs", "Co"}
MIN_SIMILARITY = 0.4  # difflib ratio of input and output words below which an output is not used
# numbers a spinner writes for words: restoring the word is not losing the number
SOFT_NUMBER_RE = re.compile(r"\b(?:12 months|10 years|1,?000'?s|100'?s|\d+(?:st|nd|rd|th))\b", re.IGNORECASE)


class ModelNotFound(FileNotFoundError):
    pass


def default_model_dir() -> Path:
    """The model used when none is given, the first of:

    1. ``$RESTORE_MODEL``;
    2. ``models/restore-small`` of a source checkout (an editable install);
    3. the copy a wheel installs under ``<prefix>/share/restore/models/restore-small``;
    4. ``$XDG_DATA_HOME/restore/models/restore-small`` (default ``~/.local/share``), for a
       model placed there by hand.
    """
    env = os.environ.get("RESTORE_MODEL")
    if env:
        path = Path(env)
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"RESTORE_MODEL={env}: no model folder there (config.json missing)")
        return path
    candidates = [MODELS_DIR / DEFAULT_MODEL_NAME, *_installed_model_dirs(),
                  Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
                  / "restore/models" / DEFAULT_MODEL_NAME]
    for path in candidates:
        if (path / "config.json").is_file():
            return path
    raise ModelNotFound("no restore model found (looked in: " + ", ".join(map(str, candidates))
                        + "); pass --model DIR or set RESTORE_MODEL")


def _installed_model_dirs() -> list[Path]:
    """Where the installed distribution put its data files (``share/restore/models/...``)."""
    from importlib import metadata

    try:
        dist = metadata.distribution("restore")
    except metadata.PackageNotFoundError:
        return []
    marker = f"share/restore/models/{DEFAULT_MODEL_NAME}/config.json"
    return [Path(dist.locate_file(f)).resolve().parent for f in dist.files or () if str(f).endswith(marker)]


@dataclass(frozen=True)
class Edit:
    """One change: ``text[start:end]`` (``spun``) becomes ``replacement``.

    ``confidence`` is the model's probability for the least likely token of the
    replacement (for a deletion, of the token after it): 1.0 = certain. ``sentence``
    numbers the sentence piece of the text the edit is in (the restorer's unit).
    """
    start: int
    end: int
    spun: str
    replacement: str
    confidence: float
    sentence: int = 0

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "spun": self.spun,
                "replacement": self.replacement, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True)
class SpunScore:
    """How spun a text looks: the confidence-weighted share of its words the model would
    change, for the whole text (``score``) and for each sentence ``(start, end, score)``."""
    score: float
    words: int
    sentences: list[tuple[int, int, float]]


@dataclass
class _Sentence:
    """A sentence piece of an input text: where it sits and what the model made of it."""
    text_index: int
    offset: int
    source: str
    edits: list[Edit]  # offsets relative to the sentence


def sentence_edits(source: str, output: str) -> list[Edit]:
    """Word-level edits turning ``source`` into ``output`` (confidence 1.0), with character
    spans of ``source``. Words equal after typography normalisation are not edits, so the
    input's quote style and spacing survive, around and inside an edit too (see below)."""
    # words found in the typographically normalised text (one character for one, so the
    # spans hold): "Russia’s" is one word like "Russia's", not "Russia", "’", "s"
    # characters the model does not read (zero-width, emoji) are layout, not words
    src = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(source.translate(TYPOGRAPHY))
           if not all(map(_skipped, m.group()))]
    out = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(output.translate(TYPOGRAPHY))
           if not all(map(_skipped, m.group()))]
    sm = difflib.SequenceMatcher(a=[w for *_, w in src], b=[w for *_, w in out], autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        # from the end of the previous unchanged word to the start of the next one
        s0 = src[i1 - 1][1] if i1 > 0 else 0
        s1 = src[i2][0] if i2 < len(src) else len(source)
        o0 = out[j1 - 1][1] if j1 > 0 else 0
        o1 = out[j2][0] if j2 < len(out) else len(output)
        old, new = source[s0:s1], output[o0:o1]
        if old.strip() and new.strip():
            # words replaced by words: whitespace at an end where both have some is the
            # input's (a double space or NBSP next to the edit stays), and so are the gaps
            # between the replacement's words where it can be (_input_style)
            start, end = s0, s1
            if _is_layout(old[0]) and _is_layout(new[0]):
                cut = _layout_run(old)
                start += cut
                old, new = old[cut:], new[_layout_run(new):]
            if _is_layout(old[-1]) and _is_layout(new[-1]):
                cut = _layout_run(old[::-1])
                end -= cut
                old, new = old[:len(old) - cut], new[:len(new) - _layout_run(new[::-1])]
            old_core, new_core = old, _input_style(old, new, source)
            if old_core == new_core:
                continue
            edits.append(Edit(start, end, old_core, new_core, 1.0))
            continue
        # an insertion or a deletion: trim the whitespace both sides share
        lead = 0
        while lead < min(len(old), len(new)) and old[lead] == new[lead] and old[lead].isspace():
            lead += 1
        trail = 0
        while (trail < min(len(old), len(new)) - lead and old[-1 - trail] == new[-1 - trail]
               and old[-1 - trail].isspace()):
            trail += 1
        old_core, new_core = old[lead:len(old) - trail], new[lead:len(new) - trail]
        if old_core == new_core:
            continue
        start, end = s0 + lead, s1 - trail
        edits.append(Edit(start, end, old_core, new_core, 1.0))
    return edits


def _is_layout(ch: str) -> bool:
    return ch.isspace() or _skipped(ch)


def _layout_run(text: str) -> int:
    """Length of the run of whitespace and unread characters that ``text`` starts with."""
    n = 0
    while n < len(text) and _is_layout(text[n]):
        n += 1
    return n


def _input_style(old: str, new: str, source: str) -> str:
    """``new`` with the whitespace and apostrophes of the input: the k-th gap between
    words is the input's k-th gap when both have as many (double spaces, NBSP), else
    the one gap style the input uses; the model's straight apostrophe becomes the
    input's curly one when the input uses only curly ones."""
    old_gaps, new_gaps = SPACE_RE.findall(old), SPACE_RE.findall(new)
    if new_gaps and (len(old_gaps) == len(new_gaps) or len(set(old_gaps)) == 1):
        fill = iter(old_gaps) if len(old_gaps) == len(new_gaps) else iter([old_gaps[0]] * len(new_gaps))
        new = SPACE_RE.sub(lambda m: next(fill), new)
    if "'" in new and "’" in source and "'" not in source:
        new = new.replace("'", "’")
    return new


def _model_reading(text: str) -> tuple[str, list[int] | None]:
    """``text`` as the model reads it, and a map from its offsets back to ``text`` (None
    when they are the same). The model reads straight quotes and dashes, "..." for "…",
    one space for any run of whitespace (double spaces, NBSP), and no zero-width
    characters or emoji (rare byte-level tokens that derail it)."""
    text = text.translate(TYPOGRAPHY)
    if "…" not in text and "  " not in text and not _has_skipped(text):
        return text, None
    chars, back = [], []
    for i, ch in enumerate(text):
        if ch == "…":
            chars.append("...")
            back += [i] * 3
        elif ch.isspace() and (not chars or chars[-1] == " "):
            continue  # a run of whitespace, or whitespace left at the start by a skipped character
        elif ord(ch) > 0x2000 and _skipped(ch):
            continue
        else:
            chars.append(" " if ch.isspace() else ch)
            back.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        back.pop()
    back.append(len(text))
    return "".join(chars), back


def _skipped(ch: str) -> bool:
    return unicodedata.category(ch) in SKIPPED_CATEGORIES or ch in "\ufe0e\ufe0f"


def _has_skipped(text: str) -> bool:
    return any(ord(ch) > 0x2000 and _skipped(ch) for ch in text)


def _ellipses_back(source: str, output: str) -> str:
    """The model's output for ``source`` with the source's own marks for its runs of dots:
    the k-th run (the model miscounts dots: "..", "....") becomes the k-th "…" or dot run
    of the source. When the numbers of runs differ, every run becomes "…" if the source
    has no dot run of its own, else the output is left as it is."""
    if "…" not in source:
        return output
    marks = ELLIPSIS_RE.findall(source)
    runs = list(DOTS_RE.finditer(output))
    if len(runs) != len(marks):
        return DOTS_RE.sub("…", output) if ".." not in source else output
    parts, pos = [], 0
    for run, mark in zip(runs, marks):
        parts += [output[pos:run.start()], mark]
        pos = run.end()
    return "".join(parts) + output[pos:]


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` (spans of ``text``) applied."""
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts += [text[pos:e.start], e.replacement]
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _confidence(scores, start: int, end: int) -> float:
    """Probability of the least likely output token overlapping ``[start, end)``; for an
    empty span (a deletion) the token that follows it."""
    if not scores:
        return 0.0
    if end > start:
        picked = [lp for s, e, lp in scores if s < end and e > start]
    else:
        picked = [next((lp for s, e, lp in scores if e > start or s >= start), scores[-1][2])]
    return math.exp(min(picked)) if picked else 0.0


def kept_edits(edits: list[Edit], min_confidence: float = 0.0, lone_edit_confidence: float = 0.0) -> list[Edit]:
    """The edits to apply: those at ``min_confidence`` or above, except that a sentence
    left with a single edit keeps it only at ``lone_edit_confidence`` or above.

    One isolated change in an otherwise untouched sentence is what a false "fix" of clean
    text looks like; a spun sentence usually carries several (real spinners change ~30% of
    the words), so the second gate removes most harm to clean text for little recall."""
    kept = [e for e in edits if e.confidence >= min_confidence]
    if lone_edit_confidence <= min_confidence:
        return kept
    per_sentence: dict[int, int] = {}
    for e in kept:
        per_sentence[e.sentence] = per_sentence.get(e.sentence, 0) + 1
    return [e for e in kept if per_sentence[e.sentence] > 1 or e.confidence >= lone_edit_confidence]


def model_settings(path: Path) -> dict:
    """The restorer's settings stored with a model (``restore_config.json``): the
    recommended ``min_confidence`` and ``lone_edit_confidence``, measured when the model
    was shipped."""
    import json

    file = Path(path) / "restore_config.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


class Restorer:
    """A decoding engine plus the rules that make its output safe to use.

    ``Restorer.from_pretrained(path)``; ``.restore(texts)``, ``.restore_with_edits(text)``,
    ``.spun_score(text)``.
    """

    def __init__(self, engine, min_confidence: float = 0.0, lone_edit_confidence: float = 0.0,
                 known_words: frozenset[str] | None = None):
        self.engine = engine
        # words the restorer may write besides the input's own (restore.known_words); None: any
        self.known_words = known_words
        for name, value in (("min_confidence", min_confidence), ("lone_edit_confidence", lone_edit_confidence)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")
        self.min_confidence = float(min_confidence)
        self.lone_edit_confidence = float(lone_edit_confidence)
        self.max_chars = engine.max_input_tokens * 3  # ~4 characters a token in news text: margin
        self.sentences_done = 0  # sentence pieces restored so far (progress bars read it)
        # scored edits of recently seen sentences: scraped text repeats bylines, captions and
        # boilerplate across lines and files, and those need not go through the model again
        self._memo: OrderedDict[str, list[Edit]] = OrderedDict()

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, batch_size: int = 32, num_beams: int = 1,
                        device: str = "cpu", min_confidence: float | None = None,
                        engine: str = "auto", lone_edit_confidence: float | None = None) -> "Restorer":
        """Load a model folder (default: the shipped model). ``min_confidence=None`` and
        ``lone_edit_confidence=None`` take the model's own recommended thresholds from its
        ``restore_config.json`` (0 without one); see :func:`kept_edits`."""
        from .engines import load_engine

        for name, value in (("batch_size", batch_size), ("num_beams", num_beams)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        path = Path(path) if path else default_model_dir()
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"no model folder at {path} (config.json missing)")
        # engine: "auto" (CTranslate2 when available, else PyTorch), "ct2" or "torch"
        engine = load_engine(path, engine, device=device, batch_size=batch_size, num_beams=num_beams)
        settings = model_settings(path)
        if min_confidence is None:
            min_confidence = settings.get("min_confidence", 0.0)
        if lone_edit_confidence is None:
            lone_edit_confidence = settings.get("lone_edit_confidence", 0.0)
        return cls(engine, min_confidence=min_confidence, lone_edit_confidence=lone_edit_confidence,
                   known_words=load_known_words(path))

    # -- public -------------------------------------------------------------------
    def restore(self, texts: str | list[str]) -> str | list[str]:
        """The restored text (or list of texts)."""
        single, texts = _as_texts(texts)
        plans = self._plan(texts, with_confidence=max(self.min_confidence, self.lone_edit_confidence) > 0)
        out = [apply_edits(t, self._kept(edits)) for t, edits in zip(texts, plans)]
        return out[0] if single else out

    def restore_with_edits(self, texts: str | list[str]):
        """``(restored_text, [Edit, ...])`` for a text (a list of them for a list); edit
        spans are character offsets in the input text. Edits the thresholds drop
        (:func:`kept_edits`) are neither applied nor listed."""
        single, texts = _as_texts(texts)
        plans = self._plan(texts, with_confidence=True)
        out = []
        for text, edits in zip(texts, plans):
            kept = self._kept(edits)
            out.append((apply_edits(text, kept), kept))
        return out[0] if single else out

    def spun_score(self, text: str) -> SpunScore:
        """Confidence-weighted share of words the model would change (every edit counts,
        whatever ``min_confidence``): 0 for clean text, towards 1 for heavy spinning."""
        sentences = []
        total_words = total = 0.0
        for sent in self._sentences([text]):
            n = max(1, len(WORD_RE.findall(sent.source)))
            changed = sum(e.confidence * max(1, len(WORD_RE.findall(e.spun))) for e in sent.edits)
            changed = min(changed, n)
            sentences.append((sent.offset, sent.offset + len(sent.source), changed / n))
            total_words += n
            total += changed
        return SpunScore(total / total_words if total_words else 0.0, int(total_words), sentences)

    def generate(self, sentences: list[str]) -> list[str]:
        """Raw model output for each sentence (no segmentation, no guards)."""
        return self.engine.generate(sentences)

    # -- internals ----------------------------------------------------------------
    def _kept(self, edits: list[Edit]) -> list[Edit]:
        return kept_edits(edits, self.min_confidence, self.lone_edit_confidence)

    def _plan(self, texts: list[str], with_confidence: bool) -> list[list[Edit]]:
        """Edits with offsets in each text."""
        plans: list[list[Edit]] = [[] for _ in texts]
        pieces = [0] * len(texts)  # sentence pieces seen so far in each text
        for sent in self._sentences(texts, with_confidence):
            plans[sent.text_index] += [Edit(e.start + sent.offset, e.end + sent.offset, e.spun, e.replacement,
                                            e.confidence, pieces[sent.text_index]) for e in sent.edits]
            pieces[sent.text_index] += 1
        return plans

    def _sentences(self, texts: list[str], with_confidence: bool = True) -> list[_Sentence]:
        """Every sentence piece of ``texts`` with the edits the model proposes for it."""
        sentences: list[_Sentence] = []
        for t, text in enumerate(texts):
            pos = 0
            for is_sent, chunk in segments(text):
                if is_sent:
                    piece_pos = pos
                    for piece in split_long(chunk, self.max_chars):
                        core = piece.strip()
                        if core:
                            lead = len(piece) - len(piece.lstrip())
                            sentences.append(_Sentence(t, piece_pos + lead, core, []))
                        piece_pos += len(piece)
                pos += len(chunk)
        self.sentences_done += len(sentences)
        # each distinct sentence goes through the model once; with confidences, once in the
        # last MEMO_SIZE distinct sentences of all calls
        unique = list(dict.fromkeys(s.source for s in sentences))
        remembered: dict[str, list[Edit]] = {}
        if with_confidence:
            for src in unique:
                if src in self._memo:
                    self._memo.move_to_end(src)
                    remembered[src] = self._memo[src]
            unique = [src for src in unique if src not in remembered]
        # the model reads straight quotes and dashes (curly ones are rare byte-level tokens
        # to it); the translation keeps every offset, and the input's typography survives
        # because edits compare words after the same normalisation. It reads "..." for "…"
        # too (as bytes, "…" cost a sentence a fifth to a quarter of its fixes); its output
        # gets the input's "…" back before the two are compared
        model_input = {src: _model_reading(src)[0] for src in unique}
        outputs = self.generate(list(model_input.values())) if model_input else []
        proposed = {src: guarded_edits(src, _ellipses_back(src, out), self.known_words)
                    for src, out in zip(unique, outputs)}
        if with_confidence:
            changed = [src for src in unique if proposed[src]]
            targets = [apply_edits(src, proposed[src]) for src in changed]
            # scored as the model read them (straight quotes, "..."), so the greedy decoding's
            # own token scores can be reused; spans are mapped back where "…" was expanded
            readings = [_model_reading(tgt) for tgt in targets]
            scores_of = self.engine.token_logprobs([model_input[src] for src in changed],
                                                   [text for text, _ in readings])
            for src, scores, (_, back) in zip(changed, scores_of, readings):
                if back is not None:  # spans in the target as the model read it -> in the target
                    scores = [(back[a], back[b - 1] + 1 if b > a else back[a], lp) for a, b, lp in scores]
                shift, scored = 0, []  # shift: where the output has moved past the edits so far
                for e in proposed[src]:  # in input order (guarded_edits sorts them)
                    start = e.start + shift
                    scored.append(Edit(e.start, e.end, e.spun, e.replacement,
                                       _confidence(scores, start, start + len(e.replacement))))
                    shift += len(e.replacement) - (e.end - e.start)
                proposed[src] = scored
            for src in unique:
                self._memo[src] = proposed[src]
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
            proposed.update(remembered)
        for s in sentences:
            s.edits = proposed[s.source]
        return sentences

    @staticmethod
    def _checked(source: str, output: str) -> str:
        """What the restorer makes of ``output`` for ``source``: the guarded edits applied."""
        return apply_edits(source, guarded_edits(source, output))


def guarded_edits(source: str, output: str, known_words: frozenset[str] | None = None) -> list[Edit]:
    """The edits from ``source`` to ``output`` that are safe to apply.

    None when the output is empty or not a restoration of the source at all (real
    spinners change about 30% of the words, rarely more than half: an output that shares
    less than 40% of its words and punctuation with the input is a model failure, not a fix). Otherwise every edit except those
    that lose or alter a number, URL or e-mail address of the input; a known spinner
    rewrite is not a loss (2.Four is the number 2.4; 12 months, 1000's, 3rd, 10 years
    are the spinner's versions of year, thousands, third, decade). With ``known_words``
    (:mod:`restore.known_words`), an edit that writes a word neither in that list nor in
    the source ("Truss" -> "Trus") is dropped too: a model spelling a non-word. So is an
    edit of punctuation alone ("..." -> "....", an added comma): spinners swap words, and
    none of the model's punctuation-only edits on 2,075 valid and dev rows was right; an
    edit that drops or adds an ellipsis ("Home…" -> "House"); and an edit that states
    other facts than the text it replaces (:func:`restore.facts.same_facts`: "trillion"
    -> "billion", "northwest" -> "north", a negation lost or added)."""
    if not output.strip():
        return []
    if difflib.SequenceMatcher(a=words(source), b=words(output), autojunk=False).ratio() < MIN_SIMILARITY:
        return []
    protected = [(m.start(), m.end(), f"{m.group(1)}.{DIGITS[m.group(2)]}")
                 for m in SPUN_DECIMAL_RE.finditer(source)]
    protected += [(m.start(), m.end(), m.group()) for m in PROTECTED_RE.finditer(source)
                  if not any(s <= m.start() < e for s, e, _ in protected)]
    soft = [(m.start(), m.end()) for m in SOFT_NUMBER_RE.finditer(source)]
    kept = []
    for edit in sorted(sentence_edits(source, output), key=lambda e: e.start):
        if not (LETTER_OR_DIGIT_RE.search(edit.spun) or LETTER_OR_DIGIT_RE.search(edit.replacement)):
            continue
        if len(ELLIPSIS_RE.findall(edit.spun)) != len(ELLIPSIS_RE.findall(edit.replacement)):
            continue  # drops or adds an ellipsis along with its words
        values = PROTECTED_RE.findall(edit.replacement)
        safe = True
        for s, e, value in protected:
            if not (s < edit.end and e > edit.start):
                continue
            if value in values:
                values.remove(value)
            elif not any(a <= s and e <= b for a, b in soft) or re.search(r"\d", edit.replacement):
                # lost or altered; a spinner's number (1000's) may become words, not another number
                safe = False
        if safe and not invented(edit.replacement, source, known_words) \
                and same_facts(edit.spun, edit.replacement):
            kept.append(edit)
    return kept


def _as_texts(texts) -> tuple[bool, list[str]]:
    """``(single, texts)`` for a str or a list/tuple of str; anything else is a TypeError
    that says what was given (bytes: decode them first)."""
    if isinstance(texts, str):
        return True, [texts]
    if isinstance(texts, (list, tuple)):
        bad = next((t for t in texts if not isinstance(t, str)), None)
        if bad is None:
            return False, list(texts)
        raise TypeError(f"restore takes a str or a list of str; the list holds a {type(bad).__name__}")
    hint = " (decode bytes first, e.g. data.decode('utf-8'))" if isinstance(texts, (bytes, bytearray)) else ""
    raise TypeError(f"restore takes a str or a list of str, got {type(texts).__name__}{hint}")


_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: str | None) -> Restorer:
    return Restorer.from_pretrained(path)


def _cached(path: str | None) -> Restorer:
    with _LOAD_LOCK:  # concurrent first calls load the model once
        return _load(path)


def restore(texts: str | list[str], model: str | Path | None = None) -> str | list[str]:
    """Restore a text or a list of texts with the default model (loaded once, cached)."""
    _as_texts(texts)  # a bad argument fails before the model loads
    return _cached(str(model) if model else None).restore(texts)
