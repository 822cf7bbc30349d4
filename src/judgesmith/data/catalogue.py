"""The dataset catalogue: every dataset judgesmith knows, in one table.

One row per dataset says which loader reads it, where its file lives under the judge data
folder (`JUDGESMITH_DATA`; `None`: hub-only or the user's own file, give a path), what kind of
items it holds, what its gold means, its default rubric, the key of published reference
numbers, and whether it may be trained on and benchmarked. The data sources' `DATASETS`, the
benchmark registry (`bench.adapters.BENCHMARKS`) and the decontamination list
(`data.build.KNOWN_BENCHMARKS`) are derived from this table, so a new dataset is one new row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Kind = Literal["absolute", "pairwise", "both"]

_HUMAN_NO_TIES = "human A/B (ties removed)"
_GPT4_MEAN = "mean of 3 GPT-4 scores (1-5)"


@dataclass(frozen=True)
class Dataset:
    """One dataset: its loader, file, kind, gold meaning and what it may be used for.

    `rubric` is the rubric preset given to the loader when the dataset is loaded by name
    (`None`: the file carries its own rubrics). `decontam` marks evaluation files that a data
    build with `decontamination.check: known` checks training questions against. `options`
    are further loader options; `aliases` are old names that still find the row. `binary` marks an
    absolute benchmark whose gold is supported (gold >= 4) or not: it is scored by balanced accuracy
    and AUROC on the judge's expected score (`metrics.binary`), not by correlation.
    """

    name: str
    title: str
    loader: str
    path: str | None
    kind: Kind
    gold: str
    rubric: str | None = None
    reported: str | None = None
    may_train: bool = False
    may_bench: bool = False
    decontam: bool = False
    binary: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def load_options(self) -> dict[str, Any]:
        """Loader options this dataset implies (its rubric preset and `options`)."""
        return {**({"rubric": self.rubric} if self.rubric else {}), **self.options}


def _eval(name: str, title: str, loader: str, path: str, kind: Kind, gold: str, **more: Any) -> Dataset:
    """A bundled evaluation file: benchmarked, and checked for contamination."""
    return Dataset(name, title, loader, path, kind, gold, may_bench=True, decontam=True, **more)


def _grounded(name: str, title: str, loader: str, path: str, gold: str, **more: Any) -> Dataset:
    """A grounded benchmark file: binary gold (supported or not), the `faithfulness` preset, decontaminated."""
    return Dataset(name, title, loader, path, "absolute", gold, rubric="faithfulness", may_bench=True, decontam=True,
                   binary=True, **more)


_SUMMEDITS = "grounded/summedits/data/summedits"
_CONSISTENT = "annotators: consistent 5 / inconsistent 1"
_WICE = "grounded/wice/code_and_resources/entailment_inputs/oracle_chunks/claim/"
_WICE_GOLD = "annotators: supported 5 / partially supported 3 / not supported 1 (binary: only 5 is supported)"
_ATTR = "grounded/attributionbench/data/"
_ATTR_GOLD = "annotators: attributable 5 / not attributable 1"
_HALUEVAL = "grounded/halueval/generation/qa/qa_one-turn_data.json"
_HALUEVAL_GOLD = "the right answer over the hallucinated one"
_MEMERAG_GOLD = "annotators: Supported 5 / Not Supported 1 (Challenging to determine skipped); bench only"
_UHGEVAL = "multilingual/uhgeval/src/eval_suite/benchs/uhgeval/dataset_uhgeval_concise.jsonl.gz"
_UHGEVAL_GOLD = "the real continuation over the hallucinated one"
MEMERAG_LANGUAGES = ("en", "de", "es", "fr", "hi")
_JA_MT = "multilingual/ja_mt_bench/fastchat/llm_judge/data/japanese_mt_bench"
_JA_MT_GOLD = "GPT-4 1-10 grade (Japanese feedback), ceil(s/2) -> 1-5"
_JA_VICUNA_GOLD = "GPT-4 A/B, judged in both orders; only pairs where both orders agree (ties dropped)"
_MU_SHROOM = "multilingual/mu_shroom/splits/"
_MU_SHROOM_GOLD = ("share of answer characters in hallucinated hard-label spans: none 5 / <=10% 4 / <=25% 3 / "
                   "<=50% 2 / more 1")
MU_SHROOM_LANGUAGES = ("ar", "ca", "cs", "de", "en", "es", "eu", "fa", "fi", "fr", "hi", "it", "sv", "zh")


CATALOGUE: tuple[Dataset, ...] = (
    # Bundled evaluation files (shared/data/README.md), in decontamination-check order.
    _eval("vicuna", "Vicuna Bench (absolute)", "prometheus_absolute", "prometheus/vicuna_eval.json",
          "absolute", _GPT4_MEAN, reported="vicuna"),
    _eval("mt_bench", "MT-Bench (absolute)", "prometheus_absolute", "prometheus/mt_bench_eval.json",
          "absolute", _GPT4_MEAN, reported="mt_bench", may_train=True),
    _eval("autoj_pairwise", "Auto-J Eval (pairwise)", "autoj_pairwise", "prometheus/autoj_pairwise.jsonl",
          "pairwise", "human A/B/tie", rubric="helpfulness", reported="autoj_pairwise"),
    _eval("llmbar_natural", "LLMBar Natural (pairwise)", "llmbar", "llmbar/LLMBar_Natural.json",
          "pairwise", "expert A/B", rubric="helpfulness"),
    _eval("llmbar_mt_bench", "LLMBar Processed MT-Bench (pairwise)", "llmbar", "llmbar/Processed_MT-Bench.json",
          "pairwise", _HUMAN_NO_TIES, rubric="helpfulness", reported="mt_bench_human", aliases=("llmbar_mtbench",)),
    _eval("llmbar_faireval", "LLMBar Processed FairEval (pairwise)", "llmbar", "llmbar/Processed_FairEval.json",
          "pairwise", _HUMAN_NO_TIES, rubric="helpfulness"),
    _eval("llmbar_llmeval2", "LLMBar Processed LLMEval^2 (pairwise)", "llmbar", "llmbar/Processed_LLMEval22.json",
          "pairwise", _HUMAN_NO_TIES, rubric="helpfulness"),
    _eval("pandalm", "PandaLM test set (pairwise)", "pandalm", "pandalm/testset-v1.json",
          "pairwise", "majority of 3 annotators, A/B/tie", rubric="helpfulness"),
    _eval("offsetbias", "OffsetBias EvalBiasBench (pairwise)", "offsetbias", "offsetbias/evalbiasbench.json",
          "pairwise", "the unbiased response", rubric="helpfulness"),
    Dataset("biggen", "BiGGen-Bench instances", "biggen", "biggen/biggen_bench_instances.jsonl", "absolute",
            "none: prompts, rubrics and reference answers only", decontam=True),
    # Bundled training files.
    Dataset("autoj_critiques", "Auto-J critiques (absolute)", "autoj_critiques", "autoj/single_traindata.jsonl",
            "absolute", "GPT-4 1-10 rating, ceil(s/2) -> 1-5", rubric="helpfulness", may_train=True),
    Dataset("arena_bench", "arena-bench v1 GPT-4 grades (absolute)", "arena_bench", "arena_bench_v1",
            "absolute", "GPT-4 1-10 grade, ceil(s/2) -> 1-5", rubric="mt_bench_single", may_train=True),
    Dataset("alpaca_eval", "AlpacaEval annotations (pairwise)", "alpaca_eval",
            "alpaca_eval/alpaca_eval_pairwise_subset.jsonl.gz", "pairwise", "annotator A/B (ties skipped)",
            rubric="helpfulness", may_train=True),
    Dataset("reward_bench", "reward-bench best-of-n (pairwise)", "reward_bench", "reward_bench/bon_pairwise.jsonl.gz",
            "pairwise", "GPT-4-turbo A/B (ties skipped)", rubric="helpfulness", may_train=True),
    Dataset("hh_rlhf", "HH-RLHF harmless-base test (pairwise)", "hh_rlhf", "hh_rlhf/harmless-base_test.jsonl.gz",
            "pairwise", "human chosen response", rubric="harmlessness", may_train=True),
    # Grounded grading (shared/data/grounded, multilingual/uhgeval): is the response supported by its
    # context? Gold 5 supported / 1 not (`data.sources.grounded.common`); bench rows are binary.
    Dataset("summedits", "SummEdits test split (absolute, grounded)", "summedits", _SUMMEDITS, "absolute",
            _CONSISTENT, rubric="faithfulness", may_train=True, options={"split": "test"}),
    _grounded("summedits_eval", "SummEdits evaluation split (grounded)", "summedits", _SUMMEDITS, _CONSISTENT,
              options={"split": "evaluation"}),
    Dataset("summedits_eval_pairs", "SummEdits evaluation split, consistent vs inconsistent edit (grounded pairs)",
            "summedits", _SUMMEDITS, "pairwise", "the consistent edit of one summary over an inconsistent one",
            rubric="faithfulness", may_bench=True, decontam=True,
            options={"split": "evaluation", "pairs": True, "pairs_per_summary": 4, "absolute": False}),
    Dataset("wice", "WiCE dev (absolute, grounded)", "wice", _WICE + "dev.jsonl.gz", "absolute", _WICE_GOLD,
            rubric="faithfulness", may_train=True),
    _grounded("wice_test", "WiCE test (grounded)", "wice", _WICE + "test.jsonl.gz", _WICE_GOLD),
    Dataset("attributionbench", "AttributionBench dev (absolute, grounded)", "attributionbench",
            _ATTR + "dev_all_subset_balanced.jsonl.gz", "absolute", _ATTR_GOLD, rubric="faithfulness", may_train=True),
    _grounded("attributionbench_test", "AttributionBench test, in-distribution 500 (grounded)", "attributionbench",
              _ATTR + "test_all_subset_balanced_sampled500.jsonl.gz", _ATTR_GOLD),
    Dataset("begin", "BEGIN dev + WoW test (absolute, grounded)", "begin", "grounded/begin", "absolute",
            "annotators: fully attributable 5 / not 1; Generic skipped", rubric="faithfulness", may_train=True),
    Dataset("halueval_qa", "HaluEval QA, training questions (grounded pairs + absolute)", "halueval_qa", _HALUEVAL,
            "both", _HALUEVAL_GOLD, rubric="faithfulness", may_train=True, options={"part": "train", "absolute": True}),
    Dataset("halueval_qa_heldout", "HaluEval QA, held-out questions (grounded pairs)", "halueval_qa", _HALUEVAL,
            "pairwise", _HALUEVAL_GOLD, rubric="faithfulness", may_bench=True, decontam=True,
            options={"part": "heldout"}),
    Dataset("dialfact", "DialFact testsmall (absolute, grounded)", "dialfact", "grounded/dialfact/scripts/testsmall.jsonl.gz",
            "absolute", "SUPPORTS 5 / NOT ENOUGH INFO 2 / REFUTES 1", rubric="faithfulness", may_train=True),
    Dataset("qags", "QAGS CNN/DM + XSum summary sentences (absolute, grounded)", "qags", "grounded/qags/data",
            "absolute", "majority of 3 workers: yes 5 / no 1", rubric="faithfulness", may_train=True),
    Dataset("felm", "FELM (absolute factuality, no context)", "felm", "grounded/felm/data", "absolute",
            "every segment correct 5 / else 1 (annotators)", rubric="factual_validity", may_bench=True, binary=True),
    *(_grounded(f"memerag_{lang}", f"MEMERAG {lang} answer sentences (grounded)", "memerag",
                f"grounded/memerag/data/memerag/{lang}.jsonl.gz", _MEMERAG_GOLD) for lang in MEMERAG_LANGUAGES),
    Dataset("uhgeval", "UHGEval zh, training rows (grounded pairs)", "uhgeval", _UHGEVAL, "pairwise", _UHGEVAL_GOLD,
            rubric="faithfulness", may_train=True, options={"part": "train"}),
    Dataset("uhgeval_heldout", "UHGEval zh, held-out rows (grounded pairs)", "uhgeval", _UHGEVAL, "pairwise",
            _UHGEVAL_GOLD, rubric="faithfulness", may_bench=True, decontam=True, options={"part": "heldout"}),
    # Multilingual judging (shared/data/multilingual; `language` on every item). Translated MT-Bench and
    # Vicuna questions carry their English ids (`Provenance.same_as`), so decontamination and splits see
    # them as the English questions: Japanese Vicuna benches only (English Vicuna is a benchmark); Japanese
    # MT-Bench is split by question, half trains and half benches.
    Dataset("ja_mt_bench", "Japanese MT-Bench GPT-4 grades, training questions (absolute)", "ja_mt_bench", _JA_MT,
            "absolute", _JA_MT_GOLD, rubric="mt_bench_single", may_train=True, options={"part": "train"}),
    Dataset("ja_mt_bench_heldout", "Japanese MT-Bench GPT-4 grades, held-out questions (absolute)", "ja_mt_bench",
            _JA_MT, "absolute", _JA_MT_GOLD, rubric="mt_bench_single", may_bench=True, decontam=True,
            options={"part": "heldout"}),
    _eval("ja_vicuna_qa", "Japanese Vicuna QA GPT-4 pairwise (both orders agree)", "ja_vicuna_qa",
          "multilingual/ja_vicuna_qa/data/jp_bench", "pairwise", _JA_VICUNA_GOLD, rubric="helpfulness"),
    Dataset("mu_shroom", "Mu-SHROOM val, 10 languages (absolute factuality, no context)", "mu_shroom",
            _MU_SHROOM + "val/v2", "absolute", _MU_SHROOM_GOLD, rubric="factual_validity", may_train=True),
    *(_eval(f"mu_shroom_{lang}", f"Mu-SHROOM labelled test {lang} (absolute factuality, no context)", "mu_shroom",
            _MU_SHROOM + "test_labeled/v1", "absolute", _MU_SHROOM_GOLD, rubric="factual_validity",
            options={"language": lang}) for lang in MU_SHROOM_LANGUAGES),
    _eval("kudge_pairwise", "KUDGE ko false-information pairs", "kudge", "multilingual/kudge/data", "pairwise",
          "the original answer over its copy with one false fact", rubric="factual_validity",
          options={"kind": "pairwise"}),
    _eval("kudge_pointwise", "KUDGE ko false-information pointwise (binary)", "kudge", "multilingual/kudge/data",
          "absolute", "original answer 5 / its copy with one false fact 1 (each row's own Korean rubric)",
          binary=True, options={"kind": "absolute"}),
    # Hub-only sets: give `path:` to a local copy (or a hub id, online).
    Dataset("hhh", "HHH Alignment (pairwise)", "prometheus_hhh", None, "pairwise",
            "human A/B; file hhh_alignment_eval.json from prometheus-eval", reported="hhh", may_bench=True),
    Dataset("feedback_bench", "Feedback-Bench (absolute)", "feedback_collection", None, "absolute",
            "GPT-4 score; hub dataset prometheus-eval/Feedback-Bench", reported="feedback_bench", may_bench=True),
    Dataset("preference_bench", "Preference-Bench (pairwise)", "preference_collection", None, "pairwise",
            "GPT-4 preference; hub dataset prometheus-eval/Preference-Bench", may_bench=True),
    Dataset("feedback_collection", "Feedback Collection (absolute)", "feedback_collection", None, "absolute",
            "GPT-4 score; hub dataset prometheus-eval/Feedback-Collection", may_train=True),
    Dataset("preference_collection", "Preference Collection (pairwise)", "preference_collection", None,
            "pairwise", "GPT-4 preference; hub dataset prometheus-eval/Preference-Collection", may_train=True),
    # The user's own files, read by the generic loader.
    Dataset("generic_absolute", "User file (absolute)", "generic", None, "absolute", "the file's gold score",
            may_train=True, may_bench=True, options={"kind": "absolute"}),
    Dataset("generic_pairwise", "User file (pairwise)", "generic", None, "pairwise", "the file's gold winner",
            may_train=True, may_bench=True, options={"kind": "pairwise"}),
)

BY_NAME: dict[str, Dataset] = {d.name: d for d in CATALOGUE}
ALIASES: dict[str, str] = {alias: d.name for d in CATALOGUE for alias in d.aliases}


def lookup(name: str) -> Dataset | None:
    """The catalogue row for a name or an old alias (`llmbar_mtbench` -> `llmbar_mt_bench`); None if unknown."""
    return BY_NAME.get(ALIASES.get(name, name))


def bundled() -> dict[str, tuple[str, str]]:
    """Name -> (loader, path under the data dir) of every dataset with a file in the data folder."""
    return {d.name: (d.loader, d.path) for d in CATALOGUE if d.path is not None}


def decontam_names() -> tuple[str, ...]:
    """Evaluation files checked for contamination under `check: known`, in table order."""
    return tuple(d.name for d in CATALOGUE if d.decontam)
