"""Read back an exported GGUF: architecture, chat template, tensor types (with `gguf.GGUFReader`).

An export that silently lost its chat template would judge with plain prompts
and quietly disagree with its transformers original; reading the file back
catches that before anyone benchmarks it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

K_QUANT_BLOCK = 256  # llama.cpp k-quants pack rows in super-blocks of 256 values


@dataclass(frozen=True)
class GGUFInfo:
    """What an exported GGUF says about itself."""

    path: Path
    architecture: str | None
    chat_template: str | None
    file_type: int | None
    tensor_types: dict[str, int] = field(default_factory=dict)
    matrices: int = 0
    kquant_fit: int = 0

    def summary(self) -> str:
        types = ", ".join(f"{k} x{v}" for k, v in sorted(self.tensor_types.items()))
        template = "chat template" if self.chat_template else "NO chat template"
        return f"{self.path.name}: {self.architecture}, {template}, tensors: {types}"


def _value(reader: Any, key: str) -> Any:
    found = reader.fields.get(key)
    return None if found is None else found.contents()


def read_gguf_info(path: str | Path) -> GGUFInfo:
    """Metadata and a tensor-type histogram; `kquant_fit` counts matrices whose rows fit k-quants."""
    from gguf import GGUFReader

    reader = GGUFReader(str(path))
    matrices = [t for t in reader.tensors if len(t.shape) >= 2 and t.name.endswith(".weight")]
    return GGUFInfo(
        path=Path(path),
        architecture=_value(reader, "general.architecture"),
        chat_template=_value(reader, "tokenizer.chat_template"),
        file_type=_value(reader, "general.file_type"),
        tensor_types=dict(Counter(t.tensor_type.name for t in reader.tensors)),
        matrices=len(matrices),
        kquant_fit=sum(1 for t in matrices if int(t.shape[0]) % K_QUANT_BLOCK == 0),
    )


def verify_export(info: GGUFInfo, expect_template: bool, expect_architecture: str | None = None) -> None:
    """Raise when the file lacks what judging needs (an architecture; the source's chat template)."""
    if not info.architecture:
        raise ValueError(f"{info.path} has no general.architecture; the conversion is broken")
    if expect_architecture and info.architecture != expect_architecture:
        raise ValueError(f"{info.path} is {info.architecture!r}, expected {expect_architecture!r}")
    if expect_template and not info.chat_template:
        raise ValueError(f"{info.path} lost the source's chat template (tokenizer.chat_template missing)")
