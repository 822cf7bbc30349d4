"""What a full-model folder carries besides its weights and tokenizer, for every base model family.

Every folder judgesmith writes with a whole model in it (a specialist's `merged/`, a learning-curve
snapshot export, a merge) gets the base's processor files: vLLM builds a multimodal model's processor
at start-up (Gemma 3 4B reads `preprocessor_config.json` and `processor_config.json`) even when every
prompt is text, and `AutoProcessor` needs them too. The tokenizer files and the chat template are
saved with the tokenizer (`templates.save_tokenizer`).

The tensor names of a full model must be the base checkpoint's (the hub's layout): mergekit's
architecture definitions and vLLM's loaders name the tensors that way (`language_model.model.*`,
`vision_tower.vision_model.*` for Gemma 3 4B). `layout_difference` says when a save did not keep them.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Optional

log = logging.getLogger(__name__)

PROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json",
                   "chat_template.json")


def find_file(source: str, name: str) -> Optional[Path]:
    """`name` in a model folder, or in the hub cache for a hub id (downloaded if online); None if it has none."""
    folder = Path(source).expanduser()
    if folder.is_dir():
        return folder / name if (folder / name).is_file() else None
    try:
        from transformers.utils import cached_file

        found = cached_file(source, name, _raise_exceptions_for_missing_entries=False,
                            _raise_exceptions_for_connection_errors=False)
    except (OSError, ValueError) as exc:
        log.warning("could not look up %s of %s: %s", name, source, exc)
        return None
    return Path(found) if found else None


def copy_processor_files(source: str, out_dir: Path) -> list[str]:
    """Copy the processor files that `source` (a model folder or hub id) has and `out_dir` lacks; their names."""
    copied = []
    for name in PROCESSOR_FILES:
        if (Path(out_dir) / name).exists():
            continue
        found = find_file(source, name)
        if found is not None:
            shutil.copyfile(found, Path(out_dir) / name)
            copied.append(name)
    if copied:
        log.info("copied %s from %s into %s", ", ".join(copied), source, out_dir)
    return copied


def tensor_names(source: str) -> Optional[set[str]]:
    """Tensor names of a safetensors checkpoint (a folder or a cached hub id), from its index or file headers."""
    from safetensors import safe_open

    index = find_file(source, "model.safetensors.index.json")
    if index is not None:
        return set(json.loads(index.read_text(encoding="utf-8"))["weight_map"])
    single = find_file(source, "model.safetensors")
    if single is None:
        return None
    with safe_open(str(single), framework="pt") as fh:
        return set(fh.keys())


def layout_difference(base: str, saved: Path) -> Optional[str]:
    """None when `saved` names its tensors as the `base` checkpoint does; else what differs (for a warning)."""
    want, got = tensor_names(base), tensor_names(str(saved))
    if want is None or got is None or want == got:
        return None
    missing, extra = sorted(want - got), sorted(got - want)
    return (f"{len(missing)} tensor names of the base are not in {saved} (e.g. {missing[:2]}), "
            f"{len(extra)} are new (e.g. {extra[:2]})")
