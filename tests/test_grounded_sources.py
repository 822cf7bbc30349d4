"""Grounded loaders on small files shaped like upstream's: labels, splits by document, budgets, pairs."""

import gzip
import json

import pytest

from judgesmith.data.sources import load_source
from judgesmith.data.sources.grounded import (
    attributionbench, begin, dialfact, felm, halueval, memerag, qags, summedits, uhgeval, wice,
)
from judgesmith.data.sources.grounded.common import in_part, join_passages
from judgesmith.metrics.binary import supported
from judgesmith.rubrics import preset


def write_jsonl(path, rows, gz=False):
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def summedits_rows():
    doc1, doc2 = "The cat sat on the mat in Paris. " * 5, "Revenue grew 4% in 2021. " * 5
    return [
        {"id": "d1", "doc": doc1, "summary": "A cat sat in Paris.", "label": 1, "original_summary": "O1", "split": "test"},
        {"id": "d1", "doc": doc1, "summary": "A dog sat in Paris.", "label": 0, "original_summary": "O1", "split": "test"},
        {"id": "d1", "doc": doc1, "summary": "A cat sat in Rome.", "label": "0", "original_summary": "O1", "split": "test"},
        {"id": "d2", "doc": doc2, "summary": "Revenue grew 4%.", "label": "1", "original_summary": "O2",
         "split": "evaluation"},
        {"id": "d2", "doc": doc2, "summary": "Revenue fell 4%.", "label": 0, "original_summary": "O2",
         "split": "evaluation"},
    ]


def test_summedits_labels_splits_and_document_groups(tmp_path):
    folder = tmp_path / "summedits"
    folder.mkdir()
    write_jsonl(folder / "summedits_news.json.gz", summedits_rows(), gz=True)
    train = summedits.load(folder, split="test")
    bench = summedits.load(folder, split="evaluation")
    assert [e.gold_score for e in train.absolute] == [5.0, 1.0, 1.0]
    assert [e.gold_score for e in bench.absolute] == [5.0, 1.0]
    assert len({e.item.id for e in train.absolute + bench.absolute}) == 5  # upstream ids repeat per document
    assert len({e.provenance.question_id for e in train.absolute}) == 1  # one document, one group
    assert not {e.provenance.question_id for e in train.absolute} & {e.provenance.question_id for e in bench.absolute}
    item = train.absolute[0].item
    assert item.rubric == preset("faithfulness") and item.context.startswith("The cat") and item.response == "A cat sat in Paris."
    with pytest.raises(ValueError, match="split must be one of"):
        summedits.load(folder, split="dev")


def test_summedits_pairs_put_a_consistent_and_an_inconsistent_edit_of_one_summary_together(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    write_jsonl(folder / "summedits_news.json", summedits_rows())
    result = summedits.load(folder, split="test", pairs=True, pairs_per_summary=5)
    assert len(result.pairwise) == 2  # one consistent x two inconsistent edits of O1
    for ex in result.pairwise:
        winner = ex.item.response_a if ex.gold == "A" else ex.item.response_b
        assert winner == "A cat sat in Paris."
        assert ex.item.context == summedits_rows()[0]["doc"]
    assert len({e.item.id for e in result.pairwise}) == 2


def test_a_context_over_the_budget_is_skipped_with_the_reason_never_cut(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    write_jsonl(folder / "summedits_news.json", summedits_rows())
    result = summedits.load(folder, split=None, max_context_words=30)
    assert [len(e.item.context.split()) for e in result.absolute] == [25, 25]  # doc2 (25 words) kept whole
    assert len(result.skipped) == 3 and all("over the budget of 30" in s.reason for s in result.skipped)


def test_wice_partially_supported_is_three_and_reads_as_not_supported(tmp_path):
    rows = [{"label": lab, "claim": f"claim {i}", "evidence": ["Sentence one.", "Sentence two."],
             "meta": {"id": "dev1", "claim_title": "Roger"}} for i, lab in
            enumerate(["supported", "partially_supported", "not_supported"])]
    path = write_jsonl(tmp_path / "dev.jsonl", rows)
    result = wice.load(path)
    assert [e.gold_score for e in result.absolute] == [5.0, 3.0, 1.0]
    assert [supported(e.gold_score) for e in result.absolute] == [True, False, False]
    assert result.absolute[0].item.context == "Sentence one.\n\nSentence two."
    assert "Roger" in result.absolute[0].item.instruction
    assert len({e.item.id for e in result.absolute}) == 3  # the upstream id repeats across sub-claims
    assert [e.gold_score for e in wice.load(path, partial=None).absolute] == [5.0, 1.0]
    bad = write_jsonl(tmp_path / "bad.jsonl", [{**rows[0], "label": "maybe"}])
    assert "must be one of" in wice.load(bad).skipped[0].reason


def test_begin_skips_generic_responses_and_reads_gzipped_tsv(tmp_path):
    head = "model_name\tdata_source\tknowledge\tmessage\tresponse\tbegin_label\n"
    body = ("m\twow\tParis is the capital of France.\tWhere to go?\tParis is France's capital.\tFully attributable\n"
            "m\twow\tParis is the capital of France.\tWhere to go?\tLyon is the capital.\tNot fully attributable\n"
            "m\twow\tParis is the capital of France.\tWhere to go?\tThat's cool!\tGeneric\n")
    folder = tmp_path / "wow"
    folder.mkdir()
    (folder / "begin_dev_wow.tsv.gz").write_bytes(gzip.compress((head + body).encode()))
    result = begin.load(tmp_path)
    assert [e.gold_score for e in result.absolute] == [5.0, 1.0]
    assert len(result.skipped) == 1 and "Generic" in result.skipped[0].reason
    assert result.absolute[0].item.instruction == "Where to go?"


def test_attributionbench_and_dialfact_labels(tmp_path):
    rows = [{"question": "Who?", "claim": "Neil.", "references": ["Title: A\n\nNeil walked."],
             "attribution_label": lab, "id": f"x{i}"} for i, lab in enumerate(["attributable", "not attributable"])]
    assert [e.gold_score for e in attributionbench.load(write_jsonl(tmp_path / "a.jsonl", rows)).absolute] == [5.0, 1.0]
    rows = [{"id": f"d{i}", "context": ["Hi!", "Tell me about cheerleading."], "response": "ESPN aired it in 1997.",
             "evidence_touse": "ESPN broadcast it in 1997.", "response_label": lab}
            for i, lab in enumerate(["SUPPORTS", "NOT ENOUGH INFO", "REFUTES"])]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    assert [e.gold_score for e in dialfact.load(path).absolute] == [5.0, 2.0, 1.0]
    assert [e.gold_score for e in dialfact.load(path, nei=None).absolute] == [5.0, 1.0]


def test_memerag_one_item_per_sentence_undetermined_skipped_language_from_the_file(tmp_path):
    rows = [{"query_id": "7", "query": "Warum?", "context": [{"text": "Passage eins."}, {"text": "Passage zwei."}],
             "answer": [{"sentence": "Satz A.", "factuality": "Supported"},
                        {"sentence": "Satz B.", "factuality": "Challenging to determine"},
                        {"sentence": "Satz C.", "factuality": "Not Supported"}]}]
    result = memerag.load(write_jsonl(tmp_path / "de.jsonl.gz", rows, gz=True))
    assert [(e.item.response, e.gold_score) for e in result.absolute] == [("Satz A.", 5.0), ("Satz C.", 1.0)]
    assert {e.item.language for e in result.absolute} == {"de"}
    assert result.absolute[0].item.context == "Passage eins.\n\nPassage zwei."
    assert len(result.skipped) == 1 and "Challenging to determine" in result.skipped[0].reason


def test_halueval_parts_split_questions_disjointly_and_balance_positions(tmp_path):
    rows = [{"knowledge": f"Fact {i} is known.", "question": f"What is fact {i}?", "right_answer": f"R{i}",
             "hallucinated_answer": f"H{i} is a long plausible sentence."} for i in range(40)]
    path = write_jsonl(tmp_path / "qa.json", rows)
    train = halueval.load(path, part="train", name="a", absolute=True)
    held = halueval.load(path, part="heldout", name="b")  # another name must not change the split
    qs = lambda r: {e.item.instruction for e in r.pairwise}  # noqa: E731
    assert not qs(train) & qs(held) and len(qs(train) | qs(held)) == 40
    assert 0 < len(held.pairwise) < 40
    golds = [e.gold for e in train.pairwise]
    assert abs(golds.count("A") - golds.count("B")) <= 1
    for ex in train.pairwise:
        assert (ex.item.response_a if ex.gold == "A" else ex.item.response_b).startswith("R")
    assert sorted(e.gold_score for e in train.absolute) == [1.0] * len(train.pairwise) + [5.0] * len(train.pairwise)
    assert {e.provenance.question_id for e in train.absolute} == {e.provenance.question_id for e in train.pairwise}


def test_in_part_is_a_stable_complete_partition():
    keys = [f"q{i}" for i in range(500)]
    held = [k for k in keys if in_part(k, "heldout", 0.4)]
    assert all(in_part(k, "train", 0.4) != in_part(k, "heldout", 0.4) for k in keys)
    assert 150 < len(held) < 250 and held == [k for k in keys if in_part(k, "heldout", 0.4)]
    with pytest.raises(ValueError, match="part must be one of"):
        in_part("x", "test", 0.4)


def test_uhgeval_qags_felm(tmp_path):
    rows = [{"id": f"doc_{i}", "headLine": "标题", "newsBeginning": f"开头{i}", "realContinuation": "真的",
             "hallucinatedContinuation": "假的"} for i in range(10)]
    result = uhgeval.load(write_jsonl(tmp_path / "u.jsonl", rows))
    assert len(result.pairwise) == 10 and {e.item.language for e in result.pairwise} == {"zh"}
    for ex in result.pairwise:
        assert (ex.item.response_a if ex.gold == "A" else ex.item.response_b) == "真的"
    votes = lambda *v: [{"worker_id": k, "response": x} for k, x in enumerate(v)]  # noqa: E731
    rows = [{"article": "An article.", "summary_sentences": [
        {"sentence": "s1", "responses": votes("yes", "yes", "no")},
        {"sentence": "s2", "responses": votes("no", "no", "yes")},
        {"sentence": "s3", "responses": votes("yes", "no")}]}]
    folder = tmp_path / "qags"
    folder.mkdir()
    write_jsonl(folder / "mturk_xsum.jsonl", rows)
    assert [e.gold_score for e in qags.load(folder).absolute] == [5.0, 1.0]  # s3: no majority
    rows = [{"index": "0", "prompt": "Q?", "response": "A.", "labels": [True, True]},
            {"index": "1", "prompt": "Q2?", "response": "B.", "labels": [True, False]}]
    folder = tmp_path / "felm"
    folder.mkdir()
    write_jsonl(folder / "wk.jsonl", rows)
    got = felm.load(folder).absolute
    assert [e.gold_score for e in got] == [5.0, 1.0] and got[0].item.context is None


def test_join_passages_refuses_what_is_not_text():
    assert join_passages([{"title": "T", "text": "x"}, " ", "y"]) == "T\nx\n\ny"
    for bad in ([], [{"no": "text"}], [3], 5):
        with pytest.raises(ValueError):
            join_passages(bad)


GROUNDED_BENCH = ["summedits_eval", "wice_test", "attributionbench_test", "memerag_en", "memerag_de",
                  "memerag_es", "memerag_fr", "memerag_hi", "halueval_qa_heldout", "uhgeval_heldout",
                  "summedits_eval_pairs"]


@pytest.mark.parametrize("name", GROUNDED_BENCH)
def test_shared_grounded_bench_files_load_with_both_classes(name, data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))
    result = load_source(name)
    if result.pairwise:
        assert {e.gold for e in result.pairwise} == {"A", "B"} and len(result.pairwise) >= 100
    else:
        golds = [supported(e.gold_score) for e in result.absolute]
        assert golds.count(True) >= 90 and golds.count(False) >= 90, name
    items = result.absolute + result.pairwise
    assert len({e.item.id for e in items}) == len(items)
    assert all(e.item.context and e.item.context.strip() for e in items)


def test_training_and_bench_parts_of_shared_files_share_no_document(data_dir, monkeypatch):
    """The same file trains and benches only through disjoint parts: SummEdits splits, HaluEval/UHGEval parts."""
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))
    for train, bench in (("summedits", "summedits_eval"), ("halueval_qa", "halueval_qa_heldout"),
                         ("uhgeval", "uhgeval_heldout")):
        a, b = load_source(train), load_source(bench)
        docs = lambda r: {e.item.context for e in r.absolute + r.pairwise}  # noqa: E731
        assert docs(a) and docs(b) and not docs(a) & docs(b), (train, bench)
