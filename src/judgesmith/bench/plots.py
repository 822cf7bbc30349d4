"""Report figures (matplotlib, Agg backend) returned as base64 PNG strings for inline HTML."""

from __future__ import annotations

import base64
import io
import math
from typing import Any, Sequence

from judgesmith.metrics import reliability_bins, round_half_up


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _encode(fig: Any) -> str:
    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def metric_bars(title: str, cols: Sequence[str], entries: Sequence[dict], reported: Sequence[dict]) -> str:
    """Grouped bars per metric, one bar per model with its 95% CI; reported values as hatched bars."""
    plt = _plt()
    judges = [(e["model"], e["metrics"], False) for e in entries]
    by_judge: dict[str, dict] = {}
    for r in reported:
        by_judge.setdefault(r["judge"], {})[r["metric"]] = {"value": r["value"], "low": None, "high": None}
    judges += [(f"{j} (reported)", m, True) for j, m in by_judge.items()]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(cols) + 0.4 * len(judges)), 3.2))
    width = 0.8 / max(1, len(judges))
    for j, (name, metrics, is_reported) in enumerate(judges):
        xs, ys, errs = [], [], [[], []]
        for i, c in enumerate(cols):
            d = metrics.get(c)
            if not d or d.get("value") is None:
                continue
            v = _num(d["value"])
            xs.append(i + (j - (len(judges) - 1) / 2) * width)
            ys.append(v)
            low, high = _num(d.get("low")), _num(d.get("high"))
            errs[0].append(0 if math.isnan(low) else max(0.0, v - low))
            errs[1].append(0 if math.isnan(high) else max(0.0, high - v))
        if xs:
            ax.bar(xs, ys, width, yerr=None if is_reported else errs, capsize=3, label=name,
                   hatch="//" if is_reported else None, fill=not is_reported)
    ax.set_xticks(range(len(cols)), cols)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _encode(fig)


def confusion(entry: dict) -> str:
    """Gold (rows) vs predicted (columns) counts; parse failures get their own column."""
    plt = _plt()
    pts = entry["points"]
    if entry["kind"] == "absolute":
        rows, cols = ["1", "2", "3", "4", "5"], ["1", "2", "3", "4", "5", "failed"]
        gold = [str(round_half_up(g)) for g in pts["gold"]]
        pred = ["failed" if p is None else str(p) for p in pts["label"]]
    else:
        rows, cols = ["A", "B", "tie"], ["A", "B", "tie", "failed"]
        gold, pred = pts["gold"], ["failed" if p is None else p for p in pts["pred"]]
    counts = [[0] * len(cols) for _ in rows]
    for g, p in zip(gold, pred):
        if g in rows and p in cols:
            counts[rows.index(g)][cols.index(p)] += 1
    fig, ax = plt.subplots(figsize=(0.55 * len(cols) + 1.5, 0.55 * len(rows) + 1.2))
    ax.imshow(counts, cmap="Blues")
    for i, row in enumerate(counts):
        for j, c in enumerate(row):
            ax.text(j, i, str(c), ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold" + (" (rounded)" if entry["kind"] == "absolute" else ""))
    ax.set_title(f"{entry['model']} / {entry['benchmark']}", fontsize=9)
    return _encode(fig)


def histogram(entry: dict) -> str:
    """Distribution of predicted scores (and expectations, if continuous) against the gold."""
    plt = _plt()
    pts = entry["points"]
    fig, ax = plt.subplots(figsize=(4.2, 2.8))
    bins = [0.5 + i * 0.25 for i in range(19)]
    ax.hist(pts["gold"], bins=bins, alpha=0.5, label="gold")
    preds = [p for p in pts["pred"] if p is not None]
    if preds:
        ax.hist(preds, bins=bins, alpha=0.5, label="predicted")
    ax.set_xlabel("score")
    ax.set_ylabel("items")
    ax.set_title(f"{entry['model']} / {entry['benchmark']}", fontsize=9)
    ax.legend(fontsize=7)
    return _encode(fig)


def reliability(entry: dict) -> str:
    """Reliability diagram: accuracy of the top label per confidence bin, against the diagonal."""
    plt = _plt()
    bins = reliability_bins(entry["points"]["confidence"], entry["points"]["correct"], n_bins=10)
    fig, ax = plt.subplots(figsize=(3.4, 3.2))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=0.8)
    ax.bar([b.low for b in bins], [b.accuracy for b in bins], width=0.1, align="edge", alpha=0.6,
           edgecolor="black", label="accuracy")
    ax.plot([b.confidence for b in bins], [b.accuracy for b in bins], "o", ms=3, color="C1", label="mean conf.")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence of top label")
    ax.set_ylabel("accuracy")
    ece = entry.get("ece")
    ax.set_title(f"{entry['model']} / {entry['benchmark']}" + (f" ECE {ece:.3f}" if ece is not None else ""),
                 fontsize=9)
    return _encode(fig)


def grouped(title: str, groups: Sequence[str], series: dict[str, Sequence[float | None]], ylabel: str) -> str:
    """Plain grouped bars (consistency figures): `series` maps a legend name to one value per group."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(groups)), 3.0))
    width = 0.8 / max(1, len(series))
    for j, (name, values) in enumerate(series.items()):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(groups))]
        ax.bar(xs, [0 if v is None else v for v in values], width, label=name)
    ax.set_xticks(range(len(groups)), groups, fontsize=7)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return _encode(fig)


def labelled_scatter(title: str, series: dict[str, Sequence[tuple[str, float, float, float | None, float | None]]],
                     xlabel: str, ylabel: str) -> str:
    """Points `(label, x, y, low, high)` per legend name, each with its vertical CI and its label beside it."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    for j, (name, points) in enumerate(series.items()):
        pts = [p for p in points if p[1] is not None and p[2] is not None]
        if not pts:
            continue
        ys = [p[2] for p in pts]
        errs = [[0 if p[3] is None else max(0.0, p[2] - p[3]) for p in pts],
                [0 if p[4] is None else max(0.0, p[4] - p[2]) for p in pts]]
        ax.errorbar([p[1] for p in pts], ys, yerr=errs, fmt="os^D"[j % 4], capsize=3, label=name, alpha=0.8)
        if j == 0:
            for label, x, y, _, _ in pts:
                ax.annotate(label, (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return _encode(fig)
