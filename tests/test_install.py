"""A wheel install restores a file with the default model, and trains and fine-tunes a model
that leaves with thresholds (no source checkout, no ../shared involved)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_wheel_install_restores_a_file_with_the_default_model(tmp_path):
    wheels, prefix, work = tmp_path / "wheels", tmp_path / "prefix", tmp_path / "work"
    work.mkdir()
    # the release build: the package, the model's weights and its CTranslate2 conversion
    subprocess.run([sys.executable, "-m", "tools.build_wheel", "-o", str(wheels)], cwd=ROOT, check=True, timeout=600)
    wheel = next(wheels.glob("restore-*.whl"))
    # --target: a separate folder (a --prefix install would uninstall the project's own
    # editable install from the running environment first)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(prefix), str(wheel)],
        check=True,
        timeout=600,
    )
    site = prefix
    installed = prefix / "share/restore/models/restore-small"
    assert (installed / "model.safetensors").is_file()
    converted = installed / f"ct2-{json.loads((installed / 'restore_config.json').read_text())['compute_type']}"
    shipped = {f.name: f.stat().st_mtime_ns for f in converted.iterdir()}
    assert "model.bin" in shipped
    (work / "in.txt").write_text("The Home handed the invoice on Tuesday, officials stated.\n\nSecond line.\n")
    env = {k: v for k, v in os.environ.items() if k != "RESTORE_MODEL"}
    env["RESTORE_CACHE"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(site)
    code = (
        "import restore, restore.spec as r, sys; from restore.cli import main;"
        "print(restore.__file__, r.default_model_dir(), file=sys.stderr); sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", "in.txt", "-o", "out.txt"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    module, model = proc.stderr.split("\n")[0].split()[:2]
    assert module.startswith(str(site)) and model.startswith(str(prefix / "share"))
    # the project's own installation is untouched
    assert subprocess.run([sys.executable, "-m", "pip", "show", "-q", "restore"], capture_output=True).returncode == 0
    # the first run decoded with the shipped conversion: nothing converted, here or in the cache
    assert {f.name: f.stat().st_mtime_ns for f in converted.iterdir()} == shipped
    assert not (tmp_path / "cache").exists()
    out = (work / "out.txt").read_text()
    assert out.count("\n") == 3 and out.splitlines()[1:] == ["", "Second line."]

    # restore train works from the wheel: the packaged quickstart config and sample corpus,
    # then a fine-tune on a JSONL of pairs; each model leaves with thresholds
    def cli(*args):
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from restore.cli import main; sys.exit(main(sys.argv[1:]))",
                *map(str, args),
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc

    cli("train", "quickstart", "--set", "output_dir=qs")
    assert json.loads((work / "qs/model/restore_config.json").read_text())["chosen_on"]
    sample = [json.loads(line) for line in (prefix / "share/restore/configs/sample/corpus.jsonl").open()]
    sentences = [s.strip() + "." for doc in sample for s in doc["text"].split(".") if len(s.split()) > 4]
    pairs = work / "pairs.jsonl"
    pairs.write_text(
        "".join(
            json.dumps(
                {
                    "article": f"a{i // 4}",
                    "original": s,
                    "spun": s.replace(" said ", " stated ").replace(" plan ", " scheme "),
                }
            )
            + "\n"
            for i, s in enumerate(sentences[:200])
        )
    )
    cli(
        "train",
        "quickstart",
        "--set",
        "data.build=null",
        "--set",
        f"data.pairs={pairs}",
        "--set",
        "output_dir=ft",
        "--set",
        "training.max_steps=20",
        "--init-from",
        "qs/model",
    )
    settings = json.loads((work / "ft/model/restore_config.json").read_text())
    assert "valid pairs of the training run" in settings["chosen_on"]
    clean = work / "clean.txt"
    clean.write_text("\n".join(sentences[-300:]) + "\n")
    cli("run", "clean.txt", "--model", "ft/model", "-o", "clean.out.txt")
    changed = sum(
        a != b for a, b in zip(clean.read_text().splitlines(), (work / "clean.out.txt").read_text().splitlines())
    )
    assert changed <= 0.02 * 300


def test_build_wheel_refuses_a_wheel_without_a_fresh_conversion(tmp_path):
    """tools.build_wheel's check: every file of the conversion is in the wheel, stamped
    with the fingerprint of the weights the wheel ships."""
    import zipfile

    pytest.importorskip("ctranslate2")
    from restore.engines.ct2_convert import CT2_STAMP, conversion_key
    from tools.build_wheel import check

    model = tmp_path / "restore-small"
    (model / "ct2-int8").mkdir(parents=True)
    (model / "config.json").write_text("{}")
    (model / "model.safetensors").write_bytes(b"weights")
    (model / "ct2-int8" / "model.bin").write_bytes(b"converted")
    stamp = {"fingerprint": conversion_key(model, "int8")}
    (model / "ct2-int8" / CT2_STAMP).write_text(json.dumps(stamp))
    inside = "restore-0.1.0.data/data/share/restore/models/restore-small/ct2-int8/"

    def wheel(files: dict) -> Path:
        path = tmp_path / "restore-0.1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as z:
            for name, data in files.items():
                z.writestr(inside + name, data)
        return path

    whole = {"model.bin": b"converted", CT2_STAMP: json.dumps(stamp)}
    check(wheel(whole), model / "ct2-int8", model)  # passes
    with pytest.raises(SystemExit, match="lacks ct2-int8/model.bin"):
        check(wheel({CT2_STAMP: json.dumps(stamp)}), model / "ct2-int8", model)
    (model / "model.safetensors").write_bytes(b"other weights")  # the conversion is now stale
    with pytest.raises(SystemExit, match="stale"):
        check(wheel(whole), model / "ct2-int8", model)
