"""restore thresholds: a model's thresholds chosen on a JSONL of pairs, and the warning a
model without any gives when it loads."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest

from restore.cli import main


def write_pairs(path, n=24):
    """Spun/original pairs in the tiny model's channel (said -> stated, plan -> scheme),
    two rows an article."""
    from helpers import OBJECTS, SUBJECTS, TAILS

    rows = []
    for i in range(n):
        original = f"{SUBJECTS[i % len(SUBJECTS)]} said the plan {OBJECTS[i % len(OBJECTS)]} {TAILS[i % len(TAILS)]}"
        rows.append(
            {
                "article": f"a{i // 2}",
                "spun": original.replace(" said ", " stated ").replace(" plan ", " scheme "),
                "original": original,
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_thresholds_are_chosen_and_written(tiny_model, tmp_path, capsys):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*"))
    (model / "restore_config.json").unlink(missing_ok=True)
    pairs = tmp_path / "pairs.jsonl"
    write_pairs(pairs)
    with pytest.warns(UserWarning, match="no recommended thresholds"):
        from restore.restorer import Restorer

        Restorer.from_pretrained(model, engine="torch")
    assert main(["thresholds", str(model), "--pairs", str(pairs), "--write"]) == 0
    out = capsys.readouterr()
    best = json.loads(out.out)
    # the rule: the best F0.5 within the harm budget, else the least harmful row
    from restore.thresholds import choose_thresholds, read_pair_documents

    restorer = Restorer.from_pretrained(
        model, engine="torch", min_confidence=0, lone_edit_confidence=0, min_spun_score=0
    )
    rows = choose_thresholds(restorer, *read_pair_documents(pairs))["rows"]
    ok = [r for r in rows if r["clean_harm"] <= 0.02]
    if ok:
        assert best["clean_harm"] <= 0.02 and best["f0.5"] >= max(r["f0.5"] for r in ok) - 0.001
    else:
        assert best["clean_harm"] == min(r["clean_harm"] for r in rows)
    settings = json.loads((model / "restore_config.json").read_text())
    assert settings["min_confidence"] == best["min_confidence"]
    assert settings["document_evidence"] == best["document_evidence"]
    assert "24 pairs" in settings["chosen_on"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # thresholds now there: no warning
        Restorer.from_pretrained(model, engine="torch")


def test_thresholds_errors_are_one_line(tiny_model, tmp_path, capsys):
    assert main(["thresholds", str(tiny_model), "--pairs", str(tmp_path / "missing.jsonl")]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"spun": "x"}\n')
    assert main(["thresholds", str(tiny_model), "--pairs", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
