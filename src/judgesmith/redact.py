"""Secrets out of every message: API keys in command lines, bearer tokens and auth headers.

Whatever judgesmith shows of a command line (the holder of a locked output) or of a server's answer
(an error from an OpenAI-compatible endpoint) goes through `redact` first, so a key given with
`--api-key KEY`, `--api-key=KEY`, `Authorization: Bearer KEY` or `api_key=KEY` never reaches a
terminal, a log or an errors file.
"""

from __future__ import annotations

import re

MASK = "***"
_PATTERNS = (
    # --api-key KEY, --api-key=KEY, --hf-token KEY, --password=KEY (a flag whose name ends in a secret's name)
    re.compile(r"(?P<keep>--?[\w-]*(?:api[-_]?key|token|secret|password)(?:=|\s+))(?P<secret>[^\s\"']+)",
               re.IGNORECASE),
    # Authorization: Bearer KEY / Basic KEY, and a bare "Bearer KEY"
    re.compile(r"(?P<keep>\b(?:bearer|basic)\s+)(?P<secret>[^\s\"',;]+)", re.IGNORECASE),
    re.compile(r"(?P<keep>\bauthorization\b[\"']?\s*[:=]\s*[\"']?)(?P<secret>(?!bearer\b|basic\b)[^\s\"',;]+)",
               re.IGNORECASE),
    # api_key=KEY, "api_key": "KEY", OPENAI_API_KEY=KEY, x-api-key: KEY
    re.compile(r"(?P<keep>\b[\w-]*api[-_]?key[\"']?\s*[:=]\s*[\"']?)(?P<secret>[^\s\"',;]+)", re.IGNORECASE),
    # provider-style keys anywhere: sk-..., sk-proj-...
    re.compile(r"(?P<keep>)(?P<secret>\bsk-[A-Za-z0-9_-]{8,})"),
)


def redact(text: str, *secrets: str | None) -> str:
    """`text` with every known secret (and each value given in `secrets`) replaced by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("keep") + MASK, text)
    return text
