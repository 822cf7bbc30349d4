import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("JUDGESMITH_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory):
    """Keep test caches out of the user's ~/.cache; one thread per torch op keeps tests predictable."""
    os.environ.setdefault("JUDGESMITH_HOME", str(tmp_path_factory.mktemp("judgesmith_home")))
    os.environ.setdefault("JUDGESMITH_THREADS", "2")
    yield


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        raise RuntimeError(f"judge data not found at {DATA}; set JUDGESMITH_DATA")
    return DATA


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    from tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny_llama"))


@pytest.fixture(scope="session")
def tiny_gemma_dir(tmp_path_factory) -> Path:
    from tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny_gemma"), arch="gemma3")


@pytest.fixture(scope="session")
def tiny_backend(tiny_model_dir):
    from judgesmith.judge.backends.hf import HFBackend

    return HFBackend.from_name(str(tiny_model_dir), batch_size=4, threads=2)
