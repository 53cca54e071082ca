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
