"""Writing files so that a crash never leaves half a file, and a user's file is never replaced unasked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text` atomically. Returns False, writing nothing, when it already exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, text)
    try:
        os.link(temp, path)  # fails if `path` appeared meanwhile: never replaces
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: exclusive create is the next best thing
        try:
            with open(path, "x", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return True


def write_atomic(path: Path, text: str) -> None:
    """Write `path` (replacing it) so readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, text)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _write_temp(path: Path, text: str) -> str:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp
