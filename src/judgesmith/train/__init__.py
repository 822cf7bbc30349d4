"""judgesmith.train: LoRA fine-tuning of judges with TRL's SFTTrainer and PEFT.

`recipe` (YAML schema), `data` (SFT JSONL reading), `trainer` (completion-window
loss), `callbacks` (progress bar, JSONL metrics), `export` (merged model),
`card` (model card), `run` (the whole run, resumable). Nothing heavy is imported here.
"""
