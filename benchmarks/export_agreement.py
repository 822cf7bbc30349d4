"""Does an exported GGUF judge like its transformers original? Score mode on Vicuna items.

Exports the model folder to each `--quant` with `judgesmith export gguf`'s code,
then grades the same Vicuna items in score mode with transformers and with
llama.cpp, and prints per quant: agreement of the argmax score, mean absolute
difference of expected scores, the largest label-probability difference, and
the time of each score pass. Run it alone (2 cores).

    JUDGESMITH_HOME=/tmp/jh .venv/bin/python benchmarks/export_agreement.py --quant q8_0 q4_k_m
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def compare(reference, verdicts) -> tuple[float, float, float]:
    """(argmax agreement, mean |expected score difference|, max |label probability difference|)."""
    same = sum(a.score == b.score for a, b in zip(reference, verdicts)) / len(reference)
    mad = sum(abs(a.expected_score - b.expected_score) for a, b in zip(reference, verdicts)) / len(reference)
    worst = max(abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(reference, verdicts)
                for k in a.probabilities)
    return same, mad, worst


def grade(backend, items) -> tuple[list, float]:
    from judgesmith.judge import Judge

    start = time.perf_counter()
    verdicts = Judge(backend, mode="score").grade_absolute(items)
    return verdicts, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="HF model folder (default: the converted gemma-3-270m)")
    parser.add_argument("--quant", nargs="+", default=["q8_0"], choices=("f16", "q8_0", "q4_k_m"))
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bpe-pre", default=None, help="passed to the exporter (tokenizers trained from scratch)")
    parser.add_argument("--gguf-dir", default=None, help="keep the exported GGUFs here (default: a temp dir)")
    args = parser.parse_args(argv)

    from judgesmith.data.sources import prometheus_absolute
    from judgesmith.export import export_gguf
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.backends.llamacpp import LlamaCppBackend
    from judgesmith.models import resolve_model_dir
    from judgesmith.paths import data_file

    model_dir = Path(args.model or resolve_model_dir("gemma-3-270m"))
    items = [ex.item for ex in prometheus_absolute.load(data_file("prometheus/vicuna_eval.json")).absolute]
    items = items[: args.items]
    hf = HFBackend.from_name(str(model_dir), batch_size=1, threads=args.threads)
    reference, t_hf = grade(hf, items)
    del hf
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.gguf_dir or tmp)
        for quant in args.quant:
            out = out_dir / f"{model_dir.name}-{quant}.gguf"
            result = export_gguf(model_dir, quant, out, bpe_pre=args.bpe_pre, threads=args.threads)
            backend = LlamaCppBackend(str(result.path), threads=args.threads)
            verdicts, t_lc = grade(backend, items)
            backend.close()
            mib = result.path.stat().st_size / 2**20
            rows.append((quant, mib, result.seconds, t_lc, *compare(reference, verdicts)))
    print(f"model={model_dir} items={len(items)} mode=score threads={args.threads} transformers pass={t_hf:.1f}s")
    print(f"{'quant':<8}{'MiB':>8}{'export s':>10}{'score s':>9}{'argmax agree':>14}{'mean |dE|':>11}{'max |dp|':>10}")
    for quant, mib, t_exp, t_lc, same, mad, worst in rows:
        print(f"{quant:<8}{mib:>8.0f}{t_exp:>10.0f}{t_lc:>9.1f}{same:>14.0%}{mad:>11.4f}{worst:>10.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
