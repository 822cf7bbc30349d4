"""The page at / in headless Chromium: it judges an example and draws the label probabilities."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytest.importorskip("fastapi")

from judgesmith.judge.backends.scripted import ScriptedBackend  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--virtual-time-budget=20000"]
PROBS = {"1": 0.05, "2": 0.05, "3": 0.1, "4": 0.6, "5": 0.2}


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_page_shows_a_verdict_and_a_bar_chart(tmp_path):
    backend = ScriptedBackend(text_fn=lambda p, i: "Feedback: Correct and concise. [RESULT] 4",
                              probs_fn=lambda p: PROBS)
    with LiveServer(create_app(backend, ServeSettings(max_wait_ms=1))) as server:
        out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom",
                              server.url + "/?example=1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout
    assert '<h2 id="verdict">Score: 4 (expected 3.85)</h2>' in dom
    assert "Correct and concise." in dom and 'class="ok">parsed (generate mode)' in dom
    heights = {label: float(h) for h, label in re.findall(r'<rect[^>]*height="([\d.]+)"[^>]*data-label="(\d)"', dom)}
    assert sorted(heights) == ["1", "2", "3", "4", "5"]
    assert max(heights, key=heights.get) == "4"
    assert heights["4"] / heights["5"] == pytest.approx(PROBS["4"] / PROBS["5"], rel=0.01)
