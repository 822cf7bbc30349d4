"""Shared plumbing for source loaders: reading rows, field checks, skip-or-raise, question ids.

Every loader walks its rows through `collect`, so a bad row is always reported the
same way (`Skipped(file, row, reason)`) or raised under `strict=True`, never dropped.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Skipped

Example = AbsoluteExample | PairwiseExample
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower-cased words joined by single spaces: the form question ids and n-grams are computed on."""
    return " ".join(_WORD.findall(text.lower()))


def text_qid(source: str, text: str) -> str:
    """A question id from the question text, so every response to one question shares it."""
    return f"{source}:{hashlib.sha1(normalize(text).encode()).hexdigest()[:12]}"


def read_bytes(path: Path) -> bytes:
    """A file's bytes, a `.gz` file decompressed; a damaged or truncated file is a ValueError naming it."""
    import zlib

    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"{path}: the gzip file is damaged or cut short ({exc}); download it again") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_rows(path: str | Path) -> Iterator[tuple[int, Any]]:
    """(row, record) of a JSON list or a JSONL file; a bad JSONL line comes back as a `Skipped`.

    A `.json` file that is not a list is read as JSON lines (some upstream `.json` files are);
    a `.gz` file is decompressed first. JSON lines end at `\\n` only: a U+2028 or U+0085 inside
    a string is text, not a line break. A bad byte spoils only its own line; a JSON list with one,
    or a damaged gzip file, is an error that names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    data = read_bytes(path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data.lstrip().startswith(b"["):
        try:
            records = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not valid UTF-8 (byte {exc.start + 1}); the file is damaged") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a valid JSON list ({exc.msg} at line {exc.lineno})") from None
        yield from enumerate(records)
        return
    row = -1
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        row += 1
        try:
            yield row, json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield row, Skipped(path.name, row, f"not valid UTF-8 (byte {exc.start + 1} of the line)")
        except (ValueError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply or too large a number"
            yield row, Skipped(path.name, row, f"not valid JSON ({why})")


def text_field(rec: Mapping[str, Any], key: str, required: bool = True, allow_empty: bool = False,
               coerce: bool = False) -> str | None:
    """A string field; raises ValueError naming the field when it is missing, empty or not text.

    `allow_empty` accepts "" for a required field (benchmarks where a model answered nothing and
    humans judged it); `coerce` turns JSON booleans/numbers back into the text they came from.
    """
    value = rec.get(key)
    if value is None:
        if required:
            raise ValueError(f"missing field {key!r}")
        return None
    if coerce and isinstance(value, (bool, int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, got {type(value).__name__}")
    if required and not allow_empty and not value.strip():
        raise ValueError(f"{key!r} is empty")
    return value


def int_field(rec: Mapping[str, Any], key: str, allowed: Iterable[int]) -> int:
    """An integer field (ints or digit strings) restricted to `allowed`."""
    allowed = tuple(allowed)
    value = rec.get(key)
    if value is None:
        raise ValueError(f"missing field {key!r}")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise ValueError(f"{key!r} must be one of {list(allowed)}, got {value!r}")
    return value


def ten_to_five(value: Any, key: str = "score") -> int:
    """Map a 1-10 rating (number or numeric string such as "10.0") to 1-5 by `ceil(score / 2)`.

    1-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4, 9-10 -> 5 (half points round up: 5.5 -> 3): the ten
    steps keep their order and each two adjacent steps share one Prometheus score.
    """
    score = value
    if isinstance(score, str):
        try:
            score = float(score.strip())
        except ValueError:
            raise ValueError(f"{key!r} must be a number 1-10, got {value!r}") from None
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 1 <= score <= 10:
        raise ValueError(f"{key!r} must be a number 1-10, got {value!r}")
    return max(1, math.ceil(score / 2))


def require_mapping(rec: Any) -> Mapping[str, Any]:
    if not isinstance(rec, Mapping):
        raise ValueError(f"expected a JSON object, got {type(rec).__name__}")
    return rec


def collect(
    source: str,
    path: str | Path,
    rows: Iterable[tuple[int, Any]],
    make: Callable[[Any, int], Example | Iterable[Example] | None],
    strict: bool = False,
    limit: int | None = None,
) -> LoadResult:
    """Turn rows into examples with `make`; a ValueError from `make` skips the row (or raises if strict)."""
    name = Path(path).name
    result = LoadResult(source=source, rows_read=0)
    for row, rec in rows:
        if limit is not None and result.count >= limit:
            break
        result.rows_read += 1
        try:
            if isinstance(rec, Skipped):
                raise ValueError(rec.reason)
            made = make(rec, row)
        except ValueError as exc:
            if strict:
                raise ValueError(f"{name} row {row}: {exc}") from exc
            result.skipped.append(Skipped(name, row, str(exc)))
            continue
        for ex in [made] if isinstance(made, (AbsoluteExample, PairwiseExample)) else (made or ()):
            (result.absolute if isinstance(ex, AbsoluteExample) else result.pairwise).append(ex)
    return result


def balanced_positions(n: int, seed: int) -> list[bool]:
    """`n` booleans, half True (gold at position A), in a seeded order: deterministic 50/50 balance."""
    import random

    flags = [i % 2 == 0 for i in range(n)]
    random.Random(seed).shuffle(flags)
    return flags


def data_files(path: str | Path, patterns: Iterable[str]) -> list[Path]:
    """`path` itself when it is a file, else the files under it matching `patterns`, sorted (stable order)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"{path} does not exist")
    found = sorted({f for pattern in patterns for f in path.rglob(pattern) if f.is_file()})
    if not found:
        raise FileNotFoundError(f"{path} holds no files matching {list(patterns)}")
    return found


def collect_files(name: str, files: Iterable[Path], read: Callable[[Path], Iterator[tuple[int, Any]]],
                  maker: Callable[[Path], Callable[[Any, int], Any]], strict: bool = False,
                  limit: int | None = None) -> LoadResult:
    """`collect` over several files of one source (a folder of domain or subset files), in file order."""
    out = LoadResult(source=name)
    for file in files:
        part = collect(name, file, read(file), maker(file), strict=strict)
        out.absolute += part.absolute
        out.pairwise += part.pairwise
        out.skipped += part.skipped
    if limit is not None:
        out.absolute = out.absolute[:limit]
    return out
