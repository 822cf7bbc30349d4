#!/usr/bin/env bash
# The main job on a fresh machine (CPU, embedded defaults, offline).
# Judges 20 Vicuna items with the embedded base Gemma 3 270M in score mode and
# prints gold vs predicted scores and their correlation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
DATA=${JUDGESMITH_DATA:-../shared/data}
mkdir -p runs
.venv/bin/judgesmith judge absolute --format prometheus-absolute \
  --input "$DATA/prometheus/vicuna_eval.json" --limit 20 --mode score \
  --model gemma-3-270m --output runs/vicuna20-base.jsonl
