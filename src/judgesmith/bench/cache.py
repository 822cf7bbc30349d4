"""Verdicts reused across bench runs: a model that judged an item once is not run on it again.

A rebuild judges the unchanged base model on the same suite again (half of a CPU recipe's bench time);
a second suite that shares benchmarks with the first judges them again. The cache answers both.

The key of a cached verdict is (model, setting, prompt):
- model: `models.model_fingerprint`, the content hash of the weights and files a name stands for, so a
  copied or renamed folder hits and a retrained model misses; names without local weights (hub ids,
  servers) are never cached;
- setting: the backend kind, the bench protocol and mode, and the task's whole `JudgeConfig` (prefixes,
  limits, swap, batch size, prompt language);
- prompt: the exact system and user text the engine sends, so a changed rubric, template or item misses.

Only verdicts the model produced (`parse_ok`, no error) are kept; items the length guard rejected are
screened again. Files: `<root>/<fingerprint>.jsonl`, one `{"key", "verdict"}` per line, appended;
a torn last line is ignored. Delete the folder to drop the cache; `--no-verdict-cache` bypasses it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from judgesmith.records import Verdict

log = logging.getLogger(__name__)


def default_root() -> Path:
    """`JUDGESMITH_VERDICT_CACHE`, else `<JUDGESMITH_HOME>/verdicts`."""
    from judgesmith.paths import home

    env = os.environ.get("JUDGESMITH_VERDICT_CACHE")
    return Path(env).expanduser() if env else home() / "verdicts"


def item_key(setting: dict[str, Any], config: Any, item: Any) -> str:
    """SHA-256 of the judging setting, the `JudgeConfig` and the prompt the item renders to."""
    from judgesmith.prompts import build_prompt

    prompt = build_prompt(item, system=config.system_prompt, language=config.prompt_language)
    blob = {"setting": setting, "config": asdict(config), "kind": type(item).__name__,
            "system": prompt.system, "user": prompt.user}
    return hashlib.sha256(json.dumps(blob, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class VerdictCache:
    """Cached verdicts of every model under `root`, for one backend kind (the batch size and every other
    judging option are part of the `JudgeConfig` in each key)."""

    def __init__(self, root: str | Path, backend: str):
        self.root = Path(root)
        self.setting = {"backend": backend}
        self._fingerprints: dict[str, str | None] = {}
        self._loaded: dict[str, dict[str, dict]] = {}

    def fingerprint(self, name: str) -> str | None:
        """The model's content hash (computed once per name and run); None: not cacheable."""
        if name not in self._fingerprints:
            from judgesmith.models import model_fingerprint

            try:
                self._fingerprints[name] = model_fingerprint(name)
            except (OSError, ValueError) as exc:
                log.info("verdict cache off for %s: %s", name, exc)
                self._fingerprints[name] = None
        return self._fingerprints[name]

    def _path(self, fingerprint: str) -> Path:
        return self.root / f"{fingerprint}.jsonl"

    def load(self, fingerprint: str) -> dict[str, dict]:
        """key -> verdict dict, for one model (read once per run)."""
        if fingerprint in self._loaded:
            return self._loaded[fingerprint]
        path, out = self._path(fingerprint), self._loaded.setdefault(fingerprint, {})
        if not path.exists():
            return out
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
                out[rec["key"]] = rec["verdict"]
            except (json.JSONDecodeError, KeyError, TypeError):
                continue  # a torn or foreign line: that item is judged again
        return out

    def lookup(self, fingerprint: str, config: Any, items: Sequence[Any]) -> list[Verdict]:
        """Cached verdicts for those of `items` that have one, each under the item's own id."""
        cached = self.load(fingerprint)
        if not cached:
            return []
        hits = []
        for item in items:
            rec = cached.get(item_key(self.setting, config, item))
            if rec is not None:
                try:
                    hits.append(replace(Verdict.from_dict(rec), id=item.id))
                except (TypeError, ValueError):
                    continue
        return hits

    def add(self, fingerprint: str, config: Any, items: Sequence[Any], verdicts: Iterable[Verdict]) -> int:
        """Append the model-made verdicts of `items` (matched by id); returns how many were written."""
        by_id = {it.id: it for it in items}
        recs = [(item_key(self.setting, config, by_id[v.id]), v.to_dict())
                for v in verdicts if v.parse_ok and not v.error and v.id in by_id]
        if not recs:
            return 0
        self.load(fingerprint).update(recs)
        lines = [json.dumps({"key": k, "verdict": d}, ensure_ascii=False) for k, d in recs]
        self.root.mkdir(parents=True, exist_ok=True)
        with self._path(fingerprint).open("a", encoding="utf-8") as fh:
            fh.write("\n" + "\n".join(lines) + "\n")
        return len(lines)


def fill_store(cache: VerdictCache, model: Any, tasks: Sequence[Any], store: Any, config_for: Any) -> int:
    """Copy the cached verdicts of `model` into the run's store for every item it has not judged there;
    `config_for(task)` is the task's `JudgeConfig`. Returns how many items were filled."""
    fingerprint = cache.fingerprint(model.name)
    if fingerprint is None:
        return 0
    filled = 0
    for task in tasks:
        if task.error is not None:
            continue
        done = store.load(model.label, task.key)
        todo = [ex.item for ex in task.examples if ex.item.id not in done]
        hits = cache.lookup(fingerprint, config_for(task), todo) if todo else []
        if hits:
            store.append(model.label, task.key, hits)
            filled += len(hits)
    if filled:
        log.info("%s: %d verdicts from the verdict cache (%s)", model.label, filled, cache.root)
    return filled
