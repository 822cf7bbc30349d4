"""Run a synthesis: instructions, then per instruction a reference and one response per score, concurrently.

Everything written goes through the append-only `Store`, so rerunning the same
command after a kill skips finished rows. `max_tokens_total` counts every token
recorded in the folder (earlier runs included) plus this run's calls; once reached,
no new call starts and the manifest says the run stopped early.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from judgesmith.data.synthesize import steps
from judgesmith.data.synthesize.manifest import finish
from judgesmith.data.synthesize.prompts import PROMPT_VERSION, instructions_prompt, parse_instructions
from judgesmith.data.synthesize.store import Store
from judgesmith.data.synthesize.teacher import Answer, Teacher, TeacherConfig, TeacherError
from judgesmith.prompts import Prompt
from judgesmith.records import Rubric

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthSpec:
    """What to make: the rubric, where instructions come from, target scores, validation and budget."""

    rubric: Rubric
    rubric_file: str = ""
    seed_instructions: tuple[str, ...] = ()
    instructions: tuple[tuple[str, str], ...] | None = None  # (id, text) from the user's file
    n_instructions: int = 0
    scores: tuple[int, ...] = (1, 2, 3, 4, 5)
    seed: int = 0
    max_tokens_total: int | None = None
    per_request: int = 10  # instructions asked for per generation call
    checks: steps.Checks = field(default_factory=steps.Checks)


class BudgetReached(Exception):
    """`max_tokens_total` is spent: no new teacher call starts."""


class Synthesis:
    def __init__(self, spec: SynthSpec, teacher: Teacher, store: Store, bar: Any):
        self.spec, self.teacher, self.store, self.bar = spec, teacher, store, bar
        self.spent_before = sum(store.tokens())
        self.stopped: str | None = None

    def spent(self) -> int:
        return self.spent_before + self.teacher.usage.tokens_in + self.teacher.usage.tokens_out

    def _check_budget(self) -> None:
        budget = self.spec.max_tokens_total
        if budget is not None and self.spent() >= budget:
            self.stopped = f"max_tokens_total {budget} reached"
            raise BudgetReached(self.stopped)

    async def ask(self, prompt: Prompt, seed: int, max_tokens: int | None = None) -> Answer:
        answer = await self.teacher.chat(prompt, seed, max_tokens, gate=self._check_budget)
        self.bar.tick(self)
        return answer

    def meta(self, seed: int) -> dict[str, Any]:
        return {"teacher": self.teacher.config.model, "prompt_version": PROMPT_VERSION, "seed": self.spec.seed,
                "call_seed": seed}

    async def instructions(self) -> list[tuple[str, str]]:
        """Step 1: the user's instructions, or generated ones, near-duplicates removed."""
        known = [(r["id"], r["instruction"]) for r in self.store.rows["instructions"].values()]
        if self.spec.instructions is not None:
            rejected = self.store.rows["rejected"].values()
            seen = set(self.store.rows["instructions"]) | {r.get("file_id") for r in rejected}
            fresh = [(i, t) for i, t in self.spec.instructions if i not in seen]  # a resumed run: asked before
            new, dupes = steps.dedupe([t for _, t in fresh], known, self.spec.checks.duplicate_threshold, "i")
            ids = {t: i for i, t in fresh}
            self._add_instructions([(ids[t], t) for _, t in new], [(ids[t], t, twin) for _, t, twin in dupes],
                                   "file", 0, 0, 0)
        else:
            await self._generate(known)
        return [(r["id"], r["instruction"]) for r in self.store.rows["instructions"].values()]

    async def _generate(self, known: list[tuple[str, str]]) -> None:
        seeds = [(f"seed{i}", t) for i, t in enumerate(self.spec.seed_instructions)]
        rounds = 0
        limit = 3 * (self.spec.n_instructions // self.spec.per_request + 1)
        while len(self.store.rows["instructions"]) < self.spec.n_instructions and rounds < limit:
            want = min(self.spec.per_request, self.spec.n_instructions - len(self.store.rows["instructions"]))
            call = len([r for r in self.store.rows["rejected"].values() if r.get("step") == "instructions"])
            seed = self.spec.seed * 1000 + len(self.store.rows["instructions"]) + call
            prompt = instructions_prompt(self.spec.rubric, self.spec.seed_instructions, want)
            answer = await self.ask(prompt, seed)
            rounds += 1
            found = parse_instructions(answer.text)
            existing = seeds + [(r["id"], r["instruction"]) for r in self.store.rows["instructions"].values()]
            existing += _prompt_lines(f"{prompt.system}\n{prompt.user}")  # weak teachers echo the task description
            new, dupes = steps.dedupe(found, existing, self.spec.checks.duplicate_threshold, "g")
            new = new[:want]
            if not new and not dupes:
                self.store.add("rejected", {"id": f"gen-{seed}", "step": "instructions", "reason": "malformed",
                                            "detail": "no numbered instructions", "attempts": 1,
                                            "tokens_in": answer.tokens_in, "tokens_out": answer.tokens_out,
                                            "last_output": answer.text[:500], **self.meta(seed)})
                continue
            self._add_instructions(new, dupes, "generated", seed, answer.tokens_in, answer.tokens_out)
        if len(self.store.rows["instructions"]) < self.spec.n_instructions:
            log.warning("only %d of %d instructions after %d teacher calls", len(self.store.rows["instructions"]),
                        self.spec.n_instructions, rounds)

    def _add_instructions(self, new: list[tuple[str, str]], dupes: list[tuple[str, str, str]], origin: str,
                          seed: int, tin: int, tout: int) -> None:
        cost = {"tokens_in": tin, "tokens_out": tout}  # the call's tokens go on its first row
        for iid, text in new:
            self.store.add("instructions", {"id": iid, "instruction": text, "origin": origin, "attempts": 1,
                                            **cost, **self.meta(seed)})
            cost = {"tokens_in": 0, "tokens_out": 0}
        for iid, text, twin in dupes:
            reason = "echoes the prompt" if twin.startswith(ECHO) else "near-duplicate"
            self.store.add("rejected", {"id": f"dup-{iid}", "file_id": iid, "step": "instructions", "reason": reason,
                                        "detail": f"repeats {twin}", "instruction": text, "attempts": 1,
                                        **cost, **self.meta(seed)})
            cost = {"tokens_in": 0, "tokens_out": 0}

    async def one(self, iid: str, instruction: str) -> None:
        """Steps 2-3 for one instruction; a teacher outage leaves it unrecorded for the next run."""
        try:
            ref = await self._reference(iid, instruction)
            if ref is not None:
                await asyncio.gather(*(self._response(iid, instruction, ref, s) for s in self.spec.scores))
        except BudgetReached:
            return
        except TeacherError as exc:
            log.warning("%s: %s (rerun to retry)", iid, exc)

    async def _reference(self, iid: str, instruction: str) -> str | None:
        rid = f"{iid}-ref"
        if rid in self.store.rows["references"]:
            return self.store.rows["references"][rid]["reference_answer"]
        if rid in self.store.rows["rejected"]:
            return None
        out = await steps.reference(self.ask, self.spec.rubric, instruction, self.spec.seed, self.spec.checks)
        self._record(rid, "reference", out, {"instruction_id": iid, "instruction": instruction}, "references")
        return out.fields["reference_answer"] if out.fields else None

    async def _response(self, iid: str, instruction: str, ref: str, score: int) -> None:
        rid = f"{iid}-s{score}"
        if self.store.done(rid):
            return
        try:
            out = await steps.response(self.ask, self.spec.rubric, instruction, ref, score,
                                       self.spec.seed + score, self.spec.checks)
        except BudgetReached:
            return
        except TeacherError as exc:
            log.warning("%s: %s (rerun to retry)", rid, exc)
            return
        base = {"question_id": iid, "instruction": instruction, "reference_answer": ref,
                "rubric": self.spec.rubric.to_dict(), "target_score": score}
        self._record(rid, "response", out, base, "absolute")

    def _record(self, rid: str, step: str, out: steps.Outcome, base: dict[str, Any], kept_file: str) -> None:
        common = {"id": rid, **base, "attempts": out.attempts, "tokens_in": out.tokens_in,
                  "tokens_out": out.tokens_out, **self.meta(self.spec.seed)}
        if out.fields is not None:
            self.store.add(kept_file, {**common, **out.fields})
        else:
            self.store.add("rejected", {**common, "step": step, "reason": out.reason, "detail": out.detail,
                                        "last_output": out.last_output})


ECHO = "prompt-line-"


def _prompt_lines(text: str) -> list[tuple[str, str]]:
    """The instruction prompt's own lines (minus the seed examples) as `(id, text)` to dedupe against."""
    lines = [ln for ln in text.splitlines() if len(ln.split()) >= 4 and not ln.startswith("Example ")]
    return [(f"{ECHO}{i}", ln) for i, ln in enumerate(lines)]


def _calls_ahead(store: Store, todo: list[tuple[str, str]], scores: tuple[int, ...]) -> int:
    n = 0
    for iid, _ in todo:
        if f"{iid}-ref" in store.rows["rejected"]:
            continue
        n += f"{iid}-ref" not in store.rows["references"]
        n += sum(not store.done(f"{iid}-s{s}") for s in scores)
    return n


async def synthesize_async(spec: SynthSpec, teacher_config: TeacherConfig, out: str | Path,
                           transport: Any = None, progress: bool = True) -> dict[str, Any]:
    """Run (or resume) a synthesis into `out`; returns the manifest."""
    from judgesmith.data.synthesize.progress import Progress
    from judgesmith.data.synthesize.manifest import check_compatible

    out = Path(out)
    check_compatible(out, spec, teacher_config)
    store, started = Store(out), time.time()
    n = len(spec.instructions) if spec.instructions is not None else spec.n_instructions
    bar = Progress(n, len(spec.scores), spec.instructions is None, spec.per_request, enabled=progress)
    try:
        async with Teacher(teacher_config, transport) as teacher:
            syn = Synthesis(spec, teacher, store, bar)
            try:
                todo = await syn.instructions()
                bar.plan(_calls_ahead(store, todo, spec.scores))
                await asyncio.gather(*(syn.one(iid, text) for iid, text in todo))
            except BudgetReached:
                pass
            except TeacherError as exc:
                syn.stopped = str(exc)
            run = {"started": started, "finished": time.time(), **asdict(teacher.usage), "stopped": syn.stopped}
    finally:
        bar.close()
        store.close()
    return finish(out, spec, teacher_config, store, run)


def synthesize(spec: SynthSpec, teacher_config: TeacherConfig, out: str | Path, transport: Any = None,
               progress: bool = True) -> dict[str, Any]:
    """Blocking wrapper around `synthesize_async` (the CLI and the build stage call this)."""
    return asyncio.run(synthesize_async(spec, teacher_config, out, transport, progress))
