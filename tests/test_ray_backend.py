"""`restore run --backend ray` and `restore.ray.restore_dataset` on a local Ray instance
(2 CPUs) with the tiny model trained in conftest: the same output bytes as the local
backend on text, JSONL and Parquet (blank lines, CRLF, unicode, records of bad type),
resume after an interrupted run, and a worker killed mid-job."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from restore import batch
from restore.restorer import Restorer

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from restore import ray as ray_backend  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SPUN = [
    "The govt stated a new scheme to cut costs on Monday.",
    "Officials cautioned that prices would rise after a long discussion.",
    "The authority mentioned a main crisis in the industry last week.",
    "Workers denied the vote was delayed in a statement.",
]


def spun_line(i: int) -> str:
    return f"{SPUN[i % len(SPUN)]} Item {i}: naïve café 東京."


def make_inputs(src: Path, text_lines: int = 600) -> None:
    src.mkdir(parents=True, exist_ok=True)
    # several pieces (BLOCK_LINES lines each), CRLF and LF, blank lines, no final newline
    lines = [spun_line(i) if i % 7 else "" for i in range(text_lines)]
    body = "".join(line + ("\r\n" if i % 3 == 0 else "\n") for i, line in enumerate(lines))
    (src / "a.txt").write_bytes((body + "last line without newline").encode())
    records = [json.dumps({"text": spun_line(i), "id": i, "note": "ü"}, ensure_ascii=False) for i in range(300)]
    records[5] = json.dumps({"text": 17, "id": 5})  # a record of bad type
    records[9] = "{not json"
    records[12] = ""
    (src / "b.jsonl").write_bytes(("\r\n".join(records) + "\n").encode())
    texts = [spun_line(i) for i in range(300)]
    texts[3] = None  # a null value
    pq.write_table(pa.table({"text": texts, "n": list(range(300))}), src / "c.parquet")
    (src / "empty.txt").write_bytes(b"")
    (src / "bad.txt").write_bytes(b"fine line\nbad \xff byte\n")  # not UTF-8: the file fails, others go on


@pytest.fixture(scope="module")
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    yield
    ray.shutdown()


def spec(model) -> ray_backend.RestorerSpec:
    return ray_backend.RestorerSpec(str(model))


def run_local(model, src: Path, out: Path, opts=None) -> batch.Summary:
    jobs = batch.collect_jobs([str(src)], recursive=True)
    return batch.run_jobs(
        Restorer.from_pretrained(model), jobs, out, True, opts or batch.Options(), warn=lambda m: None
    )


def run_ray(model, src: Path, out: Path, opts=None, on_lines=lambda n: None, workers=2) -> batch.Summary:
    jobs = batch.collect_jobs([str(src)], recursive=True)
    return ray_backend.run_jobs(
        spec(model),
        jobs,
        out,
        True,
        opts or batch.Options(),
        ray_backend.RayOptions(workers=workers),
        on_lines=on_lines,
        warn=lambda m: None,
    )


def outputs(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_ray_output_is_byte_identical_to_local(tiny_model, tmp_path, ray_session):
    src = tmp_path / "in"
    make_inputs(src)
    local = run_local(tiny_model, src, tmp_path / "local")
    remote = run_ray(tiny_model, src, tmp_path / "ray")
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "local")
    assert set(outputs(tmp_path / "ray")) == {"a.txt", "b.jsonl", "c.parquet", "empty.txt"}
    assert [name for name, _ in remote.failed] == [name for name, _ in local.failed] == [str(src / "bad.txt")]
    assert remote.bad_records == local.bad_records == [(str(src / "b.jsonl"), 2), (str(src / "c.parquet"), 1)]
    assert remote.lines == local.lines
    # the model really restored lines (the comparison is not between two copies of the input)
    out = (tmp_path / "ray" / "a.txt").read_bytes()
    assert out != (src / "a.txt").read_bytes()
    assert out.count(b"\r\n") == (src / "a.txt").read_bytes().count(b"\r\n")
    table = pq.read_table(tmp_path / "ray" / "c.parquet")
    assert table.column("n").to_pylist() == list(range(300)) and table.column("text")[3].as_py() is None


def test_ray_resumes_after_an_interrupted_run(tiny_model, tmp_path, ray_session):
    src = tmp_path / "in"
    src.mkdir()
    for k in range(3):
        (src / f"f{k}.txt").write_text("".join(spun_line(i + 100 * k) + "\n" for i in range(300)))
    run_local(tiny_model, src, tmp_path / "local")
    seen = [0]

    def interrupt_in_second_file(n: int) -> None:
        seen[0] += n
        if seen[0] > 300:  # f0 is written, f1 has begun
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ray(tiny_model, src, tmp_path / "ray", on_lines=interrupt_in_second_file)
    assert set(outputs(tmp_path / "ray")) == {"f0.txt"}
    assert not [p for p in (tmp_path / "ray").iterdir() if p.name.endswith(".part")]
    summary = run_ray(tiny_model, src, tmp_path / "ray")
    assert summary.skipped_finished == [str(src / "f0.txt")]
    assert summary.written == [str(src / "f1.txt"), str(src / "f2.txt")]
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "local")


def test_restore_dataset(tiny_model, ray_session):
    rows = [{"text": spun_line(i), "id": i} for i in range(40)] + [{"text": None, "id": 40}]
    ds = ray.data.from_items(rows)
    got = ray_backend.restore_dataset(ds, column="text", model=tiny_model, output_column="clean", workers=1).take_all()
    got = sorted(got, key=lambda r: r["id"])
    restorer = Restorer.from_pretrained(tiny_model)
    expected = restorer.restore([r["text"] for r in rows[:40]])  # each record its own document
    assert [r["clean"] for r in got[:40]] == expected
    assert [r["text"] for r in got] == [r["text"] for r in rows]
    assert any(e != r["text"] for e, r in zip(expected, rows))
    assert all(r["restore_error"] is None for r in got[:40])
    assert got[40]["clean"] is None and "null" in got[40]["restore_error"]


def descendants_named(pid: int, word: str) -> list:
    import psutil

    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if word in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def test_ray_worker_killed_mid_job_output_still_complete(tiny_model, tmp_path):
    """A restore run --backend ray in its own process (its own local Ray); one of its two
    model workers is killed with SIGKILL while the output is being written."""
    src = tmp_path / "big.txt"
    src.write_text("".join(spun_line(i) + "\n" for i in range(6000)))
    run_local(tiny_model, src, tmp_path / "local")
    out = tmp_path / "ray.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from restore.cli import main; raise SystemExit(main())",
            "run",
            str(src),
            "-o",
            str(out),
            "--model",
            str(tiny_model),
            "--backend",
            "ray",
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        victim = None
        while victim is None:
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "no Ray worker started restoring"
            parts = [p for p in tmp_path.iterdir() if p.name.endswith(".part") and p.stat().st_size > 0]
            workers = descendants_named(proc.pid, "_PieceWorker")
            if parts and workers:
                victim = workers[0]
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        assert proc.poll() is None  # killed mid-job
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert out.read_bytes() == (tmp_path / "local" / "big.txt").read_bytes()


def test_connect_quietens_only_rays_own_console_handler(ray_session):
    """Ray Data's console lines are turned down; a handler that is not Ray's (an
    application's, pytest's log capture) keeps its level."""
    import logging

    ray_data = logging.getLogger("ray.data")
    mine = logging.StreamHandler()
    ray_data.addHandler(mine)
    try:
        ray_backend.connect()
        assert mine.level == logging.NOTSET
        rays = [
            h
            for h in ray_data.handlers
            if type(h).__module__.startswith("ray.")
            and isinstance(h, logging.StreamHandler)
            and not isinstance(h, logging.FileHandler)
        ]
        assert rays and all(h.level == logging.ERROR for h in rays)
    finally:
        ray_data.removeHandler(mine)
