"""Text generation with token logprobs on a transformers model, for the OpenAI-compatible endpoints.

Chat messages go through the tokenizer's own chat template (system turn folded
into the first user turn when the template has no system role, as the judge
does), including vLLM's `continue_final_message`, so a client can force the
assistant turn to start with e.g. `Feedback: [RESULT]` and read the next token's
top logprobs. Logprobs are log-softmax of the raw model logits (what vLLM
returns by default), not of the temperature-scaled distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from judgesmith.judge.backends.common import left_pad, tokenizer_stop_ids
from judgesmith.judge.chat import fold_system, supports_system


@dataclass(frozen=True)
class GenParams:
    """One batch shares these (they are part of the micro-batch key)."""

    max_tokens: int
    temperature: float = 1.0
    top_p: float | None = None
    n: int = 1
    stop: tuple[str, ...] = ()
    top_logprobs: int | None = None  # None: no logprobs


@dataclass(frozen=True)
class TokenInfo:
    token: str
    logprob: float
    top: tuple[tuple[str, float], ...]
    offset: int  # character offset of the token in the completion text


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str
    tokens: tuple[TokenInfo, ...] | None
    prompt_tokens: int
    completion_tokens: int


def render_chat(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool = True,
                continue_final_message: bool = False) -> tuple[str, bool]:
    """Prompt text for `messages` and whether it already holds special tokens. Raises ValueError on misuse."""
    if continue_final_message and (add_generation_prompt or messages[-1]["role"] != "assistant"):
        raise ValueError("continue_final_message needs add_generation_prompt=false and a final assistant message")
    if not getattr(tokenizer, "chat_template", None):
        text = "\n\n".join(m["content"] for m in messages)
        return text, False
    msgs = [{"role": "system" if m["role"] == "developer" else m["role"], "content": m["content"]} for m in messages]
    if not supports_system(tokenizer):
        msgs = fold_system(msgs)
    try:
        text = tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=add_generation_prompt,
                                             continue_final_message=continue_final_message)
    except Exception as exc:  # jinja templates raise their own errors on bad role orders
        raise ValueError(f"the model's chat template rejected these messages: {exc}") from exc
    return text, True


class Generator:
    """Batched `model.generate` with per-token logprobs, stop strings and OpenAI finish reasons."""

    def __init__(self, model: Any, tokenizer: Any):
        self.model, self.tokenizer = model, tokenizer
        self.stop_ids = tokenizer_stop_ids(tokenizer)  # the judge's own stop list (common.END_OF_TURN)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.stop_ids[0]
        self.context = getattr(getattr(model, "config", None), "max_position_embeddings", None)

    def check_length(self, prompt_tokens: int, max_tokens: int) -> None:
        """Refuse (ValueError) a request that cannot fit the model's context window."""
        if self.context and prompt_tokens + max_tokens > self.context:
            raise ValueError(f"prompt ({prompt_tokens} tokens) + max_tokens ({max_tokens}) exceeds the model's "
                             f"context of {self.context} tokens")

    def encode(self, text: str, templated: bool) -> list[int]:
        """Token ids; BOS is added unless the text already starts with it (templates write their own)."""
        bos = getattr(self.tokenizer, "bos_token", None)
        add = not templated and not (bos and text.startswith(bos))
        return list(self.tokenizer(text, add_special_tokens=add)["input_ids"])

    def _pad(self, seqs: Sequence[list[int]]) -> tuple[Any, Any]:
        return left_pad(seqs, self.pad_id, next(self.model.parameters()).device)

    def generate(self, prompts: Sequence[list[int]], params: GenParams) -> list[list[Completion]]:
        """`params.n` completions per prompt (greedy: one run, repeated n times)."""
        import torch

        greedy = params.temperature == 0.0
        runs = 1 if greedy else params.n
        sampling: dict[str, Any] = {"do_sample": False} if greedy else {"do_sample": True,
                                                                      "temperature": params.temperature}
        if params.top_p is not None and not greedy:
            sampling["top_p"] = params.top_p
        if params.stop:
            sampling.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        input_ids, mask = self._pad(prompts)
        with torch.inference_mode():
            result = self.model.generate(
                input_ids=input_ids, attention_mask=mask, max_new_tokens=params.max_tokens,
                num_return_sequences=runs, return_dict_in_generate=True,
                output_logits=params.top_logprobs is not None, pad_token_id=self.pad_id,
                eos_token_id=self.stop_ids, **sampling,
            )
        new = result.sequences[:, input_ids.shape[1]:].cpu()
        steps = result.logits if params.top_logprobs is not None else None
        out: list[list[Completion]] = [[] for _ in prompts]
        for row in range(new.shape[0]):
            i = row // runs
            row_logits = torch.stack([s[row] for s in steps]).float().cpu() if steps else None
            done = self._completion(new[row].tolist(), row_logits, params, len(prompts[i]))
            out[i].extend([done] * (params.n if greedy else 1))
        return out

    def _completion(self, toks: list[int], logits: Any, params: GenParams, prompt_len: int) -> Completion:
        finish, ends = "length", {*self.stop_ids, self.pad_id}
        for pos, t in enumerate(toks):
            if t in ends:
                toks, finish = toks[:pos], "stop"
                break
        offsets = self._offsets(toks) if logits is not None or params.stop else []
        text = self.tokenizer.decode(toks, skip_special_tokens=True)
        cut = min((c for c in (text.find(s) for s in params.stop) if c >= 0), default=-1)
        if cut >= 0:
            text, finish = text[:cut], "stop"
            keep = sum(1 for o in offsets if o < cut)
            toks, offsets = toks[:keep], offsets[:keep]
        infos = None
        if logits is not None:
            infos = tuple(self._token_info(t, logits[pos], params.top_logprobs, offsets[pos])
                          for pos, t in enumerate(toks))
        return Completion(text, finish, infos, prompt_len, len(toks))

    def _offsets(self, toks: list[int]) -> list[int]:
        """Character offset of each token's text in the decoded completion."""
        offsets, previous = [], 0
        for pos in range(len(toks)):
            offsets.append(previous)
            previous = len(self.tokenizer.decode(toks[: pos + 1], skip_special_tokens=True))
        return offsets

    def _token_info(self, token: int, row: Any, k: int | None, offset: int) -> TokenInfo:
        import torch

        logp = torch.log_softmax(row, dim=-1)
        top: tuple[tuple[str, float], ...] = ()
        if k:
            values, ids = torch.topk(logp, k)
            top = tuple((self.tokenizer.decode([int(t)]), float(v)) for v, t in zip(values, ids))
        return TokenInfo(self.tokenizer.decode([token]), float(logp[token]), top, offset)
