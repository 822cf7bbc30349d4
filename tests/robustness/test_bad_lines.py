"""The bad-line corpus: 60+ kinds of bad lines among good ones, through the real `judgesmith judge` CLI.

Each bad line must become exactly one errors-file entry with its own line number and a reason that
starts with `line N:` and says what is wrong; every good line must be judged exactly once; and a
rerun must neither re-judge nor fail.
"""

from __future__ import annotations

import json

import pytest

from judgesmith.cli import main
from judgesmith.jsonio import read_items, read_jsonl
from judgesmith.rubrics import preset

GOOD_RUBRIC = {"criteria": "Is it right?", "score1_description": "no", "score5_description": "yes"}


def good(i: int, **extra) -> bytes:
    return json.dumps({"id": f"g{i}", "instruction": f"Question {i}?", "response": f"Answer {i}.",
                       **extra}).encode()


def item(**fields) -> bytes:
    base = {"id": "x", "instruction": "Q?", "response": "A."}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...}).encode()


def rubric_files(tmp_path):
    files = {
        "bad.yaml": "criteria: [unclosed\n  score1_description: :\n",
        "bad.json": '{"criteria": "x", ',
        "list.yaml": "- just\n- a list\n",
        "nocrit.json": '{"score1_description": "x"}',
        "latin1.yaml": None,
        "good.yaml": "criteria: Is it right?\nscore1_description: no\nscore5_description: yes\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes(b"criteria: caf\xe9\n")
        else:
            path.write_text(text)
    return {name: str(tmp_path / name) for name in files}


def corpus(tmp_path) -> list[tuple[bytes, str]]:
    """(raw line, expected reason fragment); fragment None marks a good line."""
    r = rubric_files(tmp_path)
    deep = b"[" * 100_000 + b"]" * 100_000
    lines: list[tuple[bytes, str | None]] = [
        (b"{not json", "not valid JSON"),
        (b"{}", "missing field 'instruction'"),
        (b"[1, 2]", "expected a JSON object"),
        (b'"a string"', "expected a JSON object"),
        (b"42", "expected a JSON object"),
        (b"null", "expected a JSON object"),
        (b"true", "expected a JSON object"),
        (item(response=...), "missing field 'response'"),
        (item(instruction=...), "missing field 'instruction'"),
        (item(response=5), "'response' must be a string"),
        (item(response=None), "missing field 'response'"),
        (item(response=["a"]), "'response' must be a string"),
        (item(response={"a": 1}), "'response' must be a string"),
        (item(instruction=""), "'instruction' is empty"),
        (item(response="  \n "), "'response' is empty"),
        (item(id=True), "'id' must be a string or integer"),
        (item(id=False), "'id' must be a string or integer"),
        (item(id=1.5), "'id' must be a string or integer"),
        (item(id=["a"]), "'id' must be a string or integer"),
        (item(id=None), "'id' must be a string or integer"),
        (item(id=""), "'id' is empty"),
        (item(id="g0"), "duplicate id"),
        (json.dumps({"id": 1, "instruction": "Q?", "response": "A."}).encode(), None),
        (json.dumps({"id": "1", "instruction": "Q?", "response": "A."}).encode(), "duplicate id"),
        (item(gold_score=True), "'gold_score' must be a number 1-5"),
        (item(gold_score=False), "'gold_score' must be a number 1-5"),
        (item(gold_score=0), "'gold_score' must be a number 1-5"),
        (item(gold_score=6), "'gold_score' must be a number 1-5"),
        (item(gold_score="4"), "'gold_score' must be a number 1-5"),
        (b'{"id": "nan", "instruction": "Q?", "response": "A.", "gold_score": NaN}', "'gold_score'"),
        (b'{"id": "inf", "instruction": "Q?", "response": "A.", "gold_score": Infinity}', "'gold_score'"),
        (b'{"id": "ninf", "instruction": "Q?", "response": "A.", "gold_score": -Infinity}', "'gold_score'"),
        (b'{"id": "big", "instruction": "Q?", "response": "A.", "gold_score": 1e400}', "'gold_score'"),
        (item(gold_score=[4]), "'gold_score' must be a number 1-5"),
        (item(rubric="no-such-preset"), "no-such-preset"),
        (item(rubric=str(tmp_path / "missing.yaml")), "does not exist"),
        (item(rubric=r["bad.yaml"]), "is not valid YAML"),
        (item(rubric=r["bad.json"]), "is not valid JSON"),
        (item(rubric=r["list.yaml"]), "expected a mapping"),
        (item(rubric=r["nocrit.json"]), "'criteria' must be a non-empty string"),
        (item(rubric=r["latin1.yaml"]), "is not UTF-8"),
        (item(rubric={"score1_description": "x"}), "'criteria' must be a non-empty string"),
        (item(rubric={"criteria": "c", "colour": "red"}), "unknown rubric fields"),
        (item(rubric={"criteria": 5}), "'criteria' must be a non-empty string"),
        (item(rubric=5), "expected a preset name"),
        (item(rubric=False), "expected a preset name"),
        (b'{"id": "s1", "instruction": "Q?", "response": "bad \\ud800 text"}', "lone surrogate"),
        (b'{"id": "\\udc00", "instruction": "Q?", "response": "A."}', "lone surrogate"),
        (b'{"id": "s3", "instruction": "\\udfff", "response": "A."}', "lone surrogate"),
        (b'{"id": "s4", "instruction": "Q?", "response": "A.", "reference_answer": "\\ud83d"}', "lone surrogate"),
        (b'{"id": "s5", "instruction": "Q?", "response": "A.", "rubric": {"criteria": "\\ud800"}}', "lone surrogate"),
        (b'{"id": "u1", "instruction": "Q?", "response": "caf\xe9"}', "not valid UTF-8"),
        (b'{"id": "u2", "instruction": "Q?", "response": "\xe2\x82"}', "not valid UTF-8"),
        (b'{"id": "u3", "instruction": "Q?", "response": "\xc0\xaf"}', "not valid UTF-8"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (deep, "nested too deeply"),
        (b'{"id": "d2", "instruction": "Q?", "response": ' + deep + b"}", "nested too deeply"),
        (item() + b" trailing", "not valid JSON"),
        (item(id="two") + item(id="objects"), "not valid JSON"),
        (item(id="cr1") + b"\r" + item(id="cr2"), "not valid JSON"),
        (b"\x00", "not valid JSON"),
        (b'{"id": "t1", "instruction": "Q?", "resp', "not valid JSON"),
        (item(reference_answer=3), "'reference_answer' must be a string"),
        (item(context=["a"]), "'context' must be a string"),
        (b'{"id": "nanr", "instruction": "Q?", "response": NaN}', "'response' must be a string"),
        (b'{"id": ' + b"1" * 5000 + b', "instruction": "Q?", "response": "A."}', "4300 digits"),
        (b"\xef\xbb\xbf" + item(id="bom-later"), "not valid JSON"),
        (item(id="long", response="word " * 3000), "over the limit"),
        (item(id="g_rubric_file", rubric=r["good.yaml"]), None),
        (item(id="g_rubric_inline", rubric=GOOD_RUBRIC), None),
        (item(id="g_gold", gold_score=4.5), None),
        (item(id="g_int_gold", gold_score=2), None),
        (item(id="g_unicode", response="caf\u00e9 \U0001F600 \u4e2d\u6587"), None),
        (item(id="g_crlf") + b"\r", None),
        (b"   ", None),
    ]
    return lines


def build_input(tmp_path) -> tuple[list[tuple[int, bytes, str | None]], bytes]:
    """Good lines between the bad ones; line 1 starts with a UTF-8 BOM and is good."""
    numbered, out = [], []
    entries = [(b"\xef\xbb\xbf" + good(0), None)]
    for k, (raw, why) in enumerate(corpus(tmp_path), start=1):
        entries.append((raw, why))
        if k % 5 == 0:
            entries.append((good(k), None))
    for n, (raw, why) in enumerate(entries, start=1):
        numbered.append((n, raw, why))
        out.append(raw)
    return numbered, b"\n".join(out) + b"\n"


def run_cli(tiny_model_dir, inp, out, *extra) -> int:
    return main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(tiny_model_dir),
                 "--mode", "score", "--batch-size", "4", "--max-prompt-tokens", "1500",
                 "--rubric-dir", str(inp.parent), *extra])


def test_corpus_has_at_least_50_kinds_of_bad_lines(tmp_path):
    assert sum(1 for _, why in corpus(tmp_path) if why) >= 50


def test_every_bad_line_is_one_entry_and_the_run_goes_on(tmp_path, tiny_model_dir):
    numbered, data = build_input(tmp_path)
    inp, out = tmp_path / "in.jsonl", tmp_path / "out" / "verdicts.jsonl"
    inp.write_bytes(data)
    assert run_cli(tiny_model_dir, inp, out) == 0
    errors = list(read_jsonl(str(out) + ".errors.jsonl"))
    expected_bad = {n: why for n, raw, why in numbered if why}
    assert [e["line"] for e in errors] == sorted(expected_bad), "one entry per bad line, right line numbers"
    for e in errors:
        assert e["reason"].startswith(f"line {e['line']}: "), e
        assert expected_bad[e["line"]] in e["reason"], (e, expected_bad[e["line"]])
    good_ids = {json.loads(raw.lstrip(b"\xef\xbb\xbf")).get("id") for n, raw, why in numbered
                if why is None and raw.strip()}
    verdict_ids = [v["id"] for v in read_jsonl(out)]
    assert sorted(verdict_ids) == sorted(str(i) for i in good_ids)
    assert all(v["parse_ok"] for v in read_jsonl(out))
    before = out.read_bytes()
    assert run_cli(tiny_model_dir, inp, out) == 0  # rerun: nothing re-judged, same errors
    assert out.read_bytes() == before
    assert [e["line"] for e in read_jsonl(str(out) + ".errors.jsonl")] == sorted(expected_bad)


def test_lone_cr_keeps_line_numbers(tmp_path):
    lines = [good(1), item(id="a") + b"\r" + item(id="b"), b"{broken", good(2)]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rows, bad = read_items(path, "absolute", preset("helpfulness"))
    assert [b.line for b in bad] == [2, 3]
    assert [(r.item.id, r.line) for r in rows] == [("g1", 1), ("g2", 4)]


def test_bom_only_allowed_at_start_and_crlf_lines_parse(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + good(1) + b"\r\n" + good(2) + b"\r\n")
    rows, bad = read_items(path, "absolute", preset("helpfulness"))
    assert [r.item.id for r in rows] == ["g1", "g2"] and bad == []


@pytest.mark.parametrize("value", [True, 1.0, None])
def test_id_and_gold_types_are_exact(tmp_path, value):
    path = tmp_path / "in.jsonl"
    path.write_bytes(item(id=value) + b"\n" + item(id="ok", gold_score=value) + b"\n")
    rows, bad = read_items(path, "absolute", preset("helpfulness"))
    if value is None:  # explicit null id is an error; null gold means "no gold"
        assert [b.line for b in bad] == [1] and rows[0].gold is None
    elif value is True:
        assert [b.line for b in bad] == [1, 2]
    else:  # 1.0 is no valid id, but a valid gold score
        assert [b.line for b in bad] == [1] and rows[0].gold == 1.0


def test_pairwise_bad_lines(tmp_path):
    pair = {"id": "p", "instruction": "Q?", "response_a": "A", "response_b": "B"}
    lines = [json.dumps(pair), json.dumps({**pair, "id": "p2", "gold": "C"}),
             json.dumps({**pair, "id": "p3", "gold": True}), json.dumps({**pair, "id": "p4", "response_b": None}), '{"id": "p5", "instruction": "Q?", '
             '"response_a": "\\ud800", "response_b": "B"}', json.dumps({**pair, "id": "p6", "gold": "tie"})]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    rows, bad = read_items(path, "pairwise", preset("helpfulness"))
    assert [r.item.id for r in rows] == ["p", "p6"]
    assert [b.line for b in bad] == [2, 3, 4, 5]
    assert all(b.reason.startswith(f"line {b.line}: ") for b in bad)
