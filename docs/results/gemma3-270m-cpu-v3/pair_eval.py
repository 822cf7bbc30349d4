"""Held-out A/B decision quality of pairwise judges, read in score mode on SFT eval rows.

For each eval row (a pair from a held-out question, one order, gold A or B): P(gold) renormalised
over {A, B} at the score-mode position. Prints per source: n, accuracy of argmax, mean -ln P(gold)
(ln 2 = 0.693 is chance), mean P(A). Models: embedded names, model folders, or BASE+ADAPTER.
    python pair_eval.py EVAL.jsonl [--per-source 80] label=model ...
"""
import argparse, json, math, random, sys, collections

def load_model_spec(spec):
    from judgesmith.models import load_model, resolve_model_dir
    if "+" in spec:
        base, adapter = spec.split("+", 1)
        from peft import PeftModel
        model, tok = load_model(base)
        model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
        return model, tok
    return load_model(spec)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("eval"); ap.add_argument("models", nargs="+")
    ap.add_argument("--per-source", type=int, default=80); ap.add_argument("--sources", default="")
    a = ap.parse_args()
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.engine import JudgeConfig
    from judgesmith.prompts import Prompt
    rows = [json.loads(l) for l in open(a.eval)]
    want = set(a.sources.split(",")) if a.sources else None
    by = collections.defaultdict(list)
    for r in rows:
        if want is None or r["source"] in want:
            by[r["source"]].append(r)
    rng = random.Random(0)
    chosen = []
    for src in sorted(by):
        rng.shuffle(by[src]); chosen += by[src][: a.per_source]
    prompts = [Prompt(user=r["prompt"][-1]["content"], system=r["prompt"][0]["content"] if r["prompt"][0]["role"] == "system" else None) for r in chosen]
    gold = [r["completion"][-1]["content"].rsplit("[RESULT]", 1)[-1].strip() for r in chosen]
    prefix = JudgeConfig().pairwise_prefix
    for spec in a.models:
        label, _, name = spec.partition("=")
        model, tok = load_model_spec(name)
        be = HFBackend(model, tok, batch_size=1, threads=2)
        dists = be.score(prompts, prefix=prefix, labels=["A", "B"])
        stats = collections.defaultdict(lambda: [0, 0, 0.0, 0.0])
        for r, g, d in zip(chosen, gold, dists):
            pa, pb = d["A"], d["B"]; z = pa + pb
            p = (pa if g == "A" else pb) / z
            s = stats[r["source"]]; s[0] += 1; s[1] += (pa > pb) == (g == "A"); s[2] += -math.log(max(p, 1e-12)); s[3] += pa / z
        tot = [sum(s[i] for s in stats.values()) for i in range(4)]
        for src, s in sorted(stats.items()) + [("ALL", tot)]:
            print(f"{label:>14} {src:>18} n={s[0]:4d} acc={s[1]/s[0]:.3f} nll={s[2]/s[0]:.3f} meanP(A)={s[3]/s[0]:.3f}", flush=True)
        del model, be

if __name__ == "__main__":
    main()
