"""The bench pipeline once on a real (tiny, random) transformers model in score mode."""

from helpers import toy_benchmarks

from judgesmith.bench.models import ModelSpec, backend_factory
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.runner import prepare_tasks, run_bench


def test_bench_tiny_model_score_mode(tmp_path, tiny_model_dir):
    abs_b, pair_b = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, 3), ("toy_pair", pair_b, 2)])
    results = run_bench([ModelSpec("tiny", str(tiny_model_dir))], tasks, tmp_path, Protocol(mode="score"),
                        backend_factory("hf", batch_size=4, threads=2), n_resamples=20)
    by = {e["benchmark"]: e for e in results["results"]}
    assert by["toy_abs"]["n_judged"] == 3 and by["toy_abs"]["parse_failures"] == 0
    assert by["toy_pair"]["n_judged"] == 2
    # score mode: every verdict carries a distribution, so the reliability diagram is drawn
    assert len(by["toy_abs"]["points"]["confidence"]) == 3
    assert all(1.0 <= p <= 5.0 for p in by["toy_abs"]["points"]["pred"])
    assert 'data-plot="reliability"' in (tmp_path / "report.html").read_text()
