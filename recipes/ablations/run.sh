#!/usr/bin/env bash
# Ablations of the main job, side by side on the same items (issue: "the judge must judge").
#
#   bash scripts/run_cpu.sh                 # the main job first: runs/gemma3-270m-cpu (base + merged benched)
#   bash recipes/ablations/run.sh           # then this: about 3 x 28 minutes on 2 cores
#
# Each ablation is the main job with one change (its data recipe says which), built with the
# same training budget, merge and suite; its build benches only its merged judge. The table then
# puts them in one bench folder, runs/ablations, under their own labels:
#   base (the main job's base verdicts), full (the main job's merged judge),
#   mt-bench-only, no-swap, length-balanced (each ablation's merged judge).
# Verdicts are copied, not re-judged: same suite and seed (same items), same mode and protocol,
# same code; `judgesmith bench` judges only what is missing (nothing, when every build finished)
# and writes results.md with paired differences and bootstrap CIs against the base.
# Rerun to resume: finished stages and stored verdicts are kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
JS=${JUDGESMITH:-.venv/bin/judgesmith}
MAIN=runs/gemma3-270m-cpu
if [ ! -f "$MAIN/bench/verdicts/base/vicuna.jsonl" ]; then
    echo "run the main job first (bash scripts/run_cpu.sh): $MAIN/bench has no base verdicts" >&2
    exit 2
fi
for name in mt-bench-only no-swap length-balanced; do
    "$JS" build "recipes/ablations/gemma3-270m-cpu-$name.yaml" --out "runs/ablation-$name"
done
OUT=runs/ablations
mkdir -p "$OUT/verdicts"
copy() {  # copy <from verdict folder> <label>: the stored verdicts of one model under a new label
    mkdir -p "$OUT/verdicts/$2"
    cp -n "$1"/*.jsonl "$OUT/verdicts/$2/"
}
copy "$MAIN/bench/verdicts/base" base
copy "$MAIN/bench/verdicts/merged" full
for name in mt-bench-only no-swap length-balanced; do
    copy "runs/ablation-$name/bench/verdicts/merged" "$name"
done
MODELS=(--model base=gemma-3-270m --model full="$MAIN/merge"
        --model mt-bench-only=runs/ablation-mt-bench-only/merge --model no-swap=runs/ablation-no-swap/merge
        --model length-balanced=runs/ablation-length-balanced/merge)
# Two tables from the same verdicts: every judge against the base, then the ablations against the full mix.
"$JS" bench --suite main-cpu --mode score --threads 2 --out "$OUT" --baseline base "${MODELS[@]}"
cp "$OUT/results.md" "$OUT/results-vs-base.md"
"$JS" bench --suite main-cpu --mode score --threads 2 --out "$OUT" --baseline full --no-html "${MODELS[@]}"
cp "$OUT/results.md" "$OUT/results-vs-full.md"
echo "ablation tables: $OUT/results-vs-base.md, $OUT/results-vs-full.md"
