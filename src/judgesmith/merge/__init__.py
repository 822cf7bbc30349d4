"""judgesmith.merge: merge fine-tuned judges with mergekit (NuSLERP by default).

`recipe` (YAML schema), `methods/` (one module per mergekit method), `checks`
(architecture and tokenizer compatibility), `run` (mergekit run, tokenizer copy,
judging check). Nothing heavy is imported here.
"""
