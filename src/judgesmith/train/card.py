"""Model card (README.md) for a trained judge: what went in, what came out, with which libraries."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any, Optional

LIBRARIES = ("judgesmith", "torch", "transformers", "peft", "trl", "accelerate", "datasets")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _data_section(files: dict[str, Optional[Path]], manifest: Optional[Path]) -> list[str]:
    lines = ["## Data", ""]
    for split, path in files.items():
        if path is not None and Path(path).is_file():
            lines.append(f"- {split}: `{path}` (sha256 `{sha256(path)}`)")
    if manifest is not None:
        lines += ["", f"Data-build manifest `{manifest}` (sha256 `{sha256(manifest)}`):", "",
                  "```json", json.dumps(json.loads(manifest.read_text(encoding="utf-8")), indent=2)[:6000], "```"]
    else:
        lines += ["", "No data-build manifest was found beside the data."]
    return lines


def render_card(recipe_yaml: str, base_model: str, files: dict[str, Optional[Path]], manifest: Optional[Path],
                summary: dict[str, Any]) -> str:
    """Markdown: base model, training summary (steps, losses), data files + manifest, recipe, versions."""
    lines = ["---", "library_name: transformers", "tags: [judgesmith, llm-as-a-judge, prometheus, lora]",
             "---", "", "# judgesmith judge", "",
             f"LoRA fine-tune of `{base_model}` (TRL SFTTrainer + PEFT, loss on the assistant completion only), "
             "for Prometheus-format judging: `Feedback: ... [RESULT] N` / `... [RESULT] A|B`.", "",
             "## Training summary", ""]
    lines += [f"- {key}: {value}" for key, value in summary.items()]
    lines += [""] + _data_section(files, manifest)
    lines += ["", "## Recipe", "", "```yaml", recipe_yaml.rstrip(), "```", "", "## Library versions", ""]
    lines += [f"- {name} {version}" for name, version in library_versions().items()]
    return "\n".join(lines) + "\n"
