"""`export_gguf`: a trained or merged judge (HF folder) -> one GGUF file for llama.cpp.

f16 and q8_0 come straight from llama.cpp's converter; q4_k_m is converted to a
temporary f16 first, then quantized by llama.cpp. The result is read back and
checked (architecture present, the source's chat template kept) before it is
moved to its final name, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from judgesmith.export.checks import GGUFInfo, read_gguf_info, verify_export
from judgesmith.export.converter import run_converter
from judgesmith.export.quantize import QUANTIZER_TYPES, quantize

log = logging.getLogger(__name__)

QUANTS = ("f16", "q8_0", "q4_k_m")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    quant: str
    info: GGUFInfo
    seconds: float


def has_chat_template(model_dir: Path) -> bool:
    """transformers 5 saves the template to chat_template.jinja; older saves keep it in tokenizer_config."""
    if (model_dir / "chat_template.jinja").is_file():
        return True
    config = model_dir / "tokenizer_config.json"
    return config.is_file() and bool(json.loads(config.read_text(encoding="utf-8")).get("chat_template"))


def check_model_dir(model_dir: Path) -> bool:
    """Raise unless `model_dir` is a saved HF model with a tokenizer; return whether it has a chat template."""
    if not (model_dir / "config.json").is_file():
        raise ValueError(f"{model_dir} has no config.json; pass a saved (trained or merged) model folder")
    if not any(model_dir.glob("*.safetensors")) and not any(model_dir.glob("pytorch_model*.bin")):
        raise ValueError(f"{model_dir} has no weights (*.safetensors); is the save complete?")
    if not (model_dir / "tokenizer.json").is_file() and not (model_dir / "tokenizer.model").is_file():
        raise ValueError(f"{model_dir} has no tokenizer (tokenizer.json or tokenizer.model); save it with the model")
    templated = has_chat_template(model_dir)
    if not templated:
        log.warning("%s has no chat template; the GGUF will be judged with plain prompts", model_dir)
    return templated


def default_out(model_dir: Path, quant: str) -> Path:
    return model_dir.parent / f"{model_dir.name}-{quant}.gguf"


def export_gguf(model_dir: str | Path, quant: str = "q8_0", out: str | Path | None = None, *,
                bpe_pre: str | None = None, allow_fallback: bool = False, threads: int | None = None,
                install_converter: bool = True) -> ExportResult:
    """Write `model_dir` as a `quant` GGUF (default: next to the folder, `<name>-<quant>.gguf`)."""
    if quant not in QUANTS:
        raise ValueError(f"--quant must be one of {', '.join(QUANTS)}; got {quant!r}")
    start = time.perf_counter()
    model_dir = Path(model_dir).expanduser().resolve()
    templated = check_model_dir(model_dir)
    target = Path(out).expanduser() if out else default_out(model_dir, quant)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    f16 = target.with_name(f".{target.name}.f16.partial")
    try:
        if quant in QUANTIZER_TYPES:
            run_converter(model_dir, f16, "f16", bpe_pre=bpe_pre, install=install_converter)
            quantize(f16, partial, quant, threads=threads, allow_fallback=allow_fallback)
        else:
            run_converter(model_dir, partial, quant, bpe_pre=bpe_pre, install=install_converter)
        info = read_gguf_info(partial)
        verify_export(info, expect_template=templated)
        partial.replace(target)
    finally:
        f16.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    info = read_gguf_info(target)
    log.info("exported %s", info.summary())
    return ExportResult(path=target, quant=quant, info=info, seconds=time.perf_counter() - start)
