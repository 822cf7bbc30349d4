"""`POST /v1/judge/absolute` and `/v1/judge/pairwise`: items in, `Verdict.to_dict()` out.

Every item of every concurrent request with the same kind, mode and swap goes
through the micro-batcher into one `Judge` call. A model output that does not
parse is a verdict with `parse_ok=false`; only bad input (400/413/422) or a
failing backend (500) is an HTTP error. Items whose prompt is over the model's
context or `max_prompt_tokens` are a 400 before any model call (the same length
guard as the batch CLI).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Sequence

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from judgesmith.judge.backends import default_batch_size
from judgesmith.judge.engine import Judge, JudgeConfig
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric, Verdict
from judgesmith.rubrics import PRESETS, preset
from judgesmith.serve.limits import check_work, judge_work
from judgesmith.serve.schemas import AbsoluteIn, AbsoluteRequest, JudgeResponse, PairwiseIn, PairwiseRequest

log = logging.getLogger(__name__)
router = APIRouter(tags=["judge"])
DEFAULT_RUBRIC = "helpfulness"  # for items without a rubric


def rubric_from(value: str | Rubric | None, where: str) -> Rubric:
    """Preset name, rendered `[criteria]\\nScore 1: ...` text, or an inline object; never a file path."""
    if value is None:
        return preset(DEFAULT_RUBRIC)
    if isinstance(value, Rubric):
        return value
    text = value.strip()
    if text.startswith("[") and "Score 1:" in text:
        return Rubric.parse(text)
    try:
        return preset(text)
    except ValueError:
        raise HTTPException(400, f"{where}: unknown rubric preset {text!r}; choose one of {sorted(PRESETS)}, "
                                 "send a rendered '[criteria]\\nScore 1: ...' text, or an object with "
                                 "'criteria' and 'score1_description'..'score5_description'") from None


def to_records(items: Sequence[AbsoluteIn | PairwiseIn]) -> list[AbsoluteItem | PairwiseItem]:
    """Items already checked by the item schema (texts, ids, rubric objects); here only rubric names are resolved."""
    records = []
    for i, it in enumerate(items):
        try:
            records.append(it.to_record(rubric_from(it.rubric, f"items[{i}].rubric"), fallback_id=str(i)))
        except ValueError as exc:  # an item the rubric cannot judge (a grounded rubric without a context)
            raise HTTPException(422, f"items[{i}]: {exc}") from None
    return records


def check_lengths(judge: Judge, records: list) -> None:
    """The CLI's length guard: an over-long item is a 400 naming it, never a giant allocation."""
    rejected = [f"items[{i}]: {s.reason}" for i, s in enumerate(judge.screen(records)) if not s.ok]
    if rejected:
        more = f" (and {len(rejected) - 3} more)" if len(rejected) > 3 else ""
        raise HTTPException(400, "; ".join(rejected[:3]) + more)


def grade(backend: Any, config: JudgeConfig, kind: str, items: list) -> list[Verdict]:
    """The batch runner: one Judge call over the combined items of several requests."""
    judge = Judge(backend, config)
    return judge.grade_absolute(items) if kind == "absolute" else judge.grade_pairwise(items)


async def judge_items(state: Any, kind: str, body: AbsoluteRequest | PairwiseRequest) -> JudgeResponse:
    settings = state.settings
    items = body.items
    check_count(settings, len(items), "items")
    records = to_records(items)
    mode = body.mode or settings.default_mode
    verdicts = await run_records(state, kind, records, mode, bool(body.swap) and kind == "pairwise")
    return JudgeResponse(model=settings.model_name, mode=mode, verdicts=verdicts)


def check_count(settings: Any, n: int, what: str) -> None:
    """413 over `--max-items`, 422 for none: the same bounds on every judging endpoint."""
    if n > settings.max_items:
        raise HTTPException(413, f"{n} {what} in one request; the limit is {settings.max_items}")
    if n == 0:
        raise HTTPException(422, f"{what}: send at least one")


async def run_records(state: Any, kind: str, records: list, mode: str, swap: bool,
                      overlong: str = "reject") -> list[Verdict]:
    """Work and length checks, then the records through the micro-batcher; backend errors become 400/500.

    `overlong="truncate"` (the reward endpoints) judges an over-long item with its response cut to fit
    instead of refusing the request."""
    settings = state.settings
    work = await run_in_threadpool(judge_work, state.backend, records, mode, swap, settings.max_new_tokens)
    check_work(settings, work, f"{len(records)} items")
    batch = default_batch_size(getattr(state.backend, "name", ""), mode, settings.max_batch)  # 1: hf score on CPU
    config = JudgeConfig(mode=mode, swap=swap, batch_size=batch, max_new_tokens=settings.max_new_tokens,
                         tie_tolerance=settings.tie_tolerance, max_prompt_tokens=settings.max_prompt_tokens,
                         overlong=overlong)
    check_lengths(Judge(state.backend, config), records)
    try:
        verdicts = await state.batcher.submit(("judge", kind, mode, swap, overlong), records,
                                              partial(grade, state.backend, config, kind))
    except ValueError as exc:
        raise HTTPException(400, f"the judge cannot run this request: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a backend failure is a 500 with a reason, not a traceback
        log.exception("judge backend failed")
        raise HTTPException(500, f"judge backend failed: {type(exc).__name__}: {exc}") from None
    state.metrics.record_verdicts(kind, mode, [v.parse_ok for v in verdicts])
    return verdicts


@router.post("/v1/judge/absolute", response_model=JudgeResponse)
async def judge_absolute(body: AbsoluteRequest, request: Request) -> JudgeResponse:
    """Grade responses 1-5 against a rubric."""
    return await judge_items(request.app.state.judgesmith, "absolute", body)


@router.post("/v1/judge/pairwise", response_model=JudgeResponse)
async def judge_pairwise(body: PairwiseRequest, request: Request) -> JudgeResponse:
    """Pick the better of two responses (A or B; `swap` judges both orders)."""
    return await judge_items(request.app.state.judgesmith, "pairwise", body)
