"""CLI conventions: --version, python -m restore, piped stdin without '-'."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from conftest import ROOT

import restore


def run(args, stdin=None, tty=False):
    return subprocess.run(
        [sys.executable, "-m", "restore", *args], cwd=ROOT, input=stdin, text=True, capture_output=True, timeout=300
    )


def test_version_is_the_package_version():
    out = run(["--version"])
    assert out.returncode == 0
    assert out.stdout.strip() == f"restore {restore.__version__}" == f"restore {metadata.version('restore')}"


def test_python_m_restore_is_the_command():
    out = run(["run", "--help"])
    assert out.returncode == 0 and "usage: restore run" in out.stdout


def test_piped_stdin_is_read_without_dash(tiny_model):
    text = "The council stated a brand new scheme on Monday.\n\nSecond line.\n"
    piped = run(["run", "--model", str(tiny_model), "--engine", "torch"], stdin=text)
    dashed = run(["run", "-", "--model", str(tiny_model), "--engine", "torch"], stdin=text)
    assert piped.returncode == dashed.returncode == 0, piped.stderr
    assert piped.stdout == dashed.stdout and piped.stdout.count("\n") == text.count("\n")
