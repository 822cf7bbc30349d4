"""The judge instructions in Japanese, an option: only the scaffolding changes, the parser reads the same."""

import re

import pytest

from judgesmith.bench.suite import SuiteEntry
from judgesmith.data.sources.prometheus_format import split_absolute_prompt
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.judge.engine import Judge, JudgeConfig
from judgesmith.parsing import parse
from judgesmith.prompt_languages import ENGLISH, JAPANESE, scaffold
from judgesmith.prompts import build_prompt
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

RUBRIC = preset("helpfulness")


def items(language="ja"):
    for ref in (None, "参考"):
        for ctx in (None, "文脈"):
            yield AbsoluteItem(id="a", instruction="質問", response="回答", rubric=RUBRIC, reference_answer=ref,
                               context=ctx, language=language)
            yield PairwiseItem(id="p", instruction="質問", response_a="一", response_b="二", rubric=RUBRIC,
                               reference_answer=ref, context=ctx, language=language)


def sections(text):
    return text.split("\n\n###")


@pytest.mark.parametrize("item", list(items()), ids=lambda i: f"{type(i).__name__}-{i.reference_answer}-{i.context}")
def test_japanese_changes_the_task_description_and_system_prompt_only(item):
    en, ja = build_prompt(item), build_prompt(item, language="ja")
    en_parts, ja_parts = sections(en.user), sections(ja.user)
    assert len(en_parts) == len(ja_parts)
    assert en_parts[1:] == ja_parts[1:]  # instruction, context, responses, reference, rubric, `###Feedback: `
    assert en_parts[0] != ja_parts[0] and ja_parts[0].startswith("###Task Description:\n")
    assert ja.system != en.system and ja.system in (JAPANESE.abs_system, JAPANESE.rel_system)
    body = ja_parts[0].split("\n", 1)[1]  # below the (kept) section header
    assert not re.search(r"[a-z]{4,}", body.replace("Feedback", "").replace("Response", ""))  # translated
    assert "[RESULT]" in ja_parts[0]


def test_the_japanese_output_format_parses_as_the_english_one_does():
    for kind, steps, answer in (("absolute", JAPANESE.abs_steps, "4"), ("pairwise", JAPANESE.rel_steps, "B")):
        [asked] = re.findall(r'"([^"]*\[RESULT\][^"]*)"', steps)
        [asked_en] = re.findall(r'"([^"]*\[RESULT\][^"]*)"', ENGLISH.abs_steps if kind == "absolute" else ENGLISH.rel_steps)
        filled = re.sub(r"\[RESULT\] \(.*\)$", f"[RESULT] {answer}", asked.replace("(基準に沿ったフィードバック)", "良い回答です。"))
        filled_en = re.sub(r"\[RESULT\] \(.*\)$", f"[RESULT] {answer}", asked_en.replace("(write a feedback for criteria)", "Good."))
        assert parse(filled, kind).label == parse(filled_en, kind).label == answer


def test_a_japanese_prompt_splits_back_into_the_same_parts():
    item = AbsoluteItem(id="a", instruction="質問", response="回答", rubric=RUBRIC, reference_answer="参考", language="ja")
    parts = split_absolute_prompt(build_prompt(item, language="ja").user)
    assert (parts.instruction, parts.response, parts.reference_answer, parts.rubric) == ("質問", "回答", "参考", RUBRIC)


def test_item_mode_translates_only_items_in_a_shipped_language():
    for lang, expected in (("ja", JAPANESE), ("de", ENGLISH), (None, ENGLISH)):
        assert scaffold("item", lang) is expected
        item = AbsoluteItem(id="a", instruction="q", response="r", rubric=RUBRIC, language=lang)
        assert build_prompt(item, language="item") == build_prompt(item, language=expected is JAPANESE and "ja" or "en")
    with pytest.raises(ValueError, match="prompt_language"):
        scaffold("fr")
    with pytest.raises(ValueError, match="prompt_language"):
        JudgeConfig(prompt_language="fr")
    with pytest.raises(ValueError, match="prompt_language"):
        SuiteEntry(benchmark="ja_vicuna_qa", prompt_language="xx")


def test_the_engine_sends_japanese_instructions_and_reads_the_same_verdicts():
    backend = ScriptedBackend(text_fn=lambda prompt, i: "Feedback: 丁寧です。 [RESULT] 4")
    item = AbsoluteItem(id="a", instruction="質問", response="回答", rubric=RUBRIC, language="ja")
    verdicts = {lang: Judge(backend, JudgeConfig(prompt_language=lang)).grade_absolute([item])[0]
                for lang in ("en", "item")}
    assert [v.score for v in verdicts.values()] == [4, 4]
    assert backend.calls[0].user != backend.calls[1].user and JAPANESE.abs_steps in backend.calls[1].user
