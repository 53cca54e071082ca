"""What every engine shares: the :class:`Engine` contract, token scores, the output-length
rule, CPU threads, batching."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

# (start_char, end_char, log_prob) of each output token; the end-of-sentence token has an
# empty span at the end of the text
TokenScores = list[tuple[int, int, float]]


@runtime_checkable
class Engine(Protocol):
    """What the restorer calls on a decoding engine: raw model output for sentences, the
    log-probability of each token of given outputs, and the input length it reads."""

    max_input_tokens: int  # longer inputs are truncated: the restorer cuts sentences to fit

    def generate(self, sentences: list[str]) -> list[str]:
        """The model's raw output for each sentence."""
        ...

    def token_logprobs(self, sources: list[str], targets: list[str]) -> list[TokenScores]:
        """The log-probability of each token of ``targets[i]`` given ``sources[i]``, with the
        token's character span in the target (the end-of-sentence token: an empty span at the end)."""
        ...


def output_limit(input_tokens: int, max_output_tokens: int) -> int:
    """How many tokens a batch may generate: 1.5x its longest (padded) input + 8, at most
    ``max_output_tokens``. The one rule of every engine and the benchmark, so that their
    outputs compare token for token."""
    return min(int(input_tokens * 1.5) + 8, max_output_tokens)


def cpu_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def set_threads(threads: int | None = None) -> int:
    """Use ``threads`` CPU threads (default: the cores this process may run on)."""
    import torch

    threads = max(1, int(threads if threads is not None else cpu_cores()))
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


class Batching:
    """Length-sorted batches of ``batch_size`` (indices into the sentences)."""

    batch_size = 32

    def _batches(self, n: int, key):
        order = sorted(range(n), key=key)
        for k in range(0, n, self.batch_size):
            yield order[k : k + self.batch_size]
