#!/usr/bin/env bash
# The main job on a fresh machine (CPU, embedded defaults, offline): build your judge.
# data -> feedback judge -> preference judge -> NuSLERP merge -> bench of base and merged side
# by side -> TrustJudge consistency -> report.
# 42 minutes measured end to end on 2 idle cores (plus a one-time 1-3 minute model conversion;
# README.md, "On a fresh machine"); rerun to resume.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/judgesmith build recipes/gemma3-270m-cpu.yaml --out runs/gemma3-270m-cpu
