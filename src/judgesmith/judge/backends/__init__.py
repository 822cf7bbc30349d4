"""Backends by explicit name; each imports its library only when chosen."""

from __future__ import annotations

from typing import Any

from judgesmith.judge.backends.base import Backend, Generation

BACKENDS = ("hf", "openai", "vllm", "llamacpp")


def make_backend(name: str, model: str, **options: Any) -> Backend:
    """Build a backend: `hf` (transformers), `openai` (base_url/api_key), `vllm` (GPU), `llamacpp` (GGUF)."""
    options = {k: v for k, v in options.items() if v is not None}
    if name == "hf":
        from judgesmith.judge.backends.hf import HFBackend

        keep = {k: options[k] for k in ("batch_size", "threads", "dtype", "device") if k in options}
        return HFBackend.from_name(model, **keep)
    if name == "openai":
        from judgesmith.judge.backends.openai_backend import OpenAIBackend

        keep = {k: options[k] for k in ("base_url", "api_key") if k in options}
        return OpenAIBackend(model, **keep)
    if name == "vllm":
        from judgesmith.judge.backends.vllm_backend import VLLMBackend

        return VLLMBackend(model)
    if name == "llamacpp":
        try:
            from judgesmith.judge.backends.llamacpp import LlamaCppBackend
        except ImportError as exc:
            raise ValueError("the llamacpp backend is not available in this install") from exc
        return LlamaCppBackend(model, **{k: options[k] for k in ("threads",) if k in options})
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


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


__all__ = ["BACKENDS", "Backend", "Generation", "engine_label", "make_backend", "throughput_line"]
