"""llama.cpp backend pieces that need no llama_cpp: prompt rendering, template choice, model resolution."""

import pytest

from judgesmith.judge.backends.llamacpp import chat_template_for, render_prompt, resolve_gguf
from judgesmith.judge.chat import GEMMA_TEMPLATE, render
from judgesmith.prompts import Prompt

PROMPT = Prompt("Grade this.\n###Feedback: ", "You are a fair judge.")

# A Llama-3-style template that refuses the system role, as some chat templates do.
NO_SYSTEM_ROLE = (
    "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{{ '<|' + m['role'] + '|>' + m['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)


def test_rendering_matches_transformers_for_the_same_template(tiny_model_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    for prompt in (PROMPT, Prompt("only user")):
        for suffix in ("", "Feedback: [RESULT]"):
            assert render_prompt(tok.chat_template, prompt, suffix, "<s>", "</s>") == render(tok, prompt, suffix)


def test_gemma_template_folds_the_system_prompt_into_the_user_turn():
    text, templated = render_prompt(GEMMA_TEMPLATE, PROMPT, "[RESULT]", bos="<bos>")
    assert templated
    assert text == ("<bos><start_of_turn>user\nYou are a fair judge.\n\nGrade this.\n###Feedback: <end_of_turn>\n"
                    "<start_of_turn>model\n[RESULT]")


def test_template_that_raises_on_system_role_gets_a_folded_prompt():
    text, _ = render_prompt(NO_SYSTEM_ROLE, PROMPT)
    assert text == "<|user|>You are a fair judge.\n\nGrade this.\n###Feedback: <|assistant|>"


def test_no_template_gives_the_plain_prompt_with_bos_added_by_the_tokenizer():
    assert render_prompt(None, PROMPT, "X") == ("You are a fair judge.\n\nGrade this.\n###Feedback: X", False)


def test_template_choice_from_gguf_metadata():
    assert chat_template_for({"tokenizer.chat_template": "T", "general.architecture": "gemma3"}) == "T"
    assert chat_template_for({"general.architecture": "gemma3"}) == GEMMA_TEMPLATE
    assert chat_template_for({"general.architecture": "llama"}) is None


def test_resolve_gguf_points_hf_folders_to_the_exporter(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ValueError, match="export gguf"):
        resolve_gguf(str(tmp_path))
    with pytest.raises(ValueError, match="neither an embedded model"):
        resolve_gguf(str(tmp_path / "missing.gguf"))
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    assert resolve_gguf(str(model)) == model
