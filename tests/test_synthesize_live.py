"""The wire path end to end: `judgesmith data synthesize` with `judgesmith serve` (tiny model) as the teacher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from judgesmith.cli import main  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

RUBRIC = Path(__file__).resolve().parents[1] / "recipes" / "rubrics" / "sql-explanations.yaml"


@pytest.mark.slow
def test_synthesize_against_judgesmith_serve(tmp_path, tiny_backend, capsys):
    (tmp_path / "q.jsonl").write_text(json.dumps({"id": "q1", "instruction": "Explain GROUP BY."}) + "\n")
    app = create_app(tiny_backend, ServeSettings(model_name="tiny-teacher", max_wait_ms=5, max_new_tokens=16))
    out = tmp_path / "synth"
    args = ["data", "synthesize", "--rubric", str(RUBRIC), "--instructions", str(tmp_path / "q.jsonl"),
            "--teacher-model", "tiny-teacher", "--out", str(out), "--max-tokens", "16", "--max-attempts", "1",
            "--no-progress"]
    with LiveServer(app) as server:
        assert main([*args, "--teacher-base-url", server.url + "/v1"]) == 0
        first = json.loads((out / "manifest.json").read_text())
        assert main([*args, "--teacher-base-url", server.url + "/v1"]) == 0  # resume: nothing left to ask
    manifest = json.loads((out / "manifest.json").read_text())
    assert first["complete"] and first["runs"][0]["calls"] >= 1 and first["runs"][0]["failed_calls"] == 0
    assert first["tokens"]["in"] > 500 and 0 < first["tokens"]["out"] <= 16 * first["runs"][0]["calls"]
    done = first["counts"]["response"]["kept"] + first["counts"]["response"]["dropped"]
    ref = first["counts"]["reference"]
    assert ref["kept"] + ref["dropped"] == 1 and done == (5 if ref["kept"] else 0)
    assert manifest["runs"][1]["calls"] == 0 and manifest["counts"] == first["counts"]
    assert "reference" in capsys.readouterr().out
