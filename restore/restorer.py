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

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import overload

from .confidence import SpunScore, evidence, least_likely_token, scored_edits
from .edits import Edit, apply_edits
from .guards import Proposal, Thresholds, guarded_edits
from .known_words import load as load_known_words
from .memo import SentenceMemo
from .model_folder import InvalidModel, ModelNotFound, first_line, read_json
from .reading import ellipses_back, model_reading
from .segment import segments, split_long
from .spec import RestorerSpec

# what this module defines, the score type Restorer.spun_score returns (restore.confidence's)
# and the errors its loading raises (restore.model_folder's)
__all__ = ["Restorer", "restore", "SpunScore", "ModelNotFound", "InvalidModel"]

MEMO_SIZE = 50_000  # distinct sentences whose scored edits a Restorer remembers across calls


@dataclass
class _Sentence:
    """A sentence piece of an input text: where it sits and what the model made of it."""

    text_index: int
    offset: int
    source: str
    edits: list[Edit]  # offsets relative to the sentence


def _threshold(name: str) -> property:
    """A restorer attribute that reads and sets one field of its :class:`Thresholds`."""

    def get(self: Restorer):
        return getattr(self.thresholds, name)

    def set_(self: Restorer, value) -> None:
        self.thresholds = replace(self.thresholds, **{name: value})

    return property(get, set_, doc=f"``Thresholds.{name}`` of this restorer.")


class Restorer:
    """A decoding engine plus the rules that make its output safe to use.

    ``Restorer.from_pretrained(path)`` (or ``.from_spec(spec)``); ``.restore(texts)``,
    ``.restore_with_edits(text)``, ``.propose(texts)``, ``.spun_score(text)``. Each text is
    one document for the document gate (``min_spun_score``) unless ``one_document=True``
    pools a list.
    """

    min_confidence = _threshold("min_confidence")
    lone_edit_confidence = _threshold("lone_edit_confidence")
    min_spun_score = _threshold("min_spun_score")
    document_evidence = _threshold("document_evidence")

    def __init__(
        self,
        engine,
        min_confidence: float = 0.0,
        lone_edit_confidence: float = 0.0,
        known_words: frozenset[str] | None = None,
        min_spun_score: float = 0.0,
        edit_confidence: Callable[[list[float]], float] = least_likely_token,
        document_evidence: bool = False,
    ):
        self.engine = engine
        # an edit's confidence from the log-probabilities of its replacement's tokens; the
        # thresholds are chosen for the default (tools/choose_thresholds). Set it before the
        # first call: scored edits are remembered per sentence (self._memo)
        self.edit_confidence = edit_confidence
        # words the restorer may write besides the input's own (restore.known_words); None: any
        self.known_words = known_words
        Thresholds(min_confidence, lone_edit_confidence, min_spun_score)  # each from 0 to 1, or ValueError
        self.thresholds = Thresholds(
            float(min_confidence), float(lone_edit_confidence), float(min_spun_score), bool(document_evidence)
        )
        self.max_chars = engine.max_input_tokens * 3  # ~4 characters a token in news text: margin
        self.sentences_done = 0  # sentence pieces restored so far (progress bars read it)
        self._memo = SentenceMemo(MEMO_SIZE)  # scored edits of recently seen sentences
        # threads may share a restorer (a web service): the counter is changed under this lock, the
        # memo under its own; the engines and the segmenter are safe to share (tests/test_thread_safety.py)
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path | None = None,
        batch_size: int = 32,
        num_beams: int = 1,
        device: str = "cpu",
        min_confidence: float | None = None,
        engine: str = "auto",
        lone_edit_confidence: float | None = None,
        min_spun_score: float | None = None,
        threads: int | None = None,
        document_evidence: bool | None = None,
    ) -> Restorer:
        """Load a model folder (default: the shipped model). A threshold left ``None``
        takes the model's own recommended value from its ``restore_config.json`` (0
        without one); see :class:`Thresholds`. ``threads``: CPU threads (default: every
        core this process may run on)."""
        from .engines import load_engine

        spec = RestorerSpec.build(
            path,
            engine=engine,
            batch_size=batch_size,
            num_beams=num_beams,
            device=device,
            threads=threads,
            min_confidence=min_confidence,
            lone_edit_confidence=lone_edit_confidence,
            min_spun_score=min_spun_score,
            document_evidence=document_evidence,
        )
        path = Path(spec.model)
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"no model folder at {path} (config.json missing)")
        read_json(path / "config.json")  # a corrupt or foreign folder: one line (InvalidModel), not a traceback
        # engine: "auto" (CTranslate2 at the model's recommended precision when available,
        # else PyTorch), "ct2" (float32), "ct2-int8" or "torch"
        precision = {"compute_type": spec.compute_type} if spec.compute_type else {}
        try:
            loaded = load_engine(
                path,
                spec.engine,
                device=spec.device,
                batch_size=spec.batch_size,
                num_beams=spec.num_beams,
                threads=spec.threads,
                **precision,
            )
            known_words = load_known_words(path)
        except (ImportError, MemoryError):
            raise
        except InvalidModel:  # load_engine checks the folder first (check_model_dir)
            raise
        except Exception as e:  # what the checks cannot see: the weights' shapes, a bad tokenizer
            raise InvalidModel(f"{path}: cannot load the model ({type(e).__name__}: {first_line(e)})") from e
        spec.warn_if_unchosen()
        t = spec.thresholds
        assert t is not None  # RestorerSpec.build fills in the model's own
        return cls(
            loaded,
            min_confidence=t.min_confidence,
            lone_edit_confidence=t.lone_edit_confidence,
            known_words=known_words,
            min_spun_score=t.min_spun_score,
            document_evidence=t.document_evidence,
        )

    @classmethod
    def from_spec(cls, spec: RestorerSpec) -> Restorer:
        """The restorer ``spec`` describes (:meth:`from_pretrained` loads it)."""
        thresholds = asdict(spec.thresholds) if spec.thresholds is not None else {}  # {}: the model's own
        restorer = cls.from_pretrained(
            spec.model,
            batch_size=spec.batch_size,
            num_beams=spec.num_beams,
            device=spec.device,
            engine=spec.engine,
            threads=spec.threads,
            **thresholds,
        )
        spec.warn_if_unchosen()
        return restorer

    # -- public: a str gives one result, a list of str a list --------------------
    @overload
    def restore(self, texts: str, one_document: bool = False) -> str: ...
    @overload
    def restore(self, texts: list[str], one_document: bool = False) -> list[str]: ...
    def restore(self, texts: str | list[str], one_document: bool = False) -> str | list[str]:
        """The restored text (or list of texts). ``one_document``: the list's texts are
        parts of one document (the document gate reads them together)."""
        single, texts = _as_texts(texts)
        with_confidence = any(v > 0 for v in (self.min_confidence, self.lone_edit_confidence, self.min_spun_score))
        proposals = self._plan(texts, with_confidence)
        kept = self.thresholds.apply_all(proposals, [0] * len(texts) if one_document else None)
        out = [apply_edits(t, edits) for t, edits in zip(texts, kept)]
        return out[0] if single else out

    @overload
    def restore_with_edits(self, texts: str, one_document: bool = False) -> tuple[str, list[Edit]]: ...
    @overload
    def restore_with_edits(self, texts: list[str], one_document: bool = False) -> list[tuple[str, list[Edit]]]: ...
    def restore_with_edits(
        self, texts: str | list[str], one_document: bool = False
    ) -> tuple[str, list[Edit]] | list[tuple[str, list[Edit]]]:
        """``(restored_text, [Edit, ...])`` for a text (a list of them for a list); edit
        spans are character offsets in the input text. Edits the thresholds drop
        (:class:`Thresholds`) are neither applied nor listed."""
        single, texts = _as_texts(texts)
        proposals = self._plan(texts, with_confidence=True)
        kept = self.thresholds.apply_all(proposals, [0] * len(texts) if one_document else None)
        out = [(apply_edits(t, edits), edits) for t, edits in zip(texts, kept)]
        return out[0] if single else out

    @overload
    def propose(self, texts: str) -> Proposal: ...
    @overload
    def propose(self, texts: list[str]) -> list[Proposal]: ...
    def propose(self, texts: str | list[str]) -> Proposal | list[Proposal]:
        """Every edit the model proposes for a text (a list of them for a list), guarded
        and scored but not thresholded, with the text's spun-ness evidence:
        ``self.thresholds.apply(proposal)`` (or any other :class:`Thresholds`) gives the
        edits :meth:`restore` would apply."""
        single, texts = _as_texts(texts)
        plans = self._plan(texts, with_confidence=True)
        return plans[0] if single else plans

    def spun_score(self, text: str) -> SpunScore:
        """Confidence-weighted share of words the model would change (every edit counts,
        whatever the thresholds): 0 for clean text, towards 1 for heavy spinning."""
        sentences = []
        words = changed = 0.0
        for sent in self._sentences([text]):
            n, c = evidence(sent.source, sent.edits)
            sentences.append((sent.offset, sent.offset + len(sent.source), c / n))
            words += n
            changed += c
        return SpunScore(changed / words if words else 0.0, int(words), sentences)

    def generate(self, sentences: list[str]) -> list[str]:
        """Raw model output for each sentence (no segmentation, no guards)."""
        return self.engine.generate(sentences)

    # -- internals ----------------------------------------------------------------
    def _plan(self, texts: list[str], with_confidence: bool) -> list[Proposal]:
        """Each text's proposal: edits with offsets in the text, and its evidence."""
        plans: list[list[Edit]] = [[] for _ in texts]
        pieces = [0] * len(texts)  # sentence pieces seen so far in each text
        words, changed = [0] * len(texts), [0.0] * len(texts)
        for sent in self._sentences(texts, with_confidence):
            t = sent.text_index
            plans[t] += [
                Edit(e.start + sent.offset, e.end + sent.offset, e.spun, e.replacement, e.confidence, pieces[t])
                for e in sent.edits
            ]
            pieces[t] += 1
            n, c = evidence(sent.source, sent.edits)
            words[t] += n
            changed[t] += c
        return [Proposal(p, n, c) for p, n, c in zip(plans, words, changed)]

    def _sentences(self, texts: list[str], with_confidence: bool = True) -> list[_Sentence]:
        """Every sentence piece of ``texts`` with the edits the model proposes for it:
        segmented, looked up in the memo, decoded and guarded, then scored and remembered."""
        sentences = _sentence_pieces(texts, self.max_chars)
        # each distinct sentence goes through the model once; with confidences, once in the
        # last MEMO_SIZE distinct sentences of all calls
        unique = list(dict.fromkeys(s.source for s in sentences))
        with self._lock:
            self.sentences_done += len(sentences)
        remembered = self._memo.recall(unique) if with_confidence else {}
        # the model reads straight quotes and dashes (curly ones are rare byte-level tokens
        # to it); the translation keeps every offset, and the input's typography survives
        # because edits compare words after the same normalisation. It reads "..." for "…"
        # too (as bytes, "…" cost a sentence a fifth to a quarter of its fixes)
        model_input = {src: model_reading(src)[0] for src in unique if src not in remembered}
        proposed = self._decode(model_input)
        if with_confidence:
            proposed = self._score(proposed, model_input)
            self._memo.remember(proposed)
            proposed.update(remembered)
        for s in sentences:
            s.edits = proposed[s.source]
        return sentences

    def _decode(self, model_input: dict[str, str]) -> dict[str, list[Edit]]:
        """The guarded edits of each sentence (keys: the sentences, values: as the model
        reads them); the model's output gets the input's "…" back before the two are compared."""
        outputs = self.generate(list(model_input.values())) if model_input else []
        return {
            src: guarded_edits(src, ellipses_back(src, out), self.known_words) for src, out in zip(model_input, outputs)
        }

    def _score(self, proposed: dict[str, list[Edit]], model_input: dict[str, str]) -> dict[str, list[Edit]]:
        """``proposed`` with each edit's confidence, from the token scores of the restored
        sentence as the model reads it (straight quotes, "..."), so that the greedy
        decoding's own scores can be reused; spans are mapped back where "…" was expanded."""
        changed = [src for src in proposed if proposed[src]]
        readings = [model_reading(apply_edits(src, proposed[src])) for src in changed]
        scores_of = self.engine.token_logprobs([model_input[src] for src in changed], [text for text, _ in readings])
        scored = dict(proposed)
        for src, scores, (_, back) in zip(changed, scores_of, readings):
            if back is not None:  # spans in the target as the model read it -> in the target
                scores = [(back[a], back[b - 1] + 1 if b > a else back[a], lp) for a, b, lp in scores]
            scored[src] = scored_edits(proposed[src], scores, self.edit_confidence)
        return scored

    @property
    def remembered(self) -> int:
        """How many sentences' scored edits this restorer remembers."""
        return len(self._memo)

    @staticmethod
    def _checked(source: str, output: str) -> str:
        """What the restorer makes of ``output`` for ``source``: the guarded edits applied."""
        return apply_edits(source, guarded_edits(source, output))


def _sentence_pieces(texts: list[str], max_chars: int) -> list[_Sentence]:
    """The sentence pieces of ``texts`` (a sentence longer than ``max_chars``: several),
    each without its surrounding space and with no edits yet."""
    sentences: list[_Sentence] = []
    for t, text in enumerate(texts):
        pos = 0
        for is_sent, chunk in segments(text):
            if is_sent:
                piece_pos = pos
                for piece in split_long(chunk, max_chars):
                    core = piece.strip()
                    if core:
                        lead = len(piece) - len(piece.lstrip())
                        sentences.append(_Sentence(t, piece_pos + lead, core, []))
                    piece_pos += len(piece)
            pos += len(chunk)
    return sentences


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
