#!/usr/bin/env bash
# Set up restore in .venv (first run only) and restore a text file with the default model.
#   ./run.sh examples/spun.txt          set up if needed, then restore the file to stdout
#   ./run.sh --setup-only               only create .venv and install everything
# Extra arguments are passed to `restore run`.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/restore ] || [ pyproject.toml -nt .venv/.installed ]; then
    echo "setting up .venv (torch CPU wheel first, then the project) ..." >&2
    [ -d .venv ] || "$PY" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip >&2
    # torch first and pinned: a bare `torch` requirement would pull a multi-GB CUDA build
    .venv/bin/python -m pip install -q torch==2.13.0 >&2
    # the test, ray and lint extras: the test suite covers the Ray backend, and .ci/run checks
    # the code with ruff and mypy first (a core install needs none of them)
    .venv/bin/python -m pip install -q -e ".[test,ray,lint]" >&2
    touch .venv/.installed
fi
if [ "${1:-}" = "--setup-only" ]; then
    echo "set-up done: .venv is ready" >&2
    exit 0
fi
if [ $# -eq 0 ]; then
    echo "usage: ./run.sh FILE [restore run options]   (e.g. ./run.sh examples/spun.txt)" >&2
    exit 2
fi
exec .venv/bin/restore run "$@"
