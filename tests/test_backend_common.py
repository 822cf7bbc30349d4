"""The helpers every backend shares (stop tokens, padding, label distributions) and the one backend factory."""

import ast
import math
from types import SimpleNamespace as NS

import pytest

import judgesmith.models
from judgesmith.bench.models import ModelSpec, backend_factory
from judgesmith.judge.backends import BACKENDS, make_backend
from judgesmith.judge.backends.common import (
    END_OF_TURN, generated_label_probs, label_after_mark, label_token_families, left_pad, probs_from_top,
)
from judgesmith.judge.backends.hf import HFBackend
from judgesmith.judge.backends.llamacpp import llama_stop_ids
from judgesmith.serve.generation import Generator

VOCAB = {"<pad>": 0, "</s>": 1, "hello": 2, "<end_of_turn>": 5, "<|im_end|>": 6, "<|eot_id|>": 7, "<|end|>": 8}


class FakeTokenizer:
    """The members the transformers-side code reads to find stop tokens."""

    def __init__(self, vocab):
        self.vocab, self.eos_token_id, self.pad_token_id = vocab, vocab["</s>"], vocab["<pad>"]

    def get_vocab(self):
        return dict(self.vocab)


class FakeLlama:
    """llama-cpp-python's tokenize/detokenize on a toy vocabulary: unknown text splits into one token a byte."""

    def __init__(self, vocab):
        self.vocab, self.pieces = vocab, {i: t for t, i in vocab.items()}

    def tokenize(self, text, add_bos=False, special=True):
        text = text.decode("utf-8")
        return [self.vocab[text]] if text in self.vocab else [100 + b for b in text.encode("utf-8")]

    def detokenize(self, ids, special=True):
        return "".join(self.pieces[i] if i in self.pieces else chr(i - 100) for i in ids).encode("utf-8")

    def token_eos(self):
        return self.vocab["</s>"]


def test_end_of_turn_list_covers_every_list_the_backends_had():
    before = {"hf": ("<end_of_turn>", "<|im_end|>", "<|eot_id|>"),
              "serve": ("<end_of_turn>", "<|im_end|>", "<|eot_id|>", "<|end|>")}
    assert set(END_OF_TURN) == set().union(*before.values())


@pytest.mark.parametrize("present", [tuple(VOCAB), ("<pad>", "</s>", "hello", "<|im_end|>"), ("<pad>", "</s>")])
def test_hf_serve_and_llamacpp_stop_at_the_same_tokens(present):
    vocab = {t: VOCAB[t] for t in present}
    expected = sorted({vocab["</s>"]} | {vocab[t] for t in ("<end_of_turn>", "<|im_end|>", "<|eot_id|>", "<|end|>")
                                         if t in vocab})
    assert HFBackend(None, FakeTokenizer(vocab), threads=1)._stop_ids() == expected
    assert Generator(NS(config=None), FakeTokenizer(vocab)).stop_ids == expected
    assert sorted(llama_stop_ids(FakeLlama(vocab))) == expected


def test_left_pad_matches_torch_pad_sequence():
    import torch
    from torch.nn.utils.rnn import pad_sequence

    seqs = [[11, 12, 13], [14], [15, 16]]
    ids, mask = left_pad(seqs, 0, "cpu")
    tensors = [torch.tensor(s) for s in seqs]
    assert torch.equal(ids, pad_sequence(tensors, batch_first=True, padding_value=0, padding_side="left"))
    ones = [torch.ones(len(s), dtype=torch.long) for s in seqs]
    assert torch.equal(mask, pad_sequence(ones, batch_first=True, padding_value=0, padding_side="left"))


# A toy tokenizer whose tokens are these strings; labels have a spaced and an unspaced spelling.
PIECES = ["Feedback", " good", " [RESULT]", " 3", " 4", "3", "4", "[RESULT]"]
IDS = {p: i for i, p in enumerate(PIECES)}


def encode(text):
    return [IDS[text]] if text in IDS else [IDS[c] for c in text if c in IDS] + [99, 99]


def decode(ids):
    return "".join(PIECES[i] for i in ids)


def test_label_families_are_the_single_token_spellings():
    assert label_token_families(encode, ["3", "4", "9"]) == {IDS["3"]: "3", IDS[" 3"]: "3", IDS["4"]: "4",
                                                           IDS[" 4"]: "4"}


def test_generated_label_probs_read_the_label_after_the_last_mark():
    families = label_token_families(encode, ["3", "4"])
    tokens = [IDS["Feedback"], IDS[" 3"], IDS[" [RESULT]"], IDS[" 4"]]  # the first " 3" is not after the mark
    logits = {3: {IDS[" 3"]: 0.0, IDS[" 4"]: math.log(3.0), IDS["3"]: 9.0, IDS["4"]: 9.0}}
    probs = generated_label_probs(tokens, lambda pos, t: logits[pos][t], families, ["3", "4"], decode)
    assert probs == pytest.approx({"3": 0.25, "4": 0.75})  # softmax over the spaced spelling only
    no_label = [IDS["Feedback"], IDS[" 3"], IDS[" [RESULT]"]]
    assert generated_label_probs(no_label, lambda pos, t: 0.0, families, ["3", "4"], decode) is None


def test_label_after_mark_and_top_alternatives():
    assert label_after_mark(["3", " [RESULT]", " 4", " so", " [RESULT]", "5"], list("12345")) == 5
    assert label_after_mark(["3", " [RESULT]", " so"], list("12345")) is None
    top = [(" 4", math.log(0.3)), ("4", math.log(0.3)), ("3", math.log(0.2)), ("x", math.log(0.2))]
    assert probs_from_top(top, list("12345")) == pytest.approx({"1": 0, "2": 0, "3": 0.25, "4": 0.75, "5": 0})
    assert probs_from_top([("x", 0.0), (None, 0.0)], list("12345")) is None


def test_make_backend_is_the_one_factory(tiny_model_dir):
    with pytest.raises(ValueError, match="unknown backend 'tgi'; choose one of hf, openai, vllm, llamacpp"):
        make_backend("tgi", "m")
    remote = make_backend("openai", "judge", base_url="http://127.0.0.1:9/v1", api_key="k", batch_size=4, threads=2)
    assert remote.name == "openai" and str(remote.client.base_url).startswith("http://127.0.0.1:9/v1")
    local = make_backend("hf", str(tiny_model_dir), batch_size=3, threads=1, base_url="ignored", dtype=None)
    assert isinstance(local, HFBackend) and local.batch_size == 3
    assert BACKENDS == ("hf", "openai", "vllm", "llamacpp")


def test_bench_factory_builds_through_make_backend(monkeypatch):
    calls = []
    monkeypatch.setattr("judgesmith.judge.backends.make_backend", lambda *a, **kw: calls.append((a, kw)) or "b")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert backend_factory("llamacpp", batch_size=2, threads=3)(ModelSpec("q", "m.gguf")) == "b"
    (args, options), = calls
    assert args == ("llamacpp", "m.gguf") and options["threads"] == 3 and options["batch_size"] == 2
    assert options["base_url"] == "http://127.0.0.1:9/v1"


def test_models_module_does_not_import_the_judge():
    tree = ast.parse(open(judgesmith.models.__file__, encoding="utf-8").read())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert "judgesmith.templates" in imported
    assert not [m for m in imported if m and m.startswith("judgesmith.judge")]


def test_default_batch_size_is_one_for_transformers_score_mode_on_cpu(monkeypatch):
    import torch

    from judgesmith.judge.backends import default_batch_size

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert default_batch_size("hf", "score", 8) == 1
    assert default_batch_size("hf", "generate", 8) == 8  # batched decoding is the faster path
    assert default_batch_size("llamacpp", "score", 4) == 4 and default_batch_size("openai", "score", 4) == 4
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert default_batch_size("hf", "score", 8) == 8
