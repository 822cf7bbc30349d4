"""Recount a resumed training run's tokens from its metrics log, and fix its `judgesmith.json` records.

Why: this run's training stages were interrupted and resumed (sessions end), and the code that
trained them recorded `tokens_seen` from TRL's `num_tokens`, which restarts at zero in each process:
a resumed stage recorded only its last invocation's tokens. (Fixed in `judgesmith.train` after this
run finished training: `callbacks.TokenCounter` counts across resumes; landing it earlier would have
changed the training stages' keys and retrained them.)

The rule, the same as `TokenCounter`'s: `metrics.jsonl` is appended to by every invocation and each
one begins with a `train_begin` line at the step it resumed from; the run's count at that step is the
previous invocation's count there plus what that invocation started from. The whole run's tokens are
the last invocation's final count plus its offset.

    python docs/results/gemma3-270m-cpu-long/recount_tokens.py runs/gemma3-270m-cpu-long/train-feedback [--write]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def recount(metrics: Path) -> tuple[int, list[tuple[int, int]]]:
    """(whole-run tokens, [(resume step, offset) per invocation]) from a metrics.jsonl."""
    lines = [json.loads(x) for x in metrics.read_text(encoding="utf-8").splitlines() if x.strip()]
    invocations: list[list[dict]] = []
    for line in lines:
        if line.get("event") == "train_begin":
            invocations.append([line])
        elif invocations:
            invocations[-1].append(line)
    offsets, offset, last_counts = [], 0, {}
    for events in invocations:
        step = int(events[0]["step"])
        if step > 0:
            if step not in last_counts:
                raise ValueError(f"{metrics}: no token count logged at step {step}, where a run resumed")
            offset = last_counts[step]
        offsets.append((step, offset))
        last_counts = {int(e["step"]): offset + int(e["num_tokens"]) for e in events if "num_tokens" in e}
    return max(last_counts.values()), offsets


def main(argv: list[str]) -> int:
    folder, write = Path(argv[0]), "--write" in argv[1:]
    total, offsets = recount(folder / "metrics.jsonl")
    for path in (folder / "judgesmith.json", folder / "merged" / "judgesmith.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        print(f"{path}: recorded {record.get('tokens_seen')}, whole run {total} (invocations at {offsets})")
        if write and record.get("tokens_seen") != total:
            record["tokens_seen_last_invocation"] = record.get("tokens_seen")
            record["tokens_seen"] = total
            path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
