"""Build a tiny random causal LM and tokenizer locally (no hub): 2 layers, hidden size 32."""

from __future__ import annotations

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


def build_tiny_model(out_dir: Path, arch: str = "llama", seed: int = 0) -> Path:
    """Save a random-weight model + BPE tokenizer (with chat template) to `out_dir`."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
    from transformers import AutoConfig, AutoModelForCausalLM, PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>", "<unk>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS * 20, trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                   pad_token="<pad>", unk_token="<unk>")
    fast.chat_template = CHAT_TEMPLATE
    torch.manual_seed(seed)
    common = dict(vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                  pad_token_id=fast.pad_token_id, bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                  tie_word_embeddings=True)
    if arch == "gemma3":
        config = AutoConfig.for_model("gemma3_text", head_dim=8, sliding_window=64, **common)
    else:
        config = AutoConfig.for_model("llama", **common)
    model = AutoModelForCausalLM.from_config(config)
    model.save_pretrained(out_dir)
    fast.save_pretrained(out_dir)
    return out_dir


if __name__ == "__main__":  # `python tests/tiny.py DIR`: a tiny model folder for smoke runs (benchmarks/serve_load.py)
    import sys

    print(build_tiny_model(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/tiny")))
