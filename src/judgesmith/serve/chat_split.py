"""Split a policy's full text (chat-templated prompt + response) into the instruction and the response.

RL frameworks send a remote reward model the whole sequence the policy saw and wrote:
OpenRLHF's `--remote_rm_url` posts `tokenizer.batch_decode(sequences, skip_special_tokens=False)`,
so each query is `[pad...]<template: system?, user turn, assistant header>response[eos][pad...]`.
The judge needs the user's instruction and the response apart. A `ChatFormat` holds the three
pieces of text a chat template puts around them:

- `user_open`: what opens a user turn (`<|im_start|>user\\n` in ChatML),
- `reply_open`: what comes between the user's message and the reply (`<|im_end|>\\n<|im_start|>assistant\\n`),
- `reply_close`: what ends the reply (`<|im_end|>`).

The response is the text after the last `reply_open`, less a trailing `reply_close` and special
tokens; the instruction is the text between the last `user_open` before it and that `reply_open`
(the last user turn; earlier turns and the system prompt are not judged). `format_from_tokenizer`
reads the three pieces from the policy's own tokenizer by rendering its chat template around
marker strings; without one, the formats in `KNOWN` are tried (the first whose `reply_open` the
text contains wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Special tokens that may pad or close a decoded sequence (stripped from both ends of a query).
COMMON_SPECIALS = ("<pad>", "<|pad|>", "<|endoftext|>", "<s>", "</s>", "<bos>", "<eos>", "<|begin_of_text|>",
                   "<|end_of_text|>", "<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|finetune_right_pad_id|>")
_USER, _REPLY, _NEXT = "JUDGESMITHUSERMARK", "JUDGESMITHREPLYMARK", "JUDGESMITHNEXTMARK"


@dataclass(frozen=True)
class ChatFormat:
    """The text a chat template writes around a user message and the reply to it."""

    name: str
    user_open: str
    reply_open: str
    reply_close: str
    specials: tuple[str, ...] = COMMON_SPECIALS


KNOWN: tuple[ChatFormat, ...] = (
    ChatFormat("chatml", "<|im_start|>user\n", "<|im_end|>\n<|im_start|>assistant\n", "<|im_end|>"),
    ChatFormat("llama3", "<|start_header_id|>user<|end_header_id|>\n\n",
               "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>"),
    ChatFormat("gemma", "<start_of_turn>user\n", "<end_of_turn>\n<start_of_turn>model\n", "<end_of_turn>"),
    ChatFormat("phi3", "<|user|>\n", "<|end|>\n<|assistant|>\n", "<|end|>"),
    ChatFormat("mistral", "[INST]", "[/INST]", "</s>"),
)


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)


def format_from_tokenizer(tokenizer: Any, name: str = "policy") -> ChatFormat:
    """The pieces of `tokenizer`'s chat template, found by rendering it around marker strings.

    Raises ValueError when the tokenizer has no chat template or its output does not hold the markers.
    """
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(f"{name}: the tokenizer has no chat template; the policy's prompts cannot be split by it")
    one = _render(tokenizer, [{"role": "user", "content": _USER}], True)
    two = _render(tokenizer, [{"role": "user", "content": _USER}, {"role": "assistant", "content": _REPLY}], False)
    if one.count(_USER) != 1 or _REPLY not in two:
        raise ValueError(f"{name}: its chat template does not reproduce the message text; send prompts and responses")
    before, reply_open = one.split(_USER)
    reply_close = two.split(_REPLY, 1)[1].strip()
    try:
        three = _render(tokenizer, [{"role": "user", "content": _USER}, {"role": "assistant", "content": _REPLY},
                                    {"role": "user", "content": _NEXT}], True)
        user_open = three.split(_REPLY, 1)[1].split(_NEXT, 1)[0].removeprefix(reply_close).lstrip()
    except Exception:  # noqa: BLE001 - a template that refuses several turns: the single-turn prefix will do
        user_open = before
    specials = tuple(t for t in (getattr(tokenizer, a, None) for a in ("pad_token", "bos_token", "eos_token"))
                     if isinstance(t, str) and t)
    return ChatFormat(name, user_open or before, reply_open, reply_close, tuple(dict.fromkeys(
        specials + COMMON_SPECIALS)))


def _strip_ends(text: str, tokens: tuple[str, ...]) -> str:
    """Drop whitespace and any of `tokens` from both ends, repeatedly (left padding, a closing eos, pads)."""
    tokens = tuple(t for t in tokens if t)
    while True:
        before = text
        text = text.strip()
        for t in tokens:
            text = text.removeprefix(t).removesuffix(t)
        if text == before:
            return text


def _find(text: str, marker: str) -> tuple[int, int]:
    """(start, end) of the last `marker` in `text`, or of its whitespace-stripped form; (-1, -1) if absent."""
    for m in (marker, marker.strip()):
        if m and (at := text.rfind(m)) >= 0:
            return at, at + len(m)
    return -1, -1


def detect(text: str, fmt: ChatFormat | None) -> ChatFormat | None:
    """`fmt` when given, else the first known format whose reply marker `text` holds (None if none does)."""
    if fmt is not None:
        return fmt
    return next((f for f in KNOWN if _find(text, f.reply_open)[0] >= 0), None)


def instruction_of(prompt: str, fmt: ChatFormat | None) -> str:
    """The last user message of a chat-templated prompt; a prompt without the template's markers as it is."""
    fmt = detect(prompt, fmt)
    if fmt is None:
        return _strip_ends(prompt, COMMON_SPECIALS)
    head = prompt
    start, end = _find(prompt, fmt.reply_open)
    if start >= 0 and not _strip_ends(prompt[end:], fmt.specials):
        head = prompt[:start]  # the prompt ends with the assistant header: what precedes it is the user turn
    _, user_end = _find(head, fmt.user_open)
    return _strip_ends(head[user_end:] if user_end >= 0 else head, fmt.specials)


def split_query(query: str, fmt: ChatFormat | None, prompt: str | None = None) -> tuple[str, str]:
    """(instruction, response) of a policy's full text. With `prompt` (the templated prompt it was given),
    the response is what follows the prompt; otherwise what follows the template's last reply marker.

    Raises ValueError saying what to send instead when neither finds the response.
    """
    fmt = detect(prompt or query, fmt) or detect(query, None)
    specials = fmt.specials if fmt else COMMON_SPECIALS
    if prompt is not None:
        core = _strip_ends(prompt, specials)
        if core and (at := query.find(core)) >= 0:
            response = query[at + len(core):]
            return instruction_of(prompt, fmt), _strip_ends(response, specials + ((fmt.reply_close,) if fmt else ()))
    if fmt is None:
        names = ", ".join(f.name for f in KNOWN)
        raise ValueError(f"no chat template marker found (tried {names}); start the server with --policy-tokenizer "
                         "naming the policy's tokenizer, or send 'prompts' and 'responses'")
    start, end = _find(query, fmt.reply_open)
    if start < 0:
        raise ValueError(f"no {fmt.reply_open.strip()!r} (the {fmt.name} template's reply marker) in the text; "
                         "send 'prompts' and 'responses' instead")
    response = _strip_ends(query[end:], specials + (fmt.reply_close,))
    return instruction_of(query[:end], fmt), response


def policy_format(name: str) -> ChatFormat:
    """The chat format of the policy model `name` (embedded name, tokenizer folder or hub id), for the server."""
    from pathlib import Path

    from transformers import AutoTokenizer

    from judgesmith.models import EMBEDDED, resolve_model_dir

    source = resolve_model_dir(name) if name in EMBEDDED or Path(name).suffix == ".gguf" else name
    return format_from_tokenizer(AutoTokenizer.from_pretrained(source), Path(name).name or name)
