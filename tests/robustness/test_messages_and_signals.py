"""Issue 28 item 6: no secrets in messages, rubric files only from --rubric-dir, one-line errors instead of
tracebacks, SIGTERM/SIGHUP stop with a message, clear --limit, and a server read timeout."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import judgesmith
from judgesmith.cli import main
from judgesmith.jsonio import done_ids, read_jsonl
from robustness.test_output_file import HOLDER  # a process that holds the output's lock

SRC = str(Path(judgesmith.__file__).resolve().parents[1])
SECRET = "sk-live-0123456789abcdef"


def write_items(path: Path, n: int, **extra) -> Path:
    path.write_text("".join(json.dumps({"id": f"q{i}", "instruction": f"Question {i}?", "response": f"Answer {i}.",
                                        **extra}) + "\n" for i in range(n)))
    return path


def judge(model, inp, out, *extra) -> int:
    return main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(model),
                 "--mode", "score", "--batch-size", "2", *extra])


def one_error_line(caplog) -> str:
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "\n" not in errors[0] and "Traceback" not in caplog.text, caplog.text
    return errors[0]


def test_the_lock_holders_command_line_is_shown_without_its_secrets(tmp_path, tiny_model_dir, caplog):
    inp, out = write_items(tmp_path / "in.jsonl", 2), tmp_path / "out.jsonl"
    (tmp_path / "h.py").write_text(HOLDER)
    holder = subprocess.Popen(["python3", "h.py", "out.jsonl", "--api-key", SECRET, f"--hf-token={SECRET}x",
                               "Authorization: Bearer tok-abcdef123456"], stdout=subprocess.PIPE, text=True,
                              cwd=tmp_path)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert judge(tiny_model_dir, inp, out) == 2
    finally:
        holder.kill()
        holder.wait()
    message = one_error_line(caplog)
    assert f"process {holder.pid}" in message and "--api-key ***" in message
    assert SECRET not in message and "tok-abcdef123456" not in message


def test_rubric_files_named_in_items_come_only_from_the_rubric_dir_and_are_never_quoted(tmp_path, tiny_model_dir):
    secrets = tmp_path / "private"
    secrets.mkdir()
    (secrets / "keys.yaml").write_text("aws_secret: hunter2-AKIA [unclosed\n")
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    (rubrics / "broken.yaml").write_text("criteria: ok\nsecret_line: hunter2-AKIA: [x\n")
    (rubrics / "odd.json").write_text(json.dumps({"criteria": "c", "hunter2_AKIA_key": "x"}))
    (rubrics / "good.yaml").write_text("criteria: Is it right?\nscore1_description: no\nscore5_description: yes\n")
    lines = [{"id": "abs", "rubric": str(secrets / "keys.yaml")}, {"id": "escape", "rubric": "../private/keys.yaml"},
             {"id": "broken", "rubric": "broken.yaml"}, {"id": "odd", "rubric": "odd.json"},
             {"id": "good", "rubric": "good.yaml"}]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("".join(json.dumps({"instruction": "Q?", "response": "A.", **d}) + "\n" for d in lines))
    assert judge(tiny_model_dir, inp, out) == 0  # no --rubric-dir: no item may name a rubric file
    reasons = {e["line"]: e["reason"] for e in read_jsonl(f"{out}.errors.jsonl")}
    assert sorted(reasons) == [1, 2, 3, 4, 5] and all("--rubric-dir" in r for r in reasons.values())
    assert judge(tiny_model_dir, inp, tmp_path / "out2.jsonl", "--rubric-dir", str(rubrics)) == 0
    text = Path(f"{tmp_path / 'out2.jsonl'}.errors.jsonl").read_text()
    reasons = {e["line"]: e["reason"] for e in read_jsonl(f"{tmp_path / 'out2.jsonl'}.errors.jsonl")}
    assert sorted(reasons) == [1, 2, 3, 4]
    assert "outside --rubric-dir" in reasons[1] and "outside --rubric-dir" in reasons[2]
    assert "is not valid YAML (at line 2" in reasons[3] and "unknown rubric fields (1)" in reasons[4]
    assert "hunter2" not in text and "AKIA" not in text
    assert done_ids(tmp_path / "out2.jsonl") == {"good"}


@contextmanager
def mounted_tmpfs(path: Path, options: str):
    """A small tmpfs (root only); skips the test where mounting is not allowed."""
    path.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and mount to make a read-only or full file system")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_read_only_output_folder_is_one_line(tmp_path, tiny_model_dir, caplog):
    inp = write_items(tmp_path / "in.jsonl", 2)
    with mounted_tmpfs(tmp_path / "ro", "ro,size=64k") as folder:
        assert judge(tiny_model_dir, inp, folder / "out.jsonl") == 2
    assert "read-only file system" in one_error_line(caplog)


def test_a_full_disk_is_one_line_and_leaves_no_temp_file(tmp_path, tiny_model_dir, caplog):
    inp = write_items(tmp_path / "in.jsonl", 40, rubric={"criteria": "x" * 2000})
    with mounted_tmpfs(tmp_path / "full", "size=16k") as folder:
        (folder / "filler").write_bytes(b"x" * (12 * 1024))
        assert judge(tiny_model_dir, inp, folder / "out.jsonl") == 2
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert "the disk is full" in one_error_line(caplog) and leftovers == []


@pytest.mark.parametrize("target", ["dev", "folder/", "file/inside"])
def test_output_that_cannot_be_a_verdicts_file_is_one_line(tmp_path, tiny_model_dir, caplog, target):
    inp = write_items(tmp_path / "in.jsonl", 2)
    (tmp_path / "file").write_text("x")
    name = {"dev": os.devnull, "folder/": str(tmp_path / "newfolder") + "/",
            "file/inside": str(tmp_path / "file" / "inside.jsonl")}[target]
    assert judge(tiny_model_dir, inp, name) == 2
    assert one_error_line(caplog).startswith("--output")
    assert not (tmp_path / "newfolder").exists()


class _Refuses(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - what an OpenAI-compatible server answers to a wrong key
        self.rfile.read(int(self.headers.get("content-length", 0)))
        key = self.headers.get("authorization", "").removeprefix("Bearer ")
        body = json.dumps({"error": {"message": f"Incorrect API key provided: {key}", "type": "invalid_request_error",
                                     "code": "invalid_api_key"}}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_wrong_openai_key_is_one_line_without_the_key(tmp_path, caplog):
    pytest.importorskip("openai")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refuses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        inp, out = write_items(tmp_path / "in.jsonl", 2), tmp_path / "out.jsonl"
        code = main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--backend", "openai",
                     "--model", "judge", "--base-url", f"http://127.0.0.1:{server.server_port}/v1",
                     "--api-key", SECRET])
    finally:
        server.shutdown()
    assert code == 2
    message = one_error_line(caplog)
    assert "refused the API key (HTTP 401)" in message and SECRET not in message


@pytest.mark.parametrize("value", ["0", "-2"])
def test_limit_zero_or_negative_is_refused(tmp_path, tiny_model_dir, capsys, value):
    inp, out = write_items(tmp_path / "in.jsonl", 3), tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as stop:
        judge(tiny_model_dir, inp, out, "--limit", value)
    assert stop.value.code == 2 and "--limit" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("sig", ["SIGTERM", pytest.param("SIGHUP", marks=pytest.mark.slow)])  # ~17 s each
def test_sigterm_and_sighup_stop_with_a_message_and_resume(tmp_path, tiny_model_dir, sig):
    inp, out = write_items(tmp_path / "in.jsonl", 400), tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "judgesmith.cli", "judge", "absolute", "--input", str(inp), "--output", str(out),
           "--model", str(tiny_model_dir), "--mode", "score", "--batch-size", "1"]
    env = {**os.environ, "PYTHONPATH": SRC, "JUDGESMITH_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(done_ids(out)) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    number = getattr(signal, sig).value
    assert proc.returncode == 128 + number, err[-1000:]
    assert f"stopped by {sig}; finished work is saved" in err and "Traceback" not in err
    assert 0 < len(done_ids(out)) < 400


def test_the_server_closes_requests_that_arrive_too_slowly(tmp_path):
    pytest.importorskip("fastapi")
    from judgesmith.judge.backends.scripted import ScriptedBackend
    from judgesmith.serve.app import create_app
    from judgesmith.serve.live import LiveServer
    from judgesmith.serve.settings import ServeSettings

    app = create_app(ScriptedBackend(probs_fn=lambda p: {"1": 1.0}), ServeSettings(max_wait_ms=1, read_timeout_s=1))
    head = b"POST /v1/judge/absolute HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    with LiveServer(app) as server:
        answers = []
        for sent in (head, head + b"content-type: application/json\r\ncontent-length: 200\r\n\r\n{\"items\": ["):
            sock = socket.create_connection((server.host, server.port))
            sock.settimeout(8)
            sock.sendall(sent)
            start = time.monotonic()
            try:
                data = sock.recv(4096)
            except socket.timeout:
                data = b""
            answers.append((data.split(b"\r\n")[0], time.monotonic() - start))
            sock.close()
    assert [status for status, _ in answers] == [b"HTTP/1.1 408 Request Timeout"] * 2
    assert all(seconds < 5 for _, seconds in answers)
