"""vLLM backend against a fake `vllm` module (no GPU, no vllm install): requests and label probabilities."""

import math
import sys
from types import ModuleType
from types import SimpleNamespace as NS

import pytest

from judgesmith.judge import Judge
from judgesmith.prompts import Prompt
from judgesmith.records import SCORE_LABELS, AbsoluteItem
from judgesmith.rubrics import preset

ITEM = AbsoluteItem("1", "Q?", "A.", preset("helpfulness"))


def logprobs(**alternatives):
    """{token_id: Logprob} for one position, from `t<ID>=(text, probability)` keywords."""
    return {int(k[1:]): NS(decoded_token=text, logprob=math.log(p)) for k, (text, p) in alternatives.items()}


# Generated feedback, token by token: a "3" before the mark must not be read, the " 5" after it must.
GENERATED = [(1, "Good"), (2, " 3"), (3, " [RESULT]"), (4, " 5")]
LABEL_STEP = logprobs(t4=(" 5", 0.4), t5=("5", 0.1), t6=(" 4", 0.25), t7=(" so", 0.25))


class FakeLLM:
    def __init__(self, model, **kwargs):
        self.model, self.kwargs, self.calls = model, kwargs, []

    def get_tokenizer(self):
        return NS(chat_template=None)  # plain prompts: system text, blank line, user text

    def generate(self, texts, params, use_tqdm=True):
        self.calls.append((list(texts), params))
        if params.max_tokens == 1:  # score mode: the top logprobs of the next token
            step = logprobs(t4=("4", 0.5), t6=(" 4", 0.1), t8=("3", 0.2), t9=("x", 0.2))
            return [NS(outputs=[NS(text="4", token_ids=[4], logprobs=[step])]) for _ in texts]
        steps = [logprobs(**{f"t{i}": (text, 0.9)}) for i, text in GENERATED[:-1]] + [LABEL_STEP]
        comp = NS(text="".join(t for _, t in GENERATED), token_ids=[i for i, _ in GENERATED], logprobs=steps)
        return [NS(outputs=[comp] * params.n) for _ in texts]


class FakeSamplingParams:
    def __init__(self, n=1, temperature=1.0, max_tokens=16, logprobs=None):
        self.n, self.temperature, self.max_tokens, self.logprobs = n, temperature, max_tokens, logprobs


@pytest.fixture
def backend(monkeypatch, tmp_path):
    fake = ModuleType("vllm")
    fake.LLM, fake.SamplingParams = FakeLLM, FakeSamplingParams
    monkeypatch.setitem(sys.modules, "vllm", fake)
    (tmp_path / "config.json").write_text("{}")
    from judgesmith.judge.backends import make_backend

    return make_backend("vllm", str(tmp_path), batch_size=4, threads=2)


def test_score_mode_reads_label_probabilities_from_prompt_logprobs(backend):
    v = Judge(backend, mode="score").grade_absolute([ITEM])[0]
    # " 4" and "4" add up (0.6), "3" has 0.2, the non-label "x" is dropped: renormalized over the labels
    assert v.probabilities == pytest.approx({"1": 0, "2": 0, "3": 0.25, "4": 0.75, "5": 0})
    assert v.score == 4 and v.expected_score == pytest.approx(3.75)
    (texts, params), = backend.llm.calls
    assert texts[0].endswith("###Feedback: Feedback: [RESULT] ") and texts[0].startswith("You are")
    assert (params.max_tokens, params.temperature, params.logprobs) == (1, 0.0, backend.top_logprobs)


def test_generate_mode_keeps_text_and_reads_the_label_after_result(backend):
    gens = backend.generate([Prompt("U")], labels=SCORE_LABELS, n=2,
                            temperature=0.7, max_new_tokens=9)
    assert len(gens[0]) == 2 and gens[0][0].text == "Good 3 [RESULT] 5"
    assert gens[0][0].label_probs == pytest.approx({"1": 0, "2": 0, "3": 0, "4": 0.25 / 0.75, "5": 0.5 / 0.75})
    (_, params), = backend.llm.calls
    assert (params.n, params.temperature, params.max_tokens) == (2, 0.7, 9)
    v = Judge(backend).grade_absolute([ITEM])[0]
    assert v.score == 5 and v.feedback == "Good 3"


def test_missing_vllm_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)
    from judgesmith.judge.backends import make_backend

    with pytest.raises(RuntimeError, match=r"judgesmith\[vllm\]"):
        make_backend("vllm", "m")
