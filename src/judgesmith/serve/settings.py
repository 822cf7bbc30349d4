"""Server settings: one frozen dataclass the CLI fills and tests construct directly."""

from __future__ import annotations

from dataclasses import dataclass

from judgesmith.judge.engine import MODES


@dataclass(frozen=True)
class ServeSettings:
    """How the judge server behaves. Loopback by default: exposing a model is an explicit choice."""

    model_name: str = "judge"
    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str | None = None
    max_batch: int = 8
    max_wait_ms: float = 10.0
    max_body_bytes: int = 1_000_000
    max_items: int = 64
    default_mode: str = "generate"
    max_new_tokens: int = 256
    max_completion_tokens: int = 1024
    max_prompt_tokens: int | None = 8192
    tie_tolerance: float = 0.1

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {self.max_batch}")
        if self.max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must be >= 0, got {self.max_wait_ms}")
        if self.max_items < 1 or self.max_body_bytes < 1:
            raise ValueError("max_items and max_body_bytes must be >= 1")
        if self.max_prompt_tokens is not None and self.max_prompt_tokens < 1:
            raise ValueError(f"max_prompt_tokens must be >= 1 (or None: the model's context), "
                             f"got {self.max_prompt_tokens}")
        if self.default_mode not in MODES:
            raise ValueError(f"default_mode must be one of {MODES}, got {self.default_mode!r}")
        if self.api_key is not None and not self.api_key.strip():
            raise ValueError("api_key is empty; pass a real key or none")
