"""restore serve (issue 30 item 2): the HTTP service answers with the same text and edits as
``Restorer.restore_with_edits`` and ``restore run --show-edits``, in batches or alone, from
threads at once; /check has LanguageTool's shape with UTF-16 offsets; bad or oversized input
is a clear 422 / 413. The load test on loopback is tools/bench_serve.py (not a timed test)."""

from __future__ import annotations

import json
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi", reason='restore serve needs FastAPI: pip install "restore[serve]"')
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

from fastapi.testclient import TestClient  # noqa: E402
from helpers import SwapEngine, swap_restorer  # noqa: E402

from restore.cli import main  # noqa: E402
from restore.restorer import Restorer  # noqa: E402
from restore.serve import Batcher, create_app  # noqa: E402

# spun the way the tiny model was trained (said -> stated, plan -> scheme, council -> authority),
# with what a service gets too: several paragraphs, CRLF, tabs, characters beyond the BMP
TEXTS = [
    "The authority stated a new scheme to cut costs on Monday. Workers cautioned that prices would rise last week.",
    "Officials mentioned the bill had passed in a commentary.\r\n\r\nThe govt introduced a main crisis in the industry "
    "after a long discussion.",
    "😀 The minister showed that thousands of roles were at risk according to a report.\tThe company stated it.",
    "The council said the vote was delayed on Monday.",
    "",
    "   \n",
]


@pytest.fixture(scope="module")
def tiny_restorer(tiny_model):
    with warnings.catch_warnings():  # the tiny model has no thresholds: every edit is applied
        warnings.simplefilter("ignore")
        return Restorer.from_pretrained(tiny_model)


@pytest.fixture(scope="module")
def client(tiny_restorer):
    with TestClient(create_app(tiny_restorer, max_chars=2_000, max_batch=8)) as c:
        yield c


def expected(restorer, text):
    restored, edits = restorer.restore_with_edits(text)
    return {
        "restored": restored,
        "edits": [e.as_dict() for e in edits],
        "spun_score": round(restorer.spun_score(text).score, 4),
    }


def test_restore_answers_what_the_restorer_gives(client, tiny_restorer):
    answers = [client.post("/restore", json={"text": t}) for t in TEXTS]
    assert all(a.status_code == 200 for a in answers)
    answers = [a.json() for a in answers]
    assert answers == [expected(tiny_restorer, t) for t in TEXTS]
    edits = [e for a in answers for e in a["edits"]]
    assert len(edits) >= 3, "the tiny model should restore some of the spun words"
    for text, a in zip(TEXTS, answers):  # offsets are code points of the input
        assert all(text[e["start"] : e["end"]] == e["spun"] for e in a["edits"])
    assert answers[0]["spun_score"] > 0 and answers[4] == {"restored": "", "edits": [], "spun_score": 0.0}


def test_restore_answers_what_restore_run_writes(client, tiny_model, tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS))
    assert main(["run", str(src), "--show-edits", "--model", str(tiny_model), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    answers = client.post("/restore", json={"texts": TEXTS}).json()["results"]
    assert [(a["restored"], a["edits"]) for a in answers] == [(r["text"], r["text_edits"]) for r in records]


def test_a_batch_answers_as_each_text_alone(client):
    alone = [client.post("/restore", json={"text": t}).json() for t in TEXTS]
    batch = client.post("/restore", json={"texts": TEXTS})
    assert batch.status_code == 200 and batch.json() == {"results": alone}
    assert client.post("/restore", json={"texts": []}).json() == {"results": []}


def test_threads_at_once_get_what_one_gets_alone(client):
    """4 clients x 10 requests at once: the answers of sequential requests (the loopback
    load test with 8 x 200 is tools/bench_serve.py)."""
    alone = {t: client.post("/restore", json={"text": t}).json() for t in TEXTS}
    jobs = [TEXTS[i % len(TEXTS)] for i in range(10)]

    def one_client(k):
        return [(t, client.post("/restore", json={"text": t}).json()) for t in jobs[k:] + jobs[:k]]

    with ThreadPoolExecutor(4) as ex:
        for answers in ex.map(one_client, range(4)):
            assert all(a == alone[t] for t, a in answers)


def test_check_has_languagetools_shape(client, tiny_restorer):
    text = TEXTS[0]
    for answer in (
        client.post("/check", data={"text": text, "language": "en-US"}),  # as LanguageTool's clients
        client.post("/check", json={"text": text}),
    ):
        assert answer.status_code == 200
        body = answer.json()
        assert {"software", "language", "matches"} <= body.keys()
        assert body["software"]["name"] == "restore" and body["language"]["code"].startswith("en")
        _, edits = tiny_restorer.restore_with_edits(text)
        assert len(body["matches"]) == len(edits) > 0
        for m, e in zip(body["matches"], edits):
            assert {"message", "shortMessage", "offset", "length", "replacements", "context", "rule"} <= m.keys()
            assert (m["offset"], m["length"]) == (e.start, e.end - e.start)  # ASCII: UTF-16 units = code points
            assert m["replacements"] == [{"value": e.replacement}]
            ctx = m["context"]
            assert ctx["text"][ctx["offset"] : ctx["offset"] + ctx["length"]] == e.spun
            assert {"id", "description", "category"} <= m["rule"].keys() and "id" in m["rule"]["category"]
    assert client.post("/check", data={"text": ""}).json()["matches"] == []


def test_offsets_code_points_in_restore_utf16_in_check():
    """An emoji is one code point and two UTF-16 units: /restore counts code points,
    /check counts UTF-16 units, as LanguageTool does."""
    text = "😀😀 Officers left and stated the scheme."
    with TestClient(create_app(swap_restorer())) as c:
        edits = c.post("/restore", json={"text": text}).json()["edits"]
        matches = c.post("/check", data={"text": text}).json()["matches"]
    assert [(e["start"], e["spun"]) for e in edits] == [(3, "Officers"), (21, "stated"), (32, "scheme")]
    assert all(text[e["start"] : e["end"]] == e["spun"] for e in edits)
    assert [(m["offset"], m["length"]) for m in matches] == [(5, 8), (23, 6), (34, 6)]
    assert all(
        text.encode("utf-16-le")[2 * m["offset"] : 2 * (m["offset"] + m["length"])].decode("utf-16-le") == e["spun"]
        for m, e in zip(matches, edits)
    )


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"text": "x" * 2_001}, 413, "2001 characters"),
        ({"texts": ["x" * 1_000, "y" * 1_001]}, 413, "the limit is 2000"),
        ({"texts": ["a."] * 9}, 413, "9 texts"),
        ({"text": 3}, 422, "must be a string"),
        ({"texts": ["a.", None]}, 422, "texts[1] must be a string"),
        ({"texts": "a."}, 422, "must be a list"),
        ({"text": "a.", "texts": ["b."]}, 422, '"text"'),
        ({}, 422, '"text"'),
        ([], 422, '"text"'),
    ],
)
def test_bad_or_oversized_input_is_a_clear_json_error(client, body, status, words):
    answer = client.post("/restore", json=body)
    assert answer.status_code == status and words in answer.json()["detail"]


def test_bad_bodies_are_a_clear_json_error(client):
    for content, words in [
        (b"{", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b'{"text": "\\ud800"}', "lone surrogate"),
    ]:
        answer = client.post("/restore", content=content, headers={"content-type": "application/json"})
        assert answer.status_code == 422 and words in answer.json()["detail"], answer.text
    # a body over 12 bytes a character (a pair of \\u escapes) + 64 KiB is refused unparsed
    answer = client.post("/restore", content=b" " * (12 * 2_000 + 65_537), headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "bytes" in answer.json()["detail"]
    assert client.post("/check", data={"language": "en-US"}).status_code == 422
    assert "annotated" in client.post("/check", data={"data": "{}"}).json()["detail"]
    answer = client.post("/check", content=b"text=a", headers={"content-type": "text/plain"})
    assert answer.status_code == 422 and "form" in answer.json()["detail"]
    assert client.post("/check", data={"text": "x" * 2_001}).status_code == 413


def test_health(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["max_chars"] == 2_000 and body["max_batch"] == 8
    assert set(body["thresholds"]) == {"min_confidence", "lone_edit_confidence", "min_spun_score"}


def test_page_is_served_and_self_contained(client):
    answer = client.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    for element in ('id="input"', 'id="restore"', 'id="file"', 'id="result"', 'id="copy"', 'id="score"'):
        assert element in page
    assert "http://" not in page and "https://" not in page and "<link" not in page  # nothing from a CDN


class GatedEngine(SwapEngine):
    """A SwapEngine whose first generate waits for ``release``: requests queue meanwhile.
    Records the sentences of each generate; a sentence holding 'BOOM' raises."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls: list[list[str]] = []

    def generate(self, sentences):
        self.calls.append(list(sentences))
        self.entered.set()
        self.release.wait(10)
        if any("BOOM" in s for s in sentences):
            raise RuntimeError("engine failed")
        return super().generate(sentences)


def test_queued_requests_are_decoded_in_one_batch_and_a_failure_stays_with_its_request():
    from restore.restorer import Restorer as R

    engine = GatedEngine()
    batcher = Batcher(R(engine), max_batch=16, wait=0.05)
    try:
        first = batcher.submit(["The Home handed the invoice."])
        assert engine.entered.wait(10)
        queued = [batcher.submit([f"Officers stated plan {i}."]) for i in range(3)]
        bad = batcher.submit(["It went BOOM."])
        engine.release.set()
        assert first.result(10)[0][0] == "The House passed the bill."
        assert [f.result(10)[0][0] for f in queued] == [f"Officials said plan {i}." for i in range(3)]
        with pytest.raises(RuntimeError, match="engine failed"):
            bad.result(10)
        # the three good requests and the bad one were decoded together, then each alone
        assert sorted(engine.calls[1]) == sorted([f"Officers stated plan {i}." for i in range(3)] + ["It went BOOM."])
    finally:
        batcher.close()


def test_an_engine_failure_is_a_500_for_that_request_only():
    engine = GatedEngine()
    engine.release.set()
    with TestClient(create_app(Restorer(engine)), raise_server_exceptions=False) as c:
        assert c.post("/restore", json={"text": "It went BOOM."}).status_code == 500
        assert (
            c.post("/restore", json={"text": "The Home handed the invoice."}).json()["restored"]
            == "The House passed the bill."
        )


def test_cli_serve_checks_its_options(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
    assert main(["serve", "--max-chars", "0"]) == 2
    assert "--max-chars" in capsys.readouterr().err
    assert main(["serve", "--model", "/nonexistent/model"]) == 2
    assert "no model folder" in capsys.readouterr().err
