"""Shared test set-up: keep Hugging Face caches out of ~/.cache, find the project and shared/."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Set before any test module imports `datasets` (it reads these at import time).
_HF_TMP = tempfile.mkdtemp(prefix="restore-tests-hf-")
for _var, _sub in (("HF_HOME", "home"), ("HF_DATASETS_CACHE", "datasets"), ("HF_HUB_OFFLINE", None)):
    os.environ[_var] = "1" if _sub is None else str(Path(_HF_TMP) / _sub)


@pytest.fixture(scope="session", autouse=True)
def _hf_cache_in_tmp():
    """Hugging Face caches live in a temp folder for the session, removed afterwards."""
    yield Path(_HF_TMP)
    shutil.rmtree(_HF_TMP, ignore_errors=True)


@pytest.fixture
def shared_dir() -> Path:
    """The workspace's ../shared folder; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared data folder {SHARED} (absent outside the workspace)")
    return SHARED


@pytest.fixture
def model(tmp_path, monkeypatch) -> Path:
    """A model folder whose "weights" are a few bytes; loading it (``Restorer.from_pretrained``)
    gives a restorer around a scripted engine that restores ``helpers.SPUN`` to ``helpers.FIXED``,
    with the thresholds asked for (0 when not given). For `restore run` without a trained model."""
    from helpers import FIXED, SPUN, ScriptedEngine, from_pretrained_double

    from restore.restorer import Restorer

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")

    def from_pretrained(given: dict) -> Restorer:
        assert Path(given["path"]) == folder
        return Restorer(
            ScriptedEngine({SPUN: FIXED}),
            min_confidence=given.get("min_confidence") or 0.0,
            lone_edit_confidence=given.get("lone_edit_confidence") or 0.0,
            min_spun_score=given.get("min_spun_score") or 0.0,
        )

    monkeypatch.setattr(Restorer, "from_pretrained", from_pretrained_double(from_pretrained))
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A model trained with configs/tiny.yaml on a generated corpus, spun by a rewriter
    with a small synonym-set fixture (said -> stated, plan -> scheme, ...): after 600
    steps (seconds on 2 cores) it restores most of those swaps, so the end-to-end tests that share it see
    real edits. Shared by every test module that needs a real model."""
    from helpers import make_corpus

    from restore.cli import main

    tmp = tmp_path_factory.mktemp("tiny")
    corpus = tmp / "corpus.jsonl"
    make_corpus(corpus)
    data_cfg = tmp / "data.yaml"
    data_cfg.write_text(
        f"seed: 1\ncorpora:\n  - {{path: {corpus}}}\nmin_doc_words: 20\n"
        "splits: {valid: 0.2, test: 0.1}\n"
        f"spinner: {{mode: rewriter, synonym_sets: {FIXTURES / 'synsets' / 'tiny_spinner.txt'},"
        " original_weight: 0.0, place_prob: {min: 1.0, max: 1.0}, rules_prob: 0.0,"
        " capitalized_prob: 1.0, keep_quotes_prob: 0.0, keep_headline_prob: 0.0}\n"
    )
    assert (
        main(
            [
                "train",
                str(ROOT / "configs/tiny.yaml"),
                "--set",
                f"data.build={data_cfg}",
                "--set",
                f"output_dir={tmp / 'run'}",
                "--set",
                "training.max_steps=600",
                "--set",
                "training.eval_steps=200",
                "--set",
                "data.limit_docs=60",
                # no thresholds: the tests that share it see every edit the model makes
                "--set",
                "training.threshold_pairs=0",
            ]
        )
        == 0
    )
    return tmp / "run" / "model"


def pytest_collection_modifyitems(config, items):
    """Tests that use the session's tiny model (trained once, about a minute) are ``slow``;
    tests that train one themselves say so with ``@pytest.mark.slow``."""
    for item in items:
        if "tiny_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
