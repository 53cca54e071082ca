#!/usr/bin/env bash
# On the device machine (GPU, no network), from the repository root, after
# scripts/device/prepare.sh here:
#   run(command="bash scripts/device/train.sh", carry=[".carry", ".whl"], timeout_s=600)
# Builds the training pairs, trains configs/medium.yaml for TRAIN_MINUTES (default 5) in
# bf16, scores the raw model and every checkpoint on the real dev pairs, and leaves in $OUT:
#   train.log, train_report.json, quick_eval.json, curve.json, model.tar.part-aa, -ab, ...
# (the model folder in 15 MiB pieces: the device tool returns files of 16 MiB at most).
# Environment: TRAIN_MINUTES, SPIN_ARGS (e.g. "--limit-docs 50" for a dry run),
# TRAIN_ARGS (extra --set overrides).
set -euo pipefail
: "${OUT:?is not set: run this through the device tool, whose output folder it names}"
MINUTES=${TRAIN_MINUTES:-5}
export PYTHONUNBUFFERED=1 RESTORE_PROGRESS=0 HF_HOME=${HF_HOME:-/tmp/restore-hf}
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a "$OUT/train.log"; }

if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/restore-site .whl/*.whl
    export PYTHONPATH=/tmp/restore-site:$PWD
else
    export PYTHONPATH=$PWD
fi
python3 - <<'PY' 2>&1 | tee -a "$OUT/train.log"
import datasets, pyarrow, torch, transformers
print(f"torch {torch.__version__} (cuda {torch.cuda.is_available()}), transformers {transformers.__version__}, "
      f"datasets {datasets.__version__}, pyarrow {pyarrow.__version__}")
if torch.cuda.is_available():
    print(torch.cuda.get_device_name(0))
PY

# the configs name ../shared; it does not travel, so links to the carried copies stand in for
# it (created beside the repository only when ../shared/data/corpus is absent)
if [ ! -e ../shared/data/corpus ]; then
    mkdir -p ../shared/data
    ln -sfn "$PWD/.carry/corpus" ../shared/data/corpus
    ln -sfn "$PWD/.carry/real" ../shared/data/real
fi

stamp "building pairs"
python3 -m restore.cli pairs --config configs/data.yaml -o data/pairs --num-proc "$(nproc)" \
    ${SPIN_ARGS:-} >>"$OUT/train.log" 2>&1

stamp "training configs/medium.yaml for $MINUTES min"
mkdir -p runs/medium/tokenizer
cp models/restore-small/tokenizer.json models/restore-small/tokenizer_config.json runs/medium/tokenizer/
# shellcheck disable=SC2086
python3 -m restore.cli train configs/medium.yaml --set training.max_minutes="$MINUTES" ${TRAIN_ARGS:-} \
    >>"$OUT/train.log" 2>&1
cp runs/medium/train_report.json "$OUT/"

stamp "packing the model"
tar -C runs/medium/model -cf - . | split -b 15M - "$OUT/model.tar.part-"

stamp "scoring on the real dev pairs"
python3 tools/quick_eval.py runs/medium/model --pairs data/pairs --json "$OUT/quick_eval.json" \
    >>"$OUT/train.log" 2>&1 || stamp "quick_eval failed (see above)"
python3 tools/quick_eval.py runs/medium/checkpoints/checkpoint-* --curve "$OUT/curve.json" \
    --tokenizer runs/medium/tokenizer >>"$OUT/train.log" 2>&1 || stamp "curve failed (see above)"
ls -l "$OUT" | tee -a "$OUT/train.log"
stamp "done"
