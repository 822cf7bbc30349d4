"""The verdicts file of a batch run: one writer at a time, and a torn tail repaired without risking the rest.

A run appends one JSON line per verdict and fsyncs after each batch, so a kill loses at most the batch in
flight. What a kill can leave is a torn last line. Repairing it touches only that tail, in one system
call each: a tail that is a complete record missing its newline gets the newline appended (it was counted
as done, so dropping it would lose it); anything else is cut off with `ftruncate` at the start of the
torn line. The file is never rewritten, so a kill during the repair cannot destroy a complete record.

Two runs appending to the same file would judge every item twice, so the writer holds an exclusive,
non-blocking `flock` on the output for the whole run; a second run is refused and told which process
holds it (its command line with any API key or token masked).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from judgesmith.redact import redact

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]

CHUNK = 1 << 16


class OutputLockedError(ValueError):
    """Another process is writing the same output file."""


def lock_holder(path: Path) -> str:
    """Who holds the flock on `path`, from /proc/locks (Linux); a plain phrase elsewhere."""
    try:
        inode = path.stat().st_ino
        for line in Path("/proc/locks").read_text().splitlines():
            parts = line.split()
            if len(parts) > 5 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
                pid = parts[4]
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    cmd = ""
                cmd = redact(" ".join(cmd.split()))[:200]  # one line, never the holder's --api-key
                return f"process {pid}" + (f" ({cmd})" if cmd else "")
    except OSError:
        pass
    return "another process"


def lock_exclusive(fh: Any, path: Path) -> None:
    """Take the run's exclusive lock on `fh` or raise OutputLockedError naming the holder."""
    if fcntl is None:
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = lock_holder(path)
        fh.close()
        raise OutputLockedError(f"{path} is being written by another judgesmith run ({holder}); wait for it "
                                "to finish, or pass another --output") from None


def _last_line_start(fd: int, size: int) -> int:
    """Offset just after the last newline before `size` (0 when there is none), reading backwards."""
    end = size
    while end > 0:
        start = max(0, end - CHUNK)
        cut = os.pread(fd, end - start, start).rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        end = start
    return 0


def _complete_record(tail: bytes) -> bool:
    try:
        return isinstance(json.loads(tail), dict)
    except (ValueError, RecursionError):
        return False


def repair_tail(fh: Any) -> str | None:
    """Mend a torn last line of the file open (append mode, binary) in `fh`: 'kept', 'dropped' or None.

    One mutating call either way (append b"\\n", or ftruncate to the torn line's start), then fsync.
    """
    fd = fh.fileno()
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return None
    start = _last_line_start(fd, size)
    if _complete_record(os.pread(fd, size - start, start)):
        os.write(fd, b"\n")  # O_APPEND: lands at the end
        action = "kept"
    else:
        os.ftruncate(fd, start)
        action = "dropped"
    os.fsync(fd)
    return action


class JsonlAppender:
    """Append records and flush+fsync after each batch, so a kill loses at most the batch in flight.

    Opening takes the exclusive lock and repairs a torn tail; `repaired` says what was done.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+b")
        lock_exclusive(self._fh, self.path)
        self.repaired = repair_tail(self._fh)

    def write(self, records: Iterable[dict]) -> None:
        data = b"".join((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8") for rec in records)
        if data:
            self._fh.write(data)
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def discard(self) -> None:
        """Empty the file (under the lock): `--force-new` starts the verdicts over."""
        os.ftruncate(self._fh.fileno(), 0)
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "JsonlAppender":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_jsonl_atomic(path: str | Path, records: Iterable[dict]) -> bool:
    """Replace `path` with these records (temp file + rename); no records: remove a stale file. True if written."""
    path = Path(path)
    records = list(records)
    if not records:
        path.unlink(missing_ok=True)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    from judgesmith.errors_file import replace_atomic

    replace_atomic(path, (json.dumps(rec) + "\n" for rec in records))
    return True


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when two paths name one file (existing: by inode; otherwise by resolved path)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()
