"""vLLM backend against a fake `vllm` module (no GPU, no vllm install): the arguments given to `LLM(...)`
and `SamplingParams(...)`, the token ids sent, and exact label probabilities.

The fakes accept only argument names of the real API (vLLM's `EngineArgs` and `SamplingParams`), so a
misspelt or renamed argument fails here rather than on a GPU.
"""

import math
import sys
from types import ModuleType
from types import SimpleNamespace as NS

import pytest
from tiny import build_tiny_model

from judgesmith.judge import Judge, JudgeConfig
from judgesmith.judge.chat import encode_prompt
from judgesmith.prompts import Prompt
from judgesmith.records import SCORE_LABELS, AbsoluteItem
from judgesmith.rubrics import preset

ITEM = AbsoluteItem("1", "Q?", "A.", preset("helpfulness"))
ENGINE_ARGS = {"model", "max_model_len", "enable_prefix_caching", "limit_mm_per_prompt", "dtype", "seed",
               "gpu_memory_utilization", "tensor_parallel_size", "max_logprobs"}
SAMPLING_ARGS = {"n", "temperature", "max_tokens", "logprobs", "prompt_logprobs", "stop_token_ids", "seed"}
# The next-token distribution after `Feedback: [RESULT] ` (label -> probability); "5" is outside the top 3.
TRUTH = {"1": 0.05, "2": 0.1, "3": 0.2, "4": 0.4, "5": 0.01}


class FakeSamplingParams:
    def __init__(self, **kwargs):
        unknown = set(kwargs) - SAMPLING_ARGS
        if unknown:
            raise TypeError(f"SamplingParams got unexpected arguments {unknown}")
        self.kwargs = kwargs
        self.n, self.max_tokens = kwargs.get("n", 1), kwargs.get("max_tokens", 16)


class FakeLLM:
    """Records its arguments and requests; answers from `TRUTH` (label token ids set by the test)."""

    label_ids: dict[int, str] = {}
    made: list = []  # every engine built, newest last

    def __init__(self, model, **kwargs):
        unknown = set(kwargs) - ENGINE_ARGS
        if unknown:
            raise TypeError(f"LLM got unexpected arguments {unknown}")
        self.model, self.kwargs, self.calls = model, kwargs, []
        FakeLLM.made.append(self)

    def get_tokenizer(self):
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(self.model)

    def logprob(self, token_id):
        return math.log(TRUTH[self.label_ids[token_id]]) if token_id in self.label_ids else math.log(0.001)

    def generate(self, inputs, params, use_tqdm=True):
        self.calls.append(([i["prompt_token_ids"] for i in inputs], params.kwargs))
        if params.kwargs.get("prompt_logprobs") is not None:  # the label at the end of the prompt, exactly
            return [NS(prompt_logprobs=[None] * (len(i["prompt_token_ids"]) - 1) + [
                {i["prompt_token_ids"][-1]: NS(logprob=self.logprob(i["prompt_token_ids"][-1]))}],
                outputs=[NS(text="", token_ids=[0], logprobs=None)]) for i in inputs]
        if params.max_tokens == 1:  # the top 3 next tokens: "4", "3" and a non-label (id 0)
            top = [t for t, lab in self.label_ids.items() if lab in ("4", "3")] + [0]
            step = {t: NS(logprob=self.logprob(t), decoded_token="x") for t in top}
            return [NS(outputs=[NS(text="4", token_ids=[top[0]], logprobs=[step])], prompt_logprobs=None)
                    for _ in inputs]
        by_label = {lab: t for t, lab in self.label_ids.items()}
        pieces = [(5, "Good"), (6, " 3"), (7, " [RESULT]"), (by_label["5"], " 5")]
        steps = [{t: NS(logprob=math.log(0.9), decoded_token=text)} for t, text in pieces[:-1]]
        steps.append({by_label["5"]: NS(logprob=math.log(0.6), decoded_token=" 5"),
                      by_label["4"]: NS(logprob=math.log(0.2), decoded_token=" 4")})
        comp = NS(text="".join(text for _, text in pieces), token_ids=[t for t, _ in pieces], logprobs=steps)
        return [NS(outputs=[comp] * params.n) for _ in inputs]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("vllm_models")
    return {family: build_tiny_model(root / family, family) for family in ("gemma3-mm", "qwen3")}


@pytest.fixture
def make(monkeypatch):
    fake = ModuleType("vllm")
    fake.LLM, fake.SamplingParams = FakeLLM, FakeSamplingParams
    monkeypatch.setitem(sys.modules, "vllm", fake)
    from judgesmith.judge.backends import make_backend

    def build(folder, **options):
        backend = make_backend("vllm", str(folder), batch_size=4, threads=2, **options)
        _, ids = backend._plan("Feedback: [RESULT]", SCORE_LABELS)
        FakeLLM.label_ids = dict(zip(ids, SCORE_LABELS))
        return backend

    return build


def test_engine_arguments_size_the_context_to_the_prompt_limit_and_skip_images(make, folders):
    mm = make(folders["gemma3-mm"], max_prompt_tokens=1000, max_new_tokens=200)
    assert mm.llm.kwargs == {"max_model_len": 1200, "enable_prefix_caching": True,
                             "limit_mm_per_prompt": {"image": 0}}
    assert mm.llm.model == str(folders["gemma3-mm"]) and mm.context_length == 1200
    text = make(folders["qwen3"])
    assert text.llm.kwargs == {"max_model_len": 2048, "enable_prefix_caching": True}, \
        "4096 + 1024 by default, capped at the model's 2048 positions; no image limit for a text model"


def test_score_reads_exact_label_logprobs_from_the_top_then_from_prompt_logprobs(make, folders):
    backend = make(folders["gemma3-mm"])
    v = Judge(backend, mode="score").grade_absolute([ITEM])[0]
    total = sum(TRUTH.values())
    assert v.probabilities == pytest.approx({k: p / total for k, p in TRUTH.items()})
    (first, top), (second, exact) = backend.llm.calls
    joiner, ids = backend._plan("Feedback: [RESULT]", SCORE_LABELS)
    from judgesmith.prompts import build_prompt

    assert first == [encode_prompt(backend.tokenizer, build_prompt(ITEM), "Feedback: [RESULT]") + joiner]
    assert top == {"max_tokens": 1, "temperature": 0.0, "logprobs": 20}
    assert exact == {"max_tokens": 1, "temperature": 0.0, "prompt_logprobs": 1}
    missing = sorted(FakeLLM.label_ids[p[-1]] for p in second)
    assert missing == ["1", "2", "5"] and all(p[:-1] == first[0] for p in second), \
        "only the labels outside the top logprobs are asked again, each appended to the same prompt"


def test_generate_sends_token_ids_and_reads_the_label_after_result(make, folders):
    backend = make(folders["qwen3"])
    gens = backend.generate([Prompt("U")], labels=SCORE_LABELS, n=2, temperature=0.7, max_new_tokens=9)
    assert len(gens[0]) == 2 and gens[0][0].text == "Good 3 [RESULT] 5"
    assert gens[0][0].label_probs == pytest.approx({"1": 0, "2": 0, "3": 0, "4": 0.25, "5": 0.75})
    ((sent,), params), = backend.llm.calls
    assert sent == encode_prompt(backend.tokenizer, Prompt("U"))
    assert params["n"] == 2 and params["temperature"] == 0.7 and params["max_tokens"] == 9
    assert params["logprobs"] == 20 and backend.tokenizer.eos_token_id in params["stop_token_ids"]
    v = Judge(backend).grade_absolute([ITEM])[0]
    assert v.score == 5 and v.feedback == "Good 3"


def test_the_length_guard_uses_the_engine_context(make, folders):
    backend = make(folders["qwen3"], max_prompt_tokens=40, max_new_tokens=10)
    long = AbsoluteItem("long", "Q? " * 50, "A.", preset("helpfulness"))
    v = Judge(backend, JudgeConfig(max_new_tokens=10)).grade_absolute([long])[0]
    assert not v.parse_ok and "the model's context of 50 tokens" in v.error and not backend.llm.calls


def test_the_judge_command_sizes_the_vllm_context_from_its_limits(make, folders, tmp_path):
    """`judgesmith judge --backend vllm` hands --max-prompt-tokens and --max-new-tokens to the engine."""
    import json

    from judgesmith.cli import main

    make(folders["qwen3"])  # installs the fake vllm and sets the label ids of this tokenizer
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"id": "1", "instruction": "Q?", "response": "A.", "rubric": "helpfulness"}) + "\n")
    rc = main(["judge", "absolute", "--backend", "vllm", "--model", str(folders["qwen3"]), "--mode", "score",
               "--input", str(items), "--output", str(tmp_path / "out.jsonl"), "--max-prompt-tokens", "1500",
               "--max-new-tokens", "20"])
    assert rc == 0 and FakeLLM.made[-1].kwargs["max_model_len"] == 1520
    assert json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])["id"] == "1"


def test_the_bench_shuts_the_engine_down_before_the_next_model(make, folders):
    from judgesmith.bench.models import release

    backend = make(folders["qwen3"])
    stopped = []
    backend.llm.llm_engine = NS(engine_core=NS(shutdown=lambda: stopped.append(True)))
    release(backend)
    assert stopped == [True] and backend.llm is None


def test_missing_vllm_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)
    from judgesmith.judge.backends import make_backend

    with pytest.raises(RuntimeError, match=r"judgesmith\[vllm\]"):
        make_backend("vllm", "m")
