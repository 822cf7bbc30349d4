"""llama.cpp backend on the tiny random Llama exported to f16 GGUF: protocol, agreement with transformers."""

import importlib.util

import pytest

from judgesmith.export.converter import find_converter
from judgesmith.judge import Judge
from judgesmith.judge.backends.base import Generation
from judgesmith.prompts import build_prompt
from judgesmith.records import PAIR_LABELS, SCORE_LABELS, AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                       reason="llama-cpp-python (the `llamacpp` extra) is not installed"),
    pytest.mark.skipif(find_converter() is None,
                       reason="GGUF converter not installed (scripts/install.sh puts it in .venv/tools)"),
]

RUBRIC = preset("helpfulness")
ITEMS = [AbsoluteItem(id=f"a{i}", instruction=f"What is the capital of France? ({i})",
                      response="Paris is the capital. " * (i + 1), rubric=RUBRIC) for i in range(3)]
PAIRS = [PairwiseItem(id="p0", instruction="Explain photosynthesis.", response_a="Plants use sunlight.",
                      response_b="It is a kind of music.", rubric=RUBRIC)]
PREFIX = "Feedback: [RESULT]"


@pytest.fixture(scope="module")
def tiny_gguf(tiny_model_dir, tmp_path_factory):
    from judgesmith.export import export_gguf

    out = tmp_path_factory.mktemp("gguf") / "tiny-f16.gguf"
    return export_gguf(tiny_model_dir, "f16", out, bpe_pre="gpt-2", install_converter=False).path


@pytest.fixture(scope="module")
def backend(tiny_gguf):
    from judgesmith.judge.backends import make_backend

    return make_backend("llamacpp", str(tiny_gguf), threads=2)


def test_score_mode_gives_distributions_and_expected_scores(backend):
    verdicts = Judge(backend, mode="score").grade_absolute(ITEMS)
    for v in verdicts:
        assert set(v.probabilities) == set(SCORE_LABELS)
        assert sum(v.probabilities.values()) == pytest.approx(1.0)
        assert v.score == int(max(v.probabilities, key=v.probabilities.get))
        assert v.expected_score == pytest.approx(sum(int(k) * p for k, p in v.probabilities.items()), abs=1e-9)


def test_score_distributions_agree_with_transformers(backend, tiny_backend):
    prompts = [build_prompt(it) for it in ITEMS] + [build_prompt(p) for p in PAIRS]
    for labels, prefix, chosen in ((SCORE_LABELS, PREFIX, prompts[:3]), (PAIR_LABELS, "[RESULT]", prompts[3:])):
        ours = backend.score(chosen, prefix=prefix, labels=labels)
        theirs = tiny_backend.score(chosen, prefix=prefix, labels=labels)
        for a, b in zip(ours, theirs):
            assert max(abs(a[k] - b[k]) for k in labels) < 2e-3


def test_prompt_tokens_match_transformers(backend, tiny_backend):
    prompt = build_prompt(ITEMS[0])
    assert backend._prompt_tokens(prompt, PREFIX) == tiny_backend._encode(prompt, PREFIX)


def test_cached_prefix_gives_the_same_logits_as_a_fresh_evaluation(backend):
    first, second = (backend._prompt_tokens(build_prompt(it), PREFIX) for it in ITEMS[:2])
    backend._feed(first)
    warm = backend._feed(second)  # shares the system prompt and the start of the user turn with `first`
    backend.llm.n_tokens = 0
    cold = backend._feed(second)
    assert abs(warm - cold).max() < 1e-3


def test_generate_mode_returns_verdicts_for_absolute_and_pairwise(backend):
    verdicts = Judge(backend, mode="generate", max_new_tokens=12).grade_absolute(ITEMS[:2])
    assert [v.id for v in verdicts] == ["a0", "a1"] and all(v.raw is not None for v in verdicts)
    gens = backend.generate([build_prompt(ITEMS[0])], labels=SCORE_LABELS, n=2, temperature=1.0, max_new_tokens=8)
    assert len(gens) == 1 and len(gens[0]) == 2 and all(isinstance(g, Generation) for g in gens[0])
    pair = Judge(backend, mode="generate", max_new_tokens=8, swap=True).grade_pairwise(PAIRS)[0]
    assert pair.kind == "pairwise" and len(pair.samples) == 2


def test_pairwise_score_mode_with_swap_aggregates_both_orders(backend):
    verdict = Judge(backend, mode="score", swap=True).grade_pairwise(PAIRS)[0]
    assert sum(verdict.probabilities.values()) == pytest.approx(1.0)
    assert verdict.winner in ("A", "B", "tie") and len(verdict.samples) == 2


class Scripted:
    """Make the backend 'generate' a fixed text (token by token) to check where label probs are read."""

    def __init__(self, backend, text):
        self.tokens = backend._encode(text) + [backend.llm.token_eos()]

    def __call__(self, logits, temperature):
        return self.tokens.pop(0) if self.tokens else 0


@pytest.mark.parametrize("text", ["Feedback: good [RESULT] 4", "Feedback: good [RESULT]"])
def test_generate_reads_label_probs_after_result_mark(backend, monkeypatch, text):
    prompt = build_prompt(ITEMS[0])
    expected = backend.score([prompt], prefix="Feedback: good [RESULT]", labels=SCORE_LABELS)[0]
    monkeypatch.setattr(backend, "_pick", Scripted(backend, text))
    gen = backend.generate([prompt], labels=SCORE_LABELS, max_new_tokens=40)[0][0]
    assert gen.text == text
    assert gen.label_probs is not None
    assert max(abs(gen.label_probs[k] - expected[k]) for k in SCORE_LABELS) < 1e-4


def test_prompt_longer_than_the_context_is_reported_not_raised(tiny_gguf, caplog):
    from judgesmith.judge.backends.llamacpp import LlamaCppBackend

    small = LlamaCppBackend(str(tiny_gguf), threads=2, n_ctx=256)
    assert small.score([build_prompt(ITEMS[0])], prefix=PREFIX, labels=SCORE_LABELS) == [{}]
    verdict = Judge(small, mode="generate", max_new_tokens=4).grade_absolute(ITEMS[:1])[0]
    assert not verdict.parse_ok and "does not fit n_ctx=256" in caplog.text
    small.close()


def test_score_evaluates_each_shared_prefix_once(backend, monkeypatch):
    """Pairs in both orders, interleaved with another item: scored in token order, each prompt only
    evaluates what it does not share with the one before; the distributions equal one-at-a-time scoring."""
    import os

    prompts = [build_prompt(PAIRS[0]), build_prompt(ITEMS[0]), build_prompt(PAIRS[0].swapped())]
    alone = [backend.score([p], prefix="[RESULT]", labels=PAIR_LABELS)[0] for p in prompts]
    seqs = sorted(backend._prompt_tokens(p, "[RESULT]") + backend._plan("[RESULT]", PAIR_LABELS)[0]
                  for p in prompts)
    expected = len(seqs[0]) + sum(len(b) - len(os.path.commonprefix([a, b])) for a, b in zip(seqs, seqs[1:]))
    backend.llm.n_tokens = 0  # start from an empty cache
    fed = []
    real_eval = backend.llm.eval
    monkeypatch.setattr(backend.llm, "eval", lambda tokens: (fed.append(len(tokens)), real_eval(tokens))[1])
    together = backend.score(prompts, prefix="[RESULT]", labels=PAIR_LABELS)
    assert sum(fed) == expected < sum(len(s) for s in seqs)
    for a, b in zip(together, alone):
        assert max(abs(a[k] - b[k]) for k in PAIR_LABELS) < 1e-3
