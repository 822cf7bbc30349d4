"""`judgesmith export gguf MODEL_DIR --quant f16|q8_0|q4_k_m`: a judge folder -> GGUF for llama.cpp."""

from __future__ import annotations

import argparse

QUANT_CHOICES = ("f16", "q8_0", "q4_k_m")  # judgesmith.export.QUANTS, kept here so --help stays instant


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("export", help="export a trained or merged judge to GGUF (llama.cpp)",
                       description="Convert an HF model folder (safetensors + tokenizer + chat template) to GGUF "
                                   "with llama.cpp's converter; q4_k_m is quantized by llama.cpp from an f16 "
                                   "intermediate (needs the `llamacpp` extra).")
    p.add_argument("format", choices=("gguf",))
    p.add_argument("model_dir", help="saved model folder (train/merge output)")
    p.add_argument("--quant", default="q8_0", choices=QUANT_CHOICES)
    p.add_argument("--out", default=None, help="output .gguf (default: next to the folder, NAME-QUANT.gguf)")
    p.add_argument("--bpe-pre", default=None,
                   help="llama.cpp pre-tokenizer name for BPE tokenizers the converter does not recognize "
                        "(e.g. gpt-2 for a byte-level BPE trained from scratch)")
    p.add_argument("--allow-fallback", action="store_true",
                   help="q4_k_m: write the file even when no weight matrix fits k-quants (all fallback types)")
    p.add_argument("--threads", type=int, default=None, help="quantizer threads")
    return p


def run(args: argparse.Namespace) -> int:
    from judgesmith.export import export_gguf

    result = export_gguf(args.model_dir, args.quant, args.out, bpe_pre=args.bpe_pre,
                         allow_fallback=args.allow_fallback, threads=args.threads)
    print(result.info.summary())
    print(f"wrote {result.path} ({result.path.stat().st_size / 2**20:.1f} MiB) in {result.seconds:.0f} s")
    return 0
