"""`data build`: recipe -> SFT JSONL files (absolute/pairwise x train/eval) and `manifest.json`.

Order matters: load sources, decontaminate against the benchmarks, split by question, then
derive pairs inside each split (pairs never cross the split) and write the records.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from judgesmith.data import catalogue
from judgesmith.data.decontam import DecontamReport, decontaminate
from judgesmith.data.pairs import PairConfig, pairs_from_absolute
from judgesmith.data.recipe import BenchSpec, Recipe, SourceSpec
from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Skipped
from judgesmith.data.sft import to_records
from judgesmith.data.sources import SOURCES, dataset_options
from judgesmith.data.split import split_by_question
from judgesmith.data.transforms import apply_label_only_share, is_label_only, label_of, shorten, swap_augment

log = logging.getLogger(__name__)

# Evaluation files of the catalogue; with `check: known` every one present is checked (not all drop).
KNOWN_BENCHMARKS = catalogue.decontam_names()


def sha256(path: Path) -> str | None:
    """A file's SHA-256; for a folder source, the SHA-256 of its files' relative paths and hashes."""
    if path.is_dir():
        digest = hashlib.sha256()
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(f"{file.relative_to(path).as_posix()}\t{sha256(file)}\n".encode())
        return digest.hexdigest()
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve(spec: SourceSpec | BenchSpec, data_root: Path | None, base: Path | None) -> tuple[str, Path | str]:
    """(loader, path): dataset names use the data dir; relative paths are tried against the recipe's folder."""
    from judgesmith.paths import data_dir

    row = catalogue.lookup(spec.name)
    if spec.path is None:
        if row is None or row.path is None:
            raise ValueError(f"{spec.name!r} has no file in the data folder; give it a loader and path")
        return spec.loader or row.loader, (data_root or data_dir()) / row.path
    loader = spec.loader or (row.loader if row is not None else spec.name)
    path = Path(spec.path).expanduser()
    if not path.is_absolute() and base is not None and (base / path).exists():
        path = base / path
    return loader, path if path.exists() else spec.path


def load_spec(spec: SourceSpec | BenchSpec, data_root: Path | None, base: Path | None, seed: int,
              strict: bool, limit: int | None = None) -> tuple[LoadResult, Path | str]:
    loader, path = resolve(spec, data_root, base)
    fn = SOURCES[loader]
    options = {**dataset_options(spec.name, loader), "name": spec.name, "strict": strict, "limit": limit,
               **spec.options}
    if "seed" in inspect.signature(fn).parameters:
        options.setdefault("seed", seed)
    return fn(path, **options), path


def _reason_kind(reason: str) -> str:
    """A reason without its leading item/pair id (`q-1: empty response` -> `empty response`)."""
    head, sep, rest = reason.partition(": ")
    return rest if sep and (head.startswith("pair ") or " " not in head) else reason


def _reasons(skipped: list[Skipped]) -> dict[str, int]:
    """Reason -> count, so equal reasons of different rows add up."""
    return dict(Counter(_reason_kind(s.reason) for s in skipped).most_common())


def _source_entry(spec: SourceSpec, result: LoadResult, path: Path | str) -> dict[str, Any]:
    return {"name": spec.name, "file": str(path), "sha256": sha256(Path(path)), "rows_read": result.rows_read,
            "absolute": len(result.absolute), "pairwise": len(result.pairwise), "skipped": len(result.skipped),
            "skipped_reasons": _reasons(result.skipped), "skipped_rows": [str(s) for s in result.skipped]}


def check_rows(what: str, result: LoadResult, path: Path | str, optional: bool, how: str) -> None:
    """Log rows read / kept / dropped for one file; a file that gives no rows is an error unless optional.

    A 0-byte benchmark file silently switched decontamination off, an empty source silently cost
    its pairs: both must be loud."""
    read = result.rows_read if result.rows_read is not None else result.count + len(result.skipped)
    log.info("%s (%s): %d rows read, %d kept (%d absolute, %d pairwise), %d dropped", what, path, read,
             result.count, len(result.absolute), len(result.pairwise), len(result.skipped))
    if result.count:
        return
    reasons = "; ".join(f"{n} x {r}" for r, n in list(_reasons(result.skipped).items())[:3])
    problem = f"{what}: {path} gave no rows ({read} read" + (f", dropped: {reasons})" if reasons else ")")
    if optional:
        log.warning("%s; it is marked optional, so the build goes on without it", problem)
        return
    raise ValueError(f"{problem}. The file may be empty, cut short or damaged: check it (or download it "
                     f"again), or {how}")


def _file_key(spec: SourceSpec | BenchSpec, path: Path | str) -> str:
    """A file with the loader options that pick its rows: one file's training and held-out parts
    (`part: train` / `heldout`) are different inputs, so the held-out part is still checked."""
    options = {**dataset_options(spec.name, spec.loader), **spec.options}
    return f"{path}\t{json.dumps(options, sort_keys=True, default=str)}"


def _benchmarks(recipe: Recipe, data_root: Path | None, base: Path | None, train_files: set[str]
                ) -> tuple[dict[str, list], set[str], dict[str, Any]]:
    """Benchmark examples to check (name -> examples), names to drop on, and their file info."""
    dec = recipe.decontamination
    listed = [s if isinstance(s, BenchSpec) else BenchSpec(name=s) for s in dec.drop]
    specs = {s.name: s for s in listed}
    drop = set(specs)
    if dec.check == "known":
        for name in KNOWN_BENCHMARKS:
            specs.setdefault(name, BenchSpec(name=name))
    out, files = {}, {}
    for name, spec in specs.items():
        row = catalogue.lookup(spec.name)
        if spec.path is None and (row is None or row.path is None):
            raise ValueError(f"decontamination benchmark {name!r} is not a known dataset; give it a loader and path")
        _, path = resolve(spec, data_root, base)
        if _file_key(spec, path) in train_files:
            files[name] = {"file": str(path), "note": "is a training input; not checked"}
            continue
        if not Path(path).exists() and name not in drop:
            files[name] = {"file": str(path), "note": "missing; not checked"}
            continue
        result, path = load_spec(spec, data_root, base, recipe.seed, strict=False)
        check_rows(f"decontamination benchmark {name}", result, path, spec.optional or name in dec.optional,
                   f"list {name!r} under decontamination.optional in the recipe to build without it")
        out[name] = result.absolute + result.pairwise
        files[name] = {"file": str(path), "sha256": sha256(Path(path)), "rows": len(out[name]), "drop": name in drop}
    return out, drop & set(out), files


def _derived(recipe: Recipe, specs: dict[str, SourceSpec], absolute: list[AbsoluteExample]
             ) -> tuple[list[PairwiseExample], list[Skipped]]:
    """Pairs derived from the absolute rows of sources that ask for them, each source with its own margin/cap."""
    pc = recipe.pairs
    groups: dict[tuple[float, int | None], list[AbsoluteExample]] = {}
    for e in absolute:
        spec = specs[e.provenance.source]
        if spec.pairs_from_absolute:
            key = (spec.pairs_margin or pc.margin, spec.pairs_max_per_question)
            groups.setdefault(key, []).append(e)
    derived: list[PairwiseExample] = []
    skipped: list[Skipped] = []
    for (margin, cap), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        config = PairConfig(margin=margin, mismatched=pc.mismatched, template=pc.template, seed=recipe.seed,
                            max_per_question=cap)
        made, skips = pairs_from_absolute(rows, config)
        derived += made
        skipped += skips
    return derived, skipped


def _split_sets(recipe: Recipe, specs: dict[str, SourceSpec], absolute: list[AbsoluteExample],
                pairwise: list[PairwiseExample], split: str) -> tuple[list[dict], list[dict], list[Skipped], dict]:
    """Records for one split: absolute rows, source pairwise rows and pairs derived inside the split,
    then the recipe's transforms (swap augmentation on train only, shortening, label-only share)."""
    derived, pair_skips = _derived(recipe, specs, absolute)
    abs_rows = [e for e in absolute if specs[e.provenance.source].absolute]
    pw_rows = [e for e in pairwise if specs[e.provenance.source].pairwise] + derived
    info: dict[str, Any] = {"pairs_from_absolute": len(derived)}
    if recipe.pairs.swap_augment and split == "train":
        pw_rows, made, lost = swap_augment(pw_rows, recipe.pairs.template)
        info |= {"swap_copies": made, "swap_copies_label_only": lost}
    abs_rows, pw_rows, info["shortened"] = shorten(abs_rows, pw_rows, recipe.shorten.max_words)
    abs_recs, pw_recs, skipped = to_records(abs_rows, pw_rows, recipe.absolute.targets)
    info["made_label_only"] = {kind: apply_label_only_share(recs, recipe.completions.share(kind), recipe.seed)
                               for kind, recs in (("absolute", abs_recs), ("pairwise", pw_recs))}
    return abs_recs, pw_recs, pair_skips + skipped, info


def _mixed(recipe: Recipe, specs: dict[str, SourceSpec], split: str, abs_recs: list[dict], pw_recs: list[dict]
           ) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """Each training file at the recipe's group token shares (`data.mix`); tokens per language either way."""
    from judgesmith.data.mix import apply_shares, record_text, token_counter, tokens_by_language

    count = token_counter(recipe.mix.tokenizer)
    groups = {name: spec.group for name, spec in specs.items() if spec.group}
    info: dict[str, Any] = {"tokens": recipe.mix.tokenizer or "UTF-8 bytes / 4"}
    files = {"absolute": abs_recs, "pairwise": pw_recs}
    for kind, recs in list(files.items()):
        counts = count([record_text(r) for r in recs])
        if split == "train":  # the eval files keep every record: they measure, they do not train
            by_id = {id(r): n for r, n in zip(recs, counts)}
            files[kind], info[kind] = apply_shares(recs, recipe.mix.token_share, groups, counts, recipe.seed,
                                                   f"{kind}/train")
            counts = [by_id[id(r)] for r in files[kind]]
        info.setdefault(kind, {})["tokens_by_language"] = tokens_by_language(files[kind], counts)
    return files["absolute"], files["pairwise"], info


def _write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def build(recipe: Recipe, out: str | Path, strict: bool = False, base: Path | None = None) -> dict[str, Any]:
    """Build the SFT sets into `out` and return the manifest (also written to `out/manifest.json`)."""
    out = Path(out)
    data_root = Path(recipe.data_dir).expanduser() if recipe.data_dir else None
    specs = {s.name: s for s in recipe.sources if s.enabled}
    if len(specs) != sum(s.enabled for s in recipe.sources):
        raise ValueError("recipe: two sources share a name; give each a distinct `name`")
    sources, absolute, pairwise, train_files = [], [], [], set()
    for spec in specs.values():
        result, path = load_spec(spec, data_root, base, recipe.seed, strict, spec.limit)
        check_rows(f"source {spec.name}", result, path, spec.optional,
                   "set `optional: true` on the source in the recipe to build without it")
        loaded = result.count
        if spec.sample is not None:
            result = _sampled(result, spec.sample, recipe.seed)
        sources.append(_source_entry(spec, result, path) | ({"sampled_from": loaded} if spec.sample else {}))
        train_files.add(_file_key(spec, path))
        absolute += [_renamed(e, spec.name) for e in result.absolute]
        pairwise += [_renamed(e, spec.name) for e in result.pairwise]
    report = DecontamReport(n=recipe.decontamination.n, min_ngrams=recipe.decontamination.min_ngrams)
    bench_files: dict[str, Any] = {}
    if recipe.decontamination.enabled:
        benches, drop, bench_files = _benchmarks(recipe, data_root, base, train_files)
        kept, report = decontaminate(absolute + pairwise, benches, drop, recipe.decontamination.n,
                                     recipe.decontamination.min_ngrams, str(data_root) if data_root else None)
        kept_ids = {id(e) for e in kept}
        absolute = [e for e in absolute if id(e) in kept_ids]
        pairwise = [e for e in pairwise if id(e) in kept_ids]
    return _finish(recipe, out, specs, absolute, pairwise, sources, report, bench_files)


def _by_source(records: list[dict]) -> dict[str, dict[str, int]]:
    """source -> {kind: records} of one split (derived pairs count under `<source>_pairs`)."""
    out: dict[str, dict[str, int]] = {}
    for rec in records:
        row = out.setdefault(rec["source"], {})
        row[rec["kind"]] = row.get(rec["kind"], 0) + 1
    return dict(sorted(out.items()))


def _transforms_note(recipe: Recipe) -> dict[str, str]:
    """What the recipe's transforms did, in words, for the manifest reader."""
    max_words = recipe.shorten.max_words
    return {"swap_augment": "train split only: every decisive pair also written in the other order, label flipped"
            if recipe.pairs.swap_augment else "off",
            "shorten": f"judged responses over {max_words} words keep the first {max_words} + ' [...]' "
                       "(both splits)" if max_words else "off",
            "label_only_share": f"absolute {recipe.completions.share('absolute')}, "
                                f"pairwise {recipe.completions.share('pairwise')} of feedback-bearing records"}


def _sampled(result: LoadResult, n: int, seed: int) -> LoadResult:
    """A seeded random `n` of a source's examples (all of them when it has fewer), in their file order."""
    import random

    rows = result.absolute + result.pairwise
    if n >= len(rows):
        return result
    keep = set(random.Random(f"{seed}:{result.source}").sample(range(len(rows)), n))
    picked = [ex for i, ex in enumerate(rows) if i in keep]
    return LoadResult(result.source, [e for e in picked if isinstance(e, AbsoluteExample)],
                      [e for e in picked if isinstance(e, PairwiseExample)], result.skipped, result.rows_read)


def _renamed(ex: Any, name: str) -> Any:
    """Provenance source = the recipe's source name, so per-source settings find their rows."""
    from dataclasses import replace

    return ex if ex.provenance.source == name else replace(ex, provenance=replace(ex.provenance, source=name))


def _finish(recipe: Recipe, out: Path, specs: dict[str, SourceSpec], absolute: list, pairwise: list,
            sources: list[dict], report: DecontamReport, bench_files: dict[str, Any]) -> dict[str, Any]:
    root = str(Path(recipe.data_dir).expanduser()) if recipe.data_dir else None
    train, evals = split_by_question(absolute + pairwise, recipe.split.eval_fraction, recipe.seed, root)
    splits: dict[str, Any] = {}
    for split, rows in (("train", train), ("eval", evals)):
        abs_rows = [e for e in rows if isinstance(e, AbsoluteExample)]
        pw_rows = [e for e in rows if isinstance(e, PairwiseExample)]
        abs_recs, pw_recs, skipped, info = _split_sets(recipe, specs, abs_rows, pw_rows, split)
        if recipe.mix.token_share:
            abs_recs, pw_recs, info["mix"] = _mixed(recipe, specs, split, abs_recs, pw_recs)
        _write(out / "absolute" / f"{split}.jsonl", abs_recs)
        _write(out / "pairwise" / f"{split}.jsonl", pw_recs)
        splits[split] = {"questions": len({e.provenance.question_id for e in rows}), "absolute": len(abs_recs),
                         "pairwise": len(pw_recs), **info,
                         "pairwise_labels": dict(Counter(label_of(r) for r in pw_recs)),
                         "label_only": {k: sum(map(is_label_only, recs))
                                        for k, recs in (("absolute", abs_recs), ("pairwise", pw_recs))},
                         "by_source": _by_source(abs_recs + pw_recs),
                         "not_written": len(skipped), "not_written_reasons": _reasons(skipped)}
        log.info("%s: %d absolute, %d pairwise records (%d questions)", split, len(abs_recs), len(pw_recs),
                 splits[split]["questions"])
    manifest = {"recipe": recipe.model_dump(mode="json"), "seed": recipe.seed, "sources": sources,
                "transforms": _transforms_note(recipe),
                "benchmarks": bench_files, "decontamination": report.to_dict(), "splits": splits}
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest
