"""Grounded judge data: is a response (summary, claim, answer sentence) supported by its context?

One module per upstream format; each `load(path, **options) -> LoadResult` writes absolute items with
`context` under the `faithfulness` preset (gold 5 supported / 1 not; see `common`) or grounded pairs.
"""

from judgesmith.data.sources.grounded import (
    attributionbench,
    begin,
    dialfact,
    felm,
    halueval,
    memerag,
    qags,
    summedits,
    uhgeval,
    wice,
)

LOADERS = {
    "summedits": summedits.load,
    "wice": wice.load,
    "begin": begin.load,
    "attributionbench": attributionbench.load,
    "halueval_qa": halueval.load,
    "dialfact": dialfact.load,
    "qags": qags.load,
    "felm": felm.load,
    "memerag": memerag.load,
    "uhgeval": uhgeval.load,
}
