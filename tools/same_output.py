"""Proof that a refactor left ``restore run`` unchanged: its output on three fixed sets,
saved before a change and compared byte for byte after it.

The sets: the real dev + dev2 pairs (restored as JSONL, field ``spun``, with edits), the
synthetic test split of a ``restore pairs`` dataset (JSONL, with edits) and 1,000 clean
one-sentence originals of that split (a text file, ``--format jsonl``: restored text,
edits and spun-ness per line).

    python -m tools.same_output save before/          # on the old code
    python -m tools.same_output compare before/ after/ # after: runs again, then compares
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from restore.evaluation.sets import read_pair_originals, read_pairs_dataset

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


def write_inputs(folder: Path, pairs: str, synthetic: int, clean: int) -> list[tuple[Path, list[str]]]:
    """The three input files and the ``restore run`` flags each is restored with."""
    folder.mkdir(parents=True, exist_ok=True)
    dev = folder / "real_dev.jsonl"
    with dev.open("w", encoding="utf-8") as f:
        for name in ("dev.jsonl", "dev2.jsonl"):
            for line in (SHARED / name).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    f.write(json.dumps({"id": row["id"], "spun": row["spun"]}, ensure_ascii=False) + "\n")
    syn = folder / "synthetic_test.jsonl"
    rows = read_pairs_dataset(pairs, "test", limit=synthetic)
    with syn.open("w", encoding="utf-8") as f:
        for i, text in zip(rows.ids, rows.sources):
            f.write(json.dumps({"id": i, "spun": text}, ensure_ascii=False) + "\n")
    txt = folder / "clean.txt"
    txt.write_text("".join(t + "\n" for t in read_pair_originals(pairs, "test", limit=clean)), encoding="utf-8")
    jsonl = ["--field", "spun", "--show-edits"]
    return [(dev, jsonl), (syn, jsonl), (txt, ["--format", "jsonl"])]


def run_all(folder: Path, pairs: str, synthetic: int, clean: int, model: str | None) -> dict[str, str]:
    """Restore each set into ``folder/outputs``; the SHA-256 of each output."""
    out = folder / "outputs"
    out.mkdir(parents=True, exist_ok=True)
    digests = {}
    for path, flags in write_inputs(folder / "inputs", pairs, synthetic, clean):
        target = out / path.name
        cmd = [sys.executable, "-m", "restore", "run", str(path), "-o", str(target), "--overwrite", "-q", *flags]
        if model:
            cmd += ["--model", model]
        subprocess.run(cmd, check=True)
        digests[path.name] = hashlib.sha256(target.read_bytes()).hexdigest()
        print(f"{path.name}: {sum(1 for _ in target.open(encoding='utf-8'))} lines, sha256 {digests[path.name][:16]}")
    (folder / "digests.json").write_text(json.dumps(digests, indent=1) + "\n")
    return digests


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=["save", "compare"])
    p.add_argument("folders", nargs="+", help="save: DIR; compare: BEFORE AFTER")
    p.add_argument("--pairs", default="data/pairs", help="a restore pairs dataset (its test split)")
    p.add_argument("--synthetic", type=int, default=2000)
    p.add_argument("--clean", type=int, default=1000)
    p.add_argument("--model", default=None)
    a = p.parse_args(argv)
    if a.mode == "save":
        run_all(Path(a.folders[0]), a.pairs, a.synthetic, a.clean, a.model)
        return 0
    before, after = map(Path, a.folders[:2])
    old = json.loads((before / "digests.json").read_text())
    new = run_all(after, a.pairs, a.synthetic, a.clean, a.model)
    same = True
    for name, digest in old.items():
        ok = new.get(name) == digest
        same &= ok
        print(f"{name}: {'byte-identical' if ok else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
