"""Synthesize Prometheus-style judge training data from a rubric and any OpenAI-compatible teacher.

    from judgesmith.data.synthesize import SynthSpec, TeacherConfig, synthesize, load_synth_rubric
    rubric, seeds = load_synth_rubric("recipes/rubrics/sql-explanations.yaml")
    synthesize(SynthSpec(rubric, n_instructions=20, seed_instructions=seeds),
               TeacherConfig("https://api.openai.com/v1", "gpt-4o-mini", api_key=...), "runs/synth")

The folder holds `absolute.jsonl` and `pairwise.jsonl` in the generic loader's schema
(`loader: generic`), so `judgesmith data build` reads them like any other source.
"""

from judgesmith.data.synthesize.config import load_instructions, load_synth_rubric
from judgesmith.data.synthesize.prompts import PROMPT_VERSION
from judgesmith.data.synthesize.run import SynthSpec, synthesize, synthesize_async
from judgesmith.data.synthesize.steps import Checks
from judgesmith.data.synthesize.teacher import TeacherConfig

__all__ = ["Checks", "PROMPT_VERSION", "SynthSpec", "TeacherConfig", "load_instructions", "load_synth_rubric",
           "synthesize", "synthesize_async"]
