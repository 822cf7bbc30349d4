"""Issue 28 item 1 (and the errors-file parts of item 6): `--errors` names the run's own file, never the user's.

A path that exists and was not written by judgesmith is refused before anything is touched; the null
device discards entries and is never replaced or removed; two runs sharing one errors file keep each
other's entries; a write that fails (a full disk) leaves no temp file and ends in one line.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from judgesmith.cli import main
from judgesmith.jsonio import read_jsonl


def write_items(path: Path, n: int, bad_at: tuple[int, ...] = ()) -> Path:
    lines = []
    for i in range(n):
        lines.append("{broken" if i in bad_at else json.dumps({"id": f"q{i}", "instruction": f"Question {i}?",
                                                                "response": f"Answer {i}."}))
    path.write_text("\n".join(lines) + "\n")
    return path


def judge(model, inp, out, *extra) -> int:
    return main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(model),
                 "--mode", "score", "--batch-size", "2", *extra])


@pytest.mark.parametrize("bad_at", [(), (1,)], ids=["nothing-to-report", "a-bad-line"])
def test_a_users_file_named_as_errors_file_is_refused_and_kept(tmp_path, tiny_model_dir, caplog, bad_at):
    precious = tmp_path / "precious.txt"
    precious.write_text("notes I must not lose\n")
    inp, out = write_items(tmp_path / "in.jsonl", 3, bad_at), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out, "--errors", str(precious)) == 2
    assert precious.read_text() == "notes I must not lose\n"
    assert not out.exists(), "refused before anything is touched"
    assert "not an errors file written by judgesmith" in caplog.text


def test_an_empty_file_a_folder_and_a_fifo_are_refused(tmp_path, tiny_model_dir, caplog):
    inp, out = write_items(tmp_path / "in.jsonl", 2, (1,)), tmp_path / "out.jsonl"
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (empty, tmp_path, fifo):
        assert judge(tiny_model_dir, inp, out, "--errors", str(path)) == 2, path
    assert empty.read_bytes() == b"" and stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_null_device_discards_entries_and_stays(tmp_path, tiny_model_dir, monkeypatch):
    """A FIFO stands in for /dev/null (os.devnull points at it), so a failure cannot harm the real device."""
    fake_null = tmp_path / "null"
    os.mkfifo(fake_null)
    monkeypatch.setattr(os, "devnull", str(fake_null))
    for bad_at in ((1,), ()):  # a run with entries, then one without
        inp, out = write_items(tmp_path / "in.jsonl", 3, bad_at), tmp_path / "out.jsonl"
        assert judge(tiny_model_dir, inp, out, "--errors", str(fake_null)) == 0
        assert stat.S_ISFIFO(os.lstat(fake_null).st_mode), "the device was replaced or removed"
    assert not Path(f"{out}.errors.jsonl").exists()


def test_two_runs_sharing_one_errors_file_keep_each_others_entries(tmp_path, tiny_model_dir):
    errors = tmp_path / "shared-errors.jsonl"
    first, second = write_items(tmp_path / "a.jsonl", 4, (1,)), write_items(tmp_path / "b.jsonl", 4, (2, 3))
    out_a, out_b = tmp_path / "a-out.jsonl", tmp_path / "b-out.jsonl"
    assert judge(tiny_model_dir, first, out_a, "--errors", str(errors)) == 0
    assert judge(tiny_model_dir, second, out_b, "--errors", str(errors)) == 0
    by_output = {}
    for e in read_jsonl(errors):
        by_output.setdefault(Path(e["output"]).name, []).append(e["line"])
    assert by_output == {"a-out.jsonl": [2], "b-out.jsonl": [3, 4]}
    write_items(first, 4)  # the first input is fixed: only its entries go
    assert judge(tiny_model_dir, first, out_a, "--errors", str(errors)) == 0
    assert [(Path(e["output"]).name, e["line"]) for e in read_jsonl(errors)] == [("b-out.jsonl", 3), ("b-out.jsonl", 4)]


def test_a_full_disk_leaves_no_temp_file_and_ends_in_one_line(tmp_path, tiny_model_dir, monkeypatch, caplog):
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file is being synced")
    real_fsync = os.fsync

    def fsync(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        if target.endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device", target)
        return real_fsync(fd)

    inp, out = write_items(tmp_path / "in.jsonl", 3, (1,)), tmp_path / "out" / "out.jsonl"
    monkeypatch.setattr(os, "fsync", fsync)
    assert judge(tiny_model_dir, inp, out) == 2
    assert list(out.parent.glob("*.tmp")) == [] and list(out.parent.glob(".*.tmp")) == []
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "disk is full" in errors[0].getMessage()
    assert "Traceback" not in caplog.text
