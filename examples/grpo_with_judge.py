"""GRPO with a judgesmith judge as the reward: a tiny run that fits a laptop CPU.

The policy (SmolLM2-135M-Instruct, embedded) answers a handful of instructions; the judge
(your merged judge when one is built, else the embedded Gemma 3 270M) scores every answer
1-5 in score mode, and TRL's GRPOTrainer turns the scores into a LoRA update. Every few
steps `JudgeEvalCallback` answers a fixed prompt set and logs the judge's mean score and the
win rate against the step-0 answers.

    .venv/bin/python examples/grpo_with_judge.py                       # defaults, about 5 minutes
    .venv/bin/python examples/grpo_with_judge.py --judge runs/gemma3-270m-cpu/merge --steps 8
    .venv/bin/python examples/grpo_with_judge.py --judge-url http://127.0.0.1:8000  # a running `judgesmith serve`

A handful of steps shows the wiring, not learning: expect the reward to wander, not climb.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

MERGED_JUDGES = ("runs/gemma3-270m-cpu/merge", "runs/gemma3-270m-judge-nuslerp")
TRAIN_PROMPTS = [
    "Explain in two sentences why the sky is blue.",
    "Give three tips for writing a clear email.",
    "What is the difference between weather and climate?",
    "Write a short, friendly reminder to water the plants.",
    "How do vaccines help the immune system?",
    "Suggest a name for a bakery and say why it works.",
    "Summarize what photosynthesis does in one sentence.",
    "What should I pack for a one-day hike?",
]
EVAL_PROMPTS = [
    "What is the capital of Australia, and why is it not Sydney?",
    "Describe how to boil an egg.",
    "Why do we have leap years?",
]


def default_judge() -> str:
    """The merged judge of the CPU recipe when it has been built, else the embedded base model."""
    for path in MERGED_JUDGES:
        if (Path(path) / "config.json").is_file():
            return path
    return "gemma-3-270m"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--policy", default="smollm2-135m-instruct", help="model to train (embedded name or folder)")
    p.add_argument("--judge", default=None, help=f"judge model; default: the first of {MERGED_JUDGES} that "
                                                 "exists, else gemma-3-270m")
    p.add_argument("--judge-url", default=None, help="use a running `judgesmith serve` instead of a local judge")
    p.add_argument("--api-key", default=None, help="the server's API key, if it has one")
    p.add_argument("--rubric", default="helpfulness")
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--num-generations", type=int, default=4, help="answers per prompt (one GRPO group)")
    p.add_argument("--max-completion-length", type=int, default=32)
    p.add_argument("--eval-every", type=int, default=2, help="JudgeEvalCallback interval; 0 turns it off")
    p.add_argument("--learning-rate", type=float, default=5e-4)
    p.add_argument("--out", default="runs/grpo-with-judge")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def build_judge(args: argparse.Namespace):
    """A `Judge` in score mode, or the server URL (JudgeReward and the callback accept either)."""
    if args.judge_url:
        return args.judge_url
    from judgesmith.judge import Judge
    from judgesmith.judge.backends import make_backend

    args.judge = args.judge or default_judge()
    return Judge(make_backend("hf", args.judge, batch_size=4), mode="score")


def print_rewards():
    from transformers import TrainerCallback

    class PrintRewards(TrainerCallback):
        """One line per logged step: the judge reward TRL saw, and the evaluation metrics when present."""

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = logs or {}
            if "rewards/judge_score/mean" in logs:
                print(f"step {state.global_step}: judge reward mean {logs['rewards/judge_score/mean']:.3f} "
                      f"std {logs['rewards/judge_score/std']:.3f}  failures {logs.get('judge_score/failures', 0):.0f}",
                      flush=True)
            if "judge/mean_score" in logs:
                win = logs.get("judge/win_rate")
                print(f"step {state.global_step}: eval mean score {logs['judge/mean_score']:.3f}"
                      + (f"  win rate vs step 0 {win:.3f}" if win is not None else "")
                      + f"  parse failures {logs['judge/parse_failures']:.0f}", flush=True)

    return PrintRewards()


def main() -> None:
    args = parse_args()
    # judgesmith's own progress lines (the one-time model conversions take minutes), not every library's
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("judgesmith").setLevel(logging.INFO)
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer

    from judgesmith.integrations.trl import JudgeEvalCallback, JudgeReward
    from judgesmith.models import resolve_model_dir, set_threads

    set_threads(int(os.environ.get("JUDGESMITH_THREADS", "0")) or None)
    start = time.monotonic()
    judge = build_judge(args)
    print(f"policy {args.policy}, judge {args.judge_url or args.judge}, rubric {args.rubric}", flush=True)
    reward = JudgeReward(judge, rubric=args.rubric, api_key=args.api_key)
    data = Dataset.from_dict({"prompt": [[{"role": "user", "content": p}] for p in TRAIN_PROMPTS]})
    config = GRPOConfig(
        output_dir=args.out, max_steps=args.steps, per_device_train_batch_size=args.num_generations,
        num_generations=args.num_generations, max_completion_length=args.max_completion_length,
        learning_rate=args.learning_rate, use_cpu=True, bf16=False, report_to="none", logging_steps=1,
        save_strategy="no", seed=args.seed, disable_tqdm=True)
    trainer = GRPOTrainer(model=resolve_model_dir(args.policy), reward_funcs=reward, args=config,
                          train_dataset=data, peft_config=LoraConfig(r=8, lora_alpha=16, task_type="CAUSAL_LM"),
                          callbacks=[print_rewards()])
    trainer.remove_callback(PrinterCallback)  # print_rewards() prints the lines that matter here
    evaluator = None
    if args.eval_every:
        evaluator = JudgeEvalCallback(judge, EVAL_PROMPTS, every_n_steps=args.eval_every, rubric=args.rubric,
                                      max_new_tokens=args.max_completion_length, api_key=args.api_key).attach(trainer)
    trainer.train()
    print(f"done: {args.steps} steps in {time.monotonic() - start:.0f} s; judge calls {reward.calls}, "
          f"completions judged {reward.judged}, failures {reward.failures}", flush=True)
    if evaluator is not None and evaluator.answers is not None:
        changed = sum(a != b for a, b in zip(evaluator.answers, evaluator.baseline))
        # Unchanged greedy answers judged against themselves in both orders give a win rate of exactly 0.5.
        print(f"eval answers that changed since step 0: {changed} of {len(EVAL_PROMPTS)}", flush=True)


if __name__ == "__main__":
    main()
