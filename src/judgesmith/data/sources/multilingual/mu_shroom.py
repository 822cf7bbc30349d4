"""Mu-SHROOM (Helsinki-NLP/mu-shroom, SemEval-2025 Task 3, `splits/{val/v2,test_labeled/v1}/`): short
answers of open LLMs to factual questions in 14 languages, with the character spans annotators marked
as hallucinated.

Rows `{id, lang, model_input, model_output_text, hard_labels: [[start, end]], soft_labels, ...}`. There
is no context document and one answer per question, so no pairs: one absolute item per answer under the
`factual_validity` preset, `language` from the row's `lang` (lower-cased ISO 639-1). Gold, from the share
of the answer's characters inside a hard-label span (the spans most annotators marked):
    no span -> 5, up to 10% -> 4, up to 25% -> 3, up to 50% -> 2, more -> 1.
A binary gold (no span / any span) would be useless here: 95% of the answers have a span, and in
several languages every one does. Soft labels and per-annotator spans are not used.

`path` is a split folder (every `mushroom.<lang>-*.jsonl[.gz]` in it) or one file; `language` keeps one
language. The val split (499 answers, 10 languages) trains, the labelled test split (1,902, 14) benches:
they share no question. No licence is stated upstream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect_files, data_files, read_rows, require_mapping, text_field, text_qid
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import resolve_rubric

LANGUAGES = ("ar", "ca", "cs", "de", "en", "es", "eu", "fa", "fi", "fr", "hi", "it", "sv", "zh")
VAL_LANGUAGES = ("ar", "de", "en", "es", "fi", "fr", "hi", "it", "sv", "zh")
SHARE_STEPS = ((0.0, 5), (0.10, 4), (0.25, 3), (0.50, 2))  # share of characters at most -> gold; above: 1


def hallucinated_share(text: str, spans: Any) -> float:
    """The share of `text`'s characters inside any of the `[start, end)` spans (overlaps counted once)."""
    if not isinstance(spans, list):
        raise ValueError(f"'hard_labels' must be a list of [start, end] spans, got {type(spans).__name__}")
    covered: set[int] = set()
    for span in spans:
        if not (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)
                and 0 <= span[0] <= span[1] <= len(text)):
            raise ValueError(f"hard label {span!r} is not a [start, end] span inside the {len(text)}-character answer")
        covered.update(range(span[0], span[1]))
    return len(covered) / len(text)


def gold_of(share: float) -> int:
    """The 1-5 gold of a hallucinated share: 0 -> 5, <= 10% -> 4, <= 25% -> 3, <= 50% -> 2, else 1."""
    return next((score for limit, score in SHARE_STEPS if share <= limit), 1)


def language_of(path: Path) -> str | None:
    """`mushroom.de-val.v2.extra.jsonl` -> "de"."""
    head = path.name.split(".")[1] if path.name.count(".") >= 2 else ""
    return head.split("-")[0] or None


def load(path: str | Path, *, name: str = "mu_shroom", rubric: Any = "factual_validity", language: str | None = None,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute examples, one per answer, gold from its hallucinated share (see the module docstring)."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    files = data_files(path, ["mushroom.*.jsonl", "mushroom.*.jsonl.gz"])
    if language is not None:
        files = [f for f in files if language_of(f) == language]
        if not files:
            raise FileNotFoundError(f"{path} holds no Mu-SHROOM file in language {language!r}")

    def maker(file: Path):
        def make(rec: Any, row: int) -> AbsoluteExample:
            rec = require_mapping(rec)
            lang = text_field(rec, "lang").strip().lower()
            if language_of(file) not in (None, lang):
                raise ValueError(f"'lang' is {lang!r} in a file named for {language_of(file)!r}")
            question, answer = text_field(rec, "model_input").strip(), text_field(rec, "model_output_text")
            if not answer.strip():
                raise ValueError("'model_output_text' is empty")
            score = gold_of(hallucinated_share(answer, rec.get("hard_labels")))
            item = AbsoluteItem(id=f"{name}-{rec.get('id', f'{lang}-{row}')}", instruction=question,
                                response=answer.strip(), rubric=rub, language=lang)
            return AbsoluteExample(item, float(score), Provenance(name, file.name, row, text_qid(name, question)),
                                   gold_scores=(score,))
        return make

    return collect_files(name, files, read_rows, maker, strict=strict, limit=limit)
