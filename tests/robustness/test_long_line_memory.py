"""Issue 28 item 2: one long line must not take gigabytes: lengths are checked before whole texts are tokenized.

A 20 MB `response` took 5.5 GB and 55 s because it was tokenized before being rejected (about 270
bytes per input byte). The guard now bounds the token count from the characters (no token covers
more than `max_token_chars`) and tokenizes only what can fit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import judgesmith
from judgesmith.jsonio import read_jsonl
from judgesmith.judge.engine import Judge, JudgeConfig
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

SRC = str(Path(judgesmith.__file__).resolve().parents[1])
HUGE = "word " * 400_000  # 2 M characters: far over any limit here


class Spy:
    """Wraps a tokenizer and records the longest text it was asked to tokenize."""

    def __init__(self, tokenizer):
        self.tokenizer, self.longest = tokenizer, 0

    def __call__(self, text, *args, **kwargs):
        texts = [text] if isinstance(text, str) else list(text)
        self.longest = max([self.longest, *map(len, texts)])
        return self.tokenizer(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


@pytest.fixture()
def spied(tiny_backend, monkeypatch):
    spy = Spy(tiny_backend.tokenizer)
    monkeypatch.setattr(tiny_backend, "tokenizer", spy)
    return tiny_backend, spy


@pytest.mark.parametrize("overlong", ["reject", "truncate"])
def test_a_huge_response_is_never_tokenized_whole(spied, overlong):
    backend, spy = spied
    config = JudgeConfig(mode="score", batch_size=2, max_prompt_tokens=1000, overlong=overlong)
    items = [AbsoluteItem("small", "Q?", "A.", preset("helpfulness")),
             AbsoluteItem("huge", "Summarise this.", HUGE, preset("helpfulness"))]
    verdicts = Judge(backend, config).grade_absolute(items)
    assert verdicts[0].parse_ok
    assert spy.longest < 100_000, f"a text of {spy.longest} characters was tokenized"
    if overlong == "reject":
        assert not verdicts[1].parse_ok and "over the limit of 1000 tokens" in verdicts[1].error
    else:
        assert verdicts[1].parse_ok  # judged on the shortened response


def test_a_pair_with_a_huge_instruction_is_rejected_untokenized_even_when_truncating(spied):
    backend, spy = spied
    config = JudgeConfig(mode="score", max_prompt_tokens=1000, overlong="truncate")
    pair = PairwiseItem("p", HUGE, "A.", "B.", preset("helpfulness"))
    (verdict,) = Judge(backend, config).grade_pairwise([pair])
    assert not verdict.parse_ok and "cut to nothing" in verdict.error
    assert spy.longest < 100_000


MEASURE = textwrap.dedent("""
    import resource, sys
    from judgesmith.cli import main
    model, small, big, out = sys.argv[1:5]
    def run(inp):
        assert main(["judge", "absolute", "--input", inp, "--output", out + inp[-10:], "--model", model,
                     "--mode", "score", "--errors", out + ".errors.jsonl"]) == 0
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    before = run(small)
    after = run(big)
    print("RSS", before, after)
""")


@pytest.mark.slow  # ~20 s: two CLI runs in a fresh interpreter
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
def test_peak_memory_of_a_run_with_an_8_mb_line_grows_by_little_more_than_the_line(tmp_path, tiny_model_dir):
    small, big, out = tmp_path / "small.jsonl", tmp_path / "big.jsonl", tmp_path / "out.jsonl"
    good = [json.dumps({"id": f"s{i}", "instruction": "Q?", "response": f"A{i}."}) for i in range(2)]
    small.write_text("\n".join(good) + "\n")
    line = json.dumps({"id": "big", "instruction": "Summarise.", "response": "word " * (8 * 2**20 // 5)})
    big.write_text("\n".join([good[0], line, good[1]]) + "\n")
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(tiny_model_dir), str(small), str(big), str(out)],
                          capture_output=True, text=True, timeout=600, env={"PYTHONPATH": SRC, "PATH": "/usr/bin",
                                                                            "JUDGESMITH_THREADS": "1",
                                                                            "JUDGESMITH_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    before, after = (int(x) for x in proc.stdout.split("RSS")[1].split())
    grown_mb = (after - before) / 1024
    print(f"peak RSS grew by {grown_mb:.0f} MB")
    assert grown_mb < 150, f"peak RSS grew by {grown_mb:.0f} MB for an 8 MB line"
    (entry,) = read_jsonl(f"{out}.errors.jsonl")
    assert entry["id"] == "big" and entry["action"] == "skipped"
