#!/usr/bin/env bash
# Prepare a run of scripts/device/train.sh on the workplace's device machine (a GPU box
# that receives only this repository and has no network). Run here, from anywhere:
#   bash scripts/device/prepare.sh
# It fills two git-ignored folders that the device call carries:
#   .carry/  copies of ../shared/data/corpus/*.jsonl and ../shared/data/real/dev.jsonl
#             (../shared does not travel; these copies are never committed)
#   .whl/     wheels of the Python packages the device image lacks (datasets and its
#             dill / multiprocess pins, pysbd), for Python 3.12 on x86-64
# then prints the device call to make.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared}
PY=${PYTHON:-python3}
[ -d "$SHARED/data/corpus" ] || { echo "no $SHARED/data/corpus (set SHARED=...)" >&2; exit 2; }
for d in /.carry/ /.whl/; do
    grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude
done
rm -rf .carry .whl
mkdir -p .carry/corpus .carry/real .whl
cp "$SHARED"/data/corpus/*.jsonl .carry/corpus/
cp "$SHARED"/data/real/dev.jsonl .carry/real/
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .whl datasets==5.2.0 dill==0.4.1 multiprocess==0.70.19 pysbd==0.3.4
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
carried=$(du -sb .carry .whl | awk '{s += $1} END {print s}')
echo "travels: $(( (tracked + carried) / 1048576 )) MiB of the device tool's 64 MiB" >&2
if [ $(( tracked + carried )) -gt $(( 64 * 1048576 )) ]; then
    echo "too large for the device tool" >&2; exit 1
fi
echo 'now: run(command="bash scripts/device/train.sh", carry=[".carry", ".whl"], timeout_s=600)'
echo 'then: bash scripts/device/unpack.sh FILES_AT models/restore-medium'
