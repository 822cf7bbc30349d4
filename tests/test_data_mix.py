"""`mix.token_share`: a source group's share of each training file's tokens, the recipe checks, and a
small build whose multilingual group lands at its share with tokens counted per language."""

import json
from collections import Counter

import pytest

from judgesmith.data.build import build
from judgesmith.data.mix import MAIN, apply_shares, group_of, record_text, token_counter, tokens_by_language
from judgesmith.data.recipe import Recipe


def rec(source, words, language=None):
    out = {"source": source, "prompt": [{"role": "user", "content": " ".join(["word"] * words)}],
           "completion": [{"role": "assistant", "content": "[RESULT] A"}]}
    return out | ({"language": language} if language else {})


def shares(records, groups, counts):
    tokens = Counter()
    for r, n in zip(records, counts):
        tokens[group_of(r, groups)] += n
    return {g: n / sum(tokens.values()) for g, n in tokens.items()}


@pytest.mark.parametrize("main_n,ml_n", [(400, 20), (30, 400)])  # either side may be the one sampled down
def test_the_group_gets_its_share_whichever_side_is_larger(main_n, ml_n):
    records = [rec("en", 20 + i % 7) for i in range(main_n)] + [rec("ja_mt_bench", 20 + i % 5, "ja") for i in range(ml_n)]
    records += [rec("ja_mt_bench_pairs", 25, "ja") for _ in range(ml_n // 4)]  # derived pairs join their source's group
    groups = {"ja_mt_bench": "multilingual"}
    counts = [len(record_text(r).encode()) // 4 for r in records]
    kept, info = apply_shares(records, {"multilingual": 0.2}, groups, counts, seed=0, name="t")
    by_id = {id(r): n for r, n in zip(records, counts)}
    got = shares(kept, groups, [by_id[id(r)] for r in kept])
    assert info["applied"] and got["multilingual"] == pytest.approx(0.2, abs=0.02)
    assert all(any(k is r for r in records) for k in kept)  # sampled, never repeated or changed
    larger = MAIN if main_n > ml_n else "multilingual"
    assert info["tokens_after"][larger] < info["tokens_before"][larger]
    smaller = "multilingual" if larger == MAIN else MAIN
    assert info["tokens_after"][smaller] == info["tokens_before"][smaller]  # the scarce side is kept whole
    again, _ = apply_shares(records, {"multilingual": 0.2}, groups, counts, seed=0, name="t")
    assert [id(r) for r in again] == [id(r) for r in kept]


def test_a_file_without_the_group_is_left_as_it_is():
    records = [rec("en", 10) for _ in range(5)]
    kept, info = apply_shares(records, {"multilingual": 0.2}, {"x": "multilingual"}, [10] * 5, 0, "t")
    assert kept == records and not info["applied"] and "multilingual" in info["why"]


def test_token_estimate_counts_japanese_by_bytes_not_spaces():
    count = token_counter(None)
    english, japanese = "the judge reads this sentence", "審査員はこの文を読みます"
    assert count([english])[0] == len(english) // 4 and count([japanese])[0] == len(japanese.encode()) // 4
    assert count([japanese])[0] > len(japanese.split())
    assert tokens_by_language([rec("a", 1, "ja"), rec("b", 1)], [3, 4]) == {"ja": 3, "unknown": 4}


def source(name, group=None, **more):
    return {"name": name, "loader": "generic", "path": f"{name}.jsonl", "options": {"kind": "pairwise"},
            **({"group": group} if group else {}), **more}


def test_recipe_checks_groups_and_shares():
    with pytest.raises(ValueError, match="no enabled source has `group: multilingual`"):
        Recipe(sources=[source("en")], mix={"token_share": {"multilingual": 0.2}})
    for bad in ({"multilingual": 1.0}, {"multilingual": 0.6, "other": 0.5}, {"main": 0.5}):
        with pytest.raises(ValueError, match="token_share"):
            Recipe(sources=[source("en", "multilingual"), source("x", "other")], mix={"token_share": bad})
    assert Recipe(sources=[source("en")]).mix.token_share == {}


def pairs_file(path, n, language, text):
    rows = [{"instruction": f"{text} {i}", "response_a": f"{text} a {i}", "response_b": f"{text} b {i}",
             "label": "A" if i % 2 else "B", **({"language": language} if language else {})} for i in range(n)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_a_build_holds_the_multilingual_group_at_its_share_and_counts_tokens_per_language(tmp_path):
    pairs_file(tmp_path / "en.jsonl", 300, None, "an English question about a topic")
    pairs_file(tmp_path / "ja.jsonl", 60, "ja", "日本語の質問です")
    recipe = Recipe(sources=[source("en"), source("ja", "multilingual")], split={"eval_fraction": 0.0},
                    decontamination={"enabled": False}, mix={"token_share": {"multilingual": 0.2}})
    manifest = build(recipe, tmp_path / "out", base=tmp_path)
    mix = manifest["splits"]["train"]["mix"]
    assert mix["tokens"] == "UTF-8 bytes / 4" and mix["pairwise"]["applied"]
    assert mix["pairwise"]["share_after"]["multilingual"] == pytest.approx(0.2, abs=0.02)
    written = [json.loads(line) for line in (tmp_path / "out" / "pairwise" / "train.jsonl").open(encoding="utf-8")]
    assert len(written) == mix["pairwise"]["records_after"] < 360
    assert {r.get("language") for r in written} == {None, "ja"}
    by_lang = mix["pairwise"]["tokens_by_language"]
    assert set(by_lang) == {"ja", "unknown"} and by_lang["ja"] / sum(by_lang.values()) == pytest.approx(0.2, abs=0.02)
    assert not mix["absolute"]["applied"]  # no absolute records at all: nothing to share


def test_a_files_held_out_part_is_checked_even_when_its_training_part_is_a_source():
    """ja_mt_bench (part train) trains and ja_mt_bench_heldout (part heldout) benches from one folder: the
    bench part must still be checked, or the English rows of its questions would stay in training."""
    from judgesmith.data.build import _file_key
    from judgesmith.data.recipe import BenchSpec, SourceSpec

    assert _file_key(SourceSpec(name="ja_mt_bench"), "f") != _file_key(BenchSpec(name="ja_mt_bench_heldout"), "f")
    assert _file_key(SourceSpec(name="mt_bench"), "f") == _file_key(BenchSpec(name="mt_bench"), "f")
