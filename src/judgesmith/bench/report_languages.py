"""The per-language section: one row per (language, benchmark), every model side by side, paired
differences against the baseline, and where each model is worse than in English on the same family.

A benchmark belongs to a language when all its items carry that `language` (MEMERAG's five files,
the multilingual sets). "The same family" is the benchmark name without its language suffix
(`memerag_de` and `memerag_en`), so a language is compared with English on items made the same way
(the items themselves differ: the comparison is unpaired, read it with both intervals).
"""

from __future__ import annotations

from typing import Any

from judgesmith.bench.paired import METRIC_NAMES, PLAIN
from judgesmith.bench.report_model import Paragraph, Section, table
from judgesmith.bench.report_sections import fmt_mr


def headline_metrics(info: dict[str, Any]) -> tuple[str, ...]:
    """The metrics a benchmark is compared on: binary sets by balanced accuracy and AUROC."""
    if info.get("binary"):
        return ("balanced_accuracy", "auroc")
    return ("argmax_accuracy",) if info["kind"] == "pairwise" else ("pearson",)


def language_of(info: dict[str, Any]) -> str | None:
    langs = [k for k in (info.get("languages") or {}) if k != "unknown"]
    return langs[0] if len(langs) == 1 and len(info["languages"]) == 1 else None


def family(name: str, language: str) -> str:
    return name[: -len(language) - 1] if name.endswith(f"_{language}") else name


def _lines(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(language, benchmark, metric) of every benchmark that has one language, sorted by language."""
    out = []
    for key, info in results["benchmarks"].items():
        lang = language_of(info) if info.get("status") == "ok" else None
        if lang:
            out += [(lang, key, m) for m in headline_metrics(info)]
    return sorted(out, key=lambda t: (t[0] != "en", t[0], t[1], t[2]))


def _worse_than_english(results: dict[str, Any], lines: list, by: dict, models: list[str]) -> list[str]:
    notes = []
    for m in models:
        for lang, key, metric in lines:
            en_key = f"{family(key, lang)}_en"
            if lang == "en" or (m, en_key) not in by or (m, key) not in by:
                continue
            mine, en = by[(m, key)].get(metric), by[(m, en_key)].get(metric)
            if not mine or not en or mine.get("value") is None or en.get("value") is None:
                continue
            if mine["value"] < en["value"]:
                gap = en["value"] - mine["value"]
                clear = mine.get("high") is not None and en.get("low") is not None and mine["high"] < en["low"]
                shown = f"{gap:.3f}" if metric in PLAIN else f"{gap * 100:.1f} points"
                notes.append(f"`{m}` is worse in {lang} than in English on {family(key, lang)} "
                             f"({METRIC_NAMES.get(metric, metric)}): by {shown}"
                             + (" (intervals disjoint)" if clear else " (intervals overlap: not a result)"))
    return notes


def language_section(results: dict[str, Any]) -> Section | None:
    lines = _lines(results)
    if not lines:
        return None
    by = {(e["model"], e["benchmark"]): e["metrics"] for e in results["results"]}
    models = list(dict.fromkeys(e["model"] for e in results["results"]))
    paired = {(r["model"], r["benchmark"], r["metric"]): r for r in (results.get("paired") or {}).get("rows", [])}
    baseline = (results.get("paired") or {}).get("baseline")
    others = [m for m in models if m != baseline and any((m, k, x) in paired for _, k, x in lines)]
    header = ["language", "benchmark", "metric", *models, *(f"{m} - {baseline}" for m in others)]
    rows = []
    for lang, key, metric in lines:
        percent = metric not in PLAIN
        rows.append([lang, key, METRIC_NAMES.get(metric, metric),
                     *(fmt_mr(by.get((m, key), {}).get(metric), percent=percent) for m in models),
                     *(fmt_mr((paired.get((m, key, metric)) or {}).get("difference"), percent=percent, signed=True)
                       for m in others)])
    blocks = [Paragraph(f"Benchmarks whose items are all in one language, judged in {results['protocol']['mode']} "
                        "mode; differences are paired (same items) with 95% bootstrap intervals."),
              table(header, rows)]
    notes = _worse_than_english(results, lines, by, models)
    if notes:
        blocks.append(Paragraph("Worse than in English on the same family of items (different items, so an "
                                "unpaired comparison): " + "; ".join(notes) + "."))
    return Section("languages", "Per language", tuple(blocks))
