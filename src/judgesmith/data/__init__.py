"""judgesmith.data: judge data in, SFT sets out.

- `sources/`: one loader per file format -> `schema.LoadResult` (`sources.SOURCES`, `load_source`).
- `questions`: which records ask the same question (shared by `split` and `decontam`).
- `pairs`: pairwise examples derived from graded absolute ones.
- `split`, `decontam`: train/eval by question; overlap checks against benchmark files.
- `sft`, `recipe`, `build`: records in TRL's prompt-completion format, the YAML recipe, `data build`.
- `stats`: counts, labels and length percentiles of a JSONL file (`data stats`).
"""
