#!/usr/bin/env bash
# Put the model a device run brought back (scripts/device/train.sh) into a model folder:
#   bash scripts/device/unpack.sh FILES_AT models/restore-medium
# FILES_AT: the folder the device tool copied $OUT to. Then, here on CPU:
#   python -m tools.choose_thresholds models/restore-medium --write
#   restore eval --suite configs/eval.yaml --model models/restore-medium -o eval/results/suite-medium
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 FILES_AT MODEL_DIR" >&2; exit 2; }
ls "$1"/model.tar.part-* >/dev/null 2>&1 || { echo "no model.tar.part-* in $1" >&2; exit 2; }
mkdir -p "$2"
cat "$1"/model.tar.part-* | tar -C "$2" -xf -
python3 - "$2" <<'PY'
import sys
from transformers import AutoModelForSeq2SeqLM
m = AutoModelForSeq2SeqLM.from_pretrained(sys.argv[1])
print(f"{sys.argv[1]}: {sum(p.numel() for p in m.parameters()) / 1e6:.1f}M parameters, loads as {m.dtype}")
PY
