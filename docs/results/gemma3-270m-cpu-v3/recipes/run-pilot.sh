#!/bin/bash
# pilot: can the 270M preference judge learn the A/B comparison from clean pairs? (held-out A/B-token loss)
set -e
cd /work/main
J=.venv/bin/judgesmith
flock /work/heavy.lock bash -c "time $J train --recipe /work/exp3/pref-clean.yaml && \
 time .venv/bin/python /work/exp3/pair_eval.py /work/runs/data-exp2/pairwise/eval.jsonl --per-source 80 \
   --sources arena_bench_pairs,alpaca_eval \
   base=gemma-3-270m \
   mix@159k=gemma-3-270m+/work/runs/exp2-preference/checkpoints/checkpoint-60 \
   mix@259k=/work/runs/exp2-preference/merged \
   clean@150k=/work/runs/exp3-pref-clean/merged"
