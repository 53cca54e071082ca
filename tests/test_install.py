"""A wheel install restores a file with the default model (no source checkout involved)."""
import os
import subprocess
import sys

from conftest import ROOT


def test_wheel_install_restores_a_file_with_the_default_model(tmp_path):
    wheels, prefix, work = tmp_path / "wheels", tmp_path / "prefix", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels)], check=True, timeout=600)
    wheel = next(wheels.glob("restore-*.whl"))
    # --target: a separate folder (a --prefix install would uninstall the project's own
    # editable install from the running environment first)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(prefix),
                    str(wheel)], check=True, timeout=600)
    site = prefix
    assert (prefix / "share/restore/models/restore-small/model.safetensors").is_file()
    (work / "in.txt").write_text("The Home handed the invoice on Tuesday, officials stated.\n\nSecond line.\n")
    env = {k: v for k, v in os.environ.items() if k != "RESTORE_MODEL"}
    env["PYTHONPATH"] = str(site)
    code = ("import restore, restore.restorer as r, sys; from restore.cli import main;"
            "print(restore.__file__, r.default_model_dir(), file=sys.stderr); sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, "run", "in.txt", "-o", "out.txt"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    module, model = proc.stderr.split("\n")[0].split()[:2]
    assert module.startswith(str(site)) and model.startswith(str(prefix / "share"))
    # the project's own installation is untouched
    assert subprocess.run([sys.executable, "-m", "pip", "show", "-q", "restore"], capture_output=True).returncode == 0
    out = (work / "out.txt").read_text()
    assert out.count("\n") == 3 and out.splitlines()[1:] == ["", "Second line."]
