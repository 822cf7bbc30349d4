"""vLLM backend for GPUs (optional extra `judgesmith[vllm]`; imported only when chosen).

Same contract as the HF backend: chat-templated generation with per-token
logprobs (label distribution read after `[RESULT]`) and one-token score mode.
"""

from __future__ import annotations

from typing import Any, Sequence

from judgesmith.judge.backends.base import Generation
from judgesmith.judge.backends.common import label_after_mark, probs_from_top
from judgesmith.judge.chat import render
from judgesmith.prompts import Prompt


class VLLMBackend:
    name = "vllm"

    def __init__(self, model: str, top_logprobs: int = 20, **engine_kwargs: Any):
        try:
            from vllm import LLM
        except ImportError as exc:  # pragma: no cover - GPU-only extra
            raise RuntimeError("the vllm backend needs `pip install judgesmith[vllm]` on a GPU machine") from exc
        from judgesmith.models import resolve_model_dir

        self.llm = LLM(model=resolve_model_dir(model), **engine_kwargs)
        self.tokenizer = self.llm.get_tokenizer()
        self.top_logprobs = top_logprobs

    def _texts(self, prompts: Sequence[Prompt], suffix: str = "") -> list[str]:
        return [render(self.tokenizer, p, suffix)[0] for p in prompts]

    def _probs(self, step: dict[int, Any], labels: Sequence[str]) -> dict[str, float] | None:
        """Label distribution from one position's top logprobs (vLLM `Logprob` objects by token id)."""
        return probs_from_top(((lp.decoded_token, lp.logprob) for lp in step.values()), labels)

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        from vllm import SamplingParams

        params = SamplingParams(n=n, temperature=temperature, max_tokens=max_new_tokens,
                                logprobs=self.top_logprobs)
        results = self.llm.generate(self._texts(prompts), params, use_tqdm=False)
        out = []
        for res in results:
            gens = []
            for comp in res.outputs:
                steps = list(comp.logprobs or [])
                pieces = [(step[t].decoded_token or "") if t in step else "" for t, step in zip(comp.token_ids, steps)]
                at = label_after_mark(pieces, labels)
                gens.append(Generation(comp.text, self._probs(steps[at], labels) if at is not None else None))
            out.append(gens)
        return out

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        from vllm import SamplingParams

        params = SamplingParams(max_tokens=1, temperature=0.0, logprobs=self.top_logprobs)
        results = self.llm.generate(self._texts(prompts, prefix + " "), params, use_tqdm=False)
        return [self._probs(r.outputs[0].logprobs[0], labels) or {} for r in results]
