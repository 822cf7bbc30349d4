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


__all__ = ["BACKENDS", "Backend", "Generation", "make_backend"]
