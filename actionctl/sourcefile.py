"""Reading a project's own files: inside the project, regular files, and of a bounded size.

Manifests and `actionctl.yaml` name other paths (`code:`, `actions:`), and whatever such a file holds
can end up quoted in a code frame, a V8 message or a CI annotation. So a path that resolves (symlinks
followed) outside the project is refused before it is opened: `code: /proc/self/environ` must not
print a CI token into a job log. Only regular files are read — a FIFO blocks forever, `/dev/zero`
never ends — and a file larger than its cap is refused from its size, before any of it is read.

The caps are ours: the service documents none for code or manifests. Code is sent to the service in
one request and run in a fresh isolate per run; nothing hand-written comes near 5 MB, while a 50 MB
file took 29 s and 1.85 GB to check. Fixtures are data and may be larger.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path

CODE_MAX_BYTES = 5 * 1024 * 1024
YAML_MAX_BYTES = 1024 * 1024  # a manifest, actionctl.yaml, a test file
FIXTURE_MAX_BYTES = 32 * 1024 * 1024

# O_NONBLOCK: should the file be swapped for a FIFO after the stat, opening it still returns.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC if os.name == "posix" else os.O_RDONLY | os.O_BINARY
# The diagnostic codes of a file refused unread.
REFUSED = ("PATH_INVALID", "PATH_OUTSIDE_PROJECT", "FILE_NOT_REGULAR", "FILE_TOO_LARGE")
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"))


class Refused(Exception):
    """A path that is not read, and why: `code` is a diagnostic code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def resolved(path: Path | str) -> Path:
    """`path` with every symlink followed; unlike Path.resolve, a symlink loop gives a path, not an error."""
    return Path(os.path.realpath(path))


def inside(path: Path | str, root: Path) -> bool:
    """Whether `path`, every symlink followed, is `root` or below it (`root` already resolved)."""
    return _within(os.path.realpath(path), root)


def check_path(path: Path | str, root: Path | None) -> None:
    """Refuse a path with a NUL, or one outside `root` (when given)."""
    if "\0" in str(path):
        raise Refused("PATH_INVALID", "the path holds a NUL character")
    if root is not None and not inside(path, root):
        raise _outside()


def read(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes inside `root`.

    Raises Refused (a coded reason), FileNotFoundError, IsADirectoryError or another OSError.
    """
    name = os.fspath(path)
    if "\0" in name:
        raise Refused("PATH_INVALID", "the path holds a NUL character")
    if root is not None and not _folder_inside(name, root):
        raise _outside()
    info = os.lstat(name)
    if stat.S_ISLNK(info.st_mode):
        if root is not None and not inside(name, root):
            raise _outside()
        info = os.stat(name)
    _check_kind(info)
    _check_size(info.st_size, limit)
    fd = os.open(name, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        _check_kind(info)
        return _read_upto(fd, info.st_size, limit)
    finally:
        os.close(fd)


def _read_upto(fd: int, size: int, limit: int) -> bytes:
    """All of the file, refused once past `limit` (it may have grown since it was measured)."""
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, max(size + 1 - total, 65536))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        _check_size(total, limit)


def _folder_inside(name: str, root: Path) -> bool:
    """Whether the folder holding `name` is inside `root` (the file itself may still be a symlink)."""
    head, tail = os.path.split(name)
    if tail in ("", ".", "..") or not os.path.isabs(head):
        return inside(name, root)
    return _within(_real_folder(head), root)


@functools.lru_cache(maxsize=256)
def _real_folder(head: str) -> str:
    # A project's files sit in a few folders: resolving each folder once, not once per file, keeps
    # `validate` of 1,000 actions at one lstat per file.
    return os.path.realpath(head)


def _within(real: str, root: Path) -> bool:
    base = str(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _outside() -> Refused:
    return Refused("PATH_OUTSIDE_PROJECT", "the path leads outside the project (symlinks followed), and nothing "
                   "outside it is read — move what it names into the project")


def _check_kind(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise Refused("FILE_NOT_REGULAR", f"this is {kind}, not a regular file; only regular files are read")


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise Refused("FILE_TOO_LARGE", f"the file is larger than {_size(limit)}, the most actionctl reads "
                      "for a file of this kind")


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"
