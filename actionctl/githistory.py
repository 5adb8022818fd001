"""What git knows about an action's files: whether they are committed as they are, and their past versions.

Sync uses the past versions to tell an edit made on the service from one that came through the
repository: a copy on the service equal to a committed version of the files was pushed from the
repository (by a teammate, or by CI), so updating it loses nothing. Without git (or in a shallow
clone) there is no history, and the state file alone decides.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

HISTORY_DEPTH = 50  # commits per action looked at: enough for "recently pushed from the repository"


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._inside: bool | None = None

    def available(self) -> bool:
        if self._inside is None:
            self._inside = self._run("rev-parse", "--is-inside-work-tree") == "true"
        return self._inside

    def has_history(self) -> bool:
        """A full history: a shallow clone (CI's default checkout) shows one commit as if it were all there is."""
        return self.available() and self._run("rev-parse", "--is-shallow-repository") == "false"

    def status(self, files: list[Path]) -> str | None:
        """"clean" (committed as they are), "dirty" (changed or untracked), or None without git."""
        if not self.available():
            return None
        listed = [str(f) for f in files if f.exists()]
        if self._run("ls-files", "--error-unmatch", "--", *listed) is None:
            return "dirty"  # untracked: git holds no copy
        return "clean" if self._run("status", "--porcelain", "--", *listed) == "" else "dirty"

    def commits(self, files: list[Path], depth: int = HISTORY_DEPTH) -> list[str]:
        """The newest commits that touched any of `files` (none without git)."""
        if not self.available():
            return []
        listed = [self._relative(f) for f in files]
        found = self._run("log", f"-n{depth}", "--format=%H", "--", *listed)
        return found.split() if found else []

    def show(self, commit: str, path: Path) -> str | None:
        """The text of `path` at `commit`; None when it did not exist there or is not text."""
        return self._run("show", f"{commit}:{self._relative(path)}", strip=False)

    def versions(self, manifest: Path, code: Path, code_of) -> Iterator[tuple[str, str | None]]:
        """(manifest text, code text) at each recent commit touching the manifest or its code file.

        `code_of(manifest_text)` says which code file a version of the manifest used.
        """
        for commit in self.commits([manifest, code]):
            text = self.show(commit, manifest)
            if text is None:
                continue
            code_then = code_of(text)
            yield text, self.show(commit, code_then) if code_then is not None else None

    def _relative(self, path: Path) -> str:
        try:
            return "./" + path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def _run(self, *args: str, strip: bool = True) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, timeout=30,
                                  check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode != 0:
            return None
        try:
            out = done.stdout.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return out.strip() if strip else out
