"""OpenAI-compatible backend against a fake client: request shape and logprob reading."""

import math
from types import SimpleNamespace as NS

from judgesmith.judge import Judge
from judgesmith.judge.backends.openai_backend import OpenAIBackend, label_probs_from_logprobs
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import preset


def lp(token, logprob, top=()):
    return NS(token=token, logprob=logprob, top_logprobs=[NS(token=t, logprob=l) for t, l in top])


class FakeCompletions:
    def __init__(self):
        self.requests = []

    def create(self, **kw):
        self.requests.append(kw)
        if kw.get("max_tokens") == 1:
            content = [lp("4", math.log(0.6), [("4", math.log(0.6)), ("3", math.log(0.3)), ("x", math.log(0.1))])]
            return NS(choices=[NS(message=NS(content="4"), logprobs=NS(content=content))])
        tokens = [lp("Good", -0.1), lp(" [", -0.1), lp("RESULT", -0.1), lp("]", -0.1), lp(" ", -0.1),
                  lp("5", math.log(0.5), [("5", math.log(0.5)), ("4", math.log(0.5))])]
        text = "".join(t.token for t in tokens)
        return NS(choices=[NS(message=NS(content=text), logprobs=NS(content=tokens))])


def make():
    fake = FakeCompletions()
    client = NS(chat=NS(completions=fake))
    return OpenAIBackend("judge", client=client), fake


ITEM = AbsoluteItem("1", "Q?", "A.", preset("helpfulness"))


def test_generate_reads_label_distribution_after_result():
    backend, fake = make()
    v = Judge(backend).grade_absolute([ITEM])[0]
    assert v.score == 5 and v.feedback == "Good"
    assert v.probabilities["5"] == 0.5 and v.probabilities["4"] == 0.5 and v.expected_score == 4.5
    req = fake.requests[0]
    assert req["logprobs"] is True and req["messages"][0]["role"] == "system"


def test_score_mode_continues_the_assistant_prefix():
    backend, fake = make()
    v = Judge(backend, mode="score").grade_absolute([ITEM])[0]
    assert v.score == 4
    assert math.isclose(v.probabilities["4"], 2 / 3) and math.isclose(v.probabilities["3"], 1 / 3)
    req = fake.requests[0]
    assert req["messages"][-1] == {"role": "assistant", "content": "Feedback: [RESULT] "}
    assert req["extra_body"]["continue_final_message"] is True


def test_no_label_after_result_gives_none():
    assert label_probs_from_logprobs([lp("5", -1.0, [("5", -1.0)])], list("12345")) is None
    assert label_probs_from_logprobs(None, list("12345")) is None
