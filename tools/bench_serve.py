"""Loopback load test of ``restore serve``: concurrent clients get the answers ``restore run``
gives, with no error, and the server's memory stays flat.

    python -m tools.bench_serve [--clients 8] [--requests 200] [--cold-rounds 2] [--model DIR]
                                [--engine auto] [--json eval/results/bench_serve.json]

Texts: the lines of examples/clean.txt spun by the default spinner with as many seeds as
it takes for every request of the cold rounds to carry a text not sent before (so the
model really decodes it, not the restorer's memo). Their expected answers come from
``restore run --show-edits`` on a JSONL of them (same model, engine and thresholds), in
its own process.

The server is ``python -m restore serve`` on 127.0.0.1 (a free port) in a subprocess.
After 16 warm-up requests (the clean lines and examples/spun.txt's paragraphs), each
round has ``--clients`` threads each send ``--requests`` POST /restore requests (one
keep-alive connection each, one text a request): ``--cold-rounds`` rounds of new texts,
then a repeat round of the last round's texts (answered from the memo). Printed for each
round (and written to ``--json``): errors, answers that differ from ``restore run``'s,
requests/s, latency percentiles, batches the server decoded, the server's RSS before, at
its peak and after, and the sentences its restorer remembers. Not a timed test: the
figures depend on the machine and on what else runs on it (the load average is shown).
Exit status 1 when any request failed or differed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts_for_load(seeds: int) -> list[str]:
    from restore.spinner import Spinner

    clean = [line for line in (ROOT / "examples" / "clean.txt").read_text().split("\n") if line.strip()]
    spinner = Spinner.from_config({})
    texts = [t for seed in range(seeds) for t in spinner.spin_document(clean, seed=seed)]
    texts += [p for p in (ROOT / "examples" / "spun.txt").read_text().split("\n\n") if p.strip()] + clean
    return list(dict.fromkeys(texts))


def expected_answers(texts: list[str], model: str | None, engine: str) -> list[tuple[str, list]]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
        cmd = [sys.executable, "-m", "restore", "run", str(src), "--show-edits", "--engine", engine, "-o", str(out)]
        subprocess.run(cmd + (["--model", model] if model else []), check=True, cwd=ROOT)
        records = [json.loads(line) for line in out.read_text().splitlines()]
    return [(r["text"], r["text_edits"]) for r in records]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    resp = conn.getresponse()
    return resp.status, json.loads(resp.read())


def start_server(port: int, model: str | None, engine: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "restore", "serve", "--host", "127.0.0.1", "--port", str(port), "--engine", engine]
    server = subprocess.Popen(
        cmd + (["--model", model] if model else []),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}): {server.stderr.read()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if request(conn, "GET", "/health")[0] == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not answer /health within 300 s")


def load_phase(port: int, pid: int, jobs: list[list[int]], texts: list[str], expected: list) -> dict:
    """Each client (one thread, one keep-alive connection) sends its list of texts; the
    answers are compared with ``expected``."""
    latencies: list[float] = []
    errors: list[str] = []
    differ = [0]
    lock = threading.Lock()
    peak = [rss_mib(pid)]
    stop = threading.Event()

    def watch():
        while not stop.wait(0.2):
            peak[0] = max(peak[0], rss_mib(pid))

    def client(mine_jobs: list[int]):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, wrong, errs = [], 0, []
        for j in mine_jobs:
            t = time.perf_counter()
            try:
                status, answer = request(c, "POST", "/restore", {"text": texts[j]})
            except Exception as e:  # noqa: BLE001 - counted and reported
                errs.append(f"{type(e).__name__}: {e}")
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            mine.append(time.perf_counter() - t)
            if status != 200:
                errs.append(f"HTTP {status}: {answer}")
            elif (answer["restored"], answer["edits"]) != expected[j]:
                wrong += 1
        c.close()
        with lock:
            latencies.extend(mine)
            errors.extend(errs)
            differ[0] += wrong

    def health() -> dict:  # a connection of its own: uvicorn closes one idle for 5 s
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            return request(c, "GET", "/health")[1]
        finally:
            c.close()

    batches_before = health()["batches"]
    rss_before = rss_mib(pid)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    threads = [threading.Thread(target=client, args=(j,)) for j in jobs]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    stop.set()
    watcher.join()
    rss_after = rss_mib(pid)
    after = health()
    batches = after["batches"] - batches_before
    n = sum(map(len, jobs))
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    for e in errors[:5]:
        print("error:", e, file=sys.stderr)
    return {
        "requests": n,
        "distinct_texts": len({j for js in jobs for j in js}),
        "errors": len(errors),
        "answers_differing_from_restore_run": differ[0],
        "wall_s": round(wall, 2),
        "requests_per_s": round(n / wall, 1),
        "latency_ms": {
            "p50": round(1000 * q[49], 1),
            "p90": round(1000 * q[89], 1),
            "p99": round(1000 * q[98], 1),
            "max": round(1000 * max(latencies), 1) if latencies else None,
        },
        "batches": batches,
        "mean_texts_per_batch": round(n / batches, 2) if batches else None,
        "server_rss_mib": {"before": round(rss_before, 1), "peak": round(peak[0], 1), "after": round(rss_after, 1)},
        "remembered_sentences_after": after.get("remembered_sentences"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200, help="requests per client")
    ap.add_argument("--model", help="model folder (default: the shipped model)")
    ap.add_argument("--engine", default="auto")
    ap.add_argument(
        "--cold-rounds",
        type=int,
        default=2,
        help="load rounds of texts not sent before (default 2: memory after the first and the "
        "second shows whether it keeps growing)",
    )
    ap.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="spins of examples/clean.txt (5 lines each; default: enough distinct texts that no "
        "request of the cold rounds repeats one)",
    )
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args(argv)

    n = args.clients * args.requests
    texts = texts_for_load(args.seeds or (n * args.cold_rounds) // 5 + 20)
    warm, texts = texts[-16:], texts[:-16]  # the clean lines and the spun paragraphs: warm-up only
    print(f"{len(texts)} distinct texts for {n} requests; expected answers from restore run ...", file=sys.stderr)
    expected = expected_answers(texts, args.model, args.engine)
    port = free_port()
    server = start_server(port, args.model, args.engine)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for t in warm:
            request(conn, "POST", "/restore", {"text": t})
        conn.close()
        # cold rounds: in round r client k sends texts (r*C + k)*R ... (r*C + k + 1)*R - 1, so no text is
        # sent twice when there are enough; then a repeat round: the last round's texts again, each
        # client another client's share (the restorer's memo answers them)
        cold = []
        for r in range(args.cold_rounds):
            jobs = [
                [((r * args.clients + k) * args.requests + i) % len(texts) for i in range(args.requests)]
                for k in range(args.clients)
            ]
            cold.append(load_phase(port, server.pid, jobs, texts, expected))
        repeat = load_phase(port, server.pid, jobs[1:] + jobs[:1], texts, expected)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    figures = {
        "clients": args.clients,
        "requests_per_client": args.requests,
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "cold": cold,
        "repeat": repeat,
        "engine": args.engine,
        "model": args.model or "shipped (restore-small)",
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    bad = sum(p["errors"] + p["answers_differing_from_restore_run"] for p in (*cold, repeat))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
