"""The packaged `multilingual-cpu` suite against the shared data (loads files, never a model): items per
language, both kinds where the data has them, and the languages the suite comment promises."""

from collections import Counter

import pytest

from judgesmith.bench.runner import prepare_tasks
from judgesmith.bench.suite import load_suite
from judgesmith.data.sources.multilingual.mu_shroom import LANGUAGES

SHORT = {"eu": 99}  # Mu-SHROOM's Basque test file holds 99 answers, and Basque has no other set


@pytest.fixture(scope="module")
def tasks(data_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("JUDGESMITH_DATA", str(data_dir))
    try:
        suite = load_suite("multilingual-cpu")
        yield prepare_tasks(suite.benchmarks, seed=suite.seed)
    finally:
        mp.undo()


def test_every_entry_loads_with_one_language(tasks):
    for task in tasks:
        assert task.error is None and task.examples, task.key
        languages = {ex.item.language for ex in task.examples}
        assert len(languages) == 1 and None not in languages, (task.key, languages)


def test_at_least_100_items_per_language_where_the_data_allows(tasks):
    per_language, kinds = Counter(), {}
    for task in tasks:
        [lang] = {ex.item.language for ex in task.examples}
        per_language[lang] += len(task.examples)
        kinds.setdefault(lang, set()).add(task.bench.kind)
    assert set(per_language) == {*LANGUAGES, "ja", "ko"}
    for lang, n in per_language.items():
        assert n >= SHORT.get(lang, 100), (lang, n)
    for lang in ("ja", "ko", "zh"):  # absolute and pairwise
        assert kinds[lang] == {"absolute", "pairwise"}, lang


def test_binary_samples_are_balanced_and_pairs_have_both_winners(tasks):
    """Pairs are judged in both orders anyway; a seeded sample of position-balanced files stays near half."""
    for task in tasks:
        if task.bench.kind == "pairwise":
            golds = Counter(ex.gold for ex in task.examples)
            assert min(golds["A"], golds["B"]) >= 0.3 * len(task.examples), (task.key, golds)
        elif task.bench.binary:
            supported = sum(ex.gold_score >= 4 for ex in task.examples)
            assert supported * 2 == len(task.examples), task.key
