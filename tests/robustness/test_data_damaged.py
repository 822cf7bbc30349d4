"""Issue 28 item 4: damaged data never goes unnoticed in `judgesmith data build`.

Every file read reports rows read / kept / dropped; a source or a decontamination benchmark that gives
no rows is an error unless the recipe marks it optional; a truncated gzip or a bad byte names the file;
JSON lines end at `\\n` only, so a raw U+2028 / U+0085 inside a string does not split a row.
"""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from judgesmith.cli import main

QUESTIONS = ["How can I improve my time management skills?", "Name three primary colors used in painting.",
             "Explain photosynthesis to a child.", "What causes the seasons on Earth?",
             "Give me a recipe for pancakes.", "Why is the sky blue?"]


def rows(n: int, text: str = "") -> list[dict]:
    return [{"instruction": QUESTIONS[i % len(QUESTIONS)] + f" ({i})", "response": f"Answer {i}.{text}",
             "score": 1 + i % 5, "feedback": "Fine."} for i in range(n)]


def write_jsonl(path: Path, records: list[dict], gz: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def recipe(tmp_path: Path, source: str, bench: str | None = None, extra: str = "", bench_extra: str = "") -> Path:
    drop = f"""
  drop:
    - {{name: mybench, loader: generic, path: {bench}{bench_extra}}}""" if bench else "\n  drop: []"
    text = f"""
seed: 1
sources:
  - name: own
    loader: generic
    path: {source}{extra}
split: {{eval_fraction: 0.2}}
decontamination:
  check: drop_only{drop}
"""
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    return path


def build(tmp_path: Path, recipe_path: Path) -> int:
    return main(["data", "build", "--recipe", str(recipe_path), "--out", str(tmp_path / "out")])


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


def test_an_empty_benchmark_file_is_an_error_unless_optional(tmp_path, caplog):
    write_jsonl(tmp_path / "own.jsonl", rows(12))
    (tmp_path / "bench.jsonl").write_bytes(b"")
    assert build(tmp_path, recipe(tmp_path, "own.jsonl", "bench.jsonl")) == 2
    (message,) = errors(caplog)
    assert "decontamination benchmark mybench" in message and "bench.jsonl gave no rows" in message
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert build(tmp_path, recipe(tmp_path, "own.jsonl", "bench.jsonl", bench_extra=", optional: true")) == 0
    assert "marked optional" in caplog.text


def test_an_empty_gzip_source_is_an_error_unless_optional(tmp_path, caplog):
    write_jsonl(tmp_path / "own.jsonl.gz", [], gz=True)
    assert build(tmp_path, recipe(tmp_path, "own.jsonl.gz")) == 2
    (message,) = errors(caplog)
    assert "source own" in message and "own.jsonl.gz gave no rows" in message and "optional: true" in message


def test_a_truncated_gzip_names_the_file(tmp_path, caplog):
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in rows(200)))
    (tmp_path / "own.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    assert build(tmp_path, recipe(tmp_path, "own.jsonl.gz")) == 2
    (message,) = errors(caplog)
    assert "own.jsonl.gz" in message and "damaged or cut short" in message


def test_a_bad_byte_spoils_one_row_in_jsonl_and_names_a_json_list(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    lines = [json.dumps(r).encode() for r in rows(10)]
    lines[4] = lines[4].replace(b"Answer 4.", b"Answer \xff4.")
    (tmp_path / "own.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert build(tmp_path, recipe(tmp_path, "own.jsonl")) == 0
    (source,) = json.loads((tmp_path / "out" / "manifest.json").read_text())["sources"]
    assert (source["rows_read"], source["absolute"], source["skipped"]) == (10, 9, 1)
    assert "own.jsonl): 10 rows read, 9 kept (9 absolute, 0 pairwise), 1 dropped" in caplog.text
    as_list = json.dumps(rows(10)).encode().replace(b"Answer 4.", b"Answer \xff4.")
    (tmp_path / "list.json").write_bytes(as_list)
    caplog.clear()
    assert build(tmp_path, recipe(tmp_path, "list.json")) == 2
    (message,) = errors(caplog)
    assert "list.json" in message and "not valid UTF-8" in message


@pytest.mark.parametrize("char", ["\u2028", "\u0085", "\u2029", "\x1c"])
def test_a_line_separator_inside_a_string_does_not_split_the_row(tmp_path, char):
    write_jsonl(tmp_path / "own.jsonl", rows(10, text=f" one{char}two"))
    assert build(tmp_path, recipe(tmp_path, "own.jsonl")) == 0
    (source,) = json.loads((tmp_path / "out" / "manifest.json").read_text())["sources"]
    assert (source["absolute"], source["skipped"]) == (10, 0)  # not 20 halves "not valid JSON"
    assert source["rows_read"] == 10
