"""The CTranslate2 engine: the same model converted once (:mod:`.ct2_convert`), decoding
several times faster on CPU with the same greedy output."""

from __future__ import annotations

import atexit
import contextlib
import json
import threading
import weakref
from pathlib import Path

from .base import Batching, TokenScores, cpu_cores, output_limit
from .ct2_convert import CT2_COMPUTE_TYPE, ct2_model_dir
from .tokens import Tokens

# CT2 engines still open; closed before the interpreter shuts down (see CT2Engine.close)
_OPEN_TRANSLATORS: weakref.WeakSet[CT2Engine] = weakref.WeakSet()


@atexit.register
def _close_translators() -> None:
    for engine in list(_OPEN_TRANSLATORS):
        engine.close(at_exit=True)


_NEVER = threading.Event()  # never set: what a daemon thread's call waits on once the interpreter exits


class DecodeScores:
    """The token log-probabilities of the greedy outputs of an engine's last ``generate``
    call, by source sentence. The restorer scores the very outputs it just decoded
    (``token_logprobs`` right after ``generate``); those scores were computed while
    decoding, so they are looked up here instead of running the model again."""

    def __init__(self) -> None:
        self._by_source: dict[str, tuple[list[str], list[float]]] = {}

    def clear(self) -> None:
        self._by_source.clear()

    def add(self, source: str, tokens: list[str], logprobs: list[float]) -> None:
        self._by_source[source] = (list(tokens), list(logprobs))

    def of(self, source: str) -> list[float] | None:
        """The log-probabilities of the output decoded for ``source`` (None: not decoded, or
        stopped at the length limit)."""
        known = self._by_source.get(source)
        return known[1] if known is not None else None

    def get(self, source: str, tokens: list[str]) -> list[float] | None:
        """The log-probabilities when ``tokens`` is the decoded output for ``source``."""
        known = self._by_source.get(source)
        return known[1] if known is not None and known[0] == tokens else None


class CT2Engine(Batching):
    """Greedy or beam decoding with CTranslate2, with the output length limit
    :class:`TorchEngine` gives each sentence (which depends on ``batch_size``), so the
    output is the same.

    Greedy decoding runs in larger batches (``decode_batch_size``; faster here): greedy
    output is causal, so decoding past a sentence's limit and cutting there gives the
    tokens a decoder stopped at the limit would. Beam search uses ``batch_size``."""

    name = "ct2"
    threads: int | None = None  # CPU threads, set by load
    compute_type: str | None = None  # the CTranslate2 precision, set by load
    SCORE_BATCH_TOKENS = 1024

    def __init__(
        self,
        translator,
        tokens: Tokens,
        batch_size: int = 32,
        num_beams: int = 1,
        max_input_tokens: int = 128,
        max_output_tokens: int = 254,
        decode_batch_size: int = 64,
    ):
        self.translator, self.tokens = translator, tokens
        self.batch_size, self.num_beams = batch_size, num_beams
        self.max_input_tokens, self.max_output_tokens = max_input_tokens, max_output_tokens
        self.decode_batch_size = decode_batch_size
        # each thread's last generate's greedy outputs, for its token_logprobs: threads that
        # share the engine do not clear or read each other's
        self._local = threading.local()
        # calls in progress (generate, token_logprobs), so that close waits for them
        self._calls = threading.Condition()
        self._active = 0
        self._closed: str | None = None  # "closed" (close()) or "exit" (the interpreter exits)
        _OPEN_TRANSLATORS.add(self)

    @property
    def decode_scores(self) -> DecodeScores:
        """The scores of this thread's last :meth:`generate` (see :class:`DecodeScores`)."""
        scores = getattr(self._local, "scores", None)
        if scores is None:
            scores = self._local.scores = DecodeScores()
        return scores

    def close(self, at_exit: bool = False) -> None:
        """Release the translator and its threads, once the calls in progress in other
        threads have finished. Also done for every engine at exit (``at_exit``): a
        translator torn down during interpreter shutdown, or while a daemon thread is still
        decoding with it, aborts the process ("terminate called without an active
        exception", exit 134). A later call raises, except a call from a thread other than
        the main one at exit: that one waits for the process to end (a daemon thread's
        work ends with the process)."""
        with self._calls:
            if self._closed is None:
                self._closed = "exit" if at_exit else "closed"
            self._calls.wait_for(lambda: self._active == 0)
            self.translator = None

    @contextlib.contextmanager
    def _call(self):
        """Count a call in progress (close waits for it); refuse one after close."""
        with self._calls:
            closed = self._closed
            if closed is None:
                self._active += 1
        if closed == "exit" and threading.current_thread() is not threading.main_thread():
            _NEVER.wait()  # a daemon thread at interpreter exit: no new work, the process ends
        if closed is not None:
            why = " (the interpreter is exiting)" if closed == "exit" else ""
            raise RuntimeError("this CT2 engine is closed" + why)
        try:
            yield
        finally:
            with self._calls:
                self._active -= 1
                self._calls.notify_all()

    @classmethod
    def load(
        cls,
        path: str | Path,
        device: str = "cpu",
        compute_type: str = CT2_COMPUTE_TYPE,
        threads: int | None = None,
        cache_dir: str | Path | None = None,
        **kw,
    ) -> CT2Engine:
        """Convert (first use) and load the model; raises ``ImportError`` without
        ctranslate2, :class:`ConversionError` when the model cannot be converted."""
        import ctranslate2

        path = Path(path)
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        max_pos = config.get("max_position_embeddings", 256)
        ct2_dir = ct2_model_dir(path, compute_type, cache_dir)
        threads = max(1, int(threads or cpu_cores()))
        # batches are submitted together: one a core beats every core on each batch (the
        # matrices of a small model are too small to split well; eval/results/bench.md)
        translator = ctranslate2.Translator(
            str(ct2_dir),
            device=device,
            compute_type=compute_type,
            inter_threads=threads if device == "cpu" else 1,
            intra_threads=1 if device == "cpu" else 0,
        )
        kw.setdefault("max_input_tokens", min(128, max_pos - 4))
        kw.setdefault("max_output_tokens", max_pos - 2)
        engine = cls(translator, Tokens(path), **kw)
        engine.threads = threads
        engine.compute_type = compute_type
        return engine

    def generate(self, sentences: list[str]) -> list[str]:
        """Raw model output for each sentence, decoded in length-sorted batches."""
        with self._call():
            return self._generate(sentences)

    def _generate(self, sentences: list[str]) -> list[str]:
        src = [tokens for tokens, _ in self.tokens.encode(sentences, self.max_input_tokens)]
        # the limit TorchEngine gives each batch (output_limit of its padded input length)
        limit = [0] * len(sentences)
        for idx in self._batches(len(sentences), key=lambda i: len(sentences[i])):
            n = output_limit(max(len(src[i]) for i in idx), self.max_output_tokens)
            for i in idx:
                limit[i] = n
        if self.num_beams == 1:
            order, size = sorted(range(len(src)), key=lambda i: len(src[i])), self.decode_batch_size
        else:  # beam search: TorchEngine's batches exactly
            order, size = sorted(range(len(src)), key=lambda i: len(sentences[i])), self.batch_size
        jobs = []
        for k in range(0, len(order), size):
            idx = order[k : k + size]
            steps: dict[int, list[float]] = {}  # greedy: each token's log-probability, as decoded
            jobs.append(
                (
                    idx,
                    steps,
                    self.translator.translate_batch(
                        [src[i] for i in idx],
                        beam_size=self.num_beams,
                        max_decoding_length=max(limit[i] for i in idx),
                        min_decoding_length=0,
                        max_input_length=0,  # as generate: EOS may come first
                        callback=(
                            lambda step, steps=steps: (
                                steps.setdefault(step.batch_id, []).append(step.log_prob) and False
                            )
                        )
                        if self.num_beams == 1
                        else None,
                        return_scores=self.num_beams == 1,
                        asynchronous=True,
                    ),
                )
            )  # one batch a thread at once
        out = [""] * len(sentences)
        self.decode_scores.clear()
        for idx, steps, results in jobs:
            for b, (i, result) in enumerate(zip(idx, results)):
                tokens = result.result().hypotheses[0]
                out[i] = self.tokens.decode(tokens[: limit[i]])
                if len(tokens) < limit[i] and len(steps.get(b, ())) == len(tokens) + 1:  # ended with EOS
                    self.decode_scores.add(sentences[i], tokens + [self.tokens.eos], steps[b])
        return out

    def token_logprobs(self, sources: list[str], targets: list[str]) -> list[TokenScores]:
        """Log-probability of each token of ``targets[i]`` given ``sources[i]``, with the
        token's character span in the target (as :meth:`TorchEngine.token_logprobs`)."""
        with self._call():
            return self._token_logprobs(sources, targets)

    def _token_logprobs(self, sources: list[str], targets: list[str]) -> list[TokenScores]:
        out: list[TokenScores] = [[] for _ in sources]
        encoded = self.tokens.encode(targets, self.max_output_tokens)
        todo = []
        for i, (tokens, offsets) in enumerate(encoded):
            known = self.decode_scores.get(sources[i], tokens)
            if known is not None:
                # the target is the last greedy output for this source, token for token:
                # its log-probabilities were computed while decoding (same to ~1e-6)
                out[i] = self._spans(targets[i], offsets, known)
            else:
                todo.append(i)
        # batches of at most SCORE_BATCH_TOKENS target tokens: scoring holds every
        # position's logits over the vocabulary, which is what peak memory is made of
        order = sorted(todo, key=lambda i: len(encoded[i][0]))
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            if current and (len(current) + 1) * len(encoded[i][0]) > self.SCORE_BATCH_TOKENS:
                batches.append(current)
                current = []
            current.append(i)
        batches += [current] if current else []
        jobs = []
        for idx in batches:
            src = [t for t, _ in self.tokens.encode([sources[i] for i in idx], self.max_input_tokens)]
            tgt = [encoded[i] for i in idx]
            # ctranslate2 appends the end-of-sentence token itself
            jobs.append(
                (
                    idx,
                    tgt,
                    self.translator.score_batch(
                        src, [tokens[:-1] for tokens, _ in tgt], max_input_length=0, asynchronous=True
                    ),
                )
            )
        for idx, tgt, results in jobs:
            for i, (_, offsets), result in zip(idx, tgt, results):
                out[i] = self._spans(targets[i], offsets, result.result().log_probs)
        return out

    @staticmethod
    def _spans(target: str, offsets, logprobs) -> TokenScores:
        spans = list(offsets[: len(logprobs)])
        spans[-1] = (len(target), len(target))  # the end-of-sentence token
        return [(int(s), int(e), float(lp)) for (s, e), lp in zip(spans, logprobs)]
