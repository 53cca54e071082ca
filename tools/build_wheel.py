"""Build the release wheel: the package, the default model and its CTranslate2 conversion.

git holds the model's weights as safetensors only. The CTranslate2 files the ``auto``
engine decodes with (``ct2-int8/``, for the shipped model) are made from them here, at
build time, and travel in the wheel beside the weights, so that an installed ``restore``
does not spend its first run converting. The conversion is stamped with a fingerprint of
the weights, config, tokenizer and ctranslate2 version (``restore.engines.conversion_key``):
an install whose ctranslate2 differs converts again, into the user cache, as a clone does.

    python -m tools.build_wheel            # -> dist/restore-<version>-py3-none-any.whl
    python -m tools.build_wheel -o wheels/
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from restore.engines.ct2_convert import CT2_STAMP, conversion_key, ct2_model_dir
from restore.spec import model_settings

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "restore-small"  # the folder pyproject's data-files ship


def convert(model: Path = MODEL) -> Path:
    """The model's conversion for the precision its ``restore_config.json`` names, made in
    ``<model>/ct2-<compute_type>/`` (fresh, or converted again when stale)."""
    compute_type = model_settings(model).get("compute_type", "float32")
    folder = model / f"ct2-{compute_type}"
    made = ct2_model_dir(model, compute_type)
    if made != folder:
        raise SystemExit(f"build_wheel: {folder} is not writable (the conversion went to {made})")
    return folder


def check(wheel: Path, folder: Path, model: Path = MODEL) -> None:
    """The wheel holds every file of the conversion, stamped for the weights it ships."""
    name, version = wheel.name.split("-")[:2]
    inside = f"{name}-{version}.data/data/share/restore/models/{model.name}/{folder.name}"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        missing = [f.name for f in folder.iterdir() if f"{inside}/{f.name}" not in names]
        if missing:
            raise SystemExit(f"build_wheel: {wheel.name} lacks {folder.name}/{', '.join(missing)}")
        stamp = json.loads(z.read(f"{inside}/{CT2_STAMP}"))
    compute_type = folder.name.removeprefix("ct2-")
    if stamp["fingerprint"] != conversion_key(model, compute_type):
        raise SystemExit(f"build_wheel: the conversion in {wheel.name} is stale")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--out", default=str(ROOT / "dist"), help="folder the wheel is written to (default: dist/)")
    ap.add_argument(
        "--isolated",
        action="store_true",
        help="build in an isolated environment (pip fetches setuptools); default: this environment",
    )
    args = ap.parse_args(argv)
    folder = convert()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' staging: may hold removed modules
    before = {w: w.stat().st_mtime for w in out.glob("restore-*.whl")}
    cmd = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)]
    if not args.isolated:
        cmd.append("--no-build-isolation")
    subprocess.run(cmd, check=True)
    made = [w for w in out.glob("restore-*.whl") if before.get(w) != w.stat().st_mtime]
    if not made:
        raise SystemExit(f"build_wheel: pip wrote no wheel to {out}")
    wheel = max(made, key=lambda w: w.stat().st_mtime)
    check(wheel, folder)
    size = wheel.stat().st_size / 2**20
    print(f"{wheel} ({size:.1f} MiB): the package, {MODEL.name} and its {folder.name} conversion")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
