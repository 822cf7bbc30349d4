"""The bound on one request's model work, in tokens, with a 413 that names the limit.

Bytes alone are a poor bound: 64 items of 15k characters fit in 1 MB and held the
model for two minutes. Work is counted as prompt tokens plus the generation budget
(max new tokens) of every sequence the request asks for, over all its items or
prompts; swap doubles a pairwise request. With no tokenizer at hand (remote or
scripted backends) tokens are estimated as characters / 4.
"""

from __future__ import annotations

from typing import Any, Sequence

from fastapi import HTTPException

from judgesmith.prompts import build_prompt


def count_tokens(backend: Any, texts: Sequence[str]) -> int:
    """Tokens of `texts` under the backend's tokenizer (no special tokens), else about len/4."""
    tokenizer = getattr(backend, "tokenizer", None)
    if tokenizer is not None and callable(tokenizer) and texts:
        try:
            return sum(len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"])
        except Exception:  # noqa: BLE001 - not an HF tokenizer: estimate instead
            pass
    return sum(-(-len(t) // 4) for t in texts)


def judge_work(backend: Any, records: Sequence[Any], mode: str, swap: bool, max_new_tokens: int) -> int:
    """Tokens a judge request costs: each prompt, plus max_new_tokens per item in generate mode; x2 with swap."""
    prompts = [build_prompt(r) for r in records]
    tokens = count_tokens(backend, [(p.system or "") + "\n" + p.user for p in prompts])
    if mode == "generate":
        tokens += max_new_tokens * len(records)
    return tokens * (2 if swap else 1)


def check_work(settings: Any, tokens: int, what: str) -> None:
    """413 when a request asks for more than `settings.max_request_tokens` tokens of model work."""
    limit = settings.max_request_tokens
    if tokens > limit:
        raise HTTPException(413, f"{what} need about {tokens} tokens of model work (prompts plus generation "
                                 f"budget); the limit is {limit} tokens per request (--max-request-tokens): "
                                 "split the request or shorten the texts")
