"""One Restorer shared by threads (a web service) gives exactly what it gives used from one
thread, and a daemon thread still decoding when the interpreter exits does not abort it
(issue 29, items 7 and 11).

Shared state that broke this: the pysbd segmenter (it keeps the text it is cutting on the
instance), the truncation length set on the shared ``tokenizers`` object at each encode,
the CT2 engine's scores of "the last generate", and the restorer's memo."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT
from helpers import swap_restorer

from restore.segment import segments

SHIPPED = ROOT / "models" / "restore-small"
THREADS = 8

# paragraphs with several sentences and abbreviations, so that they go through pysbd
PARAGRAPHS = [
    f"Mr. Smith stated the Home handed the invoice in {town} on Monday. Officers stated it was fine, "
    f"Dr. Jones said.  The scheme, item {i}, was not agreed!\r\nWas it? Yes.\n\n  The U.S. officers left."
    for i, town in enumerate(["Paris", "Rome", "Leeds", "Bonn", "Lyon", "Kent"] * 12)
]


@pytest.fixture
def switch_often():
    """Threads switch every few microseconds, so that races show up in a short test."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def in_threads(fn, items, threads=THREADS):
    with ThreadPoolExecutor(threads) as ex:
        return list(ex.map(fn, items))


def test_segments_are_the_same_from_many_threads(switch_often):
    alone = [segments(p) for p in PARAGRAPHS]
    for _ in range(3):
        assert in_threads(segments, PARAGRAPHS) == alone


def test_a_restorer_shared_by_threads_gives_what_it_gives_alone(switch_often):
    alone = [swap_restorer().restore(p) for p in PARAGRAPHS]
    alone_edits = [swap_restorer().restore_with_edits(p) for p in PARAGRAPHS]
    assert alone[0].startswith("Mr. Smith said the House passed the bill in Paris")
    shared = swap_restorer(min_confidence=0.5)  # thresholds on: the memo is used
    for _ in range(2):  # the second round is served from the memo
        assert in_threads(shared.restore, PARAGRAPHS) == alone
        assert in_threads(shared.restore_with_edits, PARAGRAPHS) == alone_edits
    assert shared.sentences_done == 4 * sum(1 for p in PARAGRAPHS for is_sent, _ in segments(p) if is_sent)


def test_tokens_truncate_each_call_at_its_own_length_from_many_threads(switch_often):
    pytest.importorskip("tokenizers")
    from restore.engines import Tokens

    tokens = Tokens(SHIPPED)
    long = [" ".join(["officials said the plan would cost 3.3 billion"] * (20 + i % 7)) for i in range(40)]
    jobs = [(t, 128 if k % 2 else 254) for k, t in enumerate(long)]
    alone = [tokens.encode([t], n)[0] for t, n in jobs]
    assert {len(toks) for toks, _ in alone[1::2]} == {128} and max(len(toks) for toks, _ in alone[::2]) > 128
    for _ in range(3):
        assert in_threads(lambda job: tokens.encode([job[0]], job[1])[0], jobs) == alone


@pytest.fixture(scope="module")
def shipped():
    pytest.importorskip("ctranslate2")
    from restore.restorer import Restorer

    return lambda: Restorer.from_pretrained(SHIPPED, engine="ct2-int8")


def test_the_shipped_model_shared_by_threads_gives_what_it_gives_alone(shipped):
    texts = (ROOT / "examples" / "spun.txt").read_text(encoding="utf-8").split("\n\n")
    texts = [t for t in texts if t.strip()]
    texts = [f"{t} ({k})" if k % 2 else t for t in texts for k in range(4)]
    one = shipped()
    alone = [one.restore(t) for t in texts]
    assert alone != texts  # it restores something
    shared = shipped()
    assert in_threads(shared.restore, texts, threads=4) == alone


def test_each_thread_reads_the_scores_of_its_own_generate(shipped):
    engine = shipped().engine
    a, b = "Officers stated the scheme was accepted.", "The Home handed the invoice on Tuesday."
    engine.generate([a])
    other = threading.Thread(target=engine.generate, args=([b],))
    other.start()
    other.join()
    assert engine.decode_scores.of(a) is not None  # not cleared by the other thread's generate
    assert engine.decode_scores.of(b) is None


def test_close_waits_for_a_call_in_progress_and_later_calls_raise(shipped):
    engine = shipped().engine
    started, results = threading.Event(), []
    encode = engine.tokens.encode

    def slow_encode(texts, n):
        started.set()
        return encode(texts, n)

    engine.tokens.encode = slow_encode
    worker = threading.Thread(target=lambda: results.append(engine.generate(["The Home handed the invoice."] * 400)))
    worker.start()
    started.wait(30)
    engine.close()  # while the worker decodes: waits for it
    assert len(results) == 1 and len(results[0]) == 400
    worker.join()
    with pytest.raises(RuntimeError, match="closed"):
        engine.generate(["The Home handed the invoice."])


DAEMON_SCRIPT = """
import sys, threading
from restore import Restorer
r = Restorer.from_pretrained(sys.argv[1], engine="ct2-int8")
decoding = threading.Event()
encode = r.engine.tokens.encode
def encode_and_say(texts, n):
    decoding.set()
    return encode(texts, n)
r.engine.tokens.encode = encode_and_say
texts = [f"The Home handed the invoice on Tuesday, officers stated, and the scheme {i} was accepted."
         for i in range(3000)]
def work():
    while True:
        r.restore(texts)
threading.Thread(target=work, daemon=True).start()
decoding.wait(60)
print("exiting while decoding", flush=True)
"""


def test_a_daemon_thread_still_decoding_at_exit_does_not_abort_the_process(shipped, tmp_path):
    """Before: 'terminate called without an active exception', exit 134 (6 runs in 15)."""
    script = tmp_path / "daemon.py"
    script.write_text(DAEMON_SCRIPT)
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, str(script), str(SHIPPED)], capture_output=True, text=True, timeout=300, cwd=ROOT
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "exiting while decoding" in proc.stdout
