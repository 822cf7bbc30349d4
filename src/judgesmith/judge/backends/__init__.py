"""Backends by explicit name; each imports its library only when chosen.

`make_backend` is the one place a backend is built from a name: `judgesmith judge`,
`bench`, `consistency`, `serve` and the pipeline all call it.
"""

from __future__ import annotations

import importlib
from typing import Any

from judgesmith.judge.backends.base import Backend, Generation

# name -> (module, class, the options its constructor takes); `hf` loads through `HFBackend.from_name`.
_KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "hf": ("judgesmith.judge.backends.hf", "HFBackend", ("batch_size", "threads", "dtype", "device")),
    "openai": ("judgesmith.judge.backends.openai_backend", "OpenAIBackend", ("base_url", "api_key")),
    "vllm": ("judgesmith.judge.backends.vllm_backend", "VLLMBackend", ("max_prompt_tokens", "max_new_tokens")),
    "llamacpp": ("judgesmith.judge.backends.llamacpp", "LlamaCppBackend", ("threads",)),
}
BACKENDS = tuple(_KINDS)


def default_batch_size(backend: str, mode: str, fallback: int) -> int:
    """Items per model call when the user gives none: 1 for transformers score mode on a CPU.

    There a batch pays for padding while shared-prefix reuse already removes the repeated
    prompt text: one item per pass judged the main-cpu suite 1.62x faster than 4 per pass
    without reuse (`benchmarks/bench_stage.py`). Generate mode and GPUs keep `fallback`
    (batched decoding is faster there).
    """
    if backend != "hf" or mode != "score":
        return fallback
    import torch

    return fallback if torch.cuda.is_available() else 1


def check_backend(name: str) -> str:
    """`name` when it is a known backend; a ValueError listing the choices otherwise."""
    if name not in _KINDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return name


def make_backend(name: str, model: str, **options: Any) -> Backend:
    """Build a backend: `hf` (transformers), `openai` (base_url/api_key), `vllm` (GPU), `llamacpp` (GGUF).

    Options a backend does not take (or that are None) are dropped, so callers can pass one set for all."""
    module_name, class_name, accepted = _KINDS[check_backend(name)]
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except ImportError as exc:
        raise ValueError(f"the {name} backend is not available in this install") from exc
    keep = {k: v for k, v in options.items() if k in accepted and v is not None}
    return cls.from_name(model, **keep) if name == "hf" else cls(model, **keep)


def engine_label(backend: Any, mode: str) -> str:
    """Which engine judged, for run summaries: backend, model file or device, and the score-mode path."""
    name = getattr(backend, "name", type(backend).__name__)
    if name == "hf":
        model = getattr(backend, "model", None)
        where = "transformers" if model is None else f"transformers {str(model.dtype).replace('torch.', '')} " \
            f"on {model.device}"
        if mode == "score":
            reuse = backend._prefix_store() is not None if model is not None else backend.prefix_reuse
            where += ", shared-prefix reuse" if reuse else ", no prefix reuse"
        return f"hf ({where}), {mode} mode"
    if name == "llamacpp":
        return f"llamacpp ({backend.path.name}, {backend.llm.n_threads} threads), {mode} mode"
    return f"{name}, {mode} mode"


def throughput_line(backend: Any, mode: str, judgments: int, seconds: float) -> str:
    """`engine ...: N judgments in T s (X judgments/s)`: the line the judge and bench commands print."""
    rate = judgments / seconds if seconds > 0 else float("inf")
    return f"engine {engine_label(backend, mode)}: {judgments} judgments in {seconds:.1f} s ({rate:.3f} judgments/s)"


__all__ = ["BACKENDS", "Backend", "Generation", "check_backend", "engine_label", "make_backend",
           "throughput_line"]
