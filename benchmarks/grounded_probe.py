"""Does a base model's representation already tell a supported response from an unsupported one?

A linear probe, to decide whether a grounded judge on this base is worth more training tokens. For each
binary set of a grounded suite, the hidden state at the position where score mode reads the 1-5
distribution (every layer; the prompt exactly as the bench builds it, `Feedback: [RESULT]` included) of
N label-balanced training items (a data build's absolute train split, gold 5 vs 1, from the sources named
in SETS; decontaminated against every bench set by the build) trains an L2 logistic regression. Layer and
penalty are chosen by 5-fold cross-validation on the training items alone. The probe's probability is
then read on the suite's items like a judge's score: AUROC, and balanced accuracy with the bench's
cross-fitted threshold, each paired against the judges of a bench folder on the same items.

  python benchmarks/grounded_probe.py --data runs/grounded-270m-cpu/data \
      --bench runs/grounded-270m-cpu/bench --out runs/grounded-probe

Features are saved in --out per set (features-<name>.npz), so a rerun resumes; one heavy job at a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from pathlib import Path

import numpy as np

log = logging.getLogger("grounded_probe")

# bench key -> the training sources its probe learns from (MEMERAG may not train: the pooled probe reads it)
SETS = {"wice_test": ["wice"], "summedits_eval": ["summedits"], "attributionbench_test": ["attributionbench"],
        "memerag_en": ["wice", "summedits", "attributionbench"]}
PREFIX = "Feedback: [RESULT]"


def training_prompts(data_dir: Path, source: str, n: int, seed: int) -> list[tuple[str, object, bool, str]]:
    """(id, Prompt, supported, group) for n balanced rows of one source, gold 5 (supported) or 1 (not).
    The group joins rows that share a document or a response (WiCE repeats each claim with each of its
    evidence chunks), so cross-validation never scores a claim it was fitted on."""
    from judgesmith.prompts import Prompt

    by_label: dict[bool, list] = {True: [], False: []}
    groups: dict[str, str] = {}
    for line in (data_dir / "absolute" / "train.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        label = row["completion"][-1]["content"].strip()[-1]
        if row["source"] != source or label not in "15":
            continue
        msgs = {m["role"]: m["content"] for m in row["prompt"]}
        response = msgs["user"].split("###Response to evaluate:")[-1].split("###Score Rubrics:")[0].strip()
        group = groups.setdefault(row["question_id"], groups.setdefault(response, row["question_id"]))
        by_label[label == "5"].append((row["id"], Prompt(msgs["user"], msgs.get("system")), label == "5", group))
    rng = random.Random(seed)
    half = n // 2
    if min(len(v) for v in by_label.values()) < half:
        raise ValueError(f"{source}: fewer than {half} rows of each label in {data_dir}")
    return [x for v in by_label.values() for x in rng.sample(v, half)]


def bench_prompts(suite: str, key: str) -> list[tuple[str, object, bool]]:
    """(id, Prompt, supported) of the suite's items of one binary benchmark, as the bench sends them."""
    from judgesmith.bench.runner import prepare_tasks
    from judgesmith.bench.suite import find_suite, load_suite
    from judgesmith.metrics.binary import supported
    from judgesmith.prompts import build_prompt

    s = load_suite(find_suite(suite))
    (task,) = prepare_tasks([e for e in s.benchmarks if e.key == key], seed=s.seed)
    return [(ex.item.id, build_prompt(ex.item), supported(ex.gold_score)) for ex in task.examples]


def hidden_states(backend, rows, path: Path, max_tokens: int) -> tuple[np.ndarray, list[str]]:
    """[n, layers + 1, hidden] final-position states of `rows`, resumed from and saved to `path`."""
    import torch
    from tqdm.auto import tqdm

    from judgesmith.judge.backends.base import label_token_plan
    from judgesmith.judge.chat import encode_prompt

    done = dict(np.load(path, allow_pickle=False)) if path.exists() else {}
    joiner, _ = label_token_plan(backend._encode_text, list("12345"), PREFIX)
    for n, (rid, prompt, *_) in enumerate(tqdm([r for r in rows if r[0] not in done], desc=path.stem)):
        ids = encode_prompt(backend.tokenizer, prompt, PREFIX) + list(joiner)
        if len(ids) > max_tokens:
            continue
        with torch.inference_mode():
            out = backend.model(input_ids=torch.tensor([ids]), output_hidden_states=True, logits_to_keep=1)
        done[rid] = torch.stack([h[0, -1] for h in out.hidden_states]).float().numpy()
        if n % 25 == 24:
            np.savez(path, **done)
    np.savez(path, **done)
    kept = [r[0] for r in rows if r[0] in done]
    return np.stack([done[k] for k in kept]), kept


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Weights (bias last) of an L2-penalized logistic regression on standardized features."""
    from scipy.optimize import minimize

    xb = np.hstack([x, np.ones((len(x), 1))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w
        p = 1 / (1 + np.exp(-z))
        reg = 0.5 * l2 * float(w[:-1] @ w[:-1])
        nll = float(np.sum(np.logaddexp(0, z) - y * z)) / len(y)
        grad = xb.T @ (p - y) / len(y)
        grad[:-1] += l2 * w[:-1]
        return nll + reg, grad

    return minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B").x


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))


def choose(feats: np.ndarray, y: np.ndarray, groups: list[str], seed: int) -> tuple[int, float, float]:
    """(layer, l2, CV AUROC) with the best 5-fold cross-validated AUROC on the training items
    (folds by group: the rows of one document or claim stay in one fold)."""
    from judgesmith.metrics.binary import auroc

    names = sorted(set(groups))
    fold_of = dict(zip(names, np.random.default_rng(seed).permutation(len(names)) % 5))
    folds = np.array([fold_of[g] for g in groups])
    best = (0, 1.0, -1.0)
    for layer in range(feats.shape[1]):
        x = standardize(feats[:, layer], feats[:, layer])
        for l2 in (1e-3, 1e-2, 1e-1, 1.0):
            scores = np.zeros(len(y))
            for f in range(5):
                w = fit_logistic(x[folds != f], y[folds != f], l2)
                scores[folds == f] = predict(w, x[folds == f])
            cv = auroc(list(scores), list(y.astype(bool)))
            if cv > best[2]:
                best = (layer, l2, cv)
    return best


def standardize(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return (x - ref.mean(0)) / (ref.std(0) + 1e-6)


def judge_scores(bench_dir: Path, label: str, key: str, ids: list[str]) -> list[float] | None:
    """Expected scores of a bench folder's model on `ids` (None when that model did not judge them all)."""
    from judgesmith.bench.store import VerdictStore

    stored = VerdictStore(bench_dir / "verdicts").load(label, key)
    if not all(i in stored and stored[i].expected_score is not None for i in ids):
        return None
    return [stored[i].expected_score for i in ids]


def evaluate(key: str, probe: np.ndarray, ids: list[str], gold: list[bool], bench_dir: Path | None,
             labels: list[str], seed: int) -> dict:
    """Probe AUROC and cross-fitted BAcc with CIs; paired differences against each judge on the same items."""
    from judgesmith.bench.binary import predictions
    from judgesmith.metrics import with_ci
    from judgesmith.metrics.binary import auroc, balanced_accuracy
    from judgesmith.metrics.paired import paired_difference

    pred, _ = predictions(ids, ids, list(probe), gold, seed)
    out = {"n": len(ids), "probe": {"auroc": with_ci(auroc, list(probe), gold, seed=seed).to_dict(),
                                    "balanced_accuracy": with_ci(balanced_accuracy, pred, gold, seed=seed).to_dict()}}
    for label in labels if bench_dir else []:
        scores = judge_scores(bench_dir, label, key, ids)
        if scores is not None:
            out[label] = {"auroc": auroc(scores, gold),
                          "probe_minus_judge_auroc": paired_difference(auroc, list(probe), scores, gold,
                                                                       seed=seed).to_dict()}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="a data build folder (absolute/train.jsonl)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--bench", type=Path, default=None, help="a bench folder whose judges the probe is paired with")
    p.add_argument("--labels", default="base,merged", help="model labels of --bench to compare")
    p.add_argument("--model", default="gemma-3-270m")
    p.add_argument("--suite", default="grounded-cpu")
    p.add_argument("--train-per-set", type=int, default=200)
    p.add_argument("--max-tokens", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from judgesmith.judge.backends.hf import HFBackend

    args.out.mkdir(parents=True, exist_ok=True)
    backend = HFBackend.from_name(args.model, batch_size=1)
    train = {}
    for source in sorted({s for v in SETS.values() for s in v}):
        rows = training_prompts(args.data, source, args.train_per_set, args.seed)
        feats, kept = hidden_states(backend, rows, args.out / f"features-train-{source}.npz", args.max_tokens)
        gold = {r[0]: r[2] for r in rows}
        group = {r[0]: f"{source}:{r[3]}" for r in rows}
        train[source] = (feats, np.array([gold[k] for k in kept], dtype=float), [group[k] for k in kept])
    results = {}
    for key, sources in SETS.items():
        x = np.concatenate([train[s][0] for s in sources])
        y = np.concatenate([train[s][1] for s in sources])
        layer, l2, cv = choose(x, y, [g for s in sources for g in train[s][2]], args.seed)
        rows = bench_prompts(args.suite, key)
        feats, kept = hidden_states(backend, rows, args.out / f"features-{key}.npz", args.max_tokens)
        w = fit_logistic(standardize(x[:, layer], x[:, layer]), y, l2)
        probe = predict(w, standardize(feats[:, layer], x[:, layer]))
        gold = dict((r[0], r[2]) for r in rows)
        results[key] = {"trained_on": sources, "train_items": len(y), "layer": layer, "l2": l2, "cv_auroc": cv,
                        **evaluate(key, probe, kept, [gold[k] for k in kept], args.bench,
                                   args.labels.split(","), args.seed)}
        log.info("%s: %s", key, json.dumps(results[key]))
    (args.out / "probe.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
