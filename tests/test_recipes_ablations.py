"""Each ablation recipe is the main job's recipe with exactly its named change (no silent drift).

An ablation whose data recipe kept an old label-only share or shortening would measure two changes
at once; these tests compare the parsed YAML of each ablation against the main job's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _diff(a: Any, b: Any, where: str = "") -> set[str]:
    """Dotted paths at which two parsed YAML trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for key in set(a) | set(b):
            out |= _diff(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
        return out
    return set() if a == b else {where}


@pytest.mark.parametrize("name, changed", [
    ("data-no-swap.yaml", {"pairs.swap_augment"}),
    ("data-mt-bench-only.yaml", {"sources"}),
])
def test_data_ablation_changes_one_thing(name: str, changed: set[str]) -> None:
    main, ablation = _load(RECIPES / "data-cpu.yaml"), _load(RECIPES / "ablations" / name)
    assert _diff(main, ablation) == changed


def test_mt_bench_only_keeps_the_main_jobs_mt_bench_source() -> None:
    main, ablation = _load(RECIPES / "data-cpu.yaml"), _load(RECIPES / "ablations" / "data-mt-bench-only.yaml")
    assert ablation["sources"] == [s for s in main["sources"] if s["name"] == "mt_bench"]


@pytest.mark.parametrize("name", ["gemma3-270m-cpu-no-swap.yaml", "gemma3-270m-cpu-mt-bench-only.yaml",
                                  "gemma3-270m-cpu-length-balanced.yaml"])
def test_build_ablation_shares_training_merge_and_suite(name: str) -> None:
    main, ablation = _load(RECIPES / "gemma3-270m-cpu.yaml"), _load(RECIPES / "ablations" / name)
    for stage in ("feedback", "preference"):
        mine, theirs = RECIPES / "ablations" / ablation["train"][stage], RECIPES / main["train"][stage]
        if mine.resolve() != theirs.resolve():  # a changed stage recipe differs in its named change only
            assert _diff(_load(theirs), _load(mine)) <= {"data.balance_length", "output_dir"}
            assert _load(mine)["data"]["balance_length"] is True
            assert (RECIPES / "ablations" / ablation["data"]).resolve() == (RECIPES / main["data"]).resolve()
    assert (RECIPES / "ablations" / ablation["merge"]).resolve() == (RECIPES / main["merge"]).resolve()
    # the bench differs only in what run.sh relies on: merged judged alone, no consistency stage
    assert _diff(main["bench"], ablation["bench"]) <= {"models", "consistency"}
    assert ablation["bench"]["models"] == ["merged"]
    assert _diff(main, ablation) <= {"name", "description", "data", "train.feedback", "train.preference", "merge",
                                     "bench.models", "bench.consistency",
                                     "targets"}  # an ablation benches no base of its own: no paired target
