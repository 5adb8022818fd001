"""Writing files so that a crash never leaves half a file, and a user's file is never replaced unasked.

Each file is written to a temporary file beside it (`.<name>.<random>.tmp`), flushed, then renamed over
the target. Every failure path removes the temporary file (a stray one would be picked up by
`git add -A`), and a failure of the disk or of permissions is a coded error (DISK_FULL,
PERMISSION_DENIED, FILE_UNWRITABLE) naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from actionctl.errors import DiskFullError, FileUnwritableError, PermissionDeniedError

# The target's name is cut short in the temporary file's, which must fit the file system's limit too.
_TEMP_NAME_KEEP = 120
# What our temporary files are called (tempfile adds 8 characters of [a-z0-9_]).
_OUR_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text` atomically. Returns False, writing nothing, when it already exists."""
    if path.exists():
        return False
    with _coded(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(path, text)
        try:
            os.link(temp, path)  # fails if `path` appeared meanwhile: never replaces
        except FileExistsError:
            return False
        except OSError as exc:  # a file system without hard links: exclusive create is the next best thing
            if exc.errno in _DISK_FULL | _DENIED:
                raise
            try:
                with open(path, "x", encoding="utf-8", newline="") as handle:
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


def _write_temp(path: Path, text: str) -> str:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name[:_TEMP_NAME_KEEP]}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp's 0600 would stay on the file the user commits
            os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove(temp)
        raise
    return temp


def _mode_for(path: Path) -> int:
    """A replaced file keeps its mode; a new one gets what `open` would give it (0644 under the usual umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: put it straight back
    os.umask(mask)
    return mask


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
