"""A corrupt or foreign model folder is one clear line, not a traceback (issue 29, item 8):
truncated safetensors, a config.json that is not JSON, a bad restore_config.json, a
missing tokenizer, a BERT config, weights that do not fit the config."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

from restore.cli import main
from restore.model_folder import check_model_dir
from restore.restorer import InvalidModel, ModelNotFound, Restorer
from restore.spec import model_settings

SHIPPED = ROOT / "models" / "restore-small"
FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "restore_config.json",
    "known_words.txt.gz",
    "model.safetensors",
)


@pytest.fixture
def folder(tmp_path):
    dest = tmp_path / "model"
    dest.mkdir()
    for name in FILES:
        shutil.copy(SHIPPED / name, dest / name)
    return dest


def truncate(f):
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])


def bert(f):
    f.write_text(
        json.dumps(
            {
                "architectures": ["BertForMaskedLM"],
                "model_type": "bert",
                "hidden_size": 256,
                "num_hidden_layers": 2,
                "vocab_size": 1000,
            }
        )
    )


BREAKAGES = {
    "truncated safetensors": ("model.safetensors", truncate, "truncated"),
    "safetensors of zeros": ("model.safetensors", lambda f: f.write_bytes(b"\0" * 4096), "not a safetensors file"),
    "config not JSON": ("config.json", lambda f: f.write_text("{'model_type': 'bart',"), "not valid JSON"),
    "config a list": ("config.json", lambda f: f.write_text("[1, 2]"), "JSON object"),
    "config binary": ("config.json", lambda f: f.write_bytes(b"\xff\xfe\x00garbage"), "not a JSON file"),
    "BERT config": ("config.json", bert, "not a sequence-to-sequence"),
    "restore_config not JSON": ("restore_config.json", lambda f: f.write_text("min_confidence: 0.7"), "not valid JSON"),
    "restore_config threshold out of range": (
        "restore_config.json",
        lambda f: f.write_text('{"min_confidence": 7}'),
        "min_confidence must be",
    ),
    "restore_config threshold a string": (
        "restore_config.json",
        lambda f: f.write_text('{"lone_edit_confidence": "high"}'),
        "lone_edit_confidence",
    ),
    "restore_config compute type": (
        "restore_config.json",
        lambda f: f.write_text('{"compute_type": "int4"}'),
        "compute_type must be",
    ),
    "tokenizer missing": ("tokenizer.json", lambda f: f.unlink(), "no tokenizer"),
    "weights missing": ("model.safetensors", lambda f: f.unlink(), "no weights"),
}


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_a_broken_model_folder_is_one_line_from_the_api_and_the_cli(case, folder, tmp_path, capsys):
    name, damage, message = BREAKAGES[case]
    damage(folder / name)
    with pytest.raises(InvalidModel, match=message) as info:
        Restorer.from_pretrained(folder)
    assert "\n" not in str(info.value) and str(folder) in str(info.value)
    assert isinstance(info.value, ModelNotFound)  # what callers of from_pretrained already catch
    text = tmp_path / "in.txt"
    text.write_text("The Home handed the invoice.\n")
    capsys.readouterr()
    assert main(["run", str(text), "--model", str(folder), "-o", str(tmp_path / "out.txt")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and message in err
    assert len(err.strip().splitlines()) == 1, err


def test_weights_that_do_not_fit_the_config_are_one_error(folder, tmp_path):
    """What the cheap checks cannot see (tensor shapes) fails at loading: still one error."""
    config = json.loads((folder / "config.json").read_text())
    config["d_model"] = 128
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(InvalidModel, match="cannot load the model") as info:
        Restorer.from_pretrained(folder, engine="torch")
    assert "\n" not in str(info.value)


def test_the_shipped_folder_passes_the_checks_and_a_missing_one_is_not_found(tmp_path):
    assert check_model_dir(SHIPPED)["model_type"] == "bart"
    assert 0 < model_settings(SHIPPED)["min_confidence"] < 1
    with pytest.raises(ModelNotFound, match="config.json missing"):
        Restorer.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match="unknown engine"):
        Restorer.from_pretrained(SHIPPED, engine="onnx")
