"""The verdicts file: torn-tail repair (also killed mid-repair), missing newline, one writer, clashing paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from judgesmith.appender import CHUNK, JsonlAppender, repair_tail
from judgesmith.cli import main
from judgesmith.jsonio import done_ids, read_jsonl

SRC = str(Path(__file__).resolve().parents[2] / "src")


def record(i: int) -> bytes:
    return json.dumps({"id": f"q{i}", "kind": "absolute", "score": 3, "parse_ok": True}).encode()


def write_items(path: Path, n: int) -> None:
    path.write_text("".join(json.dumps({"id": f"q{i}", "instruction": f"Question {i}?",
                                        "response": f"Answer {i}."}) + "\n" for i in range(n)))


def run_cli(model, inp, out, *extra) -> int:
    return main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(model),
                 "--mode", "score", "--batch-size", "2", *extra])


def repaired(path: Path) -> str | None:
    with open(path, "a+b") as fh:
        return repair_tail(fh)


def test_torn_tail_is_cut_and_complete_records_stay(tmp_path):
    path = tmp_path / "v.jsonl"
    body = b"\n".join(record(i) for i in range(5)) + b"\n"
    path.write_bytes(body + b'{"id": "q5", "kind": "abs')
    assert repaired(path) == "dropped"
    assert path.read_bytes() == body
    assert repaired(path) is None and path.read_bytes() == body


def test_complete_last_record_without_newline_is_kept(tmp_path):
    path = tmp_path / "v.jsonl"
    body = b"\n".join(record(i) for i in range(3))  # no final newline
    path.write_bytes(body)
    assert done_ids(path) == {"q0", "q1", "q2"}
    assert repaired(path) == "kept"
    assert path.read_bytes() == body + b"\n"
    assert done_ids(path) == {"q0", "q1", "q2"}


def test_tail_longer_than_a_read_chunk_and_a_file_of_one_torn_line(tmp_path):
    path = tmp_path / "v.jsonl"
    body = record(0) + b"\n"
    path.write_bytes(body + b'{"id": "x", "feedback": "' + b"y" * (3 * CHUNK))
    assert repaired(path) == "dropped" and path.read_bytes() == body
    path.write_bytes(b'{"id": "only", "feedb')
    assert repaired(path) == "dropped" and path.read_bytes() == b""


def test_torn_multibyte_character_is_a_torn_tail(tmp_path):
    path = tmp_path / "v.jsonl"
    body = record(0) + b"\n"
    path.write_bytes(body + '{"id": "q1", "feedback": "caf\u00e9"}'.encode()[:-3])
    assert repaired(path) == "dropped" and path.read_bytes() == body


KILLER = textwrap.dedent("""
    import os, signal, sys
    from judgesmith.appender import JsonlAppender
    real_truncate, real_write = os.ftruncate, os.write
    when = sys.argv[2]
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    def truncate(fd, n):
        if when == "before":
            die()
        real_truncate(fd, n)
        die()
    def write(fd, data):
        if when == "before":
            die()
        real_write(fd, data)
        die()
    os.ftruncate, os.write = truncate, write
    JsonlAppender(sys.argv[1])
    print("not killed")
""")


@pytest.mark.parametrize("tail", [b'{"id": "torn", "kind": "abs', None])
@pytest.mark.parametrize("when", ["before", "after"])
def test_kill_during_repair_loses_no_complete_record(tmp_path, tail, when):
    """A SIGKILL right before or right after the repair's one mutating call: every complete record survives."""
    path = tmp_path / "v.jsonl"
    records = [record(i) for i in range(1000)]
    path.write_bytes(b"\n".join(records) + (b"\n" + tail if tail else b""))
    env = {**os.environ, "PYTHONPATH": SRC}
    res = subprocess.run([sys.executable, "-c", KILLER, str(path), when], env=env, capture_output=True, text=True)
    assert res.returncode == -9, res.stderr
    assert done_ids(path) == {f"q{i}" for i in range(1000)}
    with JsonlAppender(path):  # the next run finishes the repair
        pass
    data = path.read_bytes()
    assert data == b"\n".join(records) + b"\n"


def test_resume_after_torn_and_newline_less_tails_judges_each_item_once(tmp_path, tiny_model_dir):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_items(inp, 5)
    assert run_cli(tiny_model_dir, inp, out, "--limit", "3") == 0
    data = out.read_bytes()
    out.write_bytes(data[:-1])  # q2's newline lost: a complete record without its newline
    assert run_cli(tiny_model_dir, inp, out, "--limit", "4") == 0
    assert sorted(v["id"] for v in read_jsonl(out)) == ["q0", "q1", "q2", "q3"]
    with open(out, "ab") as fh:
        fh.write(b'{"id": "q4", "kind": "absolute", "sco')  # torn mid-record
    assert run_cli(tiny_model_dir, inp, out) == 0
    assert sorted(v["id"] for v in read_jsonl(out)) == [f"q{i}" for i in range(5)]
    assert out.read_bytes().count(b"\n") == 5


HOLDER = textwrap.dedent("""
    import fcntl, sys, time
    fh = open(sys.argv[1], "a+b")
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(60)
""")


def test_second_run_on_the_same_output_is_refused_and_names_the_holder(tmp_path, tiny_model_dir, caplog):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_items(inp, 3)
    out.write_bytes(record(0) + b"\n")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.perf_counter()
        assert run_cli(tiny_model_dir, inp, out) == 2
        assert time.perf_counter() - start < 10  # refused at once, not waiting
    finally:
        holder.kill()
        holder.wait()
    assert "being written by another judgesmith run" in caplog.text
    assert f"process {holder.pid}" in caplog.text
    assert out.read_bytes() == record(0) + b"\n"  # untouched
    assert run_cli(tiny_model_dir, inp, out) == 0  # lock gone with its holder
    assert {v["id"] for v in read_jsonl(out)} == {"q0", "q1", "q2"}  # q0 had no item hash: judged again


def test_appender_holds_the_lock_until_closed(tmp_path):
    from judgesmith.appender import OutputLockedError

    path = tmp_path / "v.jsonl"
    with JsonlAppender(path) as first:
        first.write([{"id": "a"}])
        with pytest.raises(OutputLockedError, match=f"process {os.getpid()}"):
            JsonlAppender(path)
    with JsonlAppender(path) as again:
        again.write([{"id": "b"}])
    assert [d["id"] for d in read_jsonl(path)] == ["a", "b"]


@pytest.mark.parametrize("clash", ["errors=output", "output=input", "errors=input"])
def test_clashing_paths_are_refused_before_touching_anything(tmp_path, clash, caplog):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_items(inp, 2)
    out.write_bytes(record(0) + b"\n" + b'{"torn')
    before = {p: p.read_bytes() for p in (inp, out)}
    extra = {"errors=output": ["--errors", str(tmp_path / "." / "out.jsonl")],
             "output=input": [],
             "errors=input": ["--errors", str(inp)]}[clash]
    target = inp if clash == "output=input" else out
    code = main(["judge", "absolute", "--input", str(inp), "--output", str(target), "--model", "unused",
                 *extra])
    assert code == 2
    assert "Pass another" in caplog.text
    assert {p: p.read_bytes() for p in (inp, out)} == before


def test_errors_file_in_a_new_folder_and_stale_errors_removed(tmp_path, tiny_model_dir):
    inp = tmp_path / "in.jsonl"
    write_items(inp, 2)
    with open(inp, "a") as fh:
        fh.write("{bad\n")
    out, errors = tmp_path / "a" / "b" / "out.jsonl", tmp_path / "c" / "d" / "errors.jsonl"
    assert run_cli(tiny_model_dir, inp, out, "--errors", str(errors)) == 0
    assert [e["line"] for e in read_jsonl(errors)] == [3]
    write_items(inp, 2)  # fixed: a clean rerun
    assert run_cli(tiny_model_dir, inp, out, "--errors", str(errors)) == 0
    assert not errors.exists()
    assert sorted(v["id"] for v in read_jsonl(out)) == ["q0", "q1"]


@pytest.mark.slow
def test_repeated_kill_9_then_resume_judges_every_item_exactly_once(tmp_path, tiny_model_dir):
    """The real CLI in a subprocess, SIGKILLed three times mid-run; the fourth run completes the file."""
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_items(inp, 400)
    cmd = [sys.executable, "-m", "judgesmith.cli", "judge", "absolute", "--input", str(inp), "--output", str(out),
           "--model", str(tiny_model_dir), "--mode", "score", "--batch-size", "2"]
    env = {**os.environ, "PYTHONPATH": SRC, "JUDGESMITH_THREADS": "1"}
    for _ in range(3):
        before = len(done_ids(out))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(done_ids(out)) < before + 10 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    assert 0 < len(done_ids(out)) < 400
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    ids = [v["id"] for v in read_jsonl(out)]
    assert sorted(ids) == sorted(f"q{i}" for i in range(400))
    assert out.read_bytes().endswith(b"\n")
