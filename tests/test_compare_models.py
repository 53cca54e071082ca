"""tools/compare_models: two models on the same sets, paired."""

from __future__ import annotations

import json
import shutil

from tools.compare_models import main


def test_a_model_against_itself_with_every_edit_refused(tiny_model, tmp_path, capsys):
    # B is the same weights with a confidence bar no edit reaches: it restores nothing
    silent = tmp_path / "silent"
    shutil.copytree(tiny_model, silent)
    config = silent / "restore_config.json"
    settings = json.loads(config.read_text()) if config.is_file() else {}
    config.write_text(json.dumps({**settings, "min_confidence": 1.0, "lone_edit_confidence": 1.0}))
    subjects = ["The government", "The council", "Officials", "The company"]
    pairs = [
        {
            "spun": f"{s} stated a new scheme to cut costs on Monday.",
            "original": f"{s} said a new plan to cut costs on Monday.",
            "article": f"a{i % 2}",
        }
        for i, s in enumerate(subjects)
    ]
    (tmp_path / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    clean = [{"spun": t, "original": t} for t in (f"{s} said that prices would rise last week." for s in subjects)]
    (tmp_path / "clean.jsonl").write_text("".join(json.dumps(c) + "\n" for c in clean), encoding="utf-8")
    (tmp_path / "suite.yaml").write_text(
        "sets:\n"
        "  - {name: spun, kind: jsonl, path: pairs.jsonl}\n"
        "  - {name: tidy, kind: clean, sources: [{jsonl: clean.jsonl, field: original}]}\n",
        encoding="utf-8",
    )
    out = main(
        [
            str(tiny_model),
            str(silent),
            "--engine-a",
            "torch",
            "--engine-b",
            "torch",
            "--suite",
            str(tmp_path / "suite.yaml"),
            "--sets",
            "spun",
            "tidy",
            "--resamples",
            "200",
            "--json",
            str(tmp_path / "cmp.json"),
        ]
    )
    spun, tidy = out["sets"]["spun"], out["sets"]["tidy"]
    assert spun["f0.5_a"] > 0 and spun["f0.5_b"] == 0.0  # the tiny model fixes stated / scheme
    assert spun["difference"] == -spun["f0.5_a"] and spun["interval"][1] < 0 and spun["b_better"] == 0.0
    assert spun["groups"] == 2  # the two articles resampled whole
    assert tidy["n"] == 4 and tidy["changed_b"] == 0 and tidy["only_b"] == 0
    assert json.loads((tmp_path / "cmp.json").read_text())["sets"]["spun"] == spun
    assert "B − A" in capsys.readouterr().out
