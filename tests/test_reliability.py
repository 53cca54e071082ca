"""`restore run` when things go wrong: colliding outputs, reruns with other settings,
output folders inside input folders, bad JSONL records, unreadable inputs, non-text files
in folders, file permissions, write errors, leftover temporary files, SIGTERM and SIGKILL.

No trained model: `Restorer.from_pretrained` is replaced by a restorer around a scripted
engine (in-process: the `model` fixture of conftest.py), or a slow scripted engine in a
subprocess for the signal tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import FIXED, SPUN, ScriptedEngine, files_under, restore_run, write

from restore import batch
from restore.cli import main
from restore.restorer import Restorer

# ----------------------------------------------------------------------------- 2: colliding outputs


def test_two_inputs_with_the_same_name_are_an_error_before_any_work(model, tmp_path, capsys):
    a = write(tmp_path / "a" / "x.txt", f"{SPUN}\n")
    b = write(tmp_path / "b" / "x.txt", "Other text.\n")
    out = tmp_path / "out"
    assert restore_run(model, a, b, "-o", f"{out}/") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(a) in err and str(b) in err
    assert not out.exists()  # nothing done
    write(out / "x.txt", "kept\n")
    assert restore_run(model, a, b, "-o", out, "--overwrite") == 2
    assert (out / "x.txt").read_text() == "kept\n"
    # a named file colliding with a file of a folder input
    assert restore_run(model, tmp_path / "a", b, "-r", "-o", out) == 2
    assert str(b) in capsys.readouterr().err


# ----------------------------------------------------------------------------- 4: resuming


def test_a_rerun_redoes_outputs_made_with_other_settings(model, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", f"{SPUN}\n")
    write(src / "d.jsonl", json.dumps({"text": SPUN}) + "\n")
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert (out / "a.txt").read_text() == f"{FIXED}\n"
    assert restore_run(model, src, "-r", "-o", out, "--show-edits") == 0
    assert (out / "a.txt").read_text() == "The [-Home handed-]{+House passed+} the [-invoice-]{+bill+}.\n"
    assert "text_edits" in json.loads((out / "d.jsonl").read_text())
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert (out / "a.txt").read_text() == f"{FIXED}\n"
    assert restore_run(model, src, "-r", "-o", out, "--min-confidence", "1.0") == 0
    assert (out / "a.txt").read_text() == f"{SPUN}\n"  # no edit is that sure
    assert restore_run(model, src, "-r", "-o", out, "--lone-edit-confidence", "1.0") == 0
    assert (out / "a.txt").read_text() == f"{FIXED}\n"  # two edits: no lone edit to drop
    capsys.readouterr()
    assert restore_run(model, src, "-r", "-o", out, "--lone-edit-confidence", "1.0") == 0
    assert "2 file(s) already restored" in capsys.readouterr().err
    # --output-field changes JSONL outputs only
    assert restore_run(model, src, "-r", "-o", out, "--lone-edit-confidence", "1.0", "--output-field", "restored") == 0
    assert "1 file(s) already restored" in capsys.readouterr().err
    assert json.loads((out / "d.jsonl").read_text()) == {"text": SPUN, "restored": FIXED}
    # another model (changed weights) redoes everything
    (model / "model.safetensors").write_bytes(b"new weights")
    assert restore_run(model, src, "-r", "-o", out, "--lone-edit-confidence", "1.0", "--output-field", "restored") == 0
    assert "already restored" not in capsys.readouterr().err


def test_document_gate_reads_a_block_of_text_lines_as_one_document_and_each_record_as_one(model, tmp_path):
    # SPUN scores 0.45 (2.7 of 6 words); with nine clean lines around it (4 words each) the
    # file's one block scores 2.7 / 42 = 0.06
    clean = "Clean line here.\n" * 9
    write(tmp_path / "in" / "alone.txt", f"{SPUN}\n")
    write(tmp_path / "in" / "mixed.txt", f"{SPUN}\n{clean}")
    write(
        tmp_path / "in" / "d.jsonl", json.dumps({"text": SPUN}) + "\n" + json.dumps({"text": "Clean line here."}) + "\n"
    )
    out = tmp_path / "out"
    assert restore_run(model, tmp_path / "in", "-r", "-o", out, "--min-spun-score", "0.1") == 0
    assert (out / "alone.txt").read_text() == f"{FIXED}\n"
    assert (out / "mixed.txt").read_text() == f"{SPUN}\n{clean}"
    assert [json.loads(line)["text"] for line in (out / "d.jsonl").read_text().splitlines()] == [
        FIXED,
        "Clean line here.",
    ]
    # the gate is part of what made an output: a rerun without it redoes the files
    assert restore_run(model, tmp_path / "in", "-r", "-o", out, "--min-spun-score", "0") == 0
    assert (out / "mixed.txt").read_text() == f"{FIXED}\n{clean}"
    assert restore_run(model, tmp_path / "in", "-r", "-o", out, "--min-spun-score", "2") == 2


def test_an_output_rewritten_since_is_redone(model, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", out) == 0
    # the same output rewritten by a single-file run with other settings
    assert restore_run(model, src / "a.txt", "-o", out / "a.txt", "--show-edits") == 0
    assert "[-" in (out / "a.txt").read_text()
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert (out / "a.txt").read_text() == f"{FIXED}\n"


def test_an_output_folder_inside_the_input_folder_is_not_read(model, tmp_path, capsys):
    src = tmp_path / "in"
    write(src / "a.txt", f"{SPUN}\n")
    for _ in range(2):
        assert restore_run(model, src, "-r", "-o", src / "out") == 0
    assert files_under(src) == ["a.txt", "out/.restore-run.jsonl", "out/a.txt"]
    assert "1 file(s) already restored" in capsys.readouterr().err


def test_an_output_that_is_an_input_is_an_error(model, tmp_path, capsys):
    src = tmp_path / "in"
    a = write(src / "a.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", src) == 2
    assert "is the input folder" in capsys.readouterr().err
    assert restore_run(model, a, "-o", a) == 2
    assert "would replace the input" in capsys.readouterr().err
    assert restore_run(model, a, write(tmp_path / "b.txt", "b\n"), "-o", src) == 2  # a.txt -> in/a.txt
    assert files_under(src) == ["a.txt"] and a.read_text() == f"{SPUN}\n"


def test_help_says_a_single_file_is_redone_whole_and_how_to_split_it(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "A single file is redone whole" in out and "split -l" in out


# ----------------------------------------------------------------------------- 5: bad JSONL records


def test_bad_jsonl_records_are_written_unchanged_and_the_rest_restored(model, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    good = json.dumps({"id": 1, "text": SPUN})
    bad = [
        '{"id": 2, "text": "\\ud800 broken"}',  # lone surrogate in the field
        '{"id": 3, "text": "fine", "note": "\\udfff"}',  # ... in another field
        '{"id": 4, "text": ',  # not JSON
        '{"id": 5, "text": 5}',  # not a string
        '["a list"]',
    ]
    lines = [good, *bad, good]
    write(src / "a.jsonl", "\n".join(lines) + "\n")
    write(src / "b.txt", f"{SPUN}\n")  # after a.jsonl: still restored
    assert restore_run(model, src, "-r", "-o", out) == 1
    err = capsys.readouterr().err
    restored = json.dumps({"id": 1, "text": FIXED})
    assert (out / "a.jsonl").read_text().split("\n") == [restored, *bad, restored, ""]
    assert (out / "b.txt").read_text() == f"{FIXED}\n"
    for line, reason in (
        (2, "lone surrogate"),
        (4, "not valid JSON"),
        (5, "field 'text' is not a string"),
        (6, "no field 'text'"),
    ):
        assert f"{src / 'a.jsonl'}:{line}: {reason}" in err
    # a lone surrogate escape in another field passes through as it is (the record is not re-serialised)
    assert f"{src / 'a.jsonl'}:3:" not in err
    assert "4 record(s) could not be restored" in err and "Traceback" not in err
    # not recorded as finished: a rerun reports them again
    assert restore_run(model, src, "-r", "-o", out) == 1
    err = capsys.readouterr().err
    assert "1 file(s) already restored" in err and f"{src / 'a.jsonl'}:2:" in err


def test_bad_record_reports_are_capped_per_file(tmp_path):
    src = write(tmp_path / "in" / "a.jsonl", '{"body": "x"}\n' * (batch.RECORD_WARNINGS + 5))
    warnings = []
    summary = batch.run_jobs(
        Restorer(ScriptedEngine({})),
        batch.collect_jobs([str(src)]),
        tmp_path / "out",
        True,
        batch.Options(),
        warn=warnings.append,
    )
    assert summary.bad_records == [(str(src), batch.RECORD_WARNINGS + 5)]
    assert len(warnings) == batch.RECORD_WARNINGS + 1 and "5 more record(s)" in warnings[-1]
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == src.read_bytes()


# ----------------------------------------------------------------------------- 6: unreadable inputs


def test_unreadable_inputs_fail_and_leave_earlier_outputs_as_they_were(model, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "good.txt", f"{SPUN}\n")
    write(src / "utf16.txt", f"{SPUN}\n".encode("utf-16"))
    write(src / "blob.txt", bytes(range(256)) * 4)
    write(out / "utf16.txt", "stale\n")
    write(out / "blob.txt", "stale\n")
    assert restore_run(model, src, "-r", "-o", out) == 1
    err = capsys.readouterr().err
    assert "2 of 3 file(s) failed" in err
    assert f"{src / 'utf16.txt'}: UTF-16 text" in err and f"{src / 'blob.txt'}: binary file" in err
    # nothing is deleted: what was there before stays, byte for byte
    assert files_under(out) == [".restore-run.jsonl", "blob.txt", "good.txt", "utf16.txt"]
    assert (out / "utf16.txt").read_text() == "stale\n" and (out / "blob.txt").read_text() == "stale\n"
    # a single named file: a one-line error
    assert restore_run(model, src / "blob.txt", "-o", tmp_path / "blob.out") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "blob.txt: binary file" in err
    assert not (tmp_path / "blob.out").exists()


# ----------------------------------------------------------------------------- 10: non-text files


def test_a_folder_job_takes_text_like_files_unless_glob_says_otherwise(model, tmp_path, capsys):
    src = tmp_path / "in"
    for name in ("a.txt", "b.md", "c.TEXT", "NOTES", "tool.py", "data.csv", "conf.json"):
        write(src / name, f"{SPUN}\n")
    write(src / "d.jsonl", json.dumps({"text": SPUN}) + "\n")
    write(src / "blob", bytes(range(256)))
    assert restore_run(model, src, "-r", "-o", tmp_path / "out") == 0
    assert files_under(tmp_path / "out") == [".restore-run.jsonl", "NOTES", "a.txt", "b.md", "c.TEXT", "d.jsonl"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "4 file(s)" in err[0] and "--glob" in err[0]
    assert restore_run(model, src, "-r", "--glob", "*.py", "-o", tmp_path / "py") == 0
    assert (tmp_path / "py" / "tool.py").read_text() == f"{FIXED}\n"
    # a named file is always restored
    assert restore_run(model, src / "data.csv", "-o", tmp_path / "data.csv") == 0
    assert (tmp_path / "data.csv").read_text() == f"{FIXED}\n"


# ----------------------------------------------------------------------------- 11: writing


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def test_outputs_get_the_umask_permissions_and_an_existing_one_keeps_its_mode(model, tmp_path, umask):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert (out / "a.txt").stat().st_mode & 0o777 == 0o644
    (out / "a.txt").chmod(0o640)
    assert restore_run(model, src, "-r", "-o", out, "--overwrite") == 0
    assert (out / "a.txt").stat().st_mode & 0o777 == 0o640
    umask(0o077)
    assert restore_run(model, src / "a.txt", "-o", tmp_path / "private.txt") == 0
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600


def test_a_write_error_names_the_output(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "sub" / "a.txt", f"{SPUN}\n")
    write(out / "sub", "a file where the output folder goes\n")
    summary = batch.run_jobs(
        Restorer(ScriptedEngine({})),
        batch.collect_jobs([str(src)], recursive=True),
        out,
        True,
        batch.Options(),
        warn=print,
    )
    [(name, msg)] = summary.failed
    assert name == str(src / "sub" / "a.txt") and msg.startswith(f"cannot write {out / 'sub' / 'a.txt'}: ")


def test_orphan_temporary_files_are_removed(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "sub" / "a.txt", f"{SPUN}\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphans = [
        write(out / f".a.txt.restore-{dead.pid}-0123abcd.part", "half"),
        write(out / "sub" / f".a.txt.restore-{dead.pid}-89abcdef.part", "half"),
    ]
    kept = [
        write(out / f".b.txt.restore-{os.getppid()}-0123abcd.part", "a running process's"),
        write(out / ".notes.part", "not ours"),
        write(out / "x.part", "not ours"),
        # earlier versions' ".NAME.XXXXXXXX.part" names look like other tools' files: kept
        write(out / "sub" / ".a.txt.k2j_9x7q.part", "half"),
    ]
    batch.run_jobs(
        Restorer(ScriptedEngine({})),
        batch.collect_jobs([str(src)], recursive=True),
        out,
        True,
        batch.Options(),
        warn=print,
    )
    assert not any(p.exists() for p in orphans) and all(p.exists() for p in kept)
    # a single output file: its own orphans in its folder
    orphan = write(tmp_path / f".one.txt.restore-{dead.pid}-0123abcd.part", "half")
    other = write(tmp_path / f".two.txt.restore-{dead.pid}-0123abcd.part", "half")
    batch.run_jobs(
        Restorer(ScriptedEngine({})),
        batch.collect_jobs([str(src / "sub" / "a.txt")]),
        tmp_path / "one.txt",
        False,
        batch.Options(),
        warn=print,
    )
    assert not orphan.exists() and other.exists() and (tmp_path / "one.txt").exists()


# ----------------------------------------------------------------------------- signals

DRIVER = """
import sys, time
from restore.cli import main
from restore.restorer import Restorer
from helpers import from_pretrained_double

DELAY = float(sys.argv[1])


class SlowEngine:
    max_input_tokens = 128

    def generate(self, sentences):
        time.sleep(DELAY)
        return [s.replace("Home handed", "House passed") for s in sentences]

    def token_logprobs(self, sources, targets):
        return [[(0, len(t), -0.01), (len(t), len(t), -0.01)] for t in targets]


Restorer.from_pretrained = from_pretrained_double(lambda given: Restorer(SlowEngine()))
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture
def start(tmp_path):
    """Starts `restore run ARGS` in a subprocess whose engine sleeps ``delay`` s a block;
    any still running at the end of the test are killed."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    procs = []

    def start_run(delay: float, *args) -> subprocess.Popen:
        procs.append(
            subprocess.Popen(
                [sys.executable, str(driver), str(delay), "run", *map(str, args)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )
        )
        return procs[-1]

    yield start_run
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def slow_folder(tmp_path: Path, files: int = 3, lines: int = 3 * batch.BLOCK_LINES) -> tuple[Path, Path]:
    """Input files of a few blocks each (distinct lines: no sentence is memoised), and a model folder."""
    src = tmp_path / "in"
    for k in range(files):
        write(src / f"f{k}.txt", "".join(f"Line {i} of file {k}: The Home handed it.\n" for i in range(lines)))
    model = tmp_path / "model"
    write(model / "config.json", "{}")
    return src, model


def wait_for(condition, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.part")]


def test_sigterm_removes_the_temporary_file(tmp_path, start):
    src, model = slow_folder(tmp_path)
    out = tmp_path / "out"
    proc = start(0.5, src, "-r", "-o", out, "--model", model)
    wait_for(lambda: out.is_dir() and temps(out))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "terminated" in err and "Traceback" not in err
    assert temps(out) == []


def test_sigkill_mid_write_then_resume(tmp_path, start):
    src, model = slow_folder(tmp_path)
    clean, out = tmp_path / "clean", tmp_path / "out"
    proc = start(0.0, src, "-r", "-o", clean, "--model", model)
    assert proc.wait(timeout=120) == 0
    expected = {name: (clean / name).read_bytes() for name in files_under(clean) if not name.startswith(".")}
    assert len(expected) == 3 and FIXED.split()[1] in expected["f0.txt"].decode()

    proc = start(0.3, src, "-r", "-o", out, "--model", model)
    wait_for(lambda: (out / "f0.txt").exists() and temps(out))  # the first file done, the second half-written
    proc.kill()
    proc.wait(timeout=60)
    assert temps(out)  # killed mid-write: an orphan is left
    for name in expected:  # every output absent, or complete
        assert not (out / name).exists() or (out / name).read_bytes() == expected[name]

    proc = start(0.0, src, "-r", "-o", out, "--model", model)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "already restored" in err  # f0.txt was not redone
    assert {name: (out / name).read_bytes() for name in expected} == expected
    assert temps(out) == [] and files_under(out) == sorted([".restore-run.jsonl", *expected])
