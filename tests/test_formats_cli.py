"""Machine-readable output (issue 30 item 4): `restore run --format jsonl|m2` for text files
and stdin, and `restore score`.

Content checks use helpers.SwapEngine (every edit known in advance) behind a patched
Restorer.from_pretrained; one end-to-end test uses the tiny model trained in conftest and
checks that the JSONL records restore exactly what --format text writes."""

from __future__ import annotations

import io
import json
import sys

import pytest
from conftest import ROOT
from helpers import FIXED, SPUN, from_pretrained_double, swap_restorer

from restore.cli import main
from restore.edits import Edit, apply_edits
from restore.formats import records as formats
from restore.restorer import Restorer


@pytest.fixture
def swap(monkeypatch, tmp_path):
    """`restore run/score --model <fake>` restore with a SwapEngine restorer; returns the
    model option and the restorer (its spun_score is the reference)."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    restorer = swap_restorer()
    calls = []

    def from_pretrained(given):
        calls.append(given)
        return restorer

    monkeypatch.setattr(Restorer, "from_pretrained", from_pretrained_double(from_pretrained))
    return ["--model", str(model)], restorer, calls


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))


# ----------------------------------------------------------------------------- jsonl


def test_jsonl_one_record_per_line_with_code_point_offsets(swap, tmp_path, capsys):
    model, _, _ = swap
    lines = [f"Café 東京 — {SPUN} 😀 The officers stated it.", "", "Nothing to fix here.", "  " + SPUN]
    src = tmp_path / "a.txt"
    src.write_bytes(("\r\n".join(lines) + "\n").encode())
    assert main(["run", str(src), "--format", "jsonl", *model]) == 0
    out = capsys.readouterr().out
    records = [json.loads(r) for r in out.splitlines()]
    assert out.endswith("\n") and len(records) == len(lines)
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert [r["text"] for r in records] == lines
    assert set(records[0]) == {"line", "text", "restored", "edits", "spun_score"}
    first = records[0]
    # offsets are code points of the line: Python indices, with é, 東京, — and the emoji before an edit
    for e in first["edits"]:
        assert first["text"][e["start"] : e["end"]] == e["spun"]
        assert set(e) == {"start", "end", "spun", "replacement", "confidence"} and 0 < e["confidence"] <= 1
    assert [(e["spun"], e["replacement"]) for e in first["edits"]] == [
        ("Home handed", "House passed"),
        ("invoice", "bill"),
        ("officers stated", "officials said"),
    ]
    assert first["edits"][0]["start"] == len("Café 東京 — The ")
    edits = [Edit(e["start"], e["end"], e["spun"], e["replacement"], e["confidence"]) for e in first["edits"]]
    assert apply_edits(first["text"], edits) == first["restored"] == f"Café 東京 — {FIXED} 😀 The officials said it."
    assert records[1] == {"line": 2, "text": "", "restored": "", "edits": [], "spun_score": 0.0}
    assert records[2]["edits"] == [] and records[2]["restored"] == "Nothing to fix here."
    assert records[3]["restored"] == "  " + FIXED and records[3]["spun_score"] > 0.3
    # the restored texts are exactly what --format text writes
    assert main(["run", str(src), *model]) == 0
    text_out = capsys.readouterr().out
    assert text_out == "".join(r["restored"] + "\r\n" for r in records[:-1]) + records[-1]["restored"] + "\n"


def test_jsonl_from_stdin_and_piped_stdin(swap, monkeypatch, capsys):
    model, _, _ = swap
    stdin(monkeypatch, f"{SPUN}\n\nsecond line\n".encode())
    assert main(["run", "-", "--format", "jsonl", *model]) == 0
    records = [json.loads(r) for r in capsys.readouterr().out.splitlines()]
    assert [(r["line"], r["restored"]) for r in records] == [(1, FIXED), (2, ""), (3, "second line")]


def test_jsonl_spun_score_is_the_lines_score(swap, tmp_path, capsys):
    model, restorer, _ = swap
    src = tmp_path / "a.txt"
    src.write_text(f"{SPUN}\nThe officers agreed.\n")
    assert main(["run", str(src), "--format", "jsonl", *model]) == 0
    records = [json.loads(r) for r in capsys.readouterr().out.splitlines()]
    for r in records:
        assert r["spun_score"] == round(restorer.spun_score(r["text"]).score, 4)


def test_jsonl_keeps_the_document_gate_of_text_output(monkeypatch, tmp_path, capsys):
    """With a document gate, a block whose pooled score is low is left alone in every format."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    gated = swap_restorer(min_spun_score=0.3)
    monkeypatch.setattr(Restorer, "from_pretrained", from_pretrained_double(lambda given: gated))
    src = tmp_path / "a.txt"
    src.write_text(SPUN + "\n" + "A long clean line with many plain words in it and nothing at all to fix.\n")
    assert main(["run", str(src), "--model", str(model)]) == 0
    text_out = capsys.readouterr().out
    assert main(["run", str(src), "--format", "jsonl", "--model", str(model)]) == 0
    records = [json.loads(r) for r in capsys.readouterr().out.splitlines()]
    assert text_out == "".join(r["restored"] + "\n" for r in records)
    assert records[0]["restored"] == SPUN and records[0]["edits"] == [] and records[0]["spun_score"] > 0.3


def test_folder_job_outputs_get_the_formats_suffix(swap, tmp_path, capsys):
    model, _, _ = swap
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(SPUN + "\n")
    (src / "sub" / "b.md").write_text("plain\n")
    out = tmp_path / "out"
    assert main(["run", str(src), "-r", "-o", str(out), "--format", "m2", *model]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".restore-run.jsonl",
        "a.m2",
        "sub/b.m2",
    ]
    assert (out / "a.m2").read_text().startswith("S The Home handed the invoice .\n")
    # a rerun in another format redoes the outputs; the same format skips them
    assert main(["run", str(src), "-r", "-o", str(out), "--format", "m2", *model]) == 0
    assert "2 file(s) already restored" in capsys.readouterr().err
    out2 = tmp_path / "out2"
    assert main(["run", str(src), "-r", "-o", str(out2), "--format", "jsonl", *model]) == 0
    assert json.loads((out2 / "a.jsonl").read_text())["restored"] == FIXED
    # -o FILE is written as named
    single = tmp_path / "one.out"
    assert main(["run", str(src / "a.txt"), "-o", str(single), "--format", "jsonl", *model]) == 0
    assert json.loads(single.read_text())["restored"] == FIXED


def test_formats_refuse_jsonl_input_and_show_edits(swap, tmp_path, capsys, monkeypatch):
    model, _, _ = swap
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": SPUN}) + "\n")
    assert main(["run", str(data), "--format", "jsonl", *model]) == 2
    err = capsys.readouterr().err
    assert "--format jsonl reads text files and stdin" in err and "--show-edits" in err
    stdin(monkeypatch, (json.dumps({"body": SPUN}) + "\n").encode())
    assert main(["run", "-", "--field", "body", "--format", "m2", *model]) == 2
    assert "reads text files and stdin" in capsys.readouterr().err
    text = tmp_path / "a.txt"
    text.write_text(SPUN + "\n")
    assert main(["run", str(text), "--format", "m2", "--show-edits", *model]) == 2
    assert "--show-edits is for --format text" in capsys.readouterr().err


# ----------------------------------------------------------------------------- m2


def test_m2_blocks_as_errant_writes_them(swap, tmp_path, capsys):
    model, _, _ = swap
    src = tmp_path / "a.txt"
    src.write_text(f"{SPUN}\n\nNothing to fix, “really”.\nRussia’s officers said so.\n")
    assert main(["run", str(src), "--format", "m2", *model]) == 0
    assert capsys.readouterr().out == (
        "S The Home handed the invoice .\n"
        "A 1 3|||R:OTHER|||House passed|||REQUIRED|||-NONE-|||0\n"
        "A 4 5|||R:OTHER|||bill|||REQUIRED|||-NONE-|||0\n"
        "\n"
        # the blank line is skipped, as errant_parallel skips it
        "S Nothing to fix , “ really ” .\n"
        "A -1 -1|||noop|||-NONE-|||REQUIRED|||-NONE-|||0\n"
        "\n"
        "S Russia’s officers said so .\n"  # tokens as the model reads them, written as in the input
        "A 1 2|||R:OTHER|||officials|||REQUIRED|||-NONE-|||0\n"
        "\n"
    )


def test_m2_insertions_and_deletions():
    text = "He could possibly be ready ."
    toks = formats.tokens(text)
    assert [t for *_, t in toks] == ["He", "could", "possibly", "be", "ready", "."]
    deletion = Edit(9, 18, "possibly ", "", 0.9)
    insertion = Edit(3, 3, "", "really ", 0.8)
    block = formats.m2_block(text, [deletion, insertion])
    assert block == (
        "S He could possibly be ready .\n"
        "A 1 1|||M:OTHER|||really|||REQUIRED|||-NONE-|||0\n"
        "A 2 3|||U:OTHER||||||REQUIRED|||-NONE-|||0\n\n"
    )
    assert formats.m2_block("   ", []) == ""
    # an edit that changes no token (spacing only) is not an M2 edit
    assert formats.m2_block("a  b", [Edit(1, 3, "  ", " ", 1.0)]) == (
        "S a b\nA -1 -1|||noop|||-NONE-|||REQUIRED|||-NONE-|||0\n\n"
    )


# ----------------------------------------------------------------------------- score


def test_score_whole_files_lines_and_json(swap, tmp_path, capsys):
    model, restorer, calls = swap
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(f"{SPUN}\n\nThe officers agreed.\n")
    b.write_text("Nothing to fix here at all.\n")
    assert main(["score", str(a), str(b), *model]) == 0
    out = capsys.readouterr().out.splitlines()
    whole = restorer.spun_score(a.read_text()).score
    assert out == [f"{whole:.4f}\t{a}", f"{0:.4f}\t{b}"] and whole > 0
    # the score counts every proposed edit: the model loads with the thresholds off (no warning)
    assert calls[-1]["min_confidence"] == calls[-1]["min_spun_score"] == 0.0
    assert main(["score", str(a), "--lines", *model]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{restorer.spun_score(SPUN).score:.4f}\t{a}:1",
        f"{restorer.spun_score('The officers agreed.').score:.4f}\t{a}:3",
    ]
    assert main(["score", str(a), "--json", *model]) == 0
    (record,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    s = restorer.spun_score(a.read_text())
    assert record == {
        "file": str(a),
        "score": round(s.score, 4),
        "words": s.words,
        "sentences": [[x, y, round(z, 4)] for x, y, z in s.sentences],
    }


def test_score_jsonl_records_and_stdin(swap, tmp_path, capsys, monkeypatch):
    model, restorer, _ = swap
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"body": SPUN}) + "\n\n{bad\n" + json.dumps({"body": "Fine."}) + "\n")
    assert main(["score", str(data), "--field", "body", "--json", *model]) == 0
    captured = capsys.readouterr()
    records = [json.loads(x) for x in captured.out.splitlines()]
    assert [(r["file"], r["line"]) for r in records] == [(str(data), 1), (str(data), 4)]
    assert records[0]["score"] == round(restorer.spun_score(SPUN).score, 4) and records[1]["score"] == 0
    assert f"{data}:3: not valid JSON" in captured.err
    stdin(monkeypatch, f"{SPUN}\n".encode())
    assert main(["score", *model]) == 0  # piped stdin, nothing named
    assert capsys.readouterr().out == f"{restorer.spun_score(SPUN + chr(10)).score:.4f}\t<stdin>\n"


def test_score_errors(swap, tmp_path, capsys):
    model, _, _ = swap
    assert main(["score", str(tmp_path / "nope.txt"), *model]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"abc\xff\n")
    good = tmp_path / "good.txt"
    good.write_text(SPUN + "\n")
    assert main(["score", str(bad), *model]) == 2
    assert "byte offset 3" in capsys.readouterr().err
    assert main(["score", str(bad), str(good), *model]) == 1
    captured = capsys.readouterr()
    assert captured.out.endswith(f"\t{good}\n") and "1 of 2 file(s) could not be scored" in captured.err


# ----------------------------------------------------------------------------- tiny model


def test_shipped_model_jsonl_and_m2_match_text_output(tmp_path, capsys):
    """The three outputs of a real model agree (the shipped one: fixed weights that do edit
    these lines, where the tiny model's training is not bit-reproducible)."""
    lines = [
        "The Home handed its coronavirus aid invoice early Saturday.",
        "",
        "US officers couldn’t be instantly contacted to substantiate that one doc is genuine.",
        "The plan was said to be ready.",
        "The day by day El Pais printed two paperwork final week.",
    ]
    model = ["--model", str(ROOT / "models" / "restore-small")]
    src = tmp_path / "a.txt"
    src.write_text("\n".join(lines) + "\n")
    assert main(["run", str(src), *model]) == 0
    text_out = capsys.readouterr().out
    assert main(["run", str(src), "--format", "jsonl", *model]) == 0
    records = [json.loads(r) for r in capsys.readouterr().out.splitlines()]
    assert "".join(r["restored"] + "\n" for r in records) == text_out
    assert any(r["edits"] for r in records)  # the model really edits
    for r in records:
        edits = [Edit(e["start"], e["end"], e["spun"], e["replacement"], e["confidence"]) for e in r["edits"]]
        assert apply_edits(r["text"], edits) == r["restored"]
    assert main(["run", str(src), "--format", "m2", *model]) == 0
    m2 = capsys.readouterr().out
    assert m2.count("\nS ") + m2.startswith("S ") == 4  # the blank line skipped
    assert m2.count("|||R:") + m2.count("|||M:") + m2.count("|||U:") >= sum(bool(r["edits"]) for r in records)
    assert main(["score", str(src), "--lines", *model]) == 0
    scores = [float(x.split("\t")[0]) for x in capsys.readouterr().out.splitlines()]
    assert len(scores) == 4 and max(scores) > 0
