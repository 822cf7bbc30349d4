"""Report sections beyond the per-benchmark tables: position bias and tie tolerance, length bias,
paired differences against the baseline, and which engine ran at what speed.

Each builder returns a `report_model.Section` (or None when there is nothing to say), so the
Markdown and HTML reports render the same content.
"""

from __future__ import annotations

from typing import Any

from judgesmith.bench.paired import METRIC_NAMES, PLAIN
from judgesmith.bench.report_model import Block, Heading, Paragraph, Section, table
from judgesmith.metrics import MetricResult


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f}%"


def fmt_mr(d: dict | None, percent: bool = True, signed: bool = False) -> str:
    if d is None:
        return ""
    text = MetricResult.from_dict(d).format(percent=percent)
    return ("+" + text) if signed and d.get("value") is not None and d["value"] > 0 else text


def _pairwise_entries(results: dict[str, Any]) -> list[dict]:
    return [e for e in results["results"] if e["kind"] == "pairwise" and e.get("tie_tolerance")]


def position_section(results: dict[str, Any]) -> Section | None:
    """Swap consistency per model, then the tie tolerance chosen on dev and its trade-off table."""
    entries = _pairwise_entries(results)
    if not entries:
        return None
    mode = results["protocol"]["mode"]
    blocks: list[Block] = [Paragraph(
        f"All numbers in this section: {mode} mode. Swap consistency: share of pairs whose two orders pick the "
        "same response (argmax of each order's distribution; 'verdicts': the parsed labels, generate mode). "
        "Tie rule: a tie when the orders disagree and |P(A) - P(B)| of the two-order averaged distribution is "
        "at most the tolerance. Argmax: the larger averaged probability, never a tie.")]
    models = list(dict.fromkeys(e["model"] for e in entries))
    benches = list(dict.fromkeys(e["benchmark"] for e in entries))
    by = {(e["model"], e["benchmark"]): e for e in entries}
    rows = []
    for m in models:
        row, hits, total = [m], 0.0, 0
        for b in benches:
            d = by.get((m, b), {}).get("metrics", {}).get("swap_consistency")
            row.append(fmt_mr(d))
            if d and d.get("value") is not None:
                hits, total = hits + d["value"] * d["n"], total + d["n"]
        rows.append([*row, f"{pct(hits / total if total else None)} (n={total})", mode])
    blocks.append(table(["model", *(f"swap consistency {b}" for b in benches), "pooled", "mode"], rows))
    first = entries[0]["tie_tolerance"]
    blocks.append(Paragraph(f"Tie tolerance chosen per model and benchmark on a dev split (seeded half of each "
                            f"benchmark's items, seed {first['split_seed']}), reported on the other half. "
                            f"Criterion: {first['criterion']}. With no gold tie on dev the criterion is plain "
                            "accuracy."))
    rows = [[e["model"], e["benchmark"], f"{e['tie_tolerance']['chosen']:g}",
             f"{e['tie_tolerance']['n_dev']} ({e['tie_tolerance']['dev_gold_ties']} gold ties)",
             fmt_mr(e["tie_tolerance"]["test"]["accuracy_ties"]), fmt_mr(e["tie_tolerance"]["test"]["accuracy"]),
             fmt_mr(e["tie_tolerance"]["test"]["tie_rate"]), mode] for e in entries]
    blocks.append(table(["model", "benchmark", "tolerance", "dev pairs", "test acc. w/ ties",
                         "test acc. w/o ties", "test tie rate", "mode"], rows))
    for b in benches:
        blocks += tradeoff_blocks(b, [by[(m, b)] for m in models if (m, b) in by])
    return Section("position", "Position bias and tie tolerance", tuple(blocks))


def tradeoff_blocks(bench: str, entries: list[dict]) -> list[Block]:
    """Accuracy with gold ties / tie rate over the tolerance grid, dev and test halves; * = chosen on dev."""
    grid = [g["tolerance"] for g in entries[0]["tie_tolerance"]["grid"]]
    header = ["tolerance"]
    for e in entries:
        header += [f"{e['model']} dev acc. w/ ties / tie rate", f"{e['model']} test acc. w/ ties / tie rate"]
    rows = []
    for i, tol in enumerate(grid):
        row = [f"{tol:g}"]
        for e in entries:
            g = e["tie_tolerance"]["grid"][i]
            mark = " *" if tol == e["tie_tolerance"]["chosen"] else ""
            row += [f"{pct(g['dev']['accuracy_ties'])} / {pct(g['dev']['tie_rate'])}{mark}",
                    f"{pct(g['test']['accuracy_ties'])} / {pct(g['test']['tie_rate'])}"]
        rows.append(row)
    return [Heading(f"Accuracy/tie-rate trade-off: {bench}"), table(header, rows)]


def length_section(results: dict[str, Any]) -> Section | None:
    """Each pairwise set: the longer-response-wins judge beside every model's argmax accuracy and length preference."""
    benches = [k for k, info in results["benchmarks"].items() if info.get("longer_wins")]
    if not benches:
        return None
    by = {(e["model"], e["benchmark"]): e["metrics"] for e in results["results"]}
    models = list(dict.fromkeys(e["model"] for e in results["results"] if e["benchmark"] in benches))
    header = ["judge"] + [col for b in benches for col in (f"{b} argmax acc. w/o ties", f"{b} length preference")]
    rows = [["longer response wins (no model)"]
            + [col for b in benches for col in (fmt_mr(results["benchmarks"][b]["longer_wins"]), "")]]
    for m in models:
        rows.append([m] + [col for b in benches
                           for col in (fmt_mr(by.get((m, b), {}).get("argmax_accuracy")),
                                       fmt_mr(by.get((m, b), {}).get("length_preference"), percent=False))])
    return Section("length", "Length bias", (
        Paragraph("Longer response wins: a judge that reads only word counts (equal counts: a tie, wrong), on the "
                  "same decisive pairs; a model's accuracy says something about content only above it. Length "
                  "preference: Spearman correlation of the model's two-order P(A) - P(B) with words(A) - words(B) "
                  "(+1: it ranks pairs by length alone; 0: no monotone relation)."),
        table(header, rows)))


def paired_section(results: dict[str, Any]) -> Section | None:
    paired = results.get("paired")
    if not paired or not paired["rows"]:
        return None
    header = ["model", "benchmark", "metric", "model value", "baseline value", "difference [95% CI] (n)", "mode"]
    rows = []
    for r in paired["rows"]:
        percent = r["metric"] not in PLAIN
        num = pct if percent else (lambda x: "n/a" if x is None else f"{x:.3f}")
        rows.append([r["model"], r["benchmark"], METRIC_NAMES.get(r["metric"], r["metric"]), num(r["value"]),
                     num(r["baseline_value"]), fmt_mr(r["difference"], percent=percent, signed=True),
                     paired["mode"]])
    return Section("paired", f"Paired differences vs `{paired['baseline']}`", (
        Paragraph(f"{paired['method']}. Accuracy differences are in percentage points; a CI above zero means the "
                  f"model beats `{paired['baseline']}` on these items."),
        table(header, rows)))


def run_section(results: dict[str, Any]) -> Section | None:
    runs = results.get("throughput") or []
    if not runs:
        return None
    rows = [[r["model"], r["backend"], str(r["judgments"]), str(r["prompts"]), f"{r['seconds']:.1f}",
             "n/a" if r["judgments_per_s"] is None else f"{r['judgments_per_s']:.2f}"] for r in runs]
    return Section("run", "Engine and throughput", (
        Paragraph(f"Judged in {results['protocol']['mode']} mode. A pairwise judgment in both orders sends two "
                  "prompts. Only items judged in this output folder count (resumed runs add up)."),
        table(["model", "backend", "judgments", "prompts", "seconds", "judgments/s"], rows)))


def build_section(results: dict[str, Any]) -> Section | None:
    """Time per stage of the `judgesmith build` that made this report (absent for a bare `bench`)."""
    build = results.get("build") or {}
    stages = build.get("stages") or []
    if not stages:
        return None
    rows, total = [], 0.0
    for s in stages:
        whole = s.get("all_invocations_seconds")
        label = s["stage"] + (f" (resumed; {s.get('invocations')} invocations)" if whole else
                              " (resumed)" if s.get("resumed") else "")
        spent = float(whole) if whole else s["seconds"]
        total += spent
        rows.append([label, f"{s['seconds']:.1f}", "" if whole is None else f"{whole:.1f}", f"{spent / 60:.1f}"])
    rows.append(["all stages before this report", "", "", f"{total / 60:.1f}"])
    base = (f"Base model `{build['base_model']}` in every stage (both specialists trained from it, the merge's "
            "base, the bench's `base`). ") if build.get("base_model") else ""
    return Section("build", f"Build `{build.get('recipe', '')}`: time per stage", (
        Paragraph(base + "Seconds each stage took when it ran; a stage reused from an earlier run keeps that run's "
                  "time. A resumed stage (interrupted, then rerun) records its last invocation; for a resumed training "
                  "stage the training log adds up every invocation, and the minutes count all of them (the gaps "
                  "between invocations are not counted)."),
        table(["stage", "seconds (last invocation)", "seconds (all invocations)", "minutes"], rows)))


def targets_section(results: dict[str, Any]) -> Section | None:
    """Each target of the recipe, met or missed and by how much (`bench.targets`)."""
    from judgesmith.bench.targets import rows

    found = rows(results)
    if not found:
        return None
    return Section("targets", "Targets", (
        Paragraph("Each bar on the point estimate, except `paired CI above 0`, which needs the lower end of the "
                  f"paired bootstrap interval (vs `{(results.get('paired') or {}).get('baseline', 'base')}`, "
                  "same items) above zero."),
        table(["target", "bar", "value", "baseline", "difference [95% CI]", "result"], found)))


def extra_sections(results: dict[str, Any]) -> list[Section]:
    from judgesmith.bench.report_languages import language_section

    built = (targets_section(results), position_section(results), length_section(results), paired_section(results),
             language_section(results), run_section(results), build_section(results))
    return [s for s in built if s is not None]
