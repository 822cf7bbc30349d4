"""The judge inside someone else's training loop: TRL reward functions and a transformers callback.

Import from `judgesmith.integrations.trl`; nothing here imports torch, transformers or trl at
module load, so the CLI stays instant.
"""
