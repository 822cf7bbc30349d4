#!/bin/bash
# experiment 2: label-balanced absolute, shortened responses, 3/4 label-only, larger budgets; bench merged vs base
set -e
cd /work/main
J=.venv/bin/judgesmith
flock /work/heavy.lock bash -c "time $J train --recipe /work/exp2/feedback.yaml && time $J train --recipe /work/exp2/preference.yaml && $J merge --recipe /work/exp2/merge.yaml && time $J bench --model base=gemma-3-270m --model merged=/work/runs/exp2-merged --suite recipes/suites/main-cpu.yaml --out /work/runs/bench-exp2 --mode score --batch-size 1 --threads 2 --baseline base"
