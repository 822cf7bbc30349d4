"""Judge engine: score mode, generate mode, samples, swap aggregation."""

import math

import pytest

from judgesmith.judge import Judge, JudgeConfig, aggregate_swap
from judgesmith.judge.backends.base import label_token_plan
from judgesmith.judge.backends.hf import HFBackend
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.records import AbsoluteItem, PairwiseItem, Verdict
from judgesmith.rubrics import preset

RUBRIC = preset("helpfulness")


def absolute_items(n=3):
    return [AbsoluteItem(f"a{i}", f"Question {i}?", f"Answer {i} " * (i + 1), RUBRIC,
                         reference_answer="Paris" if i % 2 else None) for i in range(n)]


def pair(i=0, a="good answer", b="bad answer"):
    return PairwiseItem(f"p{i}", "Which is better?", a, b, RUBRIC)


@pytest.mark.parametrize("fixture", ["tiny_model_dir", "tiny_gemma_dir"])
def test_score_mode_gives_distributions(request, fixture):
    backend = HFBackend.from_name(str(request.getfixturevalue(fixture)), batch_size=2)
    verdicts = Judge(backend, mode="score").grade_absolute(absolute_items(3))
    assert [v.id for v in verdicts] == ["a0", "a1", "a2"]
    for v in verdicts:
        assert set(v.probabilities) == {"1", "2", "3", "4", "5"}
        assert math.isclose(sum(v.probabilities.values()), 1.0, abs_tol=1e-6)
        assert v.expected_score == pytest.approx(sum(int(k) * p for k, p in v.probabilities.items()), abs=1e-9)
        assert v.score == int(max(v.probabilities, key=v.probabilities.get))
    pv = Judge(backend, mode="score").grade_pairwise([pair()])[0]
    assert set(pv.probabilities) == {"A", "B"} and math.isclose(sum(pv.probabilities.values()), 1.0)
    assert pv.winner in ("A", "B")


def test_score_mode_batching_does_not_change_results(tiny_backend):
    items = absolute_items(4)
    one = Judge(tiny_backend, mode="score", batch_size=1).grade_absolute(items)  # one prompt per forward
    assert tiny_backend.batch_size == 4
    many = Judge(tiny_backend, mode="score", batch_size=4).grade_absolute(items)  # 4 prompts, left-padded
    for a, b in zip(one, many):
        assert a.id == b.id
        for k in a.probabilities:
            assert abs(a.probabilities[k] - b.probabilities[k]) < 1e-4


def test_generate_mode_never_raises_on_garbage(tiny_backend):
    verdicts = Judge(tiny_backend, mode="generate", max_new_tokens=8).grade_absolute(absolute_items(2))
    assert len(verdicts) == 2
    for v in verdicts:
        assert isinstance(v.raw, str)
        assert v.parse_ok == (v.score is not None)
        if not v.parse_ok:
            assert v.error


def test_label_plan_handles_both_tokenizer_styles(tiny_backend):
    encode = lambda t: tiny_backend.tokenizer(t, add_special_tokens=False)["input_ids"]  # noqa: E731
    joiner, ids = label_token_plan(encode, list("12345"), "Feedback: [RESULT]")
    assert len(set(ids)) == 5
    decoded = [tiny_backend.tokenizer.decode(joiner + [i]).strip() for i in ids]
    assert decoded == list("12345")


def test_generation_reads_label_distribution_after_result(tiny_backend):
    import torch

    from judgesmith.judge.backends.common import label_token_families

    tok = tiny_backend.tokenizer
    ids = tok("Feedback: good [RESULT] 3", add_special_tokens=False)["input_ids"]
    logits = torch.zeros(len(ids), len(tok))
    families = label_token_families(tiny_backend._encode_text, list("12345"))
    label_pos = max(i for i, t in enumerate(ids) if t in families)
    with_space = tok.decode([ids[label_pos]]).startswith(" ")
    spaced = {lab: t for t, lab in families.items() if tok.decode([t]).startswith(" ") == with_space}
    logits[label_pos, spaced["4"]] = 2.0
    gen = tiny_backend._generation(torch.tensor(ids), logits, families, list("12345"))
    assert gen.text.endswith("[RESULT] 3")
    assert max(gen.label_probs, key=gen.label_probs.get) == "4"
    assert math.isclose(sum(gen.label_probs.values()), 1.0)


def test_samples_are_combined():
    outputs = ["ok [RESULT] 2", "ok [RESULT] 4", "garbage"]
    backend = ScriptedBackend(lambda p, i: outputs[i], probs_fn=lambda p: {"3": 1.0})
    v = Judge(backend, n=3, temperature=1.0).grade_absolute(absolute_items(1))[0]
    assert v.score == 2 and len(v.samples) == 3
    assert v.mean_score == 3.0
    assert v.expected_score == pytest.approx(3.0)


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="mode"):
        JudgeConfig(mode="fast")
    with pytest.raises(ValueError, match="temperature"):
        JudgeConfig(n=3)


def _prefers_good(prompt, i):
    a = prompt.user.split("###Response A:\n")[1].split("\n\n###Response B:")[0]
    return "feedback [RESULT] " + ("A" if "good" in a else "B")


def test_swap_consistent_judge_keeps_winner():
    backend = ScriptedBackend(_prefers_good)
    judge = Judge(backend, swap=True)
    v1, v2 = judge.grade_pairwise([pair(0), pair(1, a="bad answer", b="good answer")])
    assert (v1.winner, v2.winner) == ("A", "B")
    assert len(backend.calls) == 4 and len(v1.samples) == 2


def test_swap_position_biased_judge_is_a_tie():
    backend = ScriptedBackend(lambda p, i: "always first [RESULT] A")
    v = Judge(backend, swap=True).grade_pairwise([pair()])[0]
    assert v.winner == "tie" and v.parse_ok


def test_swap_sums_probability_vectors():
    first = Verdict("x", "pairwise", winner="A", probabilities={"A": 0.6, "B": 0.4})
    second = Verdict("x", "pairwise", winner="A", probabilities={"A": 0.9, "B": 0.1})  # swapped order
    v = aggregate_swap(first, second, tie_tolerance=0.1)
    assert v.probabilities == pytest.approx({"A": 0.35, "B": 0.65})
    assert v.winner == "B"  # orders disagree, but the summed margin 0.3 exceeds the tolerance
    close = aggregate_swap(first, Verdict("x", "pairwise", winner="A", probabilities={"A": 0.62, "B": 0.38}))
    assert close.winner == "tie"


def _first_position_probs(prompt):
    """P(A) 0.8 for a "good" response shown first, 0.6 otherwise: a preference plus a position bias."""
    a = prompt.user.split("###Response A:\n")[1].split("\n\n###Response B:")[0]
    return {"A": 0.8 if "good" in a else 0.6, "B": 0.2 if "good" in a else 0.4}


@pytest.mark.parametrize("mode", ["score", "generate"])
def test_pairwise_p_a_has_its_own_field_and_orders_are_in_original_positions(mode):
    backend = ScriptedBackend(_prefers_good, probs_fn=_first_position_probs)
    v = Judge(backend, mode=mode, swap=True).grade_pairwise([pair(0, a="bad answer", b="good answer")])[0]
    assert v.expected_score is None and v.p_a == pytest.approx(v.probabilities["A"])
    first, second = v.samples
    assert not first.swapped and second.swapped
    # as judged, order 2 saw the good answer first (P(A) 0.8); in original positions that is B
    assert first.p_a == pytest.approx(0.6) and second.p_a == pytest.approx(0.2)
    assert second.probabilities == pytest.approx({"A": 0.2, "B": 0.8})
    assert v.p_a == pytest.approx((0.6 + 0.2) / 2) and v.winner == "B"
    if mode == "generate":
        assert second.winner == "B" and second.raw.endswith("[RESULT] A")  # the text keeps what the model saw


def test_swapped_samples_of_a_sampled_order_are_mapped_back_too():
    backend = ScriptedBackend(_prefers_good, probs_fn=_first_position_probs)
    v = Judge(backend, swap=True, n=2, temperature=1.0).grade_pairwise([pair()])[0]
    second = v.samples[1]
    assert second.swapped and len(second.samples) == 2
    assert all(s.swapped and s.winner == second.winner == "A" for s in second.samples)
    # as judged the bad answer came first (P(A) 0.6); mapped back, P(A) is the as-judged P(B)
    assert all(s.p_a == pytest.approx(0.4) for s in second.samples)


def test_absolute_verdicts_have_no_p_a():
    backend = ScriptedBackend(probs_fn=lambda p: {"4": 3.0, "5": 1.0})
    v = Judge(backend, mode="score").grade_absolute(absolute_items(1))[0]
    assert v.expected_score == pytest.approx(4.25) and v.p_a is None and not v.swapped
