"""The errors file of a batch run: judgesmith's own file, never the user's.

A run lists its bad input lines and over-long items in a JSONL errors file (one `{"line", "reason",
...}` object a line). The file is the run's own:
- a path that exists and is not a judgesmith errors file (a user's notes, an empty file, a folder, a
  device, a symbolic link) is refused before anything is touched; `/dev/null` means "discard the
  entries" and is never written, replaced or removed;
- each entry names the verdicts file it belongs to (`output`), and a run replaces only its own
  entries: two runs sharing one errors file keep each other's. The read-merge-replace step holds an
  exclusive lock on the folder, so two runs finishing at once cannot lose an update;
- the file is replaced atomically (temp file + rename) and removed only when no entry is left; a
  write that fails (a full disk) removes its temp file before the error is raised.
"""

from __future__ import annotations

import json
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]


def is_devnull(path: str | Path) -> bool:
    """True for the system's null device (entries are discarded, the device is never touched)."""
    try:
        return os.path.samefile(path, os.devnull)
    except OSError:
        return False


def _entries(path: Path) -> list[dict] | None:
    """The entries of a judgesmith errors file, or None when the file is anything else.

    Judgesmith writes only non-empty files whose every line is a JSON object with `line` and `reason`.
    """
    entries: list[dict] = []
    try:
        with open(path, "rb") as fh:
            for raw in fh:
                try:
                    entry = json.loads(raw)
                except (ValueError, RecursionError):
                    return None
                if not isinstance(entry, dict) or "line" not in entry or "reason" not in entry:
                    return None
                entries.append(entry)
    except OSError:
        return None
    return entries or None


def refusal(path: Path, flag: str = "--errors") -> str | None:
    """Why `path` cannot be this run's errors file, or None when it can (absent, /dev/null or our own)."""
    if is_devnull(path) or not os.path.lexists(path):
        return None
    if path.is_symlink():
        return f"{flag} {path} is a symbolic link; judgesmith replaces its errors file, so name a plain path"
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return f"{flag} {path} is a folder; name a file"
    if not stat.S_ISREG(mode):
        return f"{flag} {path} is not a regular file; name a file (or /dev/null to discard the entries)"
    if _entries(path) is None:
        return (f"{flag} {path} exists and is not an errors file written by judgesmith; it is left as it is. "
                "Pass another path (or remove the file yourself)")
    return None


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive lock on the folder, held while an errors file in it is read, merged and replaced."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def replace_atomic(path: Path, lines: Iterable[str]) -> None:
    """Write `lines` to a temp file beside `path`, fsync, rename over it; the temp file never outlives a failure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class ErrorsFile:
    """The errors file of one run on one verdicts file (see the module doc for the rules)."""

    def __init__(self, path: str | Path, output: str | Path):
        self.path = Path(path)
        self.output = str(Path(output).resolve())
        self.discard = is_devnull(self.path)

    def check(self) -> None:
        """Refuse a path that is not judgesmith's to write, before the run touches anything."""
        problem = refusal(self.path)
        if problem:
            raise ValueError(problem)

    def write(self, entries: Iterable[dict]) -> bool:
        """Replace this run's entries (others' stay); no entry left at all: remove the file. True if it exists."""
        if self.discard:
            return False
        mine = [{**e, "output": self.output} for e in entries]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _folder_lock(self.path.parent):
            self.check()  # again under the lock: the path may have changed since the run started
            old = (_entries(self.path) or []) if self.path.exists() else []
            kept = [e for e in old if e.get("output") not in (None, self.output)]
            if not kept and not mine:
                self.path.unlink(missing_ok=True)
                return False
            replace_atomic(self.path, (json.dumps(e) + "\n" for e in kept + mine))
        return True
