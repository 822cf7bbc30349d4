"""Turn a saved LoRA adapter into a standalone full model (PEFT `merge_and_unload`).

The merge reloads the base model and the adapter from disk instead of merging the
trainer's in-memory model: that works the same after DDP, FSDP or DeepSpeed
(whose in-memory models are wrapped or sharded) and leaves no training-time
patches (TRL's fused LM head) on the saved model. The folder gets the base's
processor files, and a warning says when its tensor names are not the base
checkpoint's (`judgesmith.checkpoint`): mergekit and vLLM read them by those names.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from judgesmith.checkpoint import copy_processor_files, layout_difference
from judgesmith.templates import save_tokenizer as copy_tokenizer

log = logging.getLogger(__name__)


def merge_adapter(base_source: str, adapter_dir: Path, out_dir: Path, dtype: str = "float32") -> Path:
    """Write base + adapter as one safetensors model folder with the tokenizer, chat template and processor files."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    base = AutoModelForCausalLM.from_pretrained(base_source, dtype=getattr(torch, dtype))
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(tmp), safe_serialization=True)
    tokenizer = AutoTokenizer.from_pretrained(str(adapter_dir))
    copy_tokenizer(tokenizer, tmp)
    copy_processor_files(base_source, tmp)
    difference = layout_difference(base_source, tmp)
    if difference:
        log.warning("the merged model does not keep the base checkpoint's tensor names (%s); mergekit and vLLM "
                    "may not read it", difference)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    log.info("merged model written to %s", out_dir)
    return out_dir
