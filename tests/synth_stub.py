"""A scripted OpenAI-compatible teacher for synthesis tests: good answers unless the instruction says otherwise.

Keywords in an instruction script what the stub does for it:
  WRONG        the score-3 response's feedback says 4 on the first try, 3 after
  ALWAYSWRONG  the score-2 feedback always says 4 (dropped after max attempts)
  MALFORMED    the score-1 answer never has a ###Feedback section
  COPY         the score-5 response copies the reference answer
  TRUNC        the score-4 answer is cut at max_tokens on the first try
  RATE         its reference call answers 429, 429, 500 and times out before succeeding
Every answer reports usage of 100 prompt and 50 completion tokens.
"""

import asyncio
import json
import re
import threading
from collections import Counter
from typing import Any

USAGE = {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}
GENERATED = ["Explain what SELECT DISTINCT does in a query that lists customer cities.",
             "Explain the difference between WHERE and HAVING in a sales report query.",
             "Explain what SELECT DISTINCT does in a query that lists all customer cities.",  # near-duplicate
             "Explain why a LEFT JOIN keeps orders without a matching shipment row.",
             "Explain how a window function ranks employees by salary within each department."]


class Timeout(Exception):
    """Raised by `handle` where the transport should time out."""


class Kill(Exception):
    """Raised after `kill_after` calls: the run dies like a killed process."""


class StubTeacher:
    def __init__(self, kill_after: int | None = None):
        self.calls = Counter()  # per (step, instruction, score)
        self.total = 0
        self.kill_after = kill_after
        self.lock = threading.Lock()
        self.seeds: list[int] = []

    def reference(self, instruction: str) -> str:
        return (f"Reference explanation for: {instruction} It states what the query returns, why each clause "
                "is there, and gives a small worked example with the expected rows.")

    def handle(self, body: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
        with self.lock:
            self.total += 1
            if self.kill_after is not None and self.total > self.kill_after:
                raise Kill()
            self.seeds.append(body.get("seed"))
            user = body["messages"][-1]["content"]
            if "###Instructions:" in user:
                return self._instructions(user)
            instruction = re.search(r"###The instruction to answer:\n(.*?)\n\n###", user, re.S).group(1)
            if user.endswith("###Reference Answer (Score 5):\n"):
                key = ("ref", instruction, 0)
                self.calls[key] += 1
                if "RATE" in instruction and self.calls[key] <= 4:
                    n = self.calls[key]
                    if n == 4:
                        raise Timeout()
                    return (429 if n < 3 else 500), "slow down"
                return 200, self._ok(self.reference(instruction))
            score = int(re.search(r"score of exactly (\d)", user).group(1))
            key = ("resp", instruction, score)
            self.calls[key] += 1
            return 200, self._response(instruction, score, self.calls[key])

    def _instructions(self, user: str) -> tuple[int, dict[str, Any]]:
        n = self.calls[("gen", "", 0)]
        self.calls[("gen", "", 0)] += 1
        chunk = GENERATED[3 * n:3 * n + 3] or ["no new ideas"]
        if n == 0:  # a weak teacher repeats a line of its task description
            chunk = chunk + ["Each instruction must be self-contained and different from the examples."]
        text = "\n".join(f"Instruction {i}: {t}" for i, t in enumerate(chunk, start=1))
        return 200, self._ok(text)

    def _response(self, instruction: str, score: int, attempt: int) -> dict[str, Any]:
        said = score
        if ("WRONG" in instruction and "ALWAYS" not in instruction and score == 3 and attempt == 1) or \
                ("ALWAYSWRONG" in instruction and score == 2):
            said = 4
        response = f"A level-{score} explanation of {instruction!r}: " + " ".join(["detail"] * score) + \
            f" and {'many' if score > 3 else 'few'} correct points, written {attempt} time(s)."
        if "COPY" in instruction and score == 5:
            response = self.reference(instruction)
        feedback = f"The explanation meets the level {said} description of the rubric because of its detail."
        text = f"###Response: {response}\n###Feedback: {feedback} [RESULT] {said}"
        if "MALFORMED" in instruction and score == 1:
            text = f"{response} The score is unclear."
        finish = "length" if ("TRUNC" in instruction and score == 4 and attempt == 1) else "stop"
        return self._ok(text, finish)

    def _ok(self, text: str, finish: str = "stop") -> dict[str, Any]:
        return {"id": "x", "object": "chat.completion", "model": "stub",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": finish}], "usage": USAGE}

    def transport(self) -> Any:
        import httpx

        async def handler(request: httpx.Request) -> httpx.Response:
            assert request.url.path.endswith("/v1/chat/completions"), request.url
            await asyncio.sleep(0.002)  # let other calls start meanwhile, as a real server would
            try:
                status, data = self.handle(json.loads(request.content))
            except Timeout:
                raise httpx.ReadTimeout("stub timeout", request=request) from None
            if isinstance(data, str):
                return httpx.Response(status, text=data, headers={"Retry-After": "0"})
            return httpx.Response(status, json=data)

        return httpx.MockTransport(handler)

    def app(self) -> Any:
        """The same script as a FastAPI app (for a loopback server under `LiveServer`)."""
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse, PlainTextResponse

        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            try:
                status, data = self.handle(await request.json())
            except Timeout:
                return PlainTextResponse("gateway timeout", status_code=504)
            if isinstance(data, str):
                return PlainTextResponse(data, status_code=status, headers={"Retry-After": "0"})
            return JSONResponse(data, status_code=status)

        return app
