"""K-quantization with llama.cpp's own quantizer, as exposed by llama-cpp-python.

The HF converter writes only float types and q8_0; k-quants (q4_k_m) come from
`llama_model_quantize` on an f16 GGUF. K-quants pack each row in blocks of 256,
so matrices whose rows are not a multiple of 256 get a fallback type (llama.cpp
picks q5_0/q8_0/f16 per tensor; Gemma 3 270M's published Q4_K_M has 640-wide
rows in q5_0). When *no* matrix fits (tiny test models), the result would not
be q4_k_m at all: that is an error unless the caller allows the fallback.
"""

from __future__ import annotations

import ctypes
import logging
import os
from pathlib import Path

from judgesmith.export.checks import K_QUANT_BLOCK, read_gguf_info

log = logging.getLogger(__name__)

QUANTIZER_TYPES = {"q4_k_m": "LLAMA_FTYPE_MOSTLY_Q4_K_M"}


def check_kquant_fit(src: Path, quant: str, allow_fallback: bool) -> None:
    """Refuse (or, when allowed, warn about) a k-quant that no weight matrix can take."""
    info = read_gguf_info(src)
    misfits = info.matrices - info.kquant_fit
    if info.kquant_fit == 0 and not allow_fallback:
        raise ValueError(
            f"{quant} needs weight rows that are a multiple of {K_QUANT_BLOCK}; none of the {info.matrices} "
            f"matrices of this model has one, so llama.cpp would write fallback types only. Use q8_0 or f16, "
            "or allow the fallback explicitly (--allow-fallback)")
    if misfits:
        log.warning("%d of %d weight matrices have rows that are not a multiple of %d: llama.cpp stores them "
                    "in a fallback type (see the tensor types below)", misfits, info.matrices, K_QUANT_BLOCK)


def quantize(src: Path, out: Path, quant: str, threads: int | None = None, allow_fallback: bool = False) -> Path:
    """Quantize an f16/f32 GGUF `src` into `out` with llama.cpp (`quant` in QUANTIZER_TYPES)."""
    if quant not in QUANTIZER_TYPES:
        raise ValueError(f"llama.cpp quantization here supports {', '.join(QUANTIZER_TYPES)}; got {quant!r}")
    try:
        import llama_cpp
    except ImportError as exc:
        raise ValueError(f"{quant} needs llama.cpp's quantizer: install the `llamacpp` extra "
                         "(llama-cpp-python), or export q8_0/f16 instead") from exc
    check_kquant_fit(src, quant, allow_fallback)
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANTIZER_TYPES[quant])
    params.nthread = threads or int(os.environ.get("JUDGESMITH_THREADS", "0")) or 0
    code = llama_cpp.llama_model_quantize(str(src).encode(), str(out).encode(), ctypes.byref(params))
    if code != 0 or not out.is_file():
        raise RuntimeError(f"llama.cpp could not quantize {src} to {quant} (code {code}); see its log above")
    return out
