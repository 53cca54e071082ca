"""The public API: restore.restore() (what it accepts, the model it loads, once, across
threads) and Restorer.from_pretrained (validated arguments, the model's own thresholds, the
packaged model by its name)."""

import json

import pytest
from helpers import ScriptedEngine, follows

from restore.restorer import Restorer


def test_api_rejects_what_is_not_text_with_a_clear_error(monkeypatch):
    import restore.restorer as rr

    loads = []
    monkeypatch.setattr(rr, "_load", lambda path: loads.append(path) or Restorer(ScriptedEngine({})))
    for bad, word in ((None, "NoneType"), (b"text", "decode bytes"), ({"a": "b"}, "dict"), (["ok", 3], "int")):
        with pytest.raises(TypeError, match=word):
            rr.restore(bad)
    assert loads == []  # nothing loaded for a bad argument
    r = Restorer(ScriptedEngine({}))
    with pytest.raises(TypeError, match="bytes"):
        r.restore(b"x")
    assert r.restore(("a b c.", "d e f.")) == ["a b c.", "d e f."]


def test_thresholds_and_sizes_are_validated(tmp_path):
    for bad in (-0.1, 1.5, "0.5", True):
        with pytest.raises(ValueError, match="min_confidence"):
            Restorer(ScriptedEngine({}), min_confidence=bad)
        with pytest.raises(ValueError, match="lone_edit_confidence"):
            Restorer(ScriptedEngine({}), lone_edit_confidence=bad)
        with pytest.raises(ValueError, match="min_spun_score"):
            Restorer(ScriptedEngine({}), min_spun_score=bad)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="batch_size"):
            Restorer.from_pretrained(tmp_path, batch_size=bad)


def test_concurrent_first_calls_load_the_model_once(monkeypatch):
    import threading
    import time

    import restore.restorer as rr

    loads = []

    def slow_load(path):
        loads.append(path)
        time.sleep(0.2)
        return Restorer(ScriptedEngine({}))

    monkeypatch.setattr(rr, "_load", rr.lru_cache(maxsize=4)(slow_load))
    threads = [threading.Thread(target=rr.restore, args=("The Home.",)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == [None]


def _scripted_model_folder(tmp_path, name, settings):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "restore_config.json").write_text(__import__("json").dumps(settings))
    return folder


def test_from_pretrained_uses_the_models_own_thresholds_and_restore_uses_the_model_given(tmp_path, monkeypatch):
    import restore.engines as engines
    import restore.restorer as rr

    a = _scripted_model_folder(
        tmp_path, "a", {"min_confidence": 0.6, "lone_edit_confidence": 0.97, "min_spun_score": 0.05}
    )
    b = _scripted_model_folder(tmp_path, "b", {})
    outputs = {
        str(a): {"The Home handed it.": "The House handed it."},
        str(b): {"The Home handed it.": "The Dwelling handed it."},
    }
    monkeypatch.setattr(
        engines, "load_engine", follows(engines.load_engine, lambda given: ScriptedEngine(outputs[str(given["path"])]))
    )
    r = Restorer.from_pretrained(a)
    assert (r.min_confidence, r.lone_edit_confidence, r.min_spun_score) == (0.6, 0.97, 0.05)
    assert Restorer.from_pretrained(a, lone_edit_confidence=0.5).lone_edit_confidence == 0.5
    assert Restorer.from_pretrained(a, min_spun_score=0).min_spun_score == 0.0
    # a lone edit at 0.9 is below the model's own 0.97: not applied; model b has no gate
    assert rr.restore("The Home handed it.", model=a) == "The Home handed it."
    assert rr.restore("The Home handed it.", model=b) == "The Dwelling handed it."


def test_min_confidence_defaults_to_the_models_recommendation(tiny_model, tmp_path):
    import shutil

    assert Restorer.from_pretrained(tiny_model).min_confidence == 0.0  # no restore_config.json
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    (model / "restore_config.json").write_text(json.dumps({"min_confidence": 0.7}))
    assert Restorer.from_pretrained(model).min_confidence == 0.7
    assert Restorer.from_pretrained(model, min_confidence=0.2).min_confidence == 0.2


def test_the_packaged_model_loads_by_its_name(tmp_path, monkeypatch):
    """Restorer.from_pretrained("restore-small") finds the default model from any folder."""
    import pytest

    from restore.restorer import ModelNotFound
    from restore.spec import DEFAULT_MODEL_NAME, default_model_dir

    try:
        expected = default_model_dir()
    except ModelNotFound:
        pytest.skip("no default model installed or checked out")
    monkeypatch.chdir(tmp_path)  # no ./restore-small here
    by_name = Restorer.from_pretrained(DEFAULT_MODEL_NAME, engine="torch")
    by_path = Restorer.from_pretrained(expected, engine="torch")
    text = "The Home handed the invoice on Tuesday, officers stated."
    assert by_name.thresholds == by_path.thresholds and by_name.restore(text) == by_path.restore(text)
