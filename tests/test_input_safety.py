"""What a job reads and how it reports it (issue 29, items 10, 14, 15 and 16): an
unreadable subfolder is reported with a non-zero exit; UTF-32 is named as such; the summary
of a job where every file failed does not say the others were written; JSONL on stdin is
restored field by field with --field (and refused as prose without it); a resume trusts an
output only for the same input path and bytes; a folder job skips scripts, build files and
earlier runs' output folders.

No trained model: a scripted restorer (the `model` fixture of conftest.py)."""

from __future__ import annotations

import errno
import io
import json
import os
import sys

from helpers import FIXED, SPUN, files_under, restore_run, write

from restore import batch
from restore.formats.text import unreadable_reason

# ----------------------------------------------------------------------------- 10: unreadable folders


def test_an_unreadable_subfolder_is_reported_and_the_job_fails(model, tmp_path, monkeypatch, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", f"{SPUN}\n")
    write(src / "locked" / "b.txt", f"{SPUN}\n")
    locked = src / "locked"
    real_scandir = os.scandir

    def scandir(path="."):  # chmod 000 does not stop root: simulated
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert restore_run(model, src, "-r", "-o", out) == 1
    err = capsys.readouterr().err
    assert f"error: cannot read folder {locked} (Permission denied): its files were not restored" in err
    assert "1 folder(s) could not be read" in err
    assert files_under(out) == [".restore-run.jsonl", "a.txt"]
    # the only folder unreadable: nothing to do, still a failure
    monkeypatch.setattr(
        os,
        "scandir",
        lambda path=".": (
            (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied", os.fspath(path)))
            if os.fspath(path) == os.fspath(src)
            else real_scandir(path)
        ),
    )
    assert restore_run(model, src, "-r", "-o", tmp_path / "out2") == 1
    assert f"cannot read folder {src}" in capsys.readouterr().err


# ----------------------------------------------------------------------------- 10: UTF-32


def test_utf32_is_reported_as_utf32(model, tmp_path, capsys):
    for encoding in ("utf-32", "utf-32-le", "utf-32-be"):
        src = write(tmp_path / f"{encoding}.txt", f"{SPUN}\nSecond line, café.\n".encode(encoding))
        assert restore_run(model, src, "-o", tmp_path / "out.txt") == 2
        err = capsys.readouterr().err.strip()
        assert "UTF-32 text, not UTF-8" in err and "iconv -f UTF-32 -t UTF-8" in err and "UTF-16" not in err
    for encoding in ("utf-16", "utf-16-le"):
        assert "UTF-16 text" in unreadable_reason(f"{SPUN}\n".encode(encoding))
    assert unreadable_reason(bytes(range(256))) == "binary file, not text"
    assert unreadable_reason(f"{SPUN}\n".encode()) is None


def test_wide_text_in_any_script_is_named_not_called_binary():
    """UTF-16 without a byte-order mark in Cyrillic or Chinese has few NUL bytes: the
    encoding is named (charset-normalizer), not "binary file"; a few bytes of 8-bit text
    stay text (read_lines names the byte that is not UTF-8)."""
    for text in ("Министр заявил во вторник, что план обойдётся дорого.\n" * 3, "东京都知事星期二表示"):
        for encoding in ("utf-16-le", "utf-16-be"):
            assert unreadable_reason(text.encode(encoding)).startswith("UTF-16 text"), (text, encoding)
    assert unreadable_reason("Министр заявил.\n".encode("utf-32-le")).startswith("UTF-32 text")
    for short in ("café", "Le café.\n", "naïve résumé\n"):
        assert unreadable_reason(short.encode("latin-1")) is None


# ----------------------------------------------------------------------------- 10: the summary


def test_the_summary_never_says_others_were_written_when_none_was(model, tmp_path, capsys):
    src = tmp_path / "in"
    write(src / "a.txt", bytes(range(256)) * 4)
    write(src / "b.txt", b"ok\n\xff\n")
    assert restore_run(model, src, "-r", "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "2 of 2 file(s) failed; nothing was written" in err and "the others were written" not in err
    write(src / "c.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", tmp_path / "out") == 1
    assert "2 of 3 file(s) failed; the others were written" in capsys.readouterr().err
    # c.txt already restored: of the three, one skipped, none written
    assert restore_run(model, src, "-r", "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "1 file(s) already restored" in err and "2 of 3 file(s) failed; nothing was written" in err


# ----------------------------------------------------------------------------- 14: JSONL on stdin


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_jsonl_on_stdin_is_restored_field_by_field_with_field(model, tmp_path, monkeypatch, capsys):
    records = [{"title": SPUN, "body": SPUN, "n": 1}, {"title": "x", "body": "Clean."}]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    stdin(monkeypatch, data)
    assert restore_run(model, "-", "--field", "body") == 0
    out = capsys.readouterr().out
    assert [json.loads(line) for line in out.splitlines()] == [{"title": SPUN, "body": FIXED, "n": 1}, records[1]]
    stdin(monkeypatch, data)
    assert restore_run(model, "-", "--field", "body", "--output-field", "restored", "-o", tmp_path / "o.jsonl") == 0
    assert json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])["restored"] == FIXED
    # --output-field alone: JSONL with the default field
    stdin(monkeypatch, json.dumps({"text": SPUN}).encode() + b"\n")
    assert restore_run(model, "-", "--output-field", "restored") == 0
    assert json.loads(capsys.readouterr().out) == {"text": SPUN, "restored": FIXED}


def test_jsonl_on_stdin_without_field_is_refused_not_edited_as_prose(model, tmp_path, monkeypatch, capsys):
    data = (json.dumps({"title": SPUN, "text": SPUN}) + "\n").encode()
    stdin(monkeypatch, b"\n" + data)
    assert restore_run(model, "-") == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing written
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and "<stdin>: line 2 is a JSON object" in err and "--field" in err
    # prose is prose
    stdin(monkeypatch, f"{SPUN}\n{{not json}}\n".encode())
    assert restore_run(model, "-") == 0
    assert capsys.readouterr().out == f"{FIXED}\n{{not json}}\n"


# ----------------------------------------------------------------------------- 15: resume identity


def test_resume_does_not_trust_another_input_with_the_same_size_and_time(model, tmp_path, capsys):
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    first = write(a / "x.txt", f"{SPUN}\n")
    other = write(b / "x.txt", f"{SPUN[:-1]}!\n")  # same size
    os.utime(other, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))  # as tar or rsync keep them
    assert restore_run(model, a, "-r", "-o", out) == 0
    assert (out / "x.txt").read_text() == f"{FIXED}\n"
    assert restore_run(model, b, "-r", "-o", out) == 0
    assert "already restored" not in capsys.readouterr().err
    assert (out / "x.txt").read_text() == f"{SPUN[:-1]}!\n"  # the scripted model knows only SPUN
    # the same path, other bytes, same size and time
    stamp = first.stat()
    write(first, f"{SPUN[:-1]}?\n")
    os.utime(first, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert restore_run(model, a, "-r", "-o", out) == 0
    assert "already restored" not in capsys.readouterr().err
    assert (out / "x.txt").read_text() == f"{SPUN[:-1]}?\n"
    # unchanged: skipped
    assert restore_run(model, a, "-r", "-o", out) == 0
    assert "1 file(s) already restored" in capsys.readouterr().err
    entry = json.loads((out / batch.MANIFEST).read_text().splitlines()[-1])
    assert entry["source"] == str(first.resolve()) and len(entry["sha256"]) == 64


# ----------------------------------------------------------------------------- 16: what a folder job reads


def test_a_folder_job_skips_scripts_build_files_and_earlier_outputs(model, tmp_path, capsys):
    src = tmp_path / "in"
    write(src / "NOTES", f"{SPUN}\n")
    write(src / "deploy", f"#!/bin/sh\n{SPUN}\n")
    write(src / "Makefile", f"all:\n\techo {SPUN}\n")
    write(src / "sub" / "GNUmakefile", "all:\n")
    write(src / "Dockerfile", "FROM debian\n")
    write(src / "a.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", src / "restored") == 0
    assert files_under(src / "restored") == [".restore-run.jsonl", "NOTES", "a.txt"]
    assert "4 file(s) in the folder(s) skipped: not text-like" in capsys.readouterr().err
    # a later run with another -o: the first output folder is not read as input
    assert restore_run(model, src, "-r", "-o", tmp_path / "again") == 0
    err = capsys.readouterr().err
    assert files_under(tmp_path / "again") == [".restore-run.jsonl", "NOTES", "a.txt"]
    assert f"1 folder(s) skipped: the output of an earlier run (they hold {batch.MANIFEST}): {src / 'restored'}" in err
    # a named script is still restored: only folder walks skip
    assert restore_run(model, src / "deploy", "-o", tmp_path / "deploy.out") == 0
    assert (tmp_path / "deploy.out").read_text() == f"#!/bin/sh\n{FIXED}\n"
