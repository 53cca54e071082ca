"""The ``spinner-restoration`` Hugging Face pipeline answers as the restorer does."""

from __future__ import annotations

import shutil
import warnings

import pytest
from conftest import ROOT

from restore.restorer import Restorer

SHIPPED = ROOT / "models" / "restore-small"
TEXTS = [
    "The Home handed the invoice on Tuesday, officials stated.",
    "The day by day El Pais printed two paperwork about the firing vary.",
    "The minister said the plan would cost $5 million in 2027.",
]


@pytest.fixture(scope="module")
def pipeline():
    pytest.importorskip("transformers")
    from transformers import pipeline as hf_pipeline

    import restore.hf_pipeline  # noqa: F401  (registers the task)

    return hf_pipeline


def test_answers_equal_the_restorers(pipeline):
    pipe = pipeline("spinner-restoration", model=str(SHIPPED))
    restorer = Restorer.from_pretrained(SHIPPED, engine="torch")  # the same model.generate, the same thresholds
    answers = pipe(TEXTS)
    assert len(answers) == len(TEXTS)
    assert pipe(TEXTS[0]) == answers[0]  # a str: one answer
    changed = 0
    for text, answer in zip(TEXTS, answers):
        restored, edits = restorer.restore_with_edits(text)
        assert answer["restored"] == restored
        assert answer["edits"] == [e.as_dict() for e in edits]
        assert answer["spun_score"] == round(restorer.spun_score(text).score, 4)
        for e in answer["edits"]:
            assert text[e["start"] : e["end"]] == e["spun"]  # code-point offsets in the input
        changed += restored != text
    assert changed >= 1  # the shipped model does restore these


def test_thresholds_are_the_models_and_can_be_overridden(pipeline):
    text = TEXTS[0]
    default = pipeline("spinner-restoration", model=str(SHIPPED))(text)
    strict = pipeline("spinner-restoration", model=str(SHIPPED), min_spun_score=1.0)(text)
    assert default["edits"]
    assert strict == {"restored": text, "edits": [], "spun_score": default["spun_score"]}
    with pytest.raises(ValueError):
        pipeline("spinner-restoration", model=str(SHIPPED), min_confidence=2.0)


def test_a_model_without_thresholds_warns(pipeline, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("ct2-*", "restore_config.json"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe = pipeline("spinner-restoration", model=str(folder))
    assert any("no recommended thresholds" in str(w.message) for w in caught)
    guarded = pipeline("spinner-restoration", model=str(SHIPPED))
    # every proposed edit is applied: at least those the thresholds keep
    assert len(pipe(TEXTS[1])["edits"]) >= len(guarded(TEXTS[1])["edits"])


def test_bad_input_is_a_clear_error(pipeline):
    pipe = pipeline("spinner-restoration", model=str(SHIPPED))
    with pytest.raises(TypeError, match="a text is a str"):
        pipe(42)
    with pytest.raises(TypeError, match="unknown argument"):
        pipe(TEXTS[0], num_beams=4)


def test_the_model_cards_code_runs(pipeline):
    """The card's two snippets (the pipeline, the raw transformers call) run as written."""
    import re

    card = (SHIPPED / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", card, flags=re.S)
    assert len(blocks) == 2
    for block in blocks:
        last = block.strip().splitlines()[-1]
        scope = {"folder": str(SHIPPED)}
        exec(block.replace(last, "result = " + last.split("  #")[0]), scope)
        assert scope["result"]
