"""`restore run` on files, folders, stdin and JSONL, and every kind of bad input.

Content checks use a scripted engine (exact expected output); the end-to-end CLI tests
use the tiny model trained in conftest and check what must hold whatever it outputs:
line counts, line endings, kept fields, exit codes, nothing half-written."""

import io
import json
import sys

import pytest
from helpers import FIXED, SPUN, ScriptedEngine, follows

from restore import batch
from restore.cli import main
from restore.restorer import Restorer


def scripted() -> Restorer:
    return Restorer(ScriptedEngine({SPUN: FIXED}))


def run(restorer, tmp_path, files: dict, *, opts=None, recursive=True):
    src = tmp_path / "in"
    for name, data in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    jobs = batch.collect_jobs([str(src)], recursive=recursive)
    warnings = []
    summary = batch.run_jobs(restorer, jobs, tmp_path / "out", True, opts or batch.Options(), warn=warnings.append)
    return summary, warnings


def test_text_lines_endings_and_blank_lines_are_kept(tmp_path):
    data = f"{SPUN}\r\n\r\nUntouched line.\r\n  {SPUN}  \nno newline at end".encode()
    summary, _ = run(scripted(), tmp_path, {"a.txt": data})
    out = (tmp_path / "out" / "a.txt").read_bytes()
    assert out == f"{FIXED}\r\n\r\nUntouched line.\r\n  {FIXED}  \nno newline at end".encode()
    assert summary.lines == 5 and summary.failed == []


def test_jsonl_fields_output_field_and_edits(tmp_path):
    lines = [
        json.dumps({"id": 1, "body": SPUN, "meta": {"k": [1, 2]}}),
        "",
        json.dumps({"id": 2, "body": "Fine text."}),
    ]
    opts = batch.Options(field="body", output_field="restored", show_edits=True)
    run(scripted(), tmp_path, {"d.jsonl": ("\n".join(lines) + "\n").encode()}, opts=opts)
    out = (tmp_path / "out" / "d.jsonl").read_text().split("\n")
    assert len(out) == 4 and out[1] == "" and out[3] == ""
    first, second = json.loads(out[0]), json.loads(out[2])
    assert first["body"] == SPUN and first["restored"] == FIXED and first["meta"] == {"k": [1, 2]}
    assert [(e["spun"], e["replacement"]) for e in first["restored_edits"]] == [
        ("Home handed", "House passed"),
        ("invoice", "bill"),
    ]
    assert second["restored"] == "Fine text." and second["restored_edits"] == []


def test_show_edits_inline_diff(tmp_path):
    run(scripted(), tmp_path, {"a.txt": f"{SPUN}\n".encode()}, opts=batch.Options(show_edits=True))
    assert (tmp_path / "out" / "a.txt").read_text() == "The [-Home handed-]{+House passed+} the [-invoice-]{+bill+}.\n"


def test_bad_files_are_reported_and_the_others_written(tmp_path):
    files = {
        "good.txt": f"{SPUN}\n".encode(),
        "empty.txt": b"",
        "bad.txt": b"fine line\nbroken \xff here\n",
        "img.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "bad.jsonl": b'{"text": "ok"}\n{not json\n',
        "nofield.jsonl": b'{"body": "x"}\n',
    }
    summary, warnings = run(scripted(), tmp_path, files)
    out, src = tmp_path / "out", tmp_path / "in"
    assert (out / "good.txt").read_text() == f"{FIXED}\n"
    assert (out / "empty.txt").read_bytes() == b""
    assert not (out / "bad.txt").exists() and not (out / "img.png").exists()  # a .png is not taken
    failed = dict(summary.failed)
    assert list(failed) == [str(src / "bad.txt")] and "byte offset 17" in failed[str(src / "bad.txt")]
    # bad JSONL records are reported one by one and written out unchanged; the rest is restored
    assert (out / "bad.jsonl").read_bytes() == b'{"text": "ok"}\n{not json\n'
    assert (out / "nofield.jsonl").read_bytes() == b'{"body": "x"}\n'
    assert summary.bad_records == [(str(src / "bad.jsonl"), 1), (str(src / "nofield.jsonl"), 1)]
    assert any(f"{src / 'bad.jsonl'}:2: not valid JSON" in w for w in warnings)
    assert any(f"{src / 'nofield.jsonl'}:1: no field 'text'" in w for w in warnings)
    assert not list(out.rglob("*.part"))  # nothing half-written


def test_errors_replace_continues(tmp_path):
    summary, _ = run(scripted(), tmp_path, {"bad.txt": b"broken \xff here\n"}, opts=batch.Options(errors="replace"))
    assert summary.failed == []
    assert (tmp_path / "out" / "bad.txt").read_text() == "broken \ufffd here\n"


def test_interrupted_folder_job_resumes_without_redoing(tmp_path, monkeypatch):
    files = {"a.txt": f"{SPUN}\n".encode(), "b.txt": f"{SPUN}\n{SPUN}\n".encode()}
    restorer = scripted()
    calls = []
    real = restorer.restore

    def flaky(given):
        calls.append(given["texts"])
        if len(calls) == 2:
            raise KeyboardInterrupt  # the user presses Ctrl-C during the second file
        return real(**given)

    monkeypatch.setattr(restorer, "restore", follows(real, flaky))
    with pytest.raises(KeyboardInterrupt):
        run(restorer, tmp_path, files)
    out = tmp_path / "out"
    assert (out / "a.txt").read_text() == f"{FIXED}\n"
    assert not (out / "b.txt").exists() and not list(out.rglob("*.part"))
    summary, _ = run(restorer, tmp_path, files)  # inputs rewritten (same content, newer mtime)...
    assert sorted(summary.written) == sorted(str(tmp_path / "in" / n) for n in files)
    jobs = batch.collect_jobs([str(tmp_path / "in")], recursive=True)
    summary = batch.run_jobs(restorer, jobs, out, True, batch.Options(), warn=print)
    assert summary.written == [] and len(summary.skipped_finished) == 2  # ...not on a plain rerun
    assert (out / "b.txt").read_text() == f"{FIXED}\n{FIXED}\n"


def test_a_huge_line_is_restored_in_pieces(tmp_path):
    line = (SPUN + " ") * 8000  # ~230 KB on one line
    summary, _ = run(scripted(), tmp_path, {"big.txt": (line.rstrip() + "\n").encode()})
    out = (tmp_path / "out" / "big.txt").read_text()
    assert out.count("\n") == 1 and out.count(FIXED) == 8000 and SPUN not in out


def test_parquet_column_restored_other_columns_and_nulls_kept(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in"
    src.mkdir()
    rows = 2 * batch.BLOCK_LINES + 3  # several pieces
    texts = [SPUN if i % 2 else f"Row {i} is fine." for i in range(rows)]
    texts[4] = None
    pq.write_table(pa.table({"id": list(range(rows)), "text": texts, "tags": [["a", "ü"]] * rows}), src / "d.parquet")
    pq.write_table(pa.table({"text": pa.array([], type=pa.string())}), src / "empty.parquet")
    pq.write_table(pa.table({"text": [1, 2]}), src / "numbers.parquet")
    (src / "fake.parquet").write_bytes(b"not parquet at all")
    opts = batch.Options(output_field="restored", show_edits=True)
    jobs = batch.collect_jobs([str(src)], recursive=True)
    warnings = []
    summary = batch.run_jobs(scripted(), jobs, tmp_path / "out", True, opts, warn=warnings.append)
    out = pq.read_table(tmp_path / "out" / "d.parquet")
    assert out.column_names == ["id", "text", "tags", "restored", "restored_edits"]
    assert out.column("id").to_pylist() == list(range(rows)) and out.column("text").to_pylist() == texts
    assert out.column("tags").to_pylist() == [["a", "ü"]] * rows
    assert out.column("restored").to_pylist() == [None if t is None else FIXED if t == SPUN else t for t in texts]
    assert json.loads(out.column("restored_edits")[1].as_py())[0]["replacement"] == "House passed"
    assert out.column("restored_edits")[4].as_py() is None
    assert pq.read_table(tmp_path / "out" / "empty.parquet").num_rows == 0
    assert summary.bad_records == [(str(src / "d.parquet"), 1)]
    assert any("d.parquet:row 5: field 'text' is null" in w for w in warnings)
    failed = dict(summary.failed)
    assert sorted(failed) == [str(src / "fake.parquet"), str(src / "numbers.parquet")]
    assert "not a Parquet file" in failed[str(src / "fake.parquet")]
    assert "is int64, not text" in failed[str(src / "numbers.parquet")]
    assert not (tmp_path / "out" / "numbers.parquet").exists()


# ----------------------------------------------------------------------------- CLI, tiny model


def test_cli_folder_end_to_end(tiny_model, tmp_path, capsys):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"The council stated a plan.\r\n\r\nOfficials mentioned it.\r\n")
    (src / "sub" / "b.jsonl").write_text(json.dumps({"id": 7, "text": "The council stated a plan."}) + "\n")
    (src / "sub" / "bad.txt").write_bytes(b"ok\n\xc3\x28\n")
    (src / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (src / "empty.txt").write_text("")
    out = tmp_path / "out"
    assert main(["run", str(src), "--model", str(tiny_model)]) == 2  # a folder needs --recursive
    assert "--recursive" in capsys.readouterr().err
    code = main(["run", str(src), "-r", "-o", str(out), "--model", str(tiny_model)])
    err = capsys.readouterr().err
    assert code == 1 and "1 of 4 file(s) failed" in err and "bad.txt" in err and "byte offset 3" in err
    assert "1 file(s) in the folder(s) skipped: not text-like" in err  # blob.bin
    a = (out / "a.txt").read_bytes()
    assert a.count(b"\r\n") == 3 and a.split(b"\r\n")[1] == b""
    record = json.loads((out / "sub" / "b.jsonl").read_text())
    assert record["id"] == 7 and isinstance(record["text"], str) and record["text"]
    assert (out / "empty.txt").read_text() == "" and not (out / "blob.bin").exists()
    # rerun: finished files are not redone; --errors replace gets the bad file through
    code = main(["run", str(src), "-r", "-o", str(out), "--model", str(tiny_model), "--errors", "replace"])
    err = capsys.readouterr().err
    assert code == 0 and "3 file(s) already restored" in err and (out / "sub" / "bad.txt").exists()
    # --glob picks files
    out2 = tmp_path / "out2"
    assert main(["run", str(src), "-r", "--glob", "*.jsonl", "-o", str(out2), "--model", str(tiny_model)]) == 0
    assert sorted(p.name for p in out2.rglob("*") if p.is_file()) == [".restore-run.jsonl", "b.jsonl"]


def test_cli_stdin_single_file_errors_and_options(tiny_model, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"One line.\n\nTwo lines.\n")))
    assert main(["run", "-", "--model", str(tiny_model)]) == 0
    assert capsys.readouterr().out.count("\n") == 3
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"abc\xff")
    assert main(["run", str(bad), "--model", str(tiny_model)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "byte offset 3" in err and "Traceback" not in err
    for args in (["--min-confidence", "2"], ["--lone-edit-confidence", "-0.1"], ["--batch-size", "0"]):
        assert main(["run", str(bad), "--model", str(tiny_model), *args]) == 2
    assert main(["run", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["run", "-", "--backend", "ray", "--model", str(tiny_model)]) == 2
    assert "reads files, not stdin" in capsys.readouterr().err
    assert main(["run", str(bad), "--backend", "ray", "--workers", "0", "--model", str(tiny_model)]) == 2
    assert "--workers" in capsys.readouterr().err
