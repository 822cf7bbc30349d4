"""Parser table: messy real-world judge outputs -> (label, feedback) or a reported failure."""

import pytest

from judgesmith.parsing import parse_absolute, parse_pairwise

TEMPLATE_ECHO = (
    '3. The output format should look as follows: "Feedback: (write a feedback for criteria) '
    '[RESULT] (an integer number between 1 and 5)"'
)

ABSOLUTE_OK = [
    ("Feedback: The response is accurate. [RESULT] 4", "4", "The response is accurate."),
    ("The response is accurate. [RESULT] 4", "4", "The response is accurate."),
    ("Good answer overall. [RESULT] (4)", "4", "Good answer overall."),
    ("Good answer overall. [RESULT]: 3", "3", "Good answer overall."),
    ("Weak. [RESULT] 1</s>", "1", "Weak."),
    ("Fine work.\n[RESULT] 5<end_of_turn>\n", "5", "Fine work."),
    ("Decent. [RESULT] 2.", "2", "Decent."),
    ("Decent. [RESULT] 2.0", "2", "Decent."),
    ("Solid. [RESULT] 4/5", "4", "Solid."),
    ("Solid. [RESULT] 4 out of 5", "4", "Solid."),
    ("Solid. [RESULT: 3]", "3", "Solid."),
    ("Solid. [RESULT]3", "3", "Solid."),
    ("Solid. [ RESULT ] 3", "3", "Solid."),
    ("Solid. [result] 3", "3", "Solid."),
    ("**Feedback:** Clear and concise. **[RESULT] 5**", "5", "Clear and concise."),
    ("###Feedback: Mostly right. [RESULT] 3", "3", "Mostly right."),
    ("The answer has flaws. Score: 2/5", "2", "The answer has flaws."),
    ("The answer has flaws. Score: 2", "2", "The answer has flaws."),
    ("The answer has flaws. I would rate it 2 out of 5.", "2", None),
    ("Overall score: 4", "4", ""),
    (TEMPLATE_ECHO + "\nFeedback: It lists steps. [RESULT] 4", "4", None),
    ("The template says [RESULT] (an integer number between 1 and 5). Real: good. [RESULT] 5", "5", None),
    ("[RESULT] 4", "4", ""),
    ("Feedback: first try [RESULT] 2\nOn reflection, better. [RESULT] 3", "3", None),
    ("Feedback: Good. [RESULT] Score: 4", "4", "Good."),
    ("Feedback: Good. [RESULT] (Score 4)", "4", "Good."),
    ("Feedback: Good. [RESULT] 5 <|im_end|>", "5", "Good."),
]

ABSOLUTE_FAIL = [
    ("", "empty output"),
    ("   \n", "empty output"),
    ("The response is fine, nothing else to say.", "no score found"),
    (TEMPLATE_ECHO, "[RESULT] marker without a score"),
    ("Feedback: great [RESULT] 7", "outside 1-5"),
    ("Feedback: great [RESULT] 4.5", "not an integer"),
    ("Feedback: great [RESULT] 8/10", "not on the 1-5 scale"),
    ("Feedback: great [RESULT]", "[RESULT] marker without a score"),
    (None, "empty output"),
]

PAIRWISE_OK = [
    ("Response A is more detailed. [RESULT] A", "A"),
    ("Both fine but B is clearer. [RESULT] B", "B"),
    ("B is clearer. [RESULT] Response B", "B"),
    ("A wins. [RESULT: A]", "A"),
    ("A wins. [RESULT] (A)", "A"),
    ("A wins. [RESULT]: A.", "A"),
    ("B wins. [RESULT] b</s>", "B"),
    ('Format: "(write a feedback for criteria) [RESULT] (A or B)"\nB is better. [RESULT] B', "B"),
    ("Winner: B", "B"),
    ("After comparing, Response A is better than Response B.", "A"),
    ("**[RESULT]** **B**", "B"),
]

PAIRWISE_FAIL = [
    ("", "empty output"),
    ('Format: "(write a feedback for criteria) [RESULT] (A or B)"', "without A or B"),
    ("Both responses are similar in quality.", "no choice found"),
    ("They are equal. [RESULT] Tie", "tie"),
]


@pytest.mark.parametrize("text,label,feedback", ABSOLUTE_OK)
def test_absolute_parses(text, label, feedback):
    result = parse_absolute(text)
    assert result.ok, result.error
    assert result.label == label
    assert "[RESULT]" not in result.feedback
    if feedback is not None:
        assert result.feedback == feedback


@pytest.mark.parametrize("text,reason", ABSOLUTE_FAIL)
def test_absolute_failures_are_reported(text, reason):
    result = parse_absolute(text)
    assert not result.ok
    assert result.label is None
    assert reason in result.error


@pytest.mark.parametrize("text,label", PAIRWISE_OK)
def test_pairwise_parses(text, label):
    result = parse_pairwise(text)
    assert result.ok, result.error
    assert result.label == label


@pytest.mark.parametrize("text,reason", PAIRWISE_FAIL)
def test_pairwise_failures_are_reported(text, reason):
    result = parse_pairwise(text)
    assert not result.ok
    assert reason.lower() in result.error.lower()


@pytest.mark.parametrize("parse,labels,table", [(parse_absolute, set("12345"), ABSOLUTE_OK + ABSOLUTE_FAIL),
                                                 (parse_pairwise, {"A", "B"}, PAIRWISE_OK + PAIRWISE_FAIL)])
def test_outputs_cut_off_anywhere_never_raise(parse, labels, table):
    """A generation stopped mid-way (max_new_tokens) gives a valid label or an error saying why, never an
    exception: every prefix of every output in the tables."""
    for text, *_ in table:
        for cut in range(len(text or "") + 1):
            result = parse((text or "")[:cut])
            if result.ok:
                assert result.label in labels and result.error is None, (text[:cut], result)
            else:
                assert result.label is None and result.error, (text[:cut], result)
