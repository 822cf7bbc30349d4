"""The judge prompt's scaffolding in other languages: an option, not another prompt.

The Prometheus prompt stays English by default (the judged text need not be). A `Scaffold` holds the
parts of the prompt that are instructions to the judge: the system prompts, the task description
("an instruction, a response, a rubric are given") and the numbered steps. Section headers
(`###Response to evaluate:`), the item's own text and its rubric are never translated, and the
steps still ask for `Feedback: ... [RESULT] 4` / `... [RESULT] A`, so one parser reads every language.
`prompt_language: item` uses the scaffolding of each item's `language` where there is one, else English.
Japanese is the one translation shipped (the language pair measured: ja text, ja or en instructions).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scaffold:
    """The instruction text of the judge prompt in one language."""

    abs_system: str
    rel_system: str
    abs_steps: str
    rel_steps: str
    instruction: str  # the task description's parts, in the order they are listed
    context: str
    response: str
    reference_abs: str
    reference_rel: str
    join: str  # separator of the parts
    given: str  # "{parts}" and the closing words naming the rubric

    def given_line(self, reference: bool, context: bool, pairwise: bool) -> str:
        parts = [self.instruction, *([self.context] if context else []), self.response]
        if reference:
            parts.append(self.reference_rel if pairwise else self.reference_abs)
        return self.given.format(parts=self.join.join(parts))


ENGLISH = Scaffold(
    abs_system="You are a fair judge assistant tasked with providing clear, objective feedback based on "
               "specific criteria, ensuring each assessment reflects the absolute standards set for performance.",
    rel_system="You are a fair judge assistant assigned to deliver insightful feedback that compares individual "
               "performances, highlighting how each stands relative to others within the same cohort.",
    abs_steps="1. Write a detailed feedback that assess the quality of the response strictly based on the given "
              "score rubric, not evaluating in general.\n"
              "2. After writing a feedback, write a score that is an integer between 1 and 5. You should refer to "
              "the score rubric.\n"
              '3. The output format should look as follows: "Feedback: (write a feedback for criteria) [RESULT] '
              '(an integer number between 1 and 5)"\n'
              "4. Please do not generate any other opening, closing, and explanations.",
    rel_steps="1. Write a detailed feedback that assess the quality of two responses strictly based on the given "
              "score rubric, not evaluating in general.\n"
              "2. After writing a feedback, choose a better response between Response A and Response B. You should "
              "refer to the score rubric.\n"
              '3. The output format should look as follows: "(write a feedback for criteria) [RESULT] (A or B)"\n'
              "4. Please do not generate any other opening, closing, and explanations.",
    instruction="An instruction (might include an Input inside it)",
    context="a context document the response must be grounded in",
    response="a response to evaluate",
    reference_abs="a reference answer that gets a score of 5",
    reference_rel="a reference answer",
    join=", ",
    given="{parts}, and a score rubric representing a evaluation criteria are given.",
)

JAPANESE = Scaffold(
    abs_system="あなたは公正な評価アシスタントです。特定の基準に基づいて明確で客観的なフィードバックを行い、"
               "各評価がパフォーマンスの絶対的な基準を反映するようにしてください。",
    rel_system="あなたは公正な評価アシスタントです。個々のパフォーマンスを比較する洞察に富んだフィードバックを行い、"
               "同じ集団の中でそれぞれがどの位置にあるかを明らかにしてください。",
    abs_steps="1. 一般的な評価ではなく、与えられたスコアルーブリックに厳密に基づいて、回答の質を評価する詳細なフィードバックを書いてください。\n"
              "2. フィードバックを書いた後、1から5までの整数でスコアを書いてください。スコアルーブリックを参照してください。\n"
              '3. 出力形式は次のとおりです: "Feedback: (基準に沿ったフィードバック) [RESULT] (1から5までの整数)"\n'
              "4. それ以外の前置き、結び、説明は書かないでください。",
    rel_steps="1. 一般的な評価ではなく、与えられたスコアルーブリックに厳密に基づいて、二つの回答の質を評価する詳細なフィードバックを書いてください。\n"
              "2. フィードバックを書いた後、Response A と Response B のうち優れている方を選んでください。"
              "スコアルーブリックを参照してください。\n"
              '3. 出力形式は次のとおりです: "(基準に沿ったフィードバック) [RESULT] (A または B)"\n'
              "4. それ以外の前置き、結び、説明は書かないでください。",
    instruction="指示（中に入力を含む場合があります）",
    context="回答が根拠とすべき文脈文書",
    response="評価対象の回答",
    reference_abs="スコア5となる参考回答",
    reference_rel="参考回答",
    join="、",
    given="{parts}、および評価基準を表すスコアルーブリックが与えられます。",
)

SCAFFOLDS: dict[str, Scaffold] = {"en": ENGLISH, "ja": JAPANESE}
PROMPT_LANGUAGES = (*SCAFFOLDS, "item")


def scaffold(prompt_language: str, item_language: str | None = None) -> Scaffold:
    """The scaffolding for a `prompt_language` ("en", "ja", or "item": the item's language where shipped)."""
    if prompt_language == "item":
        return SCAFFOLDS.get(item_language or "en", ENGLISH)
    if prompt_language not in SCAFFOLDS:
        raise ValueError(f"prompt_language must be one of {PROMPT_LANGUAGES}, got {prompt_language!r}")
    return SCAFFOLDS[prompt_language]
