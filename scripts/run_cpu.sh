#!/usr/bin/env bash
# The main job on a fresh machine (CPU, embedded defaults, offline): build your judge.
# data -> feedback judge -> preference judge -> NuSLERP merge -> bench of base, feedback,
# preference and merged side by side -> TrustJudge consistency -> report.
# Roughly 1.5-2 hours on 2 cores (plus a one-time 1-3 minute model conversion; measured stage
# times in README.md, "On a fresh machine"); rerun to resume.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/judgesmith build recipes/gemma3-270m-cpu.yaml --out runs/gemma3-270m-cpu
