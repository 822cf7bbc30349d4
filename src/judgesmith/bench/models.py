"""Models under test: `label=name` specs, backends built one at a time and freed after use."""

from __future__ import annotations

import gc
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    """A model to benchmark: a short `label` for tables and the `name` the backend loads."""

    label: str
    name: str

    @classmethod
    def parse(cls, text: str) -> "ModelSpec":
        """`base=gemma-3-270m` or a bare name (its last path part becomes the label)."""
        label, sep, name = text.partition("=")
        if not sep:
            name, label = text, Path(text.rstrip("/")).name or text
        if not label.strip() or not name.strip():
            raise ValueError(f"--model {text!r}: expected LABEL=NAME, e.g. base=gemma-3-270m")
        return cls(label.strip(), name.strip())


BackendFactory = Callable[[ModelSpec], Any]


def backend_factory(backend: str = "hf", batch_size: int = 8, threads: int | None = None) -> BackendFactory:
    """`spec -> make_backend(backend, spec.name, ...)`: bench and consistency build each model through the one
    factory; the `openai` endpoint comes from OPENAI_BASE_URL / OPENAI_API_KEY. Unknown names fail here."""
    from judgesmith.judge.backends import check_backend, make_backend

    check_backend(backend)

    def make(spec: ModelSpec) -> Any:
        return make_backend(backend, spec.name, batch_size=batch_size, threads=threads,
                            base_url=os.environ.get("OPENAI_BASE_URL"), api_key=os.environ.get("OPENAI_API_KEY"))

    return make


def release(backend: Any) -> None:
    """Drop a backend's model and return its memory before the next model loads (a backend with a `close()`,
    vLLM's, shuts its engine down: its GPU memory is not freed by dropping the object)."""
    close = getattr(backend, "close", None)
    if callable(close):
        close()
    for attr in ("model", "tokenizer"):
        if hasattr(backend, attr):
            try:
                setattr(backend, attr, None)
            except AttributeError:  # pragma: no cover - read-only attribute
                pass
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:  # pragma: no cover
        pass


def training_data(spec: ModelSpec) -> str:
    """What trained the model, as far as its folder records it (the report must say so)."""
    from judgesmith.models import EMBEDDED

    if spec.name in EMBEDDED:
        return "none: pretrained base model"
    folder = Path(spec.name).expanduser()
    for fname in ("judgesmith.json", "training_manifest.json", "manifest.json"):
        f = folder / fname
        if f.is_file():
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            for key in ("train_files", "training_files", "sources", "files"):
                if data.get(key):
                    return f"{key} from {fname}: {data[key]}"
    return "not recorded in the model folder"


def _record(folder: Path) -> dict[str, Any]:
    for f in (folder / "judgesmith.json", folder.parent / "judgesmith.json"):
        if f.is_file():
            try:
                return json.loads(f.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                return {}
    return {}


def training_tokens(spec: ModelSpec) -> str:
    """Tokens the model trained on and at what speed, from `judgesmith.json`; a merge sums its inputs'."""
    from judgesmith.models import EMBEDDED

    if spec.name in EMBEDDED:
        return "0 (pretrained)"
    data = _record(Path(spec.name).expanduser())
    if data.get("tokens_seen"):
        rate = data.get("tokens_per_second")
        return f"{int(data['tokens_seen']):,}" + (f" at {rate:.0f} tokens/s" if rate else "")
    inputs = [i if i.get("tokens_seen") else _record(Path(str(i.get("model", ""))).expanduser())
              for i in data.get("inputs") or []]
    seen = [int(r["tokens_seen"]) for r in inputs if r.get("tokens_seen")]
    if seen and len(seen) == len(inputs):
        return f"{sum(seen):,} (sum of {len(seen)} merged inputs: {' + '.join(f'{n:,}' for n in seen)})"
    return "not recorded"
