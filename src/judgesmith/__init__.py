"""judgesmith: build your own small LLM-as-a-Judge.

Stages, one package each: `data` (sources -> records -> SFT examples), `prompts`
and `parsing`, `judge` (engine + backends), `train`, `merge`, `bench`, `metrics`,
`serve`, and the `cli` that ties them together.
"""

from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric, Verdict

__version__ = "0.1.0"
__all__ = ["AbsoluteItem", "PairwiseItem", "Rubric", "Verdict", "__version__"]
