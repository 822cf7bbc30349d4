"""A tqdm bar over teacher calls with tokens in/out so far and an estimate of the total."""

from __future__ import annotations

from typing import Any


class Progress:
    """Counts calls against the planned number; the token estimate scales the mean tokens per call."""

    def __init__(self, n_instructions: int, n_scores: int, generate: bool, per_request: int, enabled: bool = True):
        self.n_scores = n_scores
        calls = n_instructions * (1 + n_scores)
        if generate:
            calls += max(1, -(-n_instructions // per_request))
        self.calls = 0
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=calls, unit="call", desc="synthesize", dynamic_ncols=True)

    def plan(self, calls_ahead: int) -> None:
        """Once the instructions are known: the calls still ahead (references and responses, first tries)."""
        if self._bar is not None:
            self._bar.total = self.calls + calls_ahead
            self._bar.refresh()

    def tick(self, synthesis: Any) -> None:
        self.calls += 1
        if self._bar is None:
            return
        usage = synthesis.teacher.usage
        per_call = (usage.tokens_in + usage.tokens_out) / max(usage.calls, 1)
        estimate = int(synthesis.spent_before + per_call * (self._bar.total or self.calls))
        self._bar.set_postfix_str(f"tok in {usage.tokens_in} out {usage.tokens_out} est total ~{estimate}",
                                  refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
