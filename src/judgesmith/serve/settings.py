"""Server settings: one frozen dataclass the CLI fills and tests construct directly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from judgesmith.judge.engine import MODES
from judgesmith.records import Rubric
from judgesmith.serve.chat_split import ChatFormat

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def public_model_name(name: str) -> str:
    """What clients see as the model: a local path is cut to its last part (never reveal the file system).

    Embedded names and hub ids (`org/name`) stay as they are; `/home/me/models/judge-v2`
    becomes `judge-v2` and `~/judge.gguf` becomes `judge`.
    """
    path = Path(name).expanduser()
    looks_local = path.is_absolute() or name.startswith((".", "~")) or "\\" in name or name.count("/") > 1
    if not (looks_local or path.exists()):
        return name
    return path.stem if path.suffix == ".gguf" else path.name or name


@dataclass(frozen=True)
class ServeSettings:
    """How the judge server behaves. Loopback by default: exposing a model is an explicit choice.

    `allowed_hosts`: names (besides the loopback names and IP literals) the `Host`
    header may carry when no API key is set, against DNS rebinding; "*" allows any.
    `max_request_tokens`: the most model work one request may ask for (prompt tokens
    plus generation budget, over all its items/prompts); more is a 413.
    `reward_rubric`: the rubric `/get_reward` and `/score` judge under when a request names none
    (None: helpfulness). `policy_format`: the policy's chat template pieces, read at start-up from
    its tokenizer, that split `/get_reward` queries (None: the common templates are recognised).
    `read_timeout_s`: how long a client may take to send a whole request (`serve.timeouts`).
    """

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
    allowed_hosts: tuple[str, ...] = ()
    max_request_tokens: int = 65_536
    reward_rubric: Rubric | None = None
    policy_format: ChatFormat | None = None
    read_timeout_s: float = 10.0  # a request's headers and body must arrive within this (else 408)

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {self.max_batch}")
        if self.max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must be >= 0, got {self.max_wait_ms}")
        if self.max_items < 1 or self.max_body_bytes < 1 or self.max_request_tokens < 1:
            raise ValueError("max_items, max_body_bytes and max_request_tokens must be >= 1")
        if self.max_prompt_tokens is not None and self.max_prompt_tokens < 1:
            raise ValueError(f"max_prompt_tokens must be >= 1 (or None: the model's context), "
                             f"got {self.max_prompt_tokens}")
        if not self.read_timeout_s > 0:
            raise ValueError(f"read_timeout_s must be > 0, got {self.read_timeout_s}")
        if self.default_mode not in MODES:
            raise ValueError(f"default_mode must be one of {MODES}, got {self.default_mode!r}")
        if self.api_key is not None and not self.api_key.strip():
            raise ValueError("api_key is empty; pass a real key or none")
        object.__setattr__(self, "model_name", public_model_name(self.model_name))
        object.__setattr__(self, "allowed_hosts", tuple(h.strip().lower() for h in self.allowed_hosts if h.strip()))

    def host_names(self) -> frozenset[str] | None:
        """Names the Host header may carry, or None when any will do (an API key is set, or "*")."""
        if "*" in self.allowed_hosts or (self.api_key and not self.allowed_hosts):
            return None
        bound = () if self.host in ("0.0.0.0", "::", "") else (self.host.lower(),)
        return frozenset((*LOOPBACK_NAMES, *bound, *self.allowed_hosts))
