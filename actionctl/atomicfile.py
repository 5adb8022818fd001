"""Writing files so that a crash never leaves half a file, and a user's file is never replaced unasked.

Each file is written to a temporary file beside it (`.<name>.<random>.tmp`), flushed, then renamed over
the target. Every failure path removes the temporary file (a stray one would be picked up by
`git add -A`), and a failure of the disk or of permissions is a coded error (DISK_FULL,
PERMISSION_DENIED, FILE_UNWRITABLE) naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from actionctl.errors import DiskFullError, FileUnwritableError, PermissionDeniedError

# The target's name is cut short in the temporary file's, which must fit the file system's limit too.
_TEMP_NAME_KEEP = 120
# What our temporary files are called: 8 characters of [a-z0-9_] between the target's name and `.tmp`.
_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TEMP_ATTEMPTS = 100
_OUR_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def write_new(path: Path, text: str, *, private: bool = False) -> bool:
    """Create `path` with `text` atomically (`private`: readable by its owner only, for a secret). Returns False,
    writing nothing, when it already exists."""
    if path.exists():
        return False
    with _coded(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(path, text, 0o600 if private else None)
        try:
            os.link(temp, path)  # fails if `path` appeared meanwhile: never replaces
        except FileExistsError:
            return False
        except OSError as exc:  # a file system without hard links: exclusive create is the next best thing
            if exc.errno in _DISK_FULL | _DENIED:
                raise
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except FileExistsError:
                return False
        finally:
            _remove(temp)
    return True


def write_atomic(path: Path, text: str) -> None:
    """Write `path` (replacing it) so readers see the old or the new content, never a mix."""
    write_all({path: text})


def write_all(files: dict[Path, str]) -> None:
    """Write several files as one step, as far as a file system allows: every temporary file is written
    first, then renamed in the order given, so a full disk or a refused folder changes none of them.
    Put the file that makes the others count (an action's manifest) last."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            with _coded(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                temps.append((_write_temp(path, text), path))
        for temp, path in temps:
            with _coded(path):
                os.replace(temp, path)
    finally:
        for temp, _path in temps:
            _remove(temp)


def our_temp_files(folder: Path) -> Iterator[Path]:
    """Temporary files of ours left in `folder` and below by a process that was killed mid-write."""
    if not folder.is_dir():
        return
    for path in folder.rglob(".*.tmp"):
        if _OUR_TEMP.fullmatch(path.name) and path.is_file():
            yield path


def remove_quietly(path: Path | str) -> None:
    _remove(path)


def _write_temp(path: Path, text: str, mode: int | None = None) -> str:
    kept = mode if mode is not None else _mode_of(path)
    fd, temp = _create_temp(path, 0o666 if kept is None else kept)
    try:
        if kept is not None and hasattr(os, "fchmod"):  # the umask may have taken bits the file had
            os.fchmod(fd, kept)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove(temp)
        raise
    return temp


def _create_temp(path: Path, mode: int) -> tuple[int, str]:
    """A new temporary file beside `path`, created with `mode` less the umask — as `open` would create `path`
    itself: mkstemp's 0600 would stay on the file the user commits, and reading the umask means setting it, for
    every thread of the process at once."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(_TEMP_ATTEMPTS):
        suffix = "".join(random.choices(_TEMP_CHARS, k=8))
        temp = str(path.parent / f".{path.name[:_TEMP_NAME_KEEP]}.{suffix}.tmp")
        try:
            return os.open(temp, flags, mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def _mode_of(path: Path) -> int | None:
    """A replaced file keeps its mode; None for a new one."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _remove(path: Path | str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


@contextlib.contextmanager
def _coded(path: Path) -> Iterator[None]:
    """An OSError while writing `path` as the catalogue's error for it."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno in _DISK_FULL:
            raise DiskFullError(f"cannot write {path}: {reason} — free some space and run the command again; "
                                "nothing was left half-written") from None
        if exc.errno in _DENIED:
            raise PermissionDeniedError(f"cannot write {path}: {reason} — make the folder writable and run the "
                                        "command again") from None
        raise FileUnwritableError(f"cannot write {path}: {reason}") from None


@contextlib.contextmanager
def locked(path: Path, mode: int = 0o644) -> Iterator[None]:
    """An exclusive lock on `<path>.lock`, held while a file shared by processes is read, changed and written
    (two commands at once must not each write back what they read and lose the other's change)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; changes there are merged but not serialised
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, mode)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
