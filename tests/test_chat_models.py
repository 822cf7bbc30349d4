"""Chat rendering (system folding, plain prompts) and model-name resolution errors."""

from types import SimpleNamespace

import pytest

from judgesmith.judge.chat import GEMMA_TEMPLATE, fold_system, render
from judgesmith.models import resolve_model_dir
from judgesmith.prompts import Prompt


class FakeTokenizer:
    def __init__(self, template, raises=False):
        self.chat_template = template
        self.raises = raises
        self.seen = []

    def apply_chat_template(self, messages, tokenize, add_generation_prompt):
        self.seen.append(messages)
        if self.raises and messages[0]["role"] == "system":
            raise ValueError("System role not supported")
        return "|".join(f"{m['role']}:{m['content']}" for m in messages) + "|assistant:"


def test_fold_system_merges_into_first_user_turn():
    msgs = Prompt("U", "S").messages()
    assert fold_system(msgs) == [{"role": "user", "content": "S\n\nU"}]
    assert fold_system([{"role": "user", "content": "U"}]) == [{"role": "user", "content": "U"}]


def test_template_without_system_role_gets_folded_prompt():
    tok = FakeTokenizer("{{ messages }} user model")
    text, templated = render(tok, Prompt("U", "S"))
    assert templated and text == "user:S\n\nU|assistant:"


def test_template_that_rejects_system_falls_back_to_folding():
    tok = FakeTokenizer("{% if system %}{% endif %}", raises=True)
    text, _ = render(tok, Prompt("U", "S"), assistant_prefix="Feedback: [RESULT]")
    assert text == "user:S\n\nU|assistant:Feedback: [RESULT]"
    assert len(tok.seen) == 2


def test_no_template_gives_plain_prompt():
    text, templated = render(SimpleNamespace(chat_template=None), Prompt("U ###Feedback: ", "S"))
    assert (text, templated) == ("S\n\nU ###Feedback: ", False)


def test_gemma_template_folds_system_and_opens_model_turn():
    from jinja2 import Template

    out = Template(GEMMA_TEMPLATE).render(messages=Prompt("U", "S").messages(), add_generation_prompt=True,
                                          bos_token="<bos>")
    assert out == "<bos><start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\n"


def test_resolve_model_dir_errors_are_actionable(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert resolve_model_dir(str(tmp_path)) == str(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no config.json"):
        resolve_model_dir(str(empty))
    with pytest.raises(ValueError, match="embedded name"):
        resolve_model_dir("definitely-not-a-model")
    assert resolve_model_dir("org/some-model") == "org/some-model"
