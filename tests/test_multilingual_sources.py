"""Multilingual loaders on small files shaped like upstream's, then on the shared files: gold mappings,
agreement of both judged orders, languages, and translated questions sharing their original's id."""

import csv
import gzip
import io
import json

import pytest

from judgesmith.data.decontam import decontaminate
from judgesmith.data.questions import FASTCHAT
from judgesmith.data.schema import AbsoluteExample, Provenance
from judgesmith.data.sources import load_source
from judgesmith.data.sources.multilingual import ja_mt_bench, ja_vicuna_qa, kudge, mu_shroom
from judgesmith.data.sources.multilingual.common import strip_verdict
from judgesmith.data.split import split_by_question
from judgesmith.data.swap import swap_example
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import preset


def write_jsonl(path, rows, gz=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if gz:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")


def ja_prompt(question, answer, reference=None):
    ref = f"[参考回答の開始]\n{reference}\n[参考回答の終了]\n\n" if reference else ""
    return f"[指示]\n評価してください。\n\n[質問]\n{question}\n\n{ref}[アシスタントの回答の開始]\n{answer}\n[アシスタントの回答の終了]"


def test_strip_verdict_cuts_the_japanese_sentence_holding_the_rating():
    assert strip_verdict("良い回答です。\n\n評価：[[7]]") == "良い回答です。"
    assert strip_verdict("Aが詳しい。したがって、私の評価は[[A]]です。") == "Aが詳しい。"
    assert strip_verdict("理由なし") == "理由なし"


def test_ja_mt_bench_maps_ten_to_five_keeps_feedback_and_links_english_ids(tmp_path):
    folder = tmp_path / "japanese_mt_bench"
    write_jsonl(folder / "question.jsonl", [{"question_id": 11, "category": "extraction", "turns": ["映画を評価して"]}])
    judged = [
        {"question_id": "11", "model": "m1", "score": 9, "judgment": "丁寧です。\n\n評価：[[9]]",
         "user_prompt": ja_prompt("映画を評価して", "四つ星")},
        {"question_id": "11", "model": "m2", "score": 4, "judgment": "不正確。評価：[[4]]",
         "user_prompt": ja_prompt("映画を評価して", "五つ星")},
        {"question_id": "31", "model": "m1", "score": 1, "judgment": "誤り。\n評価：[[1]]",
         "user_prompt": ja_prompt("三角形の面積は？", "7", reference="2")},
        {"question_id": "11", "model": "m1", "score": 2, "judgment": "重複。評価：[[2]]",
         "user_prompt": ja_prompt("映画を評価して", "四つ星")},
    ]
    write_jsonl(folder / ja_mt_bench.JUDGMENTS, judged, gz=True)
    result = ja_mt_bench.load(folder)
    assert [e.gold_score for e in result.absolute] == [5.0, 2.0, 1.0]
    assert [e.gold_feedbacks for e in result.absolute] == [("丁寧です。",), ("不正確。",), ("誤り。",)]
    assert [e.provenance.same_as for e in result.absolute] == [("mt_bench:131",)] * 2 + [("mt_bench:111",)]
    math = result.absolute[2].item
    assert math.instruction == "三角形の面積は？" and math.reference_answer == "2" and math.language == "ja"
    assert result.absolute[0].item.reference_answer is None
    assert [s.row for s in result.skipped] == [3] and "duplicate" in result.skipped[0].reason
    parts = [ja_mt_bench.load(folder, part=p).absolute for p in ("train", "heldout")]
    assert sorted(len(p) for p in parts) in ([0, 3], [1, 2])  # whole questions, never a question in both
    assert not {e.provenance.question_id for e in parts[0]} & {e.provenance.question_id for e in parts[1]}


def vicuna_row(qid, g1, g2):
    return {"question_id": qid, "question": f"質問{qid}", "answer_1": f"回答一{qid}", "answer_2": f"回答二{qid}",
            "g1_judgment": "アシスタントAが良い。[[A]]", "g2_judgment": "アシスタントBが良い。[[B]]",
            "g1_winner": g1, "g2_winner": g2}


def test_ja_vicuna_keeps_pairs_both_orders_agree_on_with_that_orders_judgment(tmp_path):
    rows = [vicuna_row(1, "model_1", "model_1"), vicuna_row(2, "model_2", "model_2"), vicuna_row(3, "model_1", "model_2"),
            vicuna_row(4, "tie", "tie"), vicuna_row(5, "model_1", "model_1"), vicuna_row(6, "tie", "model_1")]
    write_jsonl(tmp_path / ja_vicuna_qa.JUDGMENTS / "pairwise:x_y.jsonl", rows)
    result = ja_vicuna_qa.load(tmp_path)
    assert [int(e.provenance.question_id.split(":")[1]) for e in result.pairwise] == [1, 2, 5]
    assert sorted(s.reason.split(" (")[0] for s in result.skipped) == [
        "both orders judged a tie", "the two orders disagree", "the two orders disagree"]
    assert sorted(e.gold for e in result.pairwise) in (["A", "A", "B"], ["A", "B", "B"])  # positions balanced
    for ex in result.pairwise:
        qid = ex.provenance.question_id.split(":")[1]
        winner = f"回答二{qid}" if qid == "2" else f"回答一{qid}"
        assert (ex.item.response_a if ex.gold == "A" else ex.item.response_b) == winner and ex.item.language == "ja"
        # the feedback is the judgment written for the order shown: g1 (answer_1 at A) or g2 (swapped)
        g1_order = ex.item.response_a.startswith("回答一")
        assert ex.gold_feedback == ("アシスタントAが良い。" if g1_order else "アシスタントBが良い。")
        assert ex.provenance.same_as == (f"vicuna:{qid}",)
    both = ja_vicuna_qa.load(tmp_path, both_orders=True).pairwise
    assert len(both) == 6 and sorted(e.gold for e in both) == ["A"] * 3 + ["B"] * 3
    assert {(e.item.response_a, e.item.response_b) for e in both[:2]} == {("回答一1", "回答二1"), ("回答二1", "回答一1")}


def test_japanese_side_names_make_a_swapped_copy_label_only():
    """アシスタントA cannot be exchanged as "Response A" is: the swapped copy must not keep the old feedback."""
    from judgesmith.data.schema import PairwiseExample
    from judgesmith.records import PairwiseItem

    item = PairwiseItem(id="p", instruction="q", response_a="a", response_b="b", rubric=preset("helpfulness"))
    ex = PairwiseExample(item, "A", Provenance("s", "f", 0, "q"), gold_feedback="アシスタントAが良い。")
    swapped = swap_example(ex)
    assert swapped.gold == "B" and swapped.gold_feedback is None


def shroom_row(i, text, spans, lang="DE"):
    return {"id": f"val-{lang.lower()}-{i}", "lang": lang, "model_input": f"Frage {i}?", "model_output_text": text,
            "hard_labels": spans, "soft_labels": []}


def test_mu_shroom_gold_from_the_hallucinated_share_and_language_from_the_row(tmp_path):
    text = "x" * 100
    rows = [shroom_row(0, text, []), shroom_row(1, text, [[0, 10]]), shroom_row(2, text, [[0, 20], [10, 25]]),
            shroom_row(3, text, [[50, 100]]), shroom_row(4, text, [[0, 51]]), shroom_row(5, text, [[90, 120]]),
            shroom_row(6, "  ", [])]
    write_jsonl(tmp_path / "mushroom.de-val.v2.extra.jsonl", rows)
    result = mu_shroom.load(tmp_path)
    assert [e.gold_score for e in result.absolute] == [5.0, 4.0, 3.0, 2.0, 1.0]  # overlapping spans counted once
    assert {e.item.language for e in result.absolute} == {"de"}
    assert result.absolute[0].item.rubric == preset("factual_validity") and result.absolute[0].item.context is None
    assert [s.row for s in result.skipped] == [5, 6] and "inside" in result.skipped[0].reason
    write_jsonl(tmp_path / "mushroom.fi-val.v2.extra.jsonl", [shroom_row(0, text, [], lang="FI")])
    assert [e.item.language for e in mu_shroom.load(tmp_path, language="fi").absolute] == ["fi"]
    write_jsonl(tmp_path / "mushroom.sv-val.v2.extra.jsonl", [shroom_row(0, text, [], lang="FI")])
    assert "file named for 'sv'" in mu_shroom.load(tmp_path, language="sv").skipped[0].reason


def kudge_files(folder):
    folder.mkdir()
    query = ("###Task Description:\nX\n\n###The instruction to evaluate:\n{q}\n\n###Response to evaluate:\n{r}\n\n"
             "###Reference Answer (Score 5):\n참고\n\n###Score Rubrics:\n[정확한가?]\nScore 1: 나쁨\nScore 2: b\n"
             "Score 3: c\nScore 4: d\nScore 5: 좋음\n\n###Feedback:")
    pairs = [{"instruction": "질문1", "original_response": "원래 답", "response_with_false_info": "거짓 답", "winner": "B"},
             {"instruction": "질문2", "original_response": "같은 답", "response_with_false_info": " 같은  답", "winner": "A"}]
    points = [{"instruction": p["instruction"], "response": p["response_with_false_info"], "original_human_score": "5.0",
               "judge_query": query.format(q=p["instruction"], r=p["response_with_false_info"])} for p in pairs]
    for name, rows in ((kudge.PAIRWISE, pairs), (kudge.POINTWISE, points)):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        (folder / f"{name}.gz").write_bytes(gzip.compress(out.getvalue().encode()))
    return folder


def test_kudge_pairs_prefer_the_original_and_pointwise_rows_become_two_binary_items(tmp_path):
    folder = kudge_files(tmp_path / "kudge")
    pairs = kudge.load(folder)
    [ex] = pairs.pairwise
    assert (ex.item.response_a if ex.gold == "A" else ex.item.response_b) == "원래 답" and ex.item.language == "ko"
    assert len(pairs.skipped) == 1 and "same text" in pairs.skipped[0].reason
    absolute = kudge.load(folder, kind="absolute")
    assert [(e.item.response, e.gold_score) for e in absolute.absolute] == [("원래 답", 5.0), ("거짓 답", 1.0)]
    assert absolute.absolute[0].item.rubric.criteria == "정확한가?" and absolute.absolute[0].item.reference_answer == "참고"
    with pytest.raises(ValueError, match="kind must be one of"):
        kudge.load(folder, kind="both")


def english(qid, text):
    item = AbsoluteItem(id=f"en-{qid}", instruction=text, response="r", rubric=preset("helpfulness"))
    return AbsoluteExample(item, 3.0, Provenance("mt_bench", "f", 0, f"mt_bench:{qid}"))


def translated(qid, text, same_as):
    item = AbsoluteItem(id=f"ja-{qid}", instruction=text, response="r", rubric=preset("helpfulness"), language="ja")
    return AbsoluteExample(item, 3.0, Provenance("ja_mt_bench", "f", 0, f"ja_mt_bench:{qid}", same_as=(same_as,)))


def test_a_translation_and_its_original_stay_on_one_side_of_splits_and_decontamination():
    ens = [english(80 + i, f"English question number {i} about things") for i in range(1, 21)]
    jas = [translated(i, f"日本語の質問{i}", f"mt_bench:{80 + i}") for i in range(1, 21)]
    for seed in range(3):
        train, held = split_by_question(ens + jas, 0.5, seed)
        side = {e.provenance.question_id: e in train for e in train + held}
        assert all(side[f"mt_bench:{80 + i}"] == side[f"ja_mt_bench:{i}"] for i in range(1, 21))
    kept, report = decontaminate(ens, {"ja_mt_bench_heldout": jas[:5]}, drop=["ja_mt_bench_heldout"])
    assert sorted(report.dropped_ids) == [f"en-{80 + i}" for i in range(1, 6)] and len(kept) == 15
    without = [translated(i, f"日本語の質問{i}", "none") for i in range(1, 6)]
    assert decontaminate(ens, {"x": without}, drop=["x"])[1].dropped_ids == []  # the link, not the text, found them


MULTILINGUAL = {"ja_mt_bench": ("absolute", {"ja"}), "ja_mt_bench_heldout": ("absolute", {"ja"}),
                "ja_vicuna_qa": ("pairwise", {"ja"}), "kudge_pairwise": ("pairwise", {"ko"}),
                "kudge_pointwise": ("absolute", {"ko"}), "mu_shroom": ("absolute", set(mu_shroom.VAL_LANGUAGES)),
                **{f"mu_shroom_{lang}": ("absolute", {lang}) for lang in mu_shroom.LANGUAGES}}


@pytest.mark.parametrize("name", sorted(MULTILINGUAL))
def test_shared_multilingual_files_load_with_their_languages(name, data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))
    kind, languages = MULTILINGUAL[name]
    result = load_source(name)
    items = result.absolute if kind == "absolute" else result.pairwise
    assert len(items) >= 50 and not (result.pairwise if kind == "absolute" else result.absolute)
    assert {e.item.language for e in items} == languages
    assert len({e.item.id for e in items}) == len(items)
    if kind == "pairwise":
        assert {e.gold for e in items} == {"A", "B"}
    else:
        assert len({e.gold_score for e in items}) >= 2


def test_japanese_questions_link_to_the_english_files_questions(data_dir, monkeypatch):
    """Every same_as id names a question of the FastChat English file, and the split of ja_mt_bench follows it."""
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))
    english_ids = {}
    for bench, rel in FASTCHAT.items():
        for line in (data_dir / rel).read_text(encoding="utf-8").splitlines():
            english_ids[f"{bench}:{json.loads(line)['question_id']}"] = json.loads(line)["category"]
    train, held, vicuna = (load_source(n) for n in ("ja_mt_bench", "ja_mt_bench_heldout", "ja_vicuna_qa"))
    mt_links = {e.provenance.same_as[0] for e in train.absolute + held.absolute}
    vicuna_links = {e.provenance.same_as[0] for e in vicuna.pairwise}
    # all 80 MT-Bench questions; Vicuna 69 loses all six of its pairs to disagreeing orders
    assert mt_links | vicuna_links <= set(english_ids) and len(mt_links) == 80 and len(vicuna_links) >= 75
    assert not {e.provenance.same_as for e in train.absolute} & {e.provenance.same_as for e in held.absolute}
    roleplay = [e for e in held.absolute + train.absolute if e.provenance.question_id == "ja_mt_bench:51"]
    assert roleplay and english_ids[roleplay[0].provenance.same_as[0]] == "roleplay"
    assert len(vicuna.pairwise) + sum("disagree" in s.reason or "tie" in s.reason for s in vicuna.skipped) == 480
