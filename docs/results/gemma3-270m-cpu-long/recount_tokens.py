"""Recount a resumed training run's tokens from its metrics log, and fix its `judgesmith.json` records.

Why: this run's training stages were interrupted and resumed (sessions end), and the code that
trained them recorded `tokens_seen` from TRL's `num_tokens`, which restarts at zero in each process:
a resumed stage recorded only its last invocation's tokens. (Fixed in `judgesmith.train` after this
run finished training: `callbacks.TokenCounter` counts across resumes; landing it earlier would have
changed the training stages' keys and retrained them.)

The rule (`judgesmith.bench.train_log.tokens_by_step`, the same as `TokenCounter`'s): `metrics.jsonl`
is appended to by every invocation and each one begins with a `train_begin` line at the step it resumed
from; an invocation's counts are offset by the run's count at that step.

    python docs/results/gemma3-270m-cpu-long/recount_tokens.py runs/gemma3-270m-cpu-long/train-feedback [--write]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from judgesmith.bench.train_log import read_log, tokens_by_step


def recount(metrics: Path) -> int:
    """The whole run's training tokens: the count at its last logged step, across resumes."""
    counts = tokens_by_step(read_log(metrics))
    return counts[max(counts)]


def main(argv: list[str]) -> int:
    folder, write = Path(argv[0]), "--write" in argv[1:]
    total = recount(folder / "metrics.jsonl")
    for path in (folder / "judgesmith.json", folder / "merged" / "judgesmith.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        print(f"{path}: recorded {record.get('tokens_seen')}, whole run {total}")
        if write and record.get("tokens_seen") != total:
            record["tokens_seen_last_invocation"] = record.get("tokens_seen")
            record["tokens_seen"] = total
            path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
