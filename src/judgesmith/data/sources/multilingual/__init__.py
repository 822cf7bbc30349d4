"""Multilingual judge data (`shared/data/multilingual/`): judgments on Japanese, Korean and 14
Mu-SHROOM languages' text. Every item carries `language` (ISO 639-1). UHGEval (Chinese) is a grounded
set and lives in `grounded`.

Translated questions keep their original's id in `Provenance.same_as` (Japanese MT-Bench ->
`mt_bench:<id>`, Japanese Vicuna -> `vicuna:<id>`), so splits and decontamination treat a question and
its translation as one.
"""

from judgesmith.data.sources.multilingual import ja_mt_bench, ja_vicuna_qa, kudge, mu_shroom

LOADERS = {
    "ja_mt_bench": ja_mt_bench.load,
    "ja_vicuna_qa": ja_vicuna_qa.load,
    "mu_shroom": mu_shroom.load,
    "kudge": kudge.load,
}
