"""Where the LoRA adapters go, by one rule for every base model family.

The rule: module-name suffixes of the attention and MLP projections (`q_proj` ... `down_proj`:
Gemma, Llama, Qwen2/3 and Mistral all name them so), minus the non-language modules
(`recipe.NON_LANGUAGE`: vision towers and projectors, whose attention layers have the same names).
On Gemma 3 4B that is the language model's 34 x 7 linears and none of the SigLIP tower's
27 x 3 attention projections. A recipe may instead give a list of names or one regex.
"""

from __future__ import annotations

import re
from typing import Any

from judgesmith.train.recipe import NON_LANGUAGE, LoraSpec


def lora_config(spec: LoraSpec, model: Any = None) -> Any:
    """PEFT's LoraConfig for the recipe. The default exclusion is dropped for a `model` with nothing to
    exclude (a text-only model), where PEFT would warn that it matched no module."""
    from peft import LoraConfig

    targets = spec.target_modules if isinstance(spec.target_modules, str) else list(spec.target_modules)
    exclude = spec.exclude_modules if isinstance(spec.exclude_modules, str) else list(spec.exclude_modules or [])
    if exclude == NON_LANGUAGE and model is not None:
        exclude = exclude if any(re.fullmatch(NON_LANGUAGE, name) for name, _ in model.named_modules()) else []
    return LoraConfig(r=spec.r, lora_alpha=spec.alpha, lora_dropout=spec.dropout, target_modules=targets,
                      exclude_modules=exclude or None, bias="none", task_type="CAUSAL_LM")


def adapted_modules(model: Any) -> list[str]:
    """Names of the modules that carry a LoRA adapter (as the base model names them)."""
    from peft.tuners.lora import LoraLayer

    return [name.removeprefix("base_model.model.") for name, module in model.named_modules()
            if isinstance(module, LoraLayer)]
