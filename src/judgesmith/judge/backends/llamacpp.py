"""llama.cpp backend (llama-cpp-python): fast CPU judging from a GGUF file.

Decoding feedback is the slow part of judging on CPU: on 2 cores llama.cpp generates 128 tokens
of a q8_0 Gemma 3 270M 4.2x faster than per-item transformers generate (1.7x faster than batched),
and scores 1.96x faster than plain transformers score mode (README; `benchmarks/judge_throughput.py`).
This backend drives the model through the low-level API (`Llama.eval` + the last position's
logits) with `logits_all=False`: asking llama-cpp-python for logprobs would
need `logits_all=True`, which computes the 262k-wide LM head at every prompt
position (Gemma scoring 5x slower).

- Prompts go through the GGUF's own chat template (`tokenizer.chat_template`),
  Gemma's turn format for gemma GGUFs without one, a plain prompt otherwise;
  `judge.chat.render` builds the text (as for transformers), the template is
  rendered with jinja2 the way transformers renders chat templates.
- The KV cache is reused across calls: only the suffix after the longest prefix
  shared with the previous sequence is evaluated (the system prompt between
  prompts, the prompt between samples, the feedback when teacher-forcing).
  `swa_full=True` keeps sliding-window caches rewindable (Gemma 3).
- Score mode evaluates prompts in token order, so each one re-evaluates only what
  it does not share with the one before. Prompt processing runs with
  2048-token batches (`SPEED_DEFAULTS`): llama-cpp-python's default 512-token
  batches made score mode slower than fp32 transformers here.
- Generation is sequential (one sequence at a time); batching gave no speed-up
  on 2 cores. The label distribution is read from the logits at the position
  where the label is generated after `[RESULT]`; when the model writes the mark
  but no label token right after it, prompt + text up to the mark + joiner is
  teacher-forced and the next-token logits are read instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

from judgesmith.judge.backends.base import RESULT_MARK, Generation, label_token_plan
from judgesmith.judge.backends.common import (
    generated_label_probs, label_distribution, label_token_families, stop_token_ids,
)
from judgesmith.judge.chat import render
from judgesmith.prompts import Prompt
from judgesmith.templates import GEMMA_TEMPLATE

log = logging.getLogger(__name__)

# Prompt processing settings (measured in benchmarks/judge_throughput.py); any can be overridden by keyword.
# flash_attn stays off: on 2 idle cores it gained ~4% in score mode but moved label probabilities up to
# 0.046 from transformers (0.038 without), past what benchmarks/export_agreement.py accepts for q8_0.
SPEED_DEFAULTS = {"logits_all": False, "swa_full": True, "flash_attn": False, "n_batch": 2048, "n_ubatch": 2048}


def resolve_gguf(model: str) -> Path:
    """An embedded model name or a `.gguf` path -> the GGUF file to load."""
    from judgesmith.models import EMBEDDED, embedded_gguf

    if model in EMBEDDED:
        return embedded_gguf(model)
    path = Path(model).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return path
    if path.is_dir() and (path / "config.json").is_file():
        raise ValueError(f"{path} is a transformers folder; the llamacpp backend needs a GGUF: "
                         f"run `judgesmith export gguf {path} --quant q8_0` and pass the .gguf file")
    raise ValueError(f"llamacpp backend: {model!r} is neither an embedded model "
                     f"({', '.join(sorted(EMBEDDED))}) nor an existing .gguf file")


def chat_template_for(metadata: dict[str, str]) -> str | None:
    """The GGUF's template; Gemma's turn format for gemma GGUFs without one (the base GGUF); else None."""
    template = metadata.get("tokenizer.chat_template")
    if template:
        return template
    if metadata.get("general.architecture", "").startswith("gemma"):
        return GEMMA_TEMPLATE
    return None


def _raise(message: str) -> None:
    raise ValueError(message)


class TemplateChat:
    """A GGUF chat template with the two members `judge.chat.render` uses from a transformers tokenizer."""

    def __init__(self, template: str | None, bos: str = "", eos: str = ""):
        self.chat_template, self.bos, self.eos = template, bos, eos

    def apply_chat_template(self, messages: list[dict[str, str]], tokenize: bool = False,
                            add_generation_prompt: bool = True) -> str:
        """Render like transformers' `apply_chat_template` (sandboxed jinja2, trim/lstrip blocks)."""
        import jinja2.ext
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=[jinja2.ext.loopcontrols])
        env.globals["raise_exception"] = _raise
        return env.from_string(self.chat_template or "").render(
            messages=messages, bos_token=self.bos, eos_token=self.eos, add_generation_prompt=add_generation_prompt)


def render_prompt(template: str | None, prompt: Prompt, suffix: str = "", bos: str = "",
                  eos: str = "") -> tuple[str, bool]:
    """Text for the model and whether it is templated (special tokens already in it: no extra BOS)."""
    return render(TemplateChat(template, bos, eos), prompt, suffix)


def llama_stop_ids(llm: Any) -> set[int]:
    """EOS plus the `END_OF_TURN` tokens this GGUF's vocabulary has (each a single special token)."""
    def lookup(text: str) -> int | None:
        ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if len(ids) != 1:
            return None
        return ids[0] if llm.detokenize(ids, special=True).decode("utf-8", errors="replace") == text else None

    eos = llm.token_eos()
    return set(stop_token_ids(eos if eos >= 0 else None, lookup))


class LlamaCppBackend:
    """Judge with a GGUF model through llama-cpp-python (CPU by default).

    `n_ctx` bounds prompt + generated tokens; longer items are reported and skipped.
    On a busy machine fewer `threads` can be faster: llama.cpp's threads spin-wait.
    """

    name = "llamacpp"

    def __init__(self, model: str, threads: int | None = None, n_ctx: int = 8192, seed: int = 0,
                 verbose: bool = False, **llama_kwargs: Any):
        import llama_cpp
        import numpy as np

        from judgesmith.models import thread_count

        self.path = resolve_gguf(model)
        n = thread_count(threads)
        params = {**SPEED_DEFAULTS, "n_ctx": n_ctx, "n_threads": n, "n_threads_batch": n, **llama_kwargs}
        self.llm = llama_cpp.Llama(model_path=str(self.path), seed=seed, verbose=verbose, **params)
        self.template = chat_template_for(self.llm.metadata)
        self._bos = self._piece(self.llm.token_bos())
        self._eos = self._piece(self.llm.token_eos())
        self._rng = np.random.default_rng(seed)
        self._vocab = llama_cpp.llama_model_get_vocab(self.llm.model)
        self._stops = llama_stop_ids(self.llm)
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[list[int], list[int]]] = {}
        log.info("llama.cpp: %s (%s, template: %s, %d threads)", self.path.name,
                 self.llm.metadata.get("general.architecture", "?"), "yes" if self.template else "none", n)

    # -- tokens ---------------------------------------------------------------------------------
    def _piece(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace") if token >= 0 else ""

    def _encode(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _prompt_tokens(self, prompt: Prompt, suffix: str = "") -> list[int]:
        text, templated = render_prompt(self.template, prompt, suffix, self._bos, self._eos)
        return self.llm.tokenize(text.encode("utf-8"), add_bos=not templated, special=True)

    def _decode(self, tokens: Sequence[int]) -> str:
        return self.llm.detokenize(list(tokens), special=False).decode("utf-8", errors="replace")

    def _plan(self, prefix: str, labels: Sequence[str]) -> tuple[list[int], list[int]]:
        key = (prefix, tuple(labels))
        if key not in self._plans:
            self._plans[key] = label_token_plan(self._encode, labels, prefix)
        return self._plans[key]

    def _is_stop(self, token: int) -> bool:
        """EOS and `END_OF_TURN` tokens (as every backend), and whatever else the GGUF marks end-of-generation."""
        import llama_cpp

        return token in self._stops or bool(llama_cpp.llama_vocab_is_eog(self._vocab, token))

    # -- evaluation -----------------------------------------------------------------------------
    def _fits(self, tokens: Sequence[int], extra: int = 0) -> bool:
        if len(tokens) + extra <= self.llm.n_ctx():
            return True
        log.warning("sequence of %d tokens does not fit n_ctx=%d; skipped (raise n_ctx)", len(tokens),
                    self.llm.n_ctx())
        return False

    def _feed(self, tokens: Sequence[int]) -> Any:
        """Evaluate `tokens` reusing the cached prefix; return a copy of the last position's logits."""
        import llama_cpp
        import numpy as np

        llm, tokens = self.llm, list(tokens)
        cached = llm.input_ids[: llm.n_tokens]
        width = min(len(cached), len(tokens) - 1)
        same = np.asarray(cached[:width]) == np.asarray(tokens[:width], dtype=cached.dtype)
        keep = int(width if same.all() else np.argmin(same))
        if not llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(llm.ctx), -1, keep, -1):
            log.debug("KV cache cannot drop positions >= %d; re-evaluating from scratch", keep)
            llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(llm.ctx), True)
            keep = 0
        llm.n_tokens = keep
        llm.eval(tokens[keep:])
        return self._logits()

    def _step(self, token: int) -> Any:
        self.llm.eval([token])
        return self._logits()

    def _logits(self) -> Any:
        import llama_cpp
        import numpy as np

        ptr = llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).copy()

    def _pick(self, logits: Any, temperature: float) -> int:
        import numpy as np

        if temperature <= 0:
            return int(np.argmax(logits))
        z = logits.astype(np.float64) / temperature
        p = np.exp(z - z.max())
        return int(self._rng.choice(len(p), p=p / p.sum()))

    # -- Backend protocol -----------------------------------------------------------------------
    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        joiner, ids = self._plan(prefix, labels)
        encoded = [self._prompt_tokens(prompt, prefix) + joiner for prompt in prompts]
        out: list[dict[str, float]] = [{} for _ in prompts]
        # In token order, neighbours share the longest prefixes: each item re-evaluates only what differs
        # from the one before (the system text always; the instruction too for two orders of a pair).
        for i in sorted(range(len(encoded)), key=encoded.__getitem__):
            if self._fits(encoded[i]):
                logits = self._feed(encoded[i])
                out[i] = label_distribution(logits, labels, ids)
        return out

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        families = label_token_families(self._encode, labels)
        out: list[list[Generation]] = []
        for prompt in prompts:
            tokens = self._prompt_tokens(prompt)
            if not self._fits(tokens, 1):
                out.append([Generation(text="") for _ in range(n)])
                continue
            budget = min(max_new_tokens, self.llm.n_ctx() - len(tokens))
            out.append([self._sample(prompt, tokens, families, labels, temperature, budget) for _ in range(n)])
        return out

    def _sample(self, prompt: Prompt, tokens: list[int], families: dict[int, str], labels: Sequence[str],
                temperature: float, budget: int) -> Generation:
        logits = self._feed(tokens)
        generated: list[int] = []
        label_logits: list[dict[int, float]] = []
        for step in range(budget):
            token = self._pick(logits, temperature)
            if self._is_stop(token):
                break
            generated.append(token)
            label_logits.append({t: float(logits[t]) for t in families})
            if step + 1 < budget:
                logits = self._step(token)
        text = self._decode(generated)
        probs = generated_label_probs(generated, lambda pos, t: label_logits[pos][t], families, labels,
                                      self._decode)
        if probs is None and RESULT_MARK in text.upper():
            probs = self._forced_label_probs(prompt, text, labels)
        return Generation(text=text, label_probs=probs)

    def _forced_label_probs(self, prompt: Prompt, text: str, labels: Sequence[str]) -> dict[str, float] | None:
        """Teacher-force prompt + text through the last `[RESULT]` + joiner; read the next-token logits."""
        end = text.upper().rfind(RESULT_MARK) + len(RESULT_MARK)
        joiner, ids = self._plan(RESULT_MARK, labels)
        tokens = self._prompt_tokens(prompt, text[:end]) + joiner
        if not self._fits(tokens):
            return None
        return label_distribution(self._feed(tokens), labels, ids)

    def close(self) -> None:
        """Free the model now instead of at garbage collection."""
        self.llm.close()
