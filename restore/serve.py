"""``restore serve``: an HTTP service and a page around one loaded model.

    pip install "restore[serve]"      # FastAPI and uvicorn
    restore serve --port 8080         # then open http://127.0.0.1:8080/

Endpoints (all JSON; see docs/running.md, "Service"):

- ``POST /restore`` ``{"text": str}`` -> ``{"restored", "edits", "spun_score"}``;
  ``{"texts": [str, ...]}`` -> ``{"results": [{...}, ...]}``. Each text is restored exactly
  as :meth:`Restorer.restore_with_edits` restores it (one document), and its edits are
  the ones ``restore run --show-edits`` lists: ``start``/``end`` are **Unicode code
  points** of the input text (Python string indices).
- ``POST /check``: a LanguageTool-style answer (form or JSON field ``text``), so editor
  add-ons that speak LanguageTool's ``/v2/check`` can use it. As in LanguageTool, its
  ``offset``/``length`` are **UTF-16 code units** (they differ from code points only after
  a character outside the Basic Multilingual Plane, such as an emoji).
- ``GET /health``: the model and settings; ``GET /``: the page (restore/static/index.html).

One model is loaded once; the texts of concurrent requests are gathered by one worker
thread into batches (at most ``max_batch`` texts, waiting at most ``batch_wait`` seconds
for more), so the model decodes one batch at a time. A request holds at most
``max_batch`` texts and ``max_chars`` characters in all: beyond that it gets a 413; input
that is not what an endpoint takes (bad JSON, a missing or non-string text) gets a 422.
Errors are ``{"detail": "..."}``.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from concurrent.futures import Future
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from . import __version__
from .edits import Edit
from .formats.records import answer, scored_restorations

try:
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, JSONResponse
except ImportError as e:  # the optional extra is not installed
    raise ImportError('restore serve needs FastAPI and uvicorn: pip install "restore[serve]"') from e

MAX_CHARS = 100_000  # characters in one request, all its texts together
MAX_BATCH = 64  # texts in one request; also the most texts the worker decodes together
BATCH_WAIT = 0.005  # seconds the worker waits for more requests to batch with the first
CONTEXT = 40  # /check: characters of context on each side of a match, as LanguageTool gives


class RequestError(Exception):
    """Bad input: answered with ``status`` and ``{"detail": message}``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Batcher:
    """One worker thread that restores the texts of queued requests in batches.

    :meth:`submit` returns a future of ``[(restored, edits, spun_score), ...]``, one per
    text. Each text is one document, so batching never changes an answer: it is what
    ``restorer.restore_with_edits(text)`` gives."""

    def __init__(self, restorer, max_batch: int = MAX_BATCH, wait: float = BATCH_WAIT):
        self.restorer = restorer
        self.max_batch = max_batch
        self.wait = wait
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0  # batches decoded (for /health)

    def submit(self, texts: list[str]) -> Future:
        fut: Future = Future()
        self._ensure_started()
        self._queue.put((texts, fut))
        return fut

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="restore-batcher", daemon=True)
                self._thread.start()

    def close(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(None)
                self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            jobs, n = [item], len(item[0])
            while n < self.max_batch:  # gather what else arrives within `wait`
                try:
                    nxt = self._queue.get(timeout=self.wait)
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)  # stop after this batch
                    break
                jobs.append(nxt)
                n += len(nxt[0])
            self._run(jobs)

    def _restore(self, texts: list[str]) -> list[tuple[str, list[Edit], float]]:
        return scored_restorations(self.restorer, texts)  # each text one document

    def _run(self, jobs) -> None:
        jobs = [(texts, fut) for texts, fut in jobs if fut.set_running_or_notify_cancel()]
        if not jobs:
            return
        self.batches += 1
        try:
            results = self._restore([t for texts, _ in jobs for t in texts])
        except Exception:  # noqa: BLE001 - find the request that fails: the others are answered
            for texts, fut in jobs:
                try:
                    fut.set_result(self._restore(texts))
                except Exception as e:  # noqa: BLE001
                    fut.set_exception(e)
            return
        i = 0
        for texts, fut in jobs:
            fut.set_result(results[i : i + len(texts)])
            i += len(texts)


# -- request parsing ------------------------------------------------------------------
async def _body(request: Request, max_bytes: int) -> bytes:
    """The request body, read no further than ``max_bytes`` (413 beyond)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise RequestError(413, f"request body is {int(declared)} bytes; the limit is {max_bytes}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise RequestError(413, f"request body is over the limit of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes):
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RequestError(422, f"the body is not valid JSON ({e})") from None


def _check_texts(texts: list, max_chars: int, max_batch: int) -> list[str]:
    if len(texts) > max_batch:
        raise RequestError(
            413,
            f"{len(texts)} texts in one request; the limit is {max_batch} "
            f"(send several requests, or start the service with a larger --max-batch)",
        )
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            where = "text" if len(texts) == 1 else f"texts[{i}]"
            raise RequestError(422, f"{where} must be a string, got {type(t).__name__}")
        try:
            t.encode("utf-8")
        except UnicodeEncodeError:
            raise RequestError(422, f"text {i} holds a lone surrogate (\\ud800-\\udfff): not valid Unicode") from None
    total = sum(len(t) for t in texts)
    if total > max_chars:
        raise RequestError(
            413,
            f"{total} characters in one request; the limit is {max_chars} "
            f"(split the text, or start the service with a larger --max-chars)",
        )
    return texts


def _restore_input(data, max_chars: int, max_batch: int) -> tuple[bool, list[str]]:
    if not isinstance(data, dict) or ("text" in data) == ("texts" in data):
        raise RequestError(422, 'give a JSON object with "text" (a string) or "texts" (a list of strings)')
    if "text" in data:
        return True, _check_texts([data["text"]], max_chars, max_batch)
    if not isinstance(data["texts"], list):
        raise RequestError(422, f'"texts" must be a list of strings, got {type(data["texts"]).__name__}')
    return False, _check_texts(data["texts"], max_chars, max_batch)


def _check_input(request: Request, body: bytes) -> dict:
    """/check's parameters: LanguageTool's clients send a form; JSON and the query string
    are read too."""
    params = {k: v[-1] for k, v in parse_qs(request.url.query, keep_blank_values=True).items()}
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        data = _json(body)
        if not isinstance(data, dict):
            raise RequestError(422, 'give a JSON object with "text"')
        params.update(data)
    elif body:
        if ctype not in ("", "application/x-www-form-urlencoded"):
            raise RequestError(422, f"send the text as a form (application/x-www-form-urlencoded) or JSON, not {ctype}")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise RequestError(422, "the form is not UTF-8") from None
        params.update({k: v[-1] for k, v in form.items()})
    if "text" not in params:
        if "data" in params:
            raise RequestError(422, 'LanguageTool\'s annotated "data" is not supported: send "text"')
        raise RequestError(422, 'give the text to check in the "text" field')
    return params


# -- answers --------------------------------------------------------------------------
def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def check_answer(text: str, edits: list[Edit], score: float) -> dict:
    """A LanguageTool ``/v2/check`` answer for ``text`` (offsets in UTF-16 code units)."""
    matches = []
    for e in edits:
        offset, length = utf16_len(text[: e.start]), utf16_len(e.spun)
        lo, hi = max(0, e.start - CONTEXT), min(len(text), e.end + CONTEXT)
        context = text[lo:hi].replace("\n", " ").replace("\r", " ")
        spun = e.spun or "(nothing)"
        message = (
            f"Likely spun wording: '{spun}' probably stands for '{e.replacement}'"
            if e.replacement
            else f"Likely spun wording: '{spun}' was probably added"
        )
        matches.append(
            {
                "message": f"{message} (confidence {e.confidence:.2f}).",
                "shortMessage": "Spun wording",
                "offset": offset,
                "length": length,
                "replacements": [{"value": e.replacement}],
                "context": {"text": context, "offset": utf16_len(text[lo : e.start]), "length": length},
                "confidence": round(e.confidence, 4),
                "type": {"typeName": "Other"},
                "rule": {
                    "id": "RESTORE_SPUN_WORDING",
                    "description": "Wording an article spinner swapped in (restore's model)",
                    "issueType": "style",
                    "category": {"id": "RESTORE", "name": "Spun wording"},
                },
                "ignoreForIncompleteSentence": False,
                "contextForSureMatch": 0,
            }
        )
    return {
        "software": {
            "name": "restore",
            "version": __version__,
            "buildDate": None,
            "apiVersion": 1,
            "premium": False,
            "status": "",
        },
        "warnings": {"incompleteResults": False},
        "language": {
            "name": "English",
            "code": "en-US",
            "detectedLanguage": {"name": "English", "code": "en-US", "confidence": 1.0},
        },
        "spunScore": round(score, 4),
        "matches": matches,
    }


# -- the app --------------------------------------------------------------------------
def page() -> str:
    return resources.files("restore").joinpath("static/index.html").read_text(encoding="utf-8")


def create_app(
    restorer=None,
    model: str | Path | None = None,
    engine: str = "auto",
    max_chars: int = MAX_CHARS,
    max_batch: int = MAX_BATCH,
    batch_wait: float = BATCH_WAIT,
) -> FastAPI:
    """The FastAPI app around ``restorer`` (default: the model folder ``model``, or the
    shipped model, loaded now with ``engine``)."""
    from contextlib import asynccontextmanager

    if max_chars < 1 or max_batch < 1:
        raise ValueError("max_chars and max_batch must be at least 1")
    if restorer is None:
        from .restorer import Restorer

        restorer = Restorer.from_pretrained(model, engine=engine)
    batcher = Batcher(restorer, max_batch=max_batch, wait=batch_wait)
    # a JSON string can spell a character in up to 12 bytes (a surrogate pair of \u escapes)
    max_bytes = 12 * max_chars + 65_536

    @asynccontextmanager
    async def lifespan(app):
        yield
        batcher.close()

    app = FastAPI(
        title="restore",
        version=__version__,
        lifespan=lifespan,
        description="Restore article-spinner output. Offsets: /restore in Unicode code points, "
        "/check in UTF-16 code units (as LanguageTool).",
    )
    app.state.restorer, app.state.batcher = restorer, batcher

    @app.exception_handler(RequestError)
    async def _request_error(request: Request, exc: RequestError):
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    async def restored(texts: list[str]):
        if not texts:
            return []
        return await asyncio.wrap_future(batcher.submit(texts))

    @app.post("/restore")
    async def restore_endpoint(request: Request):
        """``{"text": str}`` or ``{"texts": [str, ...]}``: the restored text(s), the edits
        (offsets in code points of the input) and the spun-ness score."""
        single, texts = _restore_input(_json(await _body(request, max_bytes)), max_chars, max_batch)
        answers = [answer(*r) for r in await restored(texts)]
        return answers[0] if single else {"results": answers}

    @app.post("/check")
    async def check_endpoint(request: Request):
        """LanguageTool-style check of ``text`` (form or JSON); offsets in UTF-16 code units."""
        params = _check_input(request, await _body(request, max_bytes))
        (text,) = _check_texts([params["text"]], max_chars, max_batch)
        ((_, edits, score),) = await restored([text])
        return check_answer(text, edits, score)

    @app.get("/health")
    async def health():
        engine_ = restorer.engine
        return {
            "status": "ok",
            "version": __version__,
            "engine": type(engine_).__name__,
            "thresholds": {
                "min_confidence": restorer.min_confidence,
                "lone_edit_confidence": restorer.lone_edit_confidence,
                "min_spun_score": restorer.min_spun_score,
            },
            "max_chars": max_chars,
            "max_batch": max_batch,
            "batches": batcher.batches,
            # sentences whose edits the restorer remembers (bounded: restore.restorer.MEMO_SIZE)
            "remembered_sentences": getattr(restorer, "remembered", 0),
        }

    @app.get("/", response_class=HTMLResponse)
    async def index():
        return HTMLResponse(page())

    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    model: str | Path | None = None,
    engine: str = "auto",
    max_chars: int = MAX_CHARS,
    max_batch: int = MAX_BATCH,
    log_level: str = "info",
) -> None:
    """Load the model and serve it with uvicorn until interrupted."""
    import uvicorn

    app = create_app(model=model, engine=engine, max_chars=max_chars, max_batch=max_batch)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
