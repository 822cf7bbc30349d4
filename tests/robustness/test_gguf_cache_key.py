"""Issue 12 item 12: converted-GGUF cache entries follow the file's content, not its name and size."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from judgesmith import models


@pytest.fixture()
def fake_convert(monkeypatch, tmp_path):
    """Record conversions and write what a real one leaves (config.json), without loading any model."""
    calls: list[tuple[Path, Path]] = []

    def convert(gguf_path: Path, out_dir: Path) -> Path:
        calls.append((Path(gguf_path), Path(out_dir)))
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text(Path(gguf_path).read_bytes().hex()[:64])
        return out_dir

    monkeypatch.setattr(models, "convert_gguf", convert)
    monkeypatch.setenv("JUDGESMITH_HOME", str(tmp_path / "home"))
    return calls


def _gguf(folder: Path, payload: bytes, name: str = "judge.gguf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"GGUF" + payload)
    return path


def test_same_name_and_size_different_weights_get_different_entries(fake_convert, tmp_path):
    first = _gguf(tmp_path / "a", b"\x01" * 4096)
    second = _gguf(tmp_path / "b", b"\x01" * 2048 + b"\x02" + b"\x01" * 2047)  # one byte differs
    assert first.stat().st_size == second.stat().st_size and first.name == second.name
    out_first, out_second = models.resolve_model_dir(str(first)), models.resolve_model_dir(str(second))
    assert out_first != out_second
    assert [call[0] for call in fake_convert] == [first.resolve(), second.resolve()]
    # each entry holds its own file's conversion, not the first one's
    assert Path(out_second, "config.json").read_text() == second.read_bytes().hex()[:64]


def test_same_content_reuses_the_entry_wherever_it_lives(fake_convert, tmp_path):
    payload = os.urandom(3000)
    first = _gguf(tmp_path / "a", payload)
    copy = _gguf(tmp_path / "elsewhere", payload)
    os.utime(copy, (1_000_000, 1_000_000))  # a different mtime does not matter: the content is the same
    assert models.resolve_model_dir(str(first)) == models.resolve_model_dir(str(copy))
    assert len(fake_convert) == 1


def test_overwritten_in_place_is_converted_again(fake_convert, tmp_path):
    path = _gguf(tmp_path / "a", b"\x00" * 1000)
    before = models.resolve_model_dir(str(path))
    stat = path.stat()
    path.write_bytes(b"GGUF" + b"\x07" * 1000)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same name, size and mtime
    after = models.resolve_model_dir(str(path))
    assert after != before and len(fake_convert) == 2


def test_cache_key_is_the_content_sha256(tmp_path):
    path = _gguf(tmp_path, b"weights")
    assert models.gguf_cache_key(path) == hashlib.sha256(b"GGUFweights").hexdigest()[:16]


def test_first_conversion_says_it_is_alive_while_the_tokenizer_loads(monkeypatch, tmp_path, caplog):
    """The GGUF tokenizer read printed nothing for about a minute (then the weights another): the
    conversion now names each step and repeats a line while it runs."""
    import logging
    import time

    import transformers

    def slow_tokenizer(*args, **kwargs):
        time.sleep(0.35)
        raise RuntimeError("stop here")  # the rest of the conversion is not under test

    monkeypatch.setattr(models, "HEARTBEAT_S", 0.1)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", slow_tokenizer)
    gguf = _gguf(tmp_path, b"\x00" * 64)
    with caplog.at_level(logging.INFO, logger="judgesmith.models"), pytest.raises(RuntimeError, match="stop here"):
        models.convert_gguf(gguf, tmp_path / "out")
    lines = [r.getMessage() for r in caplog.records]
    assert any("one time only" in line for line in lines)
    assert any(line.startswith("reading the tokenizer from the GGUF (about 45 s") for line in lines)
    still = [line for line in lines if line.startswith("... still reading the tokenizer")]
    assert 2 <= len(still) <= 4, lines
    time.sleep(0.25)
    assert len([r for r in caplog.records if "still" in r.getMessage()]) == len(still)  # it stops with the step


def test_looking_for_the_chat_template_in_the_gguf_is_not_silent(monkeypatch, tmp_path, caplog):
    """After the weights, reading the GGUF's fields for a chat template took another silent 45 s."""
    import logging
    import time
    from types import SimpleNamespace

    import gguf

    from judgesmith.templates import GEMMA_TEMPLATE

    class SlowReader:
        def __init__(self, path):
            time.sleep(0.25)
            self.fields = {}

    monkeypatch.setattr(models, "HEARTBEAT_S", 0.1)
    monkeypatch.setattr(gguf, "GGUFReader", SlowReader)
    tokenizer = SimpleNamespace(chat_template=None)
    with caplog.at_level(logging.INFO, logger="judgesmith.models"):
        models._ensure_chat_template(tokenizer, _gguf(tmp_path, b"\x00"), "gemma3_text")
    assert tokenizer.chat_template == GEMMA_TEMPLATE
    assert any(r.getMessage().startswith("... still looking for a chat template") for r in caplog.records)
