"""Training recipe: a YAML file validated by pydantic (unknown keys are errors, not silently ignored).

Relative paths in a recipe are resolved against the current directory, like every
other judgesmith command (run recipes from the project root).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional, Union

from pydantic import Field, model_validator

from judgesmith.config import Strict, load_yaml_model

ALL_PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# Modules that never get an adapter by default: the image (and audio) towers and the projectors of
# multimodal checkpoints (Gemma 3 4B+, PaliGemma, Llava, Mistral 3, Mllama, Llama 4, Qwen2-VL, Gemma 3n).
# Their attention layers have the same `q_proj`/`k_proj`/`v_proj` names as the language model's.
NON_LANGUAGE = (r"(.*\.)?(vision_tower|vision_model|visual|multi_modal_projector|mm_projector|audio_tower"
                r"|embed_vision|embed_audio)(\..*)?")


class DataSpec(Strict):
    """Where the SFT JSONL lives: explicit files, or a data-build folder plus the kind to train on."""

    train: Optional[Path] = None
    eval: Optional[Path] = None
    build_dir: Optional[Path] = None
    kind: Optional[Literal["absolute", "pairwise"]] = None
    max_train_examples: Optional[int] = Field(None, ge=1)
    max_eval_examples: Optional[int] = Field(None, ge=1)
    # The CPU budget is tokens: stop adding examples once their prompt+completion tokens reach this.
    max_train_tokens: Optional[int] = Field(None, ge=16)
    # Take the training examples' labels in turns (see train.data.balance_by_label) rather than the file's skew.
    balance_labels: bool = False
    # Pairwise: pairs won by the longer and by the shorter response take turns (train.data.balance_by_length).
    balance_length: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> "DataSpec":
        if self.train is None and (self.build_dir is None or self.kind is None):
            raise ValueError("give either `train` (a JSONL file) or both `build_dir` and `kind`")
        if self.train is not None and self.build_dir is not None:
            raise ValueError("give `train`/`eval` files or `build_dir` + `kind`, not both")
        if self.balance_labels and self.balance_length:
            raise ValueError("choose one of `balance_labels` and `balance_length` (pairwise labels are already "
                             "balanced by swap augmentation)")
        return self

    def train_file(self) -> Path:
        return self.train if self.train is not None else Path(self.build_dir) / str(self.kind) / "train.jsonl"

    def eval_file(self) -> Optional[Path]:
        if self.train is not None:
            return self.eval
        path = Path(self.build_dir) / str(self.kind) / "eval.jsonl"
        return path if path.is_file() else None


class LoraSpec(Strict):
    """Where the adapters go: one rule for every family, suffixes of the projections minus the non-language
    modules. `target_modules`: module-name suffixes or full names (a list), or one regex matched against
    full module names (PEFT semantics). `exclude_modules` (same semantics) wins over it; null or [] to
    adapt everything the targets match."""

    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: Union[list[str], str] = Field(default_factory=lambda: list(ALL_PROJECTIONS), min_length=1)
    exclude_modules: Optional[Union[list[str], str]] = NON_LANGUAGE


class TrainingSpec(Strict):
    """Optimisation settings. CPU-friendly defaults: fp32, no gradient checkpointing, completion-only logits."""

    learning_rate: float = Field(2e-4, gt=0)
    epochs: float = Field(1.0, gt=0)
    max_steps: Optional[int] = Field(None, ge=1)
    batch_size: int = Field(1, ge=1)
    grad_accum: int = Field(1, ge=1)
    max_length: int = Field(1024, ge=16)
    seed: int = 42
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    threads: Optional[int] = Field(None, ge=1)
    logging_steps: int = Field(1, ge=1)
    save_steps: int = Field(25, ge=1)
    save_total_limit: Optional[int] = Field(2, ge=1)
    eval_steps: Optional[int] = Field(None, ge=1)
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    lr_scheduler: str = "cosine"
    weight_decay: float = Field(0.0, ge=0)
    gradient_checkpointing: bool = False
    completion_logits_only: bool = True
    group_by_length: bool = True
    # Learning curves: keep a copy of the adapter when training first reaches each fraction of its
    # steps (e.g. [0.25, 0.5, 0.75]; the end is the final model), in `<output_dir>/snapshots/`.
    snapshot_fractions: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fractions(self) -> "TrainingSpec":
        bad = [f for f in self.snapshot_fractions if not 0 < f < 1]
        if bad:
            raise ValueError(f"snapshot_fractions must lie strictly between 0 and 1, got {bad}")
        if len(set(self.snapshot_fractions)) != len(self.snapshot_fractions):
            raise ValueError(f"snapshot_fractions has repeated values: {self.snapshot_fractions}")
        return self


class TrainRecipe(Strict):
    base_model: str
    data: DataSpec
    output_dir: Path
    lora: LoraSpec = Field(default_factory=LoraSpec)
    training: TrainingSpec = Field(default_factory=TrainingSpec)
    merge: bool = True


def load_recipe(path: str | Path) -> TrainRecipe:
    """A training recipe; errors name the file and each bad field (see judgesmith.config)."""
    return load_yaml_model(path, TrainRecipe, "training recipe")
