"""CLI conventions (issue 30 item 6): --quiet, a progress bar with a total and an ETA,
NO_COLOR, --device, a notice for input that does not look like English, and Ray's own
lines kept off the user's stderr.

Most tests run `restore run` in-process with helpers.SwapEngine behind a patched
Restorer.from_pretrained; the Ray test runs the command in its own process with the tiny
model and a local Ray."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from helpers import FIXED, SPUN, from_pretrained_double, swap_restorer

from restore import formats, language, progress
from restore.cli import main
from restore.restorer import Restorer

ENGLISH = (
    "The council said on Monday that it would look at the plan again, and the officials who wrote it "
    "told reporters they were not sure when a vote could be held in the house.\n"
)
FRENCH = (
    "Le gouvernement a annoncé mardi un nouveau plan pour réduire les coûts de l'énergie. Selon le "
    "ministre, les prix devraient baisser dans les prochains mois, mais les syndicats restent "
    "sceptiques et appellent à une grève nationale la semaine prochaine.\n"
)


@pytest.fixture
def swap(monkeypatch, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    calls = []

    def from_pretrained(given):
        calls.append(given)
        return swap_restorer()

    monkeypatch.setattr(Restorer, "from_pretrained", from_pretrained_double(from_pretrained))
    return ["--model", str(model)], calls


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# ----------------------------------------------------------------------------- --quiet


def test_quiet_drops_progress_and_notes_but_not_errors(swap, tmp_path, capsys):
    model, _ = swap
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SPUN + "\n")
    (src / "blob.bin").write_bytes(bytes(range(256)))
    (src / "fr.txt").write_text(FRENCH)
    out = tmp_path / "out"
    assert main(["run", str(src), "-r", "-o", str(out), "--progress", *model]) == 0
    err = capsys.readouterr().err
    assert "not text-like" in err and "restoring" in err and "does not look like English" in err
    assert main(["run", str(src), "-r", "-o", str(out), "--progress", *model]) == 0
    assert "already restored" in capsys.readouterr().err
    assert main(["run", str(src), "-r", "-o", str(out), "--progress", "--quiet", *model]) == 0
    assert capsys.readouterr().err == ""
    assert main(["run", str(src), "-r", "-o", str(tmp_path / "out2"), "-q", *model]) == 0
    assert capsys.readouterr().err == "" and (tmp_path / "out2" / "a.txt").read_text() == FIXED + "\n"
    # errors are still printed
    (src / "bad.txt").write_bytes(b"ok\n\xff\n")
    assert main(["run", str(src), "-r", "-o", str(tmp_path / "out3"), "-q", *model]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "byte offset 3" in err and "not text-like" not in err
    assert main(["run", str(src / "bad.txt"), "-q", *model]) == 2
    assert "byte offset 3" in capsys.readouterr().err


# ----------------------------------------------------------------------------- progress


def test_progress_bar_has_a_total_and_an_eta(swap, tmp_path, capsys):
    model, _ = swap
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text((SPUN + "\n") * 300)
    (src / "b.txt").write_text("x\n" * 99 + "no newline at the end")
    assert main(["run", str(src), "-r", "-o", str(tmp_path / "out"), "--progress", *model]) == 0
    err = capsys.readouterr().err
    assert "400/400" in err and "100%" in err and "line" in err
    assert "<" in err  # tqdm's elapsed<remaining: the ETA
    # a rerun that skips finished files counts only the files it does
    (src / "c.txt").write_text("one\ntwo\n")
    assert main(["run", str(src), "-r", "-o", str(tmp_path / "out"), "--progress", *model]) == 0
    assert "2/2" in capsys.readouterr().err


def test_line_counts_match_what_is_read(tmp_path):
    cases = {b"": 0, b"a": 1, b"a\n": 1, b"a\r\nb": 2, b"\n\n": 2, b"a\rb\n": 1}
    for data, n in cases.items():
        (tmp_path / "f.txt").write_bytes(data)
        assert formats.get("txt").count(tmp_path / "f.txt") == n, data
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pq.write_table(pa.table({"text": ["a\nb", None, "c"]}), tmp_path / "t.parquet")
    assert formats.for_path(tmp_path / "t.parquet").count(tmp_path / "t.parquet") == 3  # rows, not lines
    from restore import batch

    jobs = batch.collect_jobs([str(tmp_path / "f.txt"), "-"])
    assert progress.total_lines(jobs) is None  # stdin has no total


# ----------------------------------------------------------------------------- NO_COLOR


@pytest.mark.parametrize("value, coloured", [(None, True), ("", True), ("1", False), ("0", False)])
def test_no_color_turns_the_diff_colours_off(swap, tmp_path, monkeypatch, value, coloured):
    model, _ = swap
    src = tmp_path / "a.txt"
    src.write_text(SPUN + "\n")
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["run", str(src), "--show-edits", *model]) == 0
    out = terminal.getvalue()
    assert ("\033[" in out) is coloured
    if not coloured:
        assert out == "The [-Home handed-]{+House passed+} the [-invoice-]{+bill+}.\n"


@pytest.mark.parametrize(
    "env, terminal, coloured",
    [({"TERM": "dumb"}, True, False), ({"FORCE_COLOR": "1"}, False, True), ({"TERM": "xterm"}, False, False)],
)
def test_terminal_conventions_decide_the_colours(swap, tmp_path, monkeypatch, env, terminal, coloured):
    """rich's terminal detection: TERM=dumb turns colours off on a terminal, FORCE_COLOR on
    in a pipe; a pipe is plain otherwise."""
    model, _ = swap
    src = tmp_path / "a.txt"
    src.write_text(SPUN + "\n")
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out_stream = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stdout", out_stream)
    assert main(["run", str(src), "--show-edits", *model]) == 0
    out = out_stream.getvalue()
    assert ("\033[" in out) is coloured
    if coloured:  # the same words either way: only the escape codes differ
        assert re.sub(r"\033\[[0-9;]*m", "", out) == "The Home handedHouse passed the invoicebill.\n"
    else:
        assert out == "The [-Home handed-]{+House passed+} the [-invoice-]{+bill+}.\n"


# ----------------------------------------------------------------------------- --device


def test_device_is_passed_to_the_restorer(swap, tmp_path, capsys):
    model, calls = swap
    src = tmp_path / "a.txt"
    src.write_text(SPUN + "\n")
    assert main(["run", str(src), *model]) == 0
    assert calls[-1]["device"] == "cpu"
    capsys.readouterr()
    assert main(["run", str(src), "--device", "cpu", *model]) == 0
    assert calls[-1]["device"] == "cpu" and capsys.readouterr().out == FIXED + "\n"
    n = len(calls)
    assert main(["run", str(src), "--device", "tpu", *model]) == 2
    assert "give cpu, cuda or cuda:N" in capsys.readouterr().err
    assert main(["run", str(src), "--device", "cpu", "--backend", "ray", *model]) == 2
    assert "--gpus-per-worker" in capsys.readouterr().err
    assert len(calls) == n  # refused before any model loads


def test_device_cuda_without_a_gpu_is_one_line(swap, tmp_path, capsys, monkeypatch):
    from restore import commands

    model, calls = swap
    src = tmp_path / "a.txt"
    src.write_text(SPUN + "\n")
    monkeypatch.setattr(commands, "cuda_available", lambda: False)
    assert main(["run", str(src), "--device", "cuda", *model]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no CUDA GPU is visible" in err
    monkeypatch.setattr(commands, "cuda_available", lambda: True)
    assert main(["run", str(src), "--device", "cuda:1", *model]) == 0
    assert calls[-1]["device"] == "cuda:1"


# ----------------------------------------------------------------------------- not English


def test_language_heuristic():
    assert language.looks_english(ENGLISH * 3)[0] is True
    assert language.looks_english(FRENCH * 3)[0] is False
    assert language.looks_english("Правительство во вторник объявило о новом плане по снижению затрат.")[0] is False
    assert (
        language.looks_english("政府周二宣布了一项降低能源成本的新计划。部长表示，未来几个月价格应该会下降。")[0]
        is False
    )
    assert language.looks_english("Too short.")[0] is None
    with open(os.path.join(os.path.dirname(__file__), "..", "examples", "spun.txt"), encoding="utf-8") as f:
        assert language.looks_english(f.read())[0] is True  # spun English is English
    jsonl = b'{"body": "' + FRENCH.strip().replace("'", " ").encode() + b'", "id": 1}\n'
    assert language.looks_english(formats.get("jsonl").sample(jsonl, "body"))[0] is False
    assert formats.get("parquet").sample(jsonl, "body") is None  # Parquet is not sampled


def test_notice_for_input_that_does_not_look_english(swap, tmp_path, capsys, monkeypatch):
    model, _ = swap
    fr, en = tmp_path / "fr.txt", tmp_path / "en.txt"
    fr.write_text(FRENCH * 2)
    en.write_text(ENGLISH * 2 + SPUN + "\n")
    assert main(["run", str(en), *model]) == 0
    assert capsys.readouterr().err == ""
    assert main(["run", str(fr), *model]) == 0
    captured = capsys.readouterr()
    assert captured.out == FRENCH * 2  # never changes the output
    assert captured.err.count("\n") == 1 and f"note: {fr} does not look like English" in captured.err
    assert main(["run", str(fr), "-q", *model]) == 0
    assert capsys.readouterr().err == ""
    # stdin is peeked at, not consumed
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO((FRENCH * 2).encode()))))
    assert main(["run", *model]) == 0
    captured = capsys.readouterr()
    assert captured.out == FRENCH * 2 and "<stdin> does not look like English" in captured.err
    # score says it too
    assert main(["score", str(fr), *model]) == 0
    assert "does not look like English" in capsys.readouterr().err


# ----------------------------------------------------------------------------- Ray


def test_stderr_to_devnull_hides_descriptor_2_only_inside(capfd):
    pytest.importorskip("ray")
    from restore.ray_cluster import stderr_to_devnull

    os.write(2, b"before\n")
    with stderr_to_devnull():
        os.write(2, b"hidden\n")  # what Ray's C++ core and Python handlers on the real stderr write
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_ray_backend_leaves_stderr_to_restore(tiny_model, tmp_path):
    """A whole `restore run --backend ray` in its own process (its own local Ray): stderr
    holds nothing of Ray's (token notes, C++ log-level lines, Ray Data's plan or bars)."""
    pytest.importorskip("ray")
    src = tmp_path / "a.txt"
    src.write_text("The council stated a brand new scheme on Monday.\n" * 20)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "restore",
            "run",
            str(src),
            "-o",
            str(tmp_path / "out.txt"),
            "--model",
            str(tiny_model),
            "--backend",
            "ray",
            "--workers",
            "1",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the tiny model has no thresholds: restore's own warning about that (and the line of code
    # Python shows under it) is all there is
    lines = [x for x in proc.stderr.splitlines() if x.strip() and not x.startswith(" ")]
    assert all("UserWarning" in x and "restore_config.json" in x for x in lines), proc.stderr
    assert (tmp_path / "out.txt").read_text().count("\n") == 20
