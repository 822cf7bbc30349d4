"""Cutting a policy's full text (chat-templated prompt + response) into the instruction and the response."""

from __future__ import annotations

import pytest

from judgesmith.serve.chat_split import KNOWN, format_from_tokenizer, instruction_of, split_query

# SmolLM2-Instruct's template shape: ChatML with a default system prompt when none is given.
CHATML_WITH_SYSTEM = (
    "{% for m in messages %}{% if loop.first and m['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant.<|im_end|>\n' }}{% endif %}"
    "{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>' + '\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@pytest.fixture()
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


def _prompt(tokenizer, text: str) -> str:
    return tokenizer.apply_chat_template([{"role": "user", "content": text}], tokenize=False,
                                         add_generation_prompt=True)


def test_format_read_from_the_policy_tokenizer(tokenizer):
    fmt = format_from_tokenizer(tokenizer, "tiny")
    assert (fmt.user_open, fmt.reply_open, fmt.reply_close) == ("<|user|>\n", "<|end|>\n<|assistant|>\n", "<|end|>")
    assert {"<pad>", "<s>", "</s>"} <= set(fmt.specials)  # the tokenizer's own special tokens are stripped too


def test_chatml_with_a_default_system_prompt(tokenizer):
    tokenizer.chat_template = CHATML_WITH_SYSTEM
    fmt = format_from_tokenizer(tokenizer)
    assert fmt.user_open == "<|im_start|>user\n" and fmt.reply_open == "<|im_end|>\n<|im_start|>assistant\n"
    query = _prompt(tokenizer, "Name a prime.") + "7 is prime.<|im_end|></s><pad><pad>"
    assert split_query(query, fmt) == ("Name a prime.", "7 is prime.")
    assert split_query(query, None) == ("Name a prime.", "7 is prime.")  # recognised without the tokenizer


def test_openrlhf_query_with_left_padding_and_eos(tokenizer):
    """OpenRLHF decodes the whole sequence with special tokens: pads on the left, eos and pads on the right."""
    prompt = _prompt(tokenizer, "Why is the sky blue?")
    query = "<pad><pad><pad>" + prompt + "Rayleigh scattering of sunlight.</s><pad>"
    expected = ("Why is the sky blue?", "Rayleigh scattering of sunlight.")
    assert split_query(query, format_from_tokenizer(tokenizer)) == expected
    assert split_query(query, None, prompt=prompt) == expected  # the prompt sent beside the query
    assert split_query(query, None) == expected  # the tiny template is one of the known ones (phi3)


@pytest.mark.parametrize("fmt_name,text", [
    ("llama3", "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
               "<|start_header_id|>user<|end_header_id|>\n\nName a prime.<|eot_id|>"
               "<|start_header_id|>assistant<|end_header_id|>\n\n7 is prime.<|eot_id|>"),
    ("gemma", "<bos><start_of_turn>user\nName a prime.<end_of_turn>\n<start_of_turn>model\n7 is prime.<end_of_turn>\n"),
    ("chatml", "<|im_start|>user\nName a prime.<|im_end|>\n<|im_start|>assistant\n7 is prime.<|im_end|>"),
    ("mistral", "<s>[INST] Name a prime. [/INST] 7 is prime.</s>"),
])
def test_known_templates(fmt_name, text):
    fmt = next(f for f in KNOWN if f.name == fmt_name)
    assert split_query(text, None) == split_query(text, fmt) == ("Name a prime.", "7 is prime.")


def test_multi_turn_judges_the_last_user_turn_and_the_last_reply():
    text = ("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nName a prime.<|im_end|>\n<|im_start|>assistant\n7<|im_end|>")
    assert split_query(text, None) == ("Name a prime.", "7")


def test_an_empty_reply_is_an_empty_response_not_an_error():
    assert split_query("<|im_start|>user\nSay nothing.<|im_end|>\n<|im_start|>assistant\n<|im_end|>", None) == \
        ("Say nothing.", "")


def test_plain_prompts_stay_as_they_are():
    assert instruction_of("Name a prime.", None) == "Name a prime."
    assert split_query("Name a prime. 7 is prime.", None, prompt="Name a prime.") == ("Name a prime.", "7 is prime.")


def test_text_without_a_known_template_says_what_to_send():
    with pytest.raises(ValueError, match="--policy-tokenizer.*'prompts' and 'responses'"):
        split_query("Name a prime. 7", None)
    fmt = next(f for f in KNOWN if f.name == "chatml")
    with pytest.raises(ValueError, match="chatml template's reply marker"):
        split_query("Name a prime. 7", fmt)


def test_a_tokenizer_without_a_chat_template_is_refused(tokenizer):
    tokenizer.chat_template = None
    with pytest.raises(ValueError, match="no chat template"):
        format_from_tokenizer(tokenizer, "base-model")
