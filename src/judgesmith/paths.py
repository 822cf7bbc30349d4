"""Where judgesmith keeps things: its cache (`JUDGESMITH_HOME`) and judge data (`JUDGESMITH_DATA`)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Cache root for converted models and other reusable artefacts."""
    root = os.environ.get("JUDGESMITH_HOME") or (Path.home() / ".cache" / "judgesmith")
    path = Path(root).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Root of the judge data (the `shared/data` layout); set `JUDGESMITH_DATA` to use your own copy."""
    env = os.environ.get("JUDGESMITH_DATA")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *here.parents]:
        candidate = parent.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def data_file(relative: str) -> Path:
    """A file under the data root, with an error that says how to point judgesmith at the data."""
    path = data_dir() / relative
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found; set JUDGESMITH_DATA to the folder that holds {relative.split('/')[0]}/"
        )
    return path
