"""vLLM backend for GPUs (optional extra `judgesmith[vllm]`; imported only when chosen).

Same contract as the HF backend, on the same token ids (prompts go to vLLM as token ids encoded
here, so no second BOS is added to a templated prompt): chat-templated generation with per-token
logprobs (label distribution read after `[RESULT]`), and score mode.

Engine: `max_model_len` is the prompt-length limit plus the tokens an answer may take (not the
model's 131k context, whose KV cache vLLM would otherwise reserve); a multimodal checkpoint
(Gemma 3 4B) is given `limit_mm_per_prompt={"image": 0}`, so vLLM neither profiles nor keeps room
for images a judge never sees; prefix caching is on (the system prompt and rubric repeat).

Score mode reads each label's exact log-probability at the position after `prefix`. One request
per item first asks for the top `top_logprobs` next tokens (it reuses cached prefixes); a label not
among them is then read from prompt logprobs: the prompt extended by that label's token, whose
logprob at its own position is exact whatever its rank. vLLM recomputes the whole prompt of a
request that asks for prompt logprobs (its prefix cache is not read for it), so that second
request is made only for the labels the first one missed.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from judgesmith.judge.backends.base import Generation, label_token_plan, normalize
from judgesmith.judge.backends.common import label_after_mark, probs_from_top, tokenizer_stop_ids
from judgesmith.judge.chat import encode_prompt
from judgesmith.prompts import Prompt

log = logging.getLogger(__name__)

MAX_PROMPT_TOKENS = 4096  # Prometheus prompts with two responses reach ~2.5k Gemma tokens
MAX_NEW_TOKENS = 1024


def engine_args(source: str, max_prompt_tokens: int, max_new_tokens: int) -> dict[str, Any]:
    """`LLM(...)` arguments for a judge: context sized to the prompt limit, no image inputs, prefix caching."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(source)
    context = getattr(config.get_text_config(), "max_position_embeddings", None)
    length = max_prompt_tokens + max_new_tokens
    args: dict[str, Any] = {"max_model_len": min(length, context) if isinstance(context, int) else length,
                            "enable_prefix_caching": True}
    if getattr(config, "vision_config", None) is not None:
        args["limit_mm_per_prompt"] = {"image": 0}
    return args


class VLLMBackend:
    name = "vllm"

    def __init__(self, model: str, top_logprobs: int = 20, max_prompt_tokens: int | None = None,
                 max_new_tokens: int | None = None, **engine_kwargs: Any):
        try:
            from vllm import LLM
        except ImportError as exc:  # pragma: no cover - GPU-only extra
            raise RuntimeError("the vllm backend needs `pip install judgesmith[vllm]` on a GPU machine") from exc
        from judgesmith.models import resolve_model_dir

        source = resolve_model_dir(model)
        args = engine_args(source, max_prompt_tokens or MAX_PROMPT_TOKENS, max_new_tokens or MAX_NEW_TOKENS)
        self.llm_args = {"model": source, **args, **engine_kwargs}
        self.llm = LLM(**self.llm_args)
        self.max_model_len = int(engine_kwargs.get("max_model_len", args["max_model_len"]))
        self.tokenizer = self.llm.get_tokenizer()
        self.top_logprobs = top_logprobs
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[list[int], list[int]]] = {}

    def close(self) -> None:
        """Shut the engine down and free the GPU for the next model (the bench loads one model after another)."""
        import gc

        llm, self.llm = self.llm, None
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        if callable(getattr(core, "shutdown", None)):
            core.shutdown()
        del llm
        gc.collect()
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    @property
    def context_length(self) -> int:
        """The engine's `max_model_len`: the length guard rejects what would not fit."""
        return self.max_model_len

    def count_tokens(self, prompts: Sequence[Prompt], *, suffix: str = "") -> list[int]:
        return [len(encode_prompt(self.tokenizer, p, suffix)) for p in prompts]

    def _plan(self, prefix: str, labels: Sequence[str]) -> tuple[list[int], list[int]]:
        key = (prefix, tuple(labels))
        if key not in self._plans:
            encode = lambda text: self.tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
            self._plans[key] = label_token_plan(encode, labels, prefix)
        return self._plans[key]

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        from vllm import SamplingParams

        params = SamplingParams(n=n, temperature=temperature, max_tokens=max_new_tokens,
                                logprobs=self.top_logprobs, stop_token_ids=tokenizer_stop_ids(self.tokenizer))
        inputs = [{"prompt_token_ids": encode_prompt(self.tokenizer, p)} for p in prompts]
        out = []
        for res in self.llm.generate(inputs, params, use_tqdm=False):
            gens = []
            for comp in res.outputs:
                steps = list(comp.logprobs or [])
                pieces = [(step[t].decoded_token or "") if t in step else "" for t, step in zip(comp.token_ids, steps)]
                at = label_after_mark(pieces, labels)
                probs = probs_from_top(((lp.decoded_token, lp.logprob) for lp in steps[at].values()), labels) \
                    if at is not None else None
                gens.append(Generation(comp.text, probs))
            out.append(gens)
        return out

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        from vllm import SamplingParams

        joiner, ids = self._plan(prefix, labels)
        encoded = [encode_prompt(self.tokenizer, p, prefix) + joiner for p in prompts]
        top = SamplingParams(max_tokens=1, temperature=0.0, logprobs=self.top_logprobs)
        results = self.llm.generate([{"prompt_token_ids": e} for e in encoded], top, use_tqdm=False)
        steps = [r.outputs[0].logprobs[0] for r in results]
        found = [{lab: step[i].logprob for lab, i in zip(labels, ids) if i in step} for step in steps]
        missing = [(k, lab, i) for k, got in enumerate(found) for lab, i in zip(labels, ids) if lab not in got]
        if missing:
            exact = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=1)  # the prompt token is always in
            extended = [{"prompt_token_ids": encoded[k] + [i]} for k, _, i in missing]
            for (k, lab, i), res in zip(missing, self.llm.generate(extended, exact, use_tqdm=False)):
                found[k][lab] = res.prompt_logprobs[-1][i].logprob
            log.debug("score mode: %d label logprobs outside the top %d read from prompt logprobs",
                      len(missing), self.top_logprobs)
        return [normalize({lab: got[lab] for lab in labels}) for got in found]
