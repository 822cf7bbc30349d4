"""From `results.json` and `consistency.json` to one report model (`report_model.Report`).

Pure: no file is written and no figure drawn here (plots are drawn by the HTML
renderer). One table per benchmark, measured rows next to reported reference rows,
then the extra sections (`report_sections`) and the consistency section
(`consistency_report`).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from judgesmith.bench import plots
from judgesmith.bench.consistency_report import consistency_section
from judgesmith.bench.report_model import Bullets, Paragraph, Plot, Plots, Report, Section, Sources, table
from judgesmith.bench.report_sections import extra_sections
from judgesmith.metrics import MetricResult

ABS_METRICS = ("auroc", "balanced_accuracy", "balanced_accuracy_at_3", "pearson", "spearman", "kendall_tau", "mae",
               "exact_match")
BINARY_PERCENT = {"balanced_accuracy", "balanced_accuracy_at_3"}
PAIR_METRICS = ("accuracy", "accuracy_ties", "argmax_accuracy", "argmax_accuracy_ties", "order1_accuracy",
                "order2_accuracy", "tie_rate", "swap_consistency", "swap_consistency_verdicts")
PERCENT = {"exact_match", *PAIR_METRICS, *BINARY_PERCENT}
LABELS = {"pearson": "Pearson", "spearman": "Spearman", "kendall_tau": "Kendall tau", "mae": "MAE",
          "exact_match": "exact match", "accuracy": "acc. w/o ties", "accuracy_ties": "acc. w/ ties",
          "argmax_accuracy": "argmax acc. w/o ties", "argmax_accuracy_ties": "argmax acc. w/ ties",
          "tie_rate": "tie rate", "swap_consistency": "swap consistency", "order1_accuracy": "argmax acc. order 1",
          "order2_accuracy": "argmax acc. order 2",
          "swap_consistency_verdicts": "swap consistency (verdicts)", "auroc": "AUROC",
          "balanced_accuracy": "bal. acc. (cross-fit threshold)", "balanced_accuracy_at_3": "bal. acc. at 3.0"}
BINARY_NOTE = ("Binary gold: supported (gold >= 4) or not. AUROC: how well the score ranks supported above "
               "unsupported responses (0.5: chance), no threshold. Balanced accuracy: mean recall of the two classes "
               "(a judge that always answers one class scores 50%), with the threshold on the score chosen on a "
               "seeded dev half and applied to the other half, both ways; at 3.0: no tuning.")
PAIR_NOTE = ("acc.: the verdict with its tie rule (tolerance fixed at judging time; see the tuned tolerance "
             "below); argmax acc.: the larger two-order averaged probability, never a tie; w/o ties: pairs with a "
             "decisive gold; w/ ties: every pair, a gold tie right only when predicted a tie; order 1 / order 2: the "
             "argmax of each order alone (as given / positions exchanged), w/o ties.")


def metric_columns(kind: str, entries: list[dict], reported: list[dict]) -> list[str]:
    names = ABS_METRICS if kind == "absolute" else PAIR_METRICS
    present = {k for e in entries for k in e["metrics"]} | {r["metric"] for r in reported}
    return [m for m in names if m in present]


def fmt(metric: str, d: dict | None) -> str:
    if d is None:
        return ""
    return MetricResult.from_dict(d).format(percent=metric in PERCENT)


def fmt_reported(metric: str, value: float) -> str:
    return f"{value * 100:.2f}%" if metric in PERCENT else f"{value:.3f}"


def table_rows(info: dict, entries: list[dict]) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (measured models, then reported reference judges) and the numbered sources."""
    cols = metric_columns(info["kind"], entries, info["reported"])
    header = ["judge", *(LABELS[c] for c in cols), "parse failures", "judged", "mode"]
    rows = [[e["model"], *(fmt(c, e["metrics"].get(c)) for c in cols), str(e["parse_failures"]),
             f"{e['n_judged']}/{e['n_items']}", e.get("mode", "")] for e in entries]
    sources: list[str] = []
    by_judge: dict[str, dict[str, dict]] = {}
    for r in info["reported"]:
        by_judge.setdefault(r["judge"], {})[r["metric"]] = r
    for judge, found in by_judge.items():
        refs = set()
        for r in found.values():
            text = r["source"] + (f" ({r['note']})" if r.get("note") else "")
            if text not in sources:
                sources.append(text)
            refs.add(sources.index(text) + 1)
        marks = "".join(f"[{i}]" for i in sorted(refs))
        rows.append([f"{judge} (reported, not measured here) {marks}",
                     *(fmt_reported(c, found[c]["value"]) if c in found else "" for c in cols), "", "", ""])
    return header, rows, sources


def thresholds(entries: list[dict]) -> str:
    """The threshold each model would deploy (chosen on the dev half), as one sentence."""
    found = [f"{e['model']} {e['threshold']['chosen']:.2f}" for e in entries if e.get("threshold")]
    return (" Thresholds chosen on the dev half: " + ", ".join(found) + ".") if found else ""


def describe(info: dict, entries: list[dict] | None = None) -> str:
    text = f"{info['kind']}, {info['n_items']} items, gold: {info['gold'] or 'see adapter'}"
    if info.get("gold_ties_dropped"):
        text += "; gold ties dropped before sampling (decisive pairs only)"
    if info["kind"] == "pairwise":
        text += ". " + PAIR_NOTE
    if info.get("binary"):
        text += ". " + BINARY_NOTE + thresholds(entries or [])
    return text + (f"; {info['skipped_rows']} rows skipped by the loader" if info["skipped_rows"] else "")


def bench_plots(key: str, info: dict, entries: list[dict]) -> Plots:
    """Metric bars, then per model a confusion matrix, a histogram (absolute) and a reliability diagram."""
    cols = metric_columns(info["kind"], entries, info["reported"])
    figs = [Plot("bars", f"{key} metrics", partial(plots.metric_bars, info["title"], cols, entries,
                                                   info["reported"]))]
    for e in entries:
        if not e["points"]["gold"]:
            continue
        figs.append(Plot("confusion", f"{e['model']} {key} confusion", partial(plots.confusion, e)))
        if e["kind"] == "absolute":
            figs.append(Plot("histogram", f"{e['model']} {key} histogram", partial(plots.histogram, e)))
        if e["points"]["confidence"]:
            figs.append(Plot("reliability", f"{e['model']} {key} reliability", partial(plots.reliability, e)))
    return Plots(tuple(figs))


def bench_section(key: str, info: dict, entries: list[dict]) -> Section:
    header, rows, sources = table_rows(info, entries)
    blocks = [Paragraph(describe(info, entries)), table(header, rows, reported_from=len(entries))]
    if sources:
        blocks.append(Sources(tuple(sources)))
    blocks.append(bench_plots(key, info, entries))
    return Section(f"bench-{key}", f"{info['title']} (`{key}`)", tuple(blocks))


def facts(results: dict[str, Any]) -> tuple[str, ...]:
    proto, boot = results["protocol"], results["bootstrap"]
    return (f"suite: `{results['suite']}`; created {results['created']}",
            f"protocol: {proto['description']}",
            f"parse failures: {results['parse_policy']}",
            f"intervals: 95% percentile bootstrap, {boot['n_resamples']} resamples, seed {boot['seed']}")


def results_sections(results: dict[str, Any]) -> list[Section]:
    """Models, one section per benchmark that ran, the skipped ones, then the extra sections."""
    models = table(["label", "model", "training data", "training tokens"],
                   [[m["label"], f"`{m['name']}`", m["training_data"], m.get("training_tokens", "")]
                    for m in results["models"]])
    out = [Section("models", "Models", (models,))]
    skipped = []
    for key, info in results["benchmarks"].items():
        if info["status"] != "ok":
            skipped.append(f"`{key}`: {info['reason']}")
            continue
        out.append(bench_section(key, info, [e for e in results["results"] if e["benchmark"] == key]))
    if skipped:
        out.append(Section("skipped", "Skipped benchmarks", (Bullets(tuple(skipped)),)))
    return out + extra_sections(results)


def build_report(results: dict[str, Any] | None, consistency: dict[str, Any] | None = None) -> Report:
    """The report of a bench run and/or a consistency run (either may be None, not both)."""
    if results is None and not consistency:
        raise ValueError("a report needs results.json or consistency.json")
    sections = results_sections(results) if results is not None else []
    if consistency:
        sections.append(consistency_section(consistency))
    title = "judgesmith benchmark report" if results is not None else "judgesmith consistency report"
    return Report(title, facts(results) if results is not None else (), tuple(sections))


def load_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def load_report(out: str | Path) -> Report:
    """The report of the `results.json` and/or `consistency.json` in folder `out`."""
    out = Path(out)
    results, consistency = load_json(out / "results.json"), load_json(out / "consistency.json")
    if results is None and consistency is None:
        raise FileNotFoundError(f"{out} has neither results.json nor consistency.json")
    return build_report(results, consistency)
