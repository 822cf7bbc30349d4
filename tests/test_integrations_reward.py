"""JudgeReward: exact values on a scripted judge, the tiny model, a live `judgesmith serve`, and GRPO."""

from __future__ import annotations

import asyncio
import math
import re

import pytest

from judgesmith.integrations.trl import AsyncJudgeReward, JudgeReward
from judgesmith.judge import Judge
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

# Score distributions the scripted judge gives a response, by its text.
SCORES = {"good": {"4": 0.5, "5": 0.5}, "bad": {"1": 1.0}, "meh": {"2": 0.25, "3": 0.5, "4": 0.25}}
# P(A wins) by (Response A, Response B): a judge that prefers "good" but also leans to position A.
PAIRS = {("good", "bad"): 0.7, ("bad", "good"): 0.5, ("meh", "meh"): 0.6}


def section(text: str, header: str) -> str:
    return re.search(rf"###{re.escape(header)}:\n(.*?)\n\n###", text, re.S).group(1)


def scripted_probs(prompt):
    if "###Response A:" in prompt.user:
        p = PAIRS[(section(prompt.user, "Response A"), section(prompt.user, "Response B"))]
        return {"A": p, "B": 1 - p}
    return SCORES[section(prompt.user, "Response to evaluate")]


def scripted_judge(**config) -> tuple[Judge, ScriptedBackend]:
    backend = ScriptedBackend(probs_fn=scripted_probs)
    return Judge(backend, mode="score", **config), backend


def test_score_mode_is_the_expected_score_and_rescales_to_unit_interval():
    judge, _ = scripted_judge()
    completions = ["good", "bad", "meh"]
    expected = [4 * 0.5 + 5 * 0.5, 1.0, 2 * 0.25 + 3 * 0.5 + 4 * 0.25]
    assert JudgeReward(judge)(prompts=["q"] * 3, completions=completions) == pytest.approx(expected)
    scaled = JudgeReward(judge, rescale=True)(prompts=["q"] * 3, completions=completions)
    assert scaled == pytest.approx([0.75, -1.0, 0.0])


def test_conversational_prompts_and_completions_reach_the_judge_as_text():
    judge, backend = scripted_judge()
    prompts = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}],
               [{"role": "user", "content": [{"type": "text", "text": "Say "}, {"type": "text", "text": "hi"}]}]]
    completions = [[{"role": "assistant", "content": "good"}], [{"role": "assistant", "content": "bad"}]]
    rewards = JudgeReward(judge)(prompts=prompts, completions=completions, completion_ids=[[1], [2]])
    assert rewards == pytest.approx([4.5, 1.0])
    instruction = section(backend.calls[0].user, "The instruction to evaluate")
    assert instruction == "System: Be brief.\n\nUser: Capital of France?"
    assert section(backend.calls[1].user, "The instruction to evaluate") == "Say hi"


def test_reference_column_and_rubric_go_into_the_prompt():
    judge, backend = scripted_judge()
    reward = JudgeReward(judge, rubric="reasoning", reference_column="answer")
    reward(prompts=["2+2?"], completions=["good"], answer=["4"], trainer_state=None)
    user = backend.calls[0].user
    assert section(user, "Reference Answer (Score 5)") == "4"
    assert preset("reasoning").render() in user
    with pytest.raises(ValueError, match=r"column 'gold' is not in the dataset.*\['answer'\]"):
        JudgeReward(judge, reference_column="gold")(prompts=["q"], completions=["good"], answer=["4"])


def test_pairwise_is_the_two_order_win_probability():
    judge, backend = scripted_judge()
    reward = JudgeReward(judge, mode="pairwise", baseline_column="baseline")
    # good vs bad: 0.7 as A; in the swapped order bad-as-A gets 0.5, so good wins 0.5 there -> mean 0.6.
    # meh vs meh: A wins 0.6 in either order, so the completion wins 0.6 once and 0.4 once -> 0.5.
    assert reward(prompts=["q", "q"], completions=["good", "meh"], baseline=["bad", "meh"]) == pytest.approx([0.6, 0.5])
    assert len(backend.calls) == 4  # both orders of both pairs
    one_order = JudgeReward(judge, mode="pairwise", baseline_column="baseline", swap_baseline=False, rescale=True)
    assert one_order(prompts=["q"], completions=["good"], baseline=["bad"]) == pytest.approx([2 * 0.7 - 1])
    with pytest.raises(ValueError, match="baseline_column"):
        JudgeReward(judge, mode="pairwise")


def test_pairwise_without_label_probabilities_uses_the_discrete_winner():
    # (Response A, Response B) -> the judge's text. c1: A in both orders (the orders disagree: a tie);
    # c2: the baseline wins in both orders; c3: no verdict in either order.
    texts = {("c1", "d"): "x [RESULT] A", ("d", "c1"): "x [RESULT] A", ("c2", "d"): "x [RESULT] B",
             ("d", "c2"): "x [RESULT] A", ("c3", "d"): "no verdict", ("d", "c3"): "no verdict"}
    def text(prompt, i):
        return texts[(section(prompt.user, "Response A"), section(prompt.user, "Response B"))]

    backend = ScriptedBackend(text_fn=text, expose_probs=False)
    reward = JudgeReward(Judge(backend), mode="pairwise", baseline_column="b")
    assert reward(prompts=["q"] * 3, completions=["c1", "c2", "c3"], b=["d"] * 3) == [0.5, 0.0, None]
    assert reward.failures == 1


def test_judge_failures_give_none_or_neutral_and_are_counted_never_raised():
    texts = {"good": "Feedback: fine [RESULT] 4", "bad": "I refuse to grade."}
    backend = ScriptedBackend(text_fn=lambda p, i: texts[section(p.user, "Response to evaluate")], expose_probs=False)
    logged: list[tuple[str, float]] = []
    reward = JudgeReward(Judge(backend))
    out = reward(prompts=["q"] * 3, completions=["good", "bad", "bad"], log_metric=lambda k, v: logged.append((k, v)))
    assert out == [4.0, None, None]
    assert (reward.calls, reward.judged, reward.failures) == (1, 3, 2)
    assert logged == [("judge_score/failures", 2.0)]

    class Broken(ScriptedBackend):
        def score(self, prompts, **kw):
            raise RuntimeError("judge out of memory")

    broken = JudgeReward(Judge(Broken(), mode="score"), neutral=0.0, name="my_judge")
    assert broken(prompts=["q", "q"], completions=["a", "b"]) == [0.0, 0.0]
    assert broken.failures == 2 and broken.__name__ == "my_judge"


def test_bad_arguments_are_reported_clearly():
    judge, _ = scripted_judge()
    with pytest.raises(ValueError, match="mode must be one of"):
        JudgeReward(judge, mode="absolute")
    with pytest.raises(ValueError, match="not a URL"):
        JudgeReward("localhost:8000")
    with pytest.raises(ValueError, match="2 prompts for 1 completions"):
        JudgeReward(judge)(prompts=["a", "b"], completions=["good"])


def test_async_variant_with_a_local_judge_matches_the_sync_one():
    judge, _ = scripted_judge()
    reward = AsyncJudgeReward(judge)
    assert asyncio.run(reward(prompts=["q", "q"], completions=["good", "bad"])) == pytest.approx([4.5, 1.0])


# --- the tiny model ---------------------------------------------------------------------------------

PROMPTS = ["What is the capital of France?", "Explain photosynthesis.", "Say hello."]
ANSWERS = ["Paris is the capital.", "Plants use sunlight.", "the response is good"]


def test_tiny_model_rewards_match_the_judges_own_verdicts(tiny_backend):
    judge = Judge(tiny_backend, mode="score")
    rewards = JudgeReward(judge)(prompts=PROMPTS, completions=ANSWERS)
    items = [AbsoluteItem(str(i), p, a, preset("helpfulness")) for i, (p, a) in enumerate(zip(PROMPTS, ANSWERS))]
    direct = [v.expected_score for v in judge.grade_absolute(items)]
    assert rewards == pytest.approx(direct, abs=1e-5)
    assert all(1.0 <= r <= 5.0 for r in rewards)

    wins = JudgeReward(judge, mode="pairwise", baseline_column="base")(
        prompts=PROMPTS, completions=ANSWERS, base=list(reversed(ANSWERS)))
    pairs = [PairwiseItem(str(i), p, a, b, preset("helpfulness"))
             for i, (p, a, b) in enumerate(zip(PROMPTS, ANSWERS, reversed(ANSWERS)))]
    swapped = Judge(tiny_backend, mode="score", swap=True).grade_pairwise(pairs)
    assert wins == pytest.approx([v.probabilities["A"] for v in swapped], abs=1e-5)
    # The middle pair is the same answer twice: in two orders the position effect cancels exactly.
    assert wins[1] == pytest.approx(0.5, abs=1e-5)


# --- a live `judgesmith serve` on loopback ------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tiny_backend):
    pytest.importorskip("fastapi")
    from judgesmith.serve.app import create_app
    from judgesmith.serve.live import LiveServer
    from judgesmith.serve.settings import ServeSettings

    settings = ServeSettings(api_key="k", default_mode="score", max_items=2, max_wait_ms=1)
    with LiveServer(create_app(tiny_backend, settings)) as server:
        yield server


def test_live_server_rewards_match_the_local_judge(live, tiny_backend):
    local = JudgeReward(Judge(tiny_backend, mode="score"))(prompts=PROMPTS, completions=ANSWERS)
    remote = JudgeReward(live.url + "/v1", api_key="k", max_items=2)  # 3 items, the server takes 2: two requests
    assert remote(prompts=PROMPTS, completions=ANSWERS) == pytest.approx(local, abs=1e-4)
    assert remote.failures == 0
    pairwise = JudgeReward(live.url, api_key="k", mode="pairwise", baseline_column="base", max_items=2)
    local_pw = JudgeReward(Judge(tiny_backend, mode="score"), mode="pairwise", baseline_column="base")
    kwargs = dict(prompts=PROMPTS, completions=ANSWERS, base=list(reversed(ANSWERS)))
    assert asyncio.run(AsyncJudgeReward(live.url, api_key="k", mode="pairwise", baseline_column="base",
                                        max_items=2)(**kwargs)) \
        == pytest.approx(local_pw(**kwargs), abs=1e-4)
    assert pairwise(**kwargs) == pytest.approx(local_pw(**kwargs), abs=1e-4)


def test_live_server_failures_are_none_not_exceptions(live):
    wrong_key = JudgeReward(live.url, api_key="wrong", max_items=2)
    assert wrong_key(prompts=PROMPTS, completions=ANSWERS) == [None] * 3
    assert wrong_key.failures == 3
    too_many = JudgeReward(live.url, api_key="k")  # 3 items in one request over the server's limit of 2: a 413
    assert too_many(prompts=PROMPTS, completions=ANSWERS) == [None] * 3
    down = AsyncJudgeReward("http://127.0.0.1:9", neutral=3.0, timeout=2.0)  # port 9: nothing listens
    assert asyncio.run(down(prompts=["q"], completions=["a"])) == [3.0]
    assert down.failures == 1


# --- TRL's GRPOTrainer -----------------------------------------------------------------------------------


class Recording:
    """Keeps what the reward function returned to TRL, to compare with what TRL logged."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.returned: list[list[float | None]] = []

    def _finish(self, verdicts, size, kwargs):
        out = super()._finish(verdicts, size, kwargs)
        self.returned.append(out)
        return out


class RecordingReward(Recording, JudgeReward):
    pass


class RecordingAsyncReward(Recording, AsyncJudgeReward):
    pass


def run_grpo(model_dir, reward, out_dir):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    data = Dataset.from_dict({"prompt": PROMPTS + ["What is 2+2?"]})
    args = GRPOConfig(output_dir=str(out_dir), max_steps=2, per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=8, use_cpu=True, bf16=False, report_to="none", logging_steps=1,
                      save_strategy="no", seed=0)
    trainer = GRPOTrainer(model=str(model_dir), reward_funcs=reward, args=args, train_dataset=data)
    trainer.train()
    return [h for h in trainer.state.log_history if f"rewards/{reward.__name__}/mean" in h]


def check_logged_rewards(logs, reward):
    assert [h["step"] for h in logs] == [1, 2]
    assert (reward.calls, reward.judged, reward.failures) == (2, 4, 0)
    for h, returned in zip(logs, reward.returned):
        assert h[f"rewards/{reward.__name__}/mean"] == pytest.approx(sum(returned) / len(returned), abs=1e-5)
        assert h[f"{reward.__name__}/failures"] == 0.0
        assert all(1.0 <= r <= 5.0 and math.isfinite(r) for r in returned)


def test_grpo_trainer_runs_two_steps_with_the_judge_as_reward(tiny_model_dir, tiny_backend, tmp_path):
    reward = RecordingReward(Judge(tiny_backend, mode="score"))
    check_logged_rewards(run_grpo(tiny_model_dir, reward, tmp_path), reward)


def test_grpo_trainer_awaits_the_async_reward_on_a_live_server(tiny_model_dir, live, tmp_path):
    reward = RecordingAsyncReward(live.url + "/v1", api_key="k", max_items=2, name="judge_remote")
    check_logged_rewards(run_grpo(tiny_model_dir, reward, tmp_path), reward)


# --- grounded rewards: a context column for RAG policies -------------------------------------------------


def test_context_column_reaches_the_judge_and_empty_contexts_get_no_reward():
    seen = []

    def probs(prompt):
        seen.append(prompt.user)
        return {"5": 1.0} if "###Context:\nParis is in France." in prompt.user else {"1": 1.0}

    judge = Judge(ScriptedBackend(probs_fn=probs), mode="score")
    reward = JudgeReward(judge, rubric="faithfulness", context_column="docs")
    got = reward(prompts=["Where is Paris?"] * 3, completions=["In France."] * 3,
                 docs=["Paris is in France.", "Berlin is in Germany.", "  "])
    assert got == [5.0, 1.0, None]  # the third has no document: no reward rather than an ungrounded one
    assert len(seen) == 2 and reward.failures == 1
    with pytest.raises(ValueError, match="pass context_column"):
        JudgeReward(judge, rubric="faithfulness")
    with pytest.raises(ValueError, match="column 'docs' is not in the dataset"):
        JudgeReward(judge, rubric="faithfulness", context_column="docs")(prompts=["q"], completions=["a"])


class RecordingGroundedReward(Recording, JudgeReward):
    pass


def test_grpo_trainer_runs_two_steps_with_a_grounded_reward(tiny_model_dir, tiny_backend, tmp_path):
    """A RAG policy's reward: the judge's faithfulness score of each completion against the prompt's passages."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    docs = ["Paris is the capital of France.", "Water boils at 100 C at sea level.", "The Moon orbits the Earth."]
    data = Dataset.from_dict({"prompt": PROMPTS[:2] + ["What orbits the Earth?"], "passages": docs})
    reward = RecordingGroundedReward(Judge(tiny_backend, mode="score"), rubric="faithfulness",
                                     context_column="passages", name="grounded")
    args = GRPOConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=8, use_cpu=True, bf16=False, report_to="none", logging_steps=1,
                      save_strategy="no", seed=0)
    trainer = GRPOTrainer(model=str(tiny_model_dir), reward_funcs=reward, args=args, train_dataset=data)
    trainer.train()
    logs = [h for h in trainer.state.log_history if "rewards/grounded/mean" in h]
    check_logged_rewards(logs, reward)
