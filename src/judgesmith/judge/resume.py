"""Resuming a verdicts file: keep only verdicts judged on the same item, with the same rubric and settings.

Beside the verdicts file OUTPUT, `judge` keeps a sidecar `OUTPUT.run.json` (replaced atomically) that
names what the file holds: its kind, the model (name and content hash), and every settings record its
verdicts were judged with (backend, mode, prompt version, sampling), each under its short hash. Every
verdict line carries three short hashes: `item_hash` (the judged text: instruction, responses,
reference answer, context), `rubric_hash` (the rubric it was judged against) and `settings_hash`.

A rerun keeps a verdict only when all three match; every other item is judged again (its new verdict is
appended and supersedes the old one: the last line for an id wins), and the run says how many and why.
A file of the other kind, or of another model, is refused: mixing them would make every summary and
metric wrong. Lines that are not verdicts (torn, garbage, `{"id": "zzz"}`) are counted and reported,
never a crash. A non-empty file with no verdict in it at all is not judgesmith's and is never written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".run.json"
KINDS = ("absolute", "pairwise")
# Settings that do not change what a verdict says are left out (limits, batch sizes, threads).
_MODE_KEYS = {"generate": ("n", "temperature", "max_new_tokens"), "score": ()}


def short_hash(value: Any) -> str:
    """16 hex digits of the SHA-256 of a value's canonical JSON."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def item_hash(item: AbsoluteItem | PairwiseItem) -> str:
    """Hash of what the judge reads of an item, less its id and rubric (hashed on their own)."""
    texts = (item.response,) if isinstance(item, AbsoluteItem) else (item.response_a, item.response_b)
    return short_hash([item.instruction, *texts, item.reference_answer, item.context])


def rubric_hash(rubric: Rubric) -> str:
    return short_hash(rubric.to_dict())


def prompt_version() -> str:
    """Hash of the prompt templates, read off rendered probe items: any template change changes it."""
    from judgesmith.prompts import build_prompt

    rubric = Rubric("c", "1", "2", "3", "4", "5")
    probes = [AbsoluteItem("p", "i", "r", rubric, "ref", "ctx"), AbsoluteItem("p", "i", "r", rubric),
              PairwiseItem("p", "i", "a", "b", rubric, "ref", "ctx"), PairwiseItem("p", "i", "a", "b", rubric)]
    return short_hash([[p.system, p.user] for p in map(build_prompt, probes)])


def settings_record(args: Any, model_sha256: str | None) -> dict[str, Any]:
    """What a verdict depends on, besides its item and rubric, for this run's arguments."""
    from judgesmith.judge.engine import JudgeConfig

    config = JudgeConfig()
    record = {"kind": args.kind, "model": args.model, "model_sha256": model_sha256, "backend": args.backend,
              "mode": args.mode, "prompt_version": prompt_version()}
    if args.mode == "score":  # the forced answer start score mode reads the label after
        record["answer_prefix"] = config.absolute_prefix if args.kind == "absolute" else config.pairwise_prefix
    record |= {key: getattr(args, key) for key in _MODE_KEYS[args.mode]}
    if args.kind == "pairwise":
        record["swap"] = args.swap
    return record


def stamp(item: AbsoluteItem | PairwiseItem, settings_hash: str) -> dict[str, str]:
    """The hashes a verdict line carries so that a rerun can tell whether it still holds."""
    return {"item_hash": item_hash(item), "rubric_hash": rubric_hash(item.rubric), "settings_hash": settings_hash}


def sidecar_path(output: str | Path) -> Path:
    return Path(f"{output}{SIDECAR_SUFFIX}")


def read_sidecar(output: str | Path) -> dict[str, Any] | None:
    """The sidecar's record; None when absent. A sidecar that is not judgesmith's is a ValueError."""
    path = sidecar_path(output)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("judgesmith") != "verdicts" or not isinstance(data.get("settings"), dict):
        raise ValueError(f"{path} exists and is not the record judgesmith keeps beside a verdicts file; it is left "
                         "as it is. Move it away, or pass another --output")
    return data


def write_sidecar(output: str | Path, settings: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Record this run's settings beside the verdicts file (atomically), keeping earlier records."""
    from judgesmith.errors_file import replace_atomic

    known = dict(old["settings"]) if old else {}
    known[short_hash(settings)] = settings
    record = {"judgesmith": "verdicts", "kind": settings["kind"],
              "model": {"name": settings["model"], "sha256": settings["model_sha256"]}, "settings": known}
    replace_atomic(sidecar_path(output), [json.dumps(record, indent=1, ensure_ascii=False) + "\n"])


@dataclass
class Existing:
    """What a verdicts file holds: the last verdict record per id, and the lines that are no verdicts."""

    latest: dict[str, dict] = field(default_factory=dict)
    unreadable: list[int] = field(default_factory=list)
    lines: int = 0

    @property
    def kinds(self) -> set[str]:
        return {r["kind"] for r in self.latest.values()}


def is_verdict(record: Any) -> bool:
    """A verdict line: an object with a string id and a known kind (anything else is reported, not read)."""
    return isinstance(record, dict) and isinstance(record.get("id"), str) and record.get("kind") in KINDS


def read_existing(path: str | Path, first_only: bool = False) -> Existing:
    """Read every line of a verdicts file (`first_only`: up to the first verdict); never raises on a bad line."""
    out = Existing()
    if not Path(path).exists():
        return out
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            out.lines += 1
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError):
                record = None
            if is_verdict(record):
                out.latest[record["id"]] = record
                if first_only:
                    break
            else:
                out.unreadable.append(number)
    return out


def _model(settings: dict[str, Any]) -> str:
    sha = settings.get("model_sha256")
    return f"{settings.get('model')}" + (f" (sha256 {sha})" if sha else "")


def is_foreign(existing: Existing, sidecar: dict | None) -> bool:
    """A non-empty file with no verdict line and no sidecar: someone else's file, never to be written."""
    return bool(existing.lines) and not existing.latest and sidecar is None


def refusal(output: str | Path, existing: Existing, sidecar: dict | None, settings: dict[str, Any]) -> str | None:
    """Why this run must not add to `output` (another kind or model, or not a verdicts file), or None."""
    if is_foreign(existing, sidecar):
        return (f"--output {output} exists and holds no judgesmith verdicts; it is left as it is. "
                "Pass another --output")
    offer = "Pass another --output, or --force-new to discard its verdicts and start over"
    kinds = {sidecar["kind"]} if sidecar else existing.kinds
    if kinds - {settings["kind"]}:
        other = "/".join(sorted(kinds - {settings["kind"]}))
        return f"{output} holds {other} verdicts and this is a {settings['kind']} run. {offer}"
    if sidecar:
        model = sidecar.get("model") or {}
        theirs = {"model": model.get("name"), "model_sha256": model.get("sha256")}
        same = (theirs["model_sha256"] == settings["model_sha256"] if theirs["model_sha256"] and
                settings["model_sha256"] else theirs["model"] == settings["model"])
        if not same:
            return (f"{output} holds verdicts of the model {_model(theirs)} and this run uses "
                    f"{_model(settings)}. {offer}")
    return None


def _changed(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    if old is None:
        return "judged with settings not on record"
    both = [k for k in sorted(set(old) & set(new)) if old[k] != new[k]]  # keys that come and go follow the mode
    diffs = [f"{k} {old[k]} -> {new[k]}" for k in both] or [
        f"{k} {old.get(k, '(not set)')} -> {new.get(k, '(not set)')}" for k in sorted(set(old) ^ set(new))]
    return "settings changed (" + ", ".join(diffs) + ")" if diffs else "settings changed"


@dataclass(frozen=True)
class Plan:
    """Which input rows still need a verdict, and why each re-judged one does."""

    todo: list
    kept: int
    new: int
    rejudge: Counter
    other_ids: int
    unreadable: list[int]


def plan(rows: Sequence[Any], existing: Existing, sidecar: dict | None, settings: dict[str, Any]) -> Plan:
    """Compare each input row with the last verdict for its id (see the module doc)."""
    current = short_hash(settings)
    known = (sidecar or {}).get("settings", {})
    todo, kept, new, why = [], 0, 0, Counter()
    for row in rows:
        old = existing.latest.get(row.item.id)
        if old is None:
            new += 1
            todo.append(row)
            continue
        reason = _reason(old, stamp(row.item, current), known, settings)
        if reason is None:
            kept += 1
        else:
            why[reason] += 1
            todo.append(row)
    other = len(set(existing.latest) - {r.item.id for r in rows})
    return Plan(todo, kept, new, why, other, existing.unreadable)


def _reason(old: dict, now: dict[str, str], known: dict, settings: dict[str, Any]) -> str | None:
    if "item_hash" not in old:
        return "judged by a judgesmith that did not record what it judged"
    if old.get("item_hash") != now["item_hash"]:
        return "item text changed"
    if old.get("rubric_hash") != now["rubric_hash"]:
        return "rubric changed"
    if old.get("settings_hash") != now["settings_hash"]:
        return _changed(known.get(old.get("settings_hash")), settings)
    return None


def report(p: Plan, output: str | Path, total: int) -> list[str]:
    """What the resume found, in sentences that are true whatever the file held."""
    lines = []
    if p.unreadable:
        shown = ", ".join(map(str, p.unreadable[:10])) + (" ..." if len(p.unreadable) > 10 else "")
        lines.append(f"{output}: {len(p.unreadable)} lines are not verdicts and are ignored (line {shown})")
    if p.kept or p.rejudge:
        parts = [f"{p.new} new"] * bool(p.new) + [f"{n} re-judged: {why}" for why, n in p.rejudge.most_common()]
        todo = f"{len(p.todo)} to judge ({'; '.join(parts)})" if p.todo else "nothing to judge"
        lines.append(f"resuming {output}: {p.kept} of {total} items already judged with these settings; {todo}")
    elif p.other_ids:
        lines.append(f"{output} holds no verdict for any item of this input; judging all {total} items")
    if p.other_ids:
        lines.append(f"{output}: {p.other_ids} verdicts for items not in this input are left as they are")
    return lines


def latest_verdicts(path: str | Path, kind: str, ids: Iterable[str]) -> dict[str, Any]:
    """id -> Verdict for the wanted ids, from the last readable line of this kind for each."""
    from judgesmith.records import Verdict

    wanted = set(ids)
    out = {}
    for vid, record in read_existing(path).latest.items():
        if vid in wanted and record["kind"] == kind:
            try:
                out[vid] = Verdict.from_dict(record)
            except (TypeError, ValueError):
                continue
    return out
