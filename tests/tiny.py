"""Build tiny random models and a BPE tokenizer locally (no hub): 2 layers, hidden size 32.

One builder per family a user will try as a base (`FAMILIES`): Gemma 3 multimodal
(`Gemma3ForConditionalGeneration` with a tiny SigLIP vision tower, its weights saved in the hub's
layout `language_model.model.*` / `vision_tower.*`, and the hub's processor files), Gemma 3 text,
Llama, Qwen2, Qwen3 and Mistral. Every folder carries the tokenizer and a chat template.
"""

from __future__ import annotations

import json
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}{{ '<|' + m['role'] + '|>\n' + m['content'] + '<|end|>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)

CORPUS = [
    "###Task Description: An instruction, a response to evaluate, a reference answer and a score rubric.",
    "###The instruction to evaluate: ###Response to evaluate: ###Reference Answer (Score 5): ###Score Rubrics:",
    "###Instruction: ###Response A: ###Response B: ###Score Rubric: ###Feedback: Feedback: [RESULT] 1 2 3 4 5 A B",
    "Score 1: Score 2: Score 3: Score 4: Score 5: the response is good bad helpful accurate detailed clear",
    "What is the capital of France? Paris is the capital. Explain photosynthesis in plants and sunlight.",
]

FAMILIES = ("gemma3-mm", "gemma3", "llama", "qwen2", "qwen3", "mistral")
# family -> (model_type, extra config keys); "gemma3-mm" is the multimodal checkpoint built below.
_TEXT = {
    "llama": ("llama", {}),
    "gemma3": ("gemma3_text", {"head_dim": 8, "sliding_window": 64}),
    "qwen2": ("qwen2", {}),
    "qwen3": ("qwen3", {"head_dim": 8}),
    "mistral": ("mistral", {"head_dim": 8, "sliding_window": 64}),
}
IMAGE_TOKENS = {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>", "image_token": "<image_soft_token>"}


def build_tokenizer(multimodal: bool = False):
    """A 400-token byte-level BPE with a chat template (and Gemma 3's image tokens when multimodal)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>", "<unk>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
    specials += list(IMAGE_TOKENS.values()) if multimodal else []
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS * 20, trainer=trainer)
    extra = {"extra_special_tokens": dict(IMAGE_TOKENS)} if multimodal else {}
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                   pad_token="<pad>", unk_token="<unk>", **extra)
    fast.chat_template = CHAT_TEMPLATE
    return fast


def text_config(tokenizer, **extra) -> dict:
    return dict(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True, **extra)


def build_tiny_model(out_dir: Path, arch: str = "llama", seed: int = 0, head_dim: int = 8) -> Path:
    """Save a random-weight model of family `arch` (see FAMILIES) + tokenizer (with chat template) to `out_dir`.
    `head_dim` 64 gives shapes GPU attention kernels take (benchmarks/vllm_check.py)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    if arch == "gemma3-mm":
        return build_tiny_gemma3_multimodal(out_dir, seed, head_dim)
    if arch not in _TEXT:
        raise ValueError(f"unknown family {arch!r}; choose one of {FAMILIES}")
    model_type, extra = _TEXT[arch]
    extra = {**extra, "head_dim": head_dim} if "head_dim" in extra else extra
    tokenizer = build_tokenizer()
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **text_config(tokenizer, **extra)))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return Path(out_dir)


def build_tiny_gemma3_multimodal(out_dir: Path, seed: int = 0, head_dim: int = 8) -> Path:
    """`Gemma3ForConditionalGeneration` as google/gemma-3-4b-it is laid out, at toy size: a 2-layer SigLIP
    tower (28 px images, 4 patches, no pooling head), the projector to 4 image tokens, the text model;
    `preprocessor_config.json` + `processor_config.json` as on the hub."""
    import torch
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration
    from transformers.models.gemma3 import image_processing_pil_gemma3 as images

    out_dir = Path(out_dir)
    tokenizer = build_tokenizer(multimodal=True)
    ids = {key: tokenizer.convert_tokens_to_ids(tok) for key, tok in IMAGE_TOKENS.items()}
    vision = dict(model_type="siglip_vision_model", hidden_size=2 * head_dim, intermediate_size=32,
                  num_hidden_layers=2, num_attention_heads=2, image_size=28, patch_size=14, vision_use_head=False)
    text = text_config(tokenizer, head_dim=head_dim, sliding_window=64)
    config = Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=4,
                          boi_token_index=ids["boi_token"], eoi_token_index=ids["eoi_token"],
                          image_token_index=ids["image_token"])
    torch.manual_seed(seed)
    Gemma3ForConditionalGeneration(config).save_pretrained(out_dir)
    _hub_layout(out_dir / "model.safetensors")
    tokenizer.save_pretrained(out_dir)
    processor = images.Gemma3ImageProcessorPil(size={"height": 28, "width": 28}, image_mean=[0.5] * 3,
                                               image_std=[0.5] * 3)
    processor.save_pretrained(out_dir)
    (out_dir / "processor_config.json").write_text(
        json.dumps({"image_seq_length": 4, "processor_class": "Gemma3Processor"}, indent=2), encoding="utf-8")
    return out_dir


def _hub_layout(path: Path) -> None:
    """A model built from a config saves its SigLIP tower as `vision_tower.*`; the hub checkpoints (and
    mergekit's `gemma3vl` architecture, and vLLM) name it `vision_tower.vision_model.*`."""
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(path))
    renamed = {("vision_tower.vision_model." + k.removeprefix("vision_tower.")
                if k.startswith("vision_tower.") and not k.startswith("vision_tower.vision_model.") else k): v
               for k, v in tensors.items()}
    save_file(renamed, str(path), metadata={"format": "pt"})


if __name__ == "__main__":  # `python tests/tiny.py DIR [FAMILY]`: a tiny model folder for smoke runs
    import sys

    print(build_tiny_model(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/tiny"),
                           sys.argv[2] if len(sys.argv) > 2 else "llama"))
