"""`judgesmith serve`: the judge model behind an HTTP API (judge endpoints, OpenAI-compatible, /metrics, a page)."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import replace

log = logging.getLogger("judgesmith.serve")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("serve", help="serve a judge model over HTTP (FastAPI + uvicorn)",
                              description="Serve a judge model: /v1/judge/{absolute,pairwise}, rewards for RL "
                                          "(OpenRLHF's /get_reward, vLLM-style /score), OpenAI-compatible "
                                          "/v1/chat/completions and /v1/completions, /healthz, /metrics, a page at /.")
    p.add_argument("--model", required=True, help="embedded name (gemma-3-270m), HF folder, .gguf file or hub id")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default loopback; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--api-key", default=os.environ.get("JUDGESMITH_API_KEY"),
                   help="require 'Authorization: Bearer KEY' (default: $JUDGESMITH_API_KEY, else no key)")
    p.add_argument("--max-batch", type=int, default=8, help="most judge items (or prompts) per model call")
    p.add_argument("--max-wait-ms", type=float, default=10.0, help="longest a request waits for batch-mates")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--mode", choices=("auto", "generate", "score"), default="auto",
                   help="judge mode when a request does not say; auto: the fastest here, score (one forward pass, "
                        "no feedback text); a request sends \"mode\": \"generate\" for feedback")
    p.add_argument("--max-new-tokens", type=int, default=256, help="feedback length limit in generate mode")
    p.add_argument("--max-prompt-tokens", type=int, default=8192,
                   help="longest judge prompt in tokens (0: only the model's context); longer items: 400")
    p.add_argument("--max-items", type=int, default=64, help="most items per request (more: 413)")
    p.add_argument("--max-body-bytes", type=int, default=1_000_000, help="largest request body (more: 413)")
    p.add_argument("--max-request-tokens", type=int, default=65_536,
                   help="most model work per request: prompt tokens + generation budget, all items (more: 413)")
    p.add_argument("--served-model-name", default=None,
                   help="model name shown to clients (default: --model, a local path cut to its last part)")
    p.add_argument("--reward-rubric", default="helpfulness",
                   help="rubric of /get_reward and /score when a request names none: preset name or YAML/JSON file")
    p.add_argument("--policy-tokenizer", default=None,
                   help="the RL policy's tokenizer (embedded name, folder or hub id): its chat template splits "
                        "/get_reward queries into instruction and response (default: common templates recognised)")
    p.add_argument("--read-timeout", type=float, default=10.0,
                   help="seconds a client may take to send a whole request (headers and body); slower: 408")
    p.add_argument("--allowed-hosts", default="",
                   help="comma-separated names the Host header may carry when no --api-key is set, besides "
                        "localhost and IP addresses (DNS-rebinding protection); '*' allows any")
    return p


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from judgesmith.judge.backends import engine_label, make_backend
    from judgesmith.rubrics import is_grounded, resolve_rubric
    from judgesmith.serve.app import create_app
    from judgesmith.serve.chat_split import policy_format
    from judgesmith.serve.settings import ServeSettings
    from judgesmith.serve.timeouts import read_timeout_protocol

    reward_rubric = resolve_rubric(args.reward_rubric, where="--reward-rubric")
    if is_grounded(reward_rubric):
        raise ValueError(f"--reward-rubric {args.reward_rubric}: a grounded rubric needs each item's context, which "
                         "/get_reward and /score do not take; choose another rubric")
    mode = "score" if args.mode == "auto" else args.mode
    settings = ServeSettings(
        model_name=args.served_model_name or args.model, host=args.host, port=args.port, api_key=args.api_key,
        max_batch=args.max_batch, max_wait_ms=args.max_wait_ms, default_mode=mode, max_new_tokens=args.max_new_tokens,
        max_items=args.max_items, max_body_bytes=args.max_body_bytes,
        max_prompt_tokens=args.max_prompt_tokens or None,
        max_request_tokens=args.max_request_tokens, read_timeout_s=args.read_timeout,
        allowed_hosts=tuple(h for h in args.allowed_hosts.split(",") if h.strip()),
        reward_rubric=reward_rubric,
    )
    fmt = policy_format(args.policy_tokenizer) if args.policy_tokenizer else None
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.api_key:
        log.warning("serving on %s without --api-key: anyone who can reach this port can use the model "
                    "(by IP address, or by the names in --allowed-hosts)", args.host)
    log.info("loading %s", args.model)
    backend = make_backend("hf", args.model, batch_size=args.max_batch, threads=args.threads)
    app = create_app(backend, replace(settings, policy_format=fmt))
    log.info("judge server on http://%s:%d (page at /, OpenAPI at /openapi.json)", args.host, args.port)
    log.info("%s", startup_mode_line(args.mode, engine_label(backend, mode)))
    log.info("rewards (/get_reward, /score): the expected 1-5 score under rubric %r; queries split by %s",
             args.reward_rubric,
             f"{fmt.name}'s chat template" if fmt else "the common chat templates (chatml, llama3, gemma, phi3, "
                                                       "mistral) or the prompts sent")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False,
                http=read_timeout_protocol(settings.read_timeout_s))
    return 0


def startup_mode_line(requested: str, engine: str) -> str:
    """Which judge mode answers requests that name none, and how to ask for the other."""
    if requested == "generate":
        return f"default judge mode: generate (--mode generate; feedback text, the slow path): {engine}"
    why = "the fastest here, chosen by --mode auto" if requested == "auto" else "--mode score"
    return (f"default judge mode: score ({why}: one forward pass per item, label probabilities, no feedback "
            f"text; send \"mode\": \"generate\" in a request for feedback): {engine}")
