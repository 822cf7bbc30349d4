import re

import pytest
from helpers import scripted_judge, toy_benchmarks

from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.report_html import write_html
from judgesmith.bench.reported import REPORTED, reported_for
from judgesmith.bench.runner import prepare_tasks, run_bench


def test_html_report_has_every_plot_and_section(tmp_path, monkeypatch):
    from judgesmith.bench.consistency import run_consistency
    from judgesmith.bench.suite import SuiteEntry

    abs_b, pair_b = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, 8), ("toy_pair", pair_b, None)])
    models = [ModelSpec("m1", "a"), ModelSpec("m2", "b")]
    run_bench(models, tasks, tmp_path, Protocol(mode="score"), lambda m: scripted_judge(), n_resamples=20)
    page = (tmp_path / "report.html").read_text()
    kinds = re.findall(r'<img class="plot" data-plot="(\w+)"', page)
    # per benchmark one bar chart; per (model, benchmark) a confusion matrix and a reliability
    # diagram (score mode exposes distributions); histograms for absolute benchmarks only
    assert kinds.count("bars") == 2
    assert kinds.count("confusion") == 4
    assert kinds.count("reliability") == 4
    assert kinds.count("histogram") == 2
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', page)) == len(kinds)
    for section in ("models", "bench-toy_abs", "bench-toy_pair"):
        assert f'id="{section}"' in page
    assert "protocol: default: score mode, greedy, 1 sample" in page  # every number names its mode
    assert "<td>score</td>" in page and "<td>generate</td>" not in page

    lookup = {"toy_abs": abs_b}
    monkeypatch.setattr("judgesmith.bench.adapters.get_benchmark", lambda name: lookup[name])
    run_consistency(models[:1], [SuiteEntry(benchmark="toy_abs", limit=2)], tmp_path, Protocol(mode="score"),
                    lambda m: scripted_judge(), n_resamples=20)
    page = (tmp_path / "report.html").read_text()
    assert 'id="consistency"' in page and 'id="bench-toy_abs"' in page
    assert page.count('data-plot="consistency"') == 2


def test_reported_rows_render_with_sources(tmp_path):
    from judgesmith.bench.benchmark import Benchmark
    from judgesmith.data.schema import LoadResult
    from helpers import absolute_examples

    vic = Benchmark("toy_vicuna", "Toy Vicuna", "absolute", "toy", reported="vicuna",
                    loader=lambda path, **o: LoadResult("toy", absolute=absolute_examples(2, 4)))
    run_bench([ModelSpec("m", "a")], prepare_tasks([("toy_vicuna", vic, None)]), tmp_path, Protocol(mode="score"),
              lambda m: scripted_judge(), n_resamples=10)
    md = (tmp_path / "results.md").read_text()
    assert "Prometheus-2-8x7B (reported, not measured here)" in md
    assert "0.685" in md and "arXiv 2405.01535" in md
    assert "reported, not measured here" in write_html(tmp_path).read_text()


def test_reported_numbers_are_sourced_and_in_range():
    assert REPORTED
    for r in REPORTED:
        assert r.source and -1.0 <= r.value <= 1.0
        assert r.metric in {"pearson", "spearman", "kendall_tau", "accuracy", "accuracy_ties"}
    assert reported_for(None) == []
    assert {r.judge for r in reported_for("vicuna")} >= {"Prometheus-2-7B", "Prometheus-2-8x7B"}


def test_suites_validate_and_name_every_benchmark():
    from judgesmith.bench.adapters import BENCHMARKS
    from judgesmith.bench.suite import load_suite

    default = load_suite("default")
    assert [e.benchmark for e in default.benchmarks] == ["vicuna", "autoj_pairwise", "llmbar_natural", "pandalm"]
    assert all(e.limit for e in default.benchmarks)
    full = load_suite("full")
    assert {e.benchmark for e in full.benchmarks} == {n for n in BENCHMARKS if not n.startswith("generic")}


def test_bad_suite_errors_name_the_problem(tmp_path):
    from judgesmith.bench.suite import load_suite

    bad = tmp_path / "bad.yaml"
    bad.write_text("benchmarks:\n  - benchmark: vicuna\n    limt: 3\n")
    with pytest.raises(ValueError, match="limt"):
        load_suite(bad)
    bad.write_text("benchmarks:\n  - benchmark: nosuch\n")
    with pytest.raises(ValueError, match="nosuch"):
        load_suite(bad)
    with pytest.raises(FileNotFoundError, match="default"):
        load_suite("does-not-exist")


def test_markdown_and_html_render_the_same_report_model(tmp_path, monkeypatch):
    from judgesmith.bench.consistency import run_consistency
    from judgesmith.bench.report_build import load_report
    from judgesmith.bench.report_html import inline
    from judgesmith.bench.report_model import Bullets, Paragraph, Plots, Table
    from judgesmith.bench.suite import SuiteEntry

    abs_b, pair_b = toy_benchmarks()
    models = [ModelSpec("base", "a"), ModelSpec("m2", "b")]  # "base": the paired-differences baseline
    run_bench(models, prepare_tasks([("toy_abs", abs_b, 8), ("toy_pair", pair_b, None)]), tmp_path,
              Protocol(mode="score"), lambda m: scripted_judge(), n_resamples=10)
    monkeypatch.setattr("judgesmith.bench.adapters.get_benchmark", lambda name: {"toy_abs": abs_b}[name])
    run_consistency(models, [SuiteEntry(benchmark="toy_abs", limit=2)], tmp_path, Protocol(mode="score"),
                    lambda m: scripted_judge(), n_resamples=10)
    report = load_report(tmp_path)
    md, page = (tmp_path / "results.md").read_text(), (tmp_path / "report.html").read_text()
    ids = [s.id for s in report.sections]
    assert ids == ["models", "bench-toy_abs", "bench-toy_pair", "position", "length", "paired", "run", "consistency"]
    for section in report.sections:
        assert f"## {section.title}\n" in md and f'<section id="{section.id}"><h2>{inline(section.title)}</h2>' in page
        for block in section.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    assert "| " + " | ".join(row) + " |" in md
                    assert "".join(f"<td>{inline(c)}</td>" for c in row) in page
            elif isinstance(block, (Paragraph, Bullets)):
                for text in getattr(block, "items", None) or (block.text,):
                    assert text in md and inline(text) in page
            elif isinstance(block, Plots):
                assert len(block.plots) >= 2 and "data:image" not in md
                for p in block.plots:
                    assert f'data-plot="{p.kind}" alt="{p.alt}"' in page


def test_report_modules_import_each_other_only_at_module_level():
    """The report modules once formed an import cycle held together by imports inside functions."""
    import ast
    from pathlib import Path

    import judgesmith.bench as bench

    names = {"report_model", "report_build", "report_md", "report_html", "report_sections", "consistency_report",
             "plots"}
    for name in names:
        tree = ast.parse((Path(bench.__file__).parent / f"{name}.py").read_text())
        for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and node.module:
                    target = node.module.rsplit(".", 1)[-1]
                    assert target not in names and not (node.module == "judgesmith.bench" and
                                                        {a.name for a in node.names} & names), (name, fn.name)
