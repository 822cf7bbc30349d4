"""Learning-curve snapshots: the adapter as it was at given fractions of a training run.

`SnapshotCallback` saves them while training (`training.snapshot_fractions`); each
snapshot folder holds the PEFT adapter, the tokenizer and `snapshot.json` (step,
fraction, tokens seen so far). `export_snapshot` turns one into a full model folder
with a `judgesmith.json` whose `tokens_seen` is the snapshot's, so the bench report's
"training tokens" column and the learning curve read the right budget.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from transformers import TrainerCallback

from judgesmith.train.callbacks import TOTAL

log = logging.getLogger(__name__)

SNAPSHOTS = "snapshots"


def snapshot_name(fraction: float) -> str:
    """Folder name of a fraction: 0.25 -> `frac-0.25`."""
    return f"frac-{fraction:g}"


def snapshot_step(fraction: float, max_steps: int) -> int:
    """The optimizer step at which a fraction of `max_steps` is reached (at least step 1)."""
    return max(1, math.ceil(fraction * max_steps - 1e-9))


class SnapshotCallback(TrainerCallback):
    """Save the adapter at the first logged step at or after each fraction of the run.

    Taken on the log event (not on step end) so the record carries the run's token count at
    that step (`tokens_total`, written by `callbacks.TokenCounter`, which counts across resumes;
    add that callback first). A snapshot already on disk (a resumed run) is kept.
    """

    def __init__(self, out_dir: Path, fractions: Sequence[float]) -> None:
        self.root = Path(out_dir) / SNAPSHOTS
        self.fractions = sorted(fractions)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kw: Any) -> None:
        if not state.is_world_process_zero or not logs or "loss" not in logs:
            return
        for fraction in self.fractions:
            folder = self.root / snapshot_name(fraction)
            if state.global_step < snapshot_step(fraction, state.max_steps) or folder.exists():
                continue
            self._save(folder, fraction, state, logs, kw)

    def _save(self, folder: Path, fraction: float, state: Any, logs: dict, kw: dict) -> None:
        tmp = folder.with_name(folder.name + ".partial")
        kw["model"].save_pretrained(str(tmp))
        tokenizer = kw.get("processing_class") or kw.get("tokenizer")
        if tokenizer is not None:
            tokenizer.save_pretrained(str(tmp))
        record = {"fraction": fraction, "step": state.global_step, "max_steps": state.max_steps,
                  "tokens_seen": int(logs[TOTAL]) if TOTAL in logs else None}
        (tmp / "snapshot.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        tmp.rename(folder)
        log.info("learning-curve snapshot %s at step %d", folder, state.global_step)


@dataclass(frozen=True)
class Snapshot:
    fraction: float
    step: int
    tokens_seen: Optional[int]
    path: Path


def list_snapshots(run_dir: Path) -> list[Snapshot]:
    """The finished snapshots of a training output folder, by fraction."""
    found = []
    for record in sorted((Path(run_dir) / SNAPSHOTS).glob("frac-*/snapshot.json")):
        data = json.loads(record.read_text(encoding="utf-8"))
        found.append(Snapshot(float(data["fraction"]), int(data["step"]), data.get("tokens_seen"), record.parent))
    return sorted(found, key=lambda s: s.fraction)


def export_snapshot(run_dir: Path, snap: Snapshot, base_source: str, out_dir: Path, dtype: str = "float32") -> Path:
    """A full model folder of base + the snapshot's adapter, provenance copied from the finished run."""
    from judgesmith.train.export import merge_adapter

    merge_adapter(base_source, snap.path, out_dir, dtype)
    final = Path(run_dir) / "judgesmith.json"
    record = json.loads(final.read_text(encoding="utf-8")) if final.is_file() else {}
    record.update(steps=snap.step, tokens_seen=snap.tokens_seen, snapshot_fraction=snap.fraction,
                  train_loss=None, eval_loss=None, train_seconds=None, tokens_per_second=None)
    (out_dir / "judgesmith.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return out_dir
