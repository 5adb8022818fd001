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
from typing import TYPE_CHECKING

from actionctl import variables, yamldoc
from actionctl.manifest import CodeFile, ManifestFile, code_path_for
from actionctl.sync.local import content_hash, fields_of
from actionctl.yamldoc import YamlLoadError

if TYPE_CHECKING:
    from actionctl.project import Project
    from actionctl.sync.model import LocalAction

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


class History:
    """Content hashes of the committed versions of each action's files, read from git when first needed."""

    def __init__(self, project: Project, profile: str | None) -> None:
        self.git = Git(project.root)
        self.values = variables.for_deploy(project.config, profile)

    def hashes(self, local: LocalAction) -> set[str] | None:
        """None without a full git history (no git, a shallow clone): then only the state can tell."""
        if not self.git.has_history():
            return None
        found = set()
        for text, code in self.git.versions(local.manifest, local.code, lambda t: _code_path_in(local.manifest, t)):
            fields = _fields_at(local.manifest, text, code, self.values)
            if fields is not None:
                found.add(content_hash(fields))
        return found


def _code_path_in(manifest_path: Path, text: str) -> Path | None:
    try:
        data = yamldoc.load(text).data
    except YamlLoadError:
        return None
    return code_path_for(manifest_path, data.get("code") if isinstance(data, dict) else None)


def _fields_at(manifest_path: Path, text: str, code: str | None, values: dict) -> dict | None:
    """The fields a past version of a manifest and its code would have pushed; None if it was unreadable."""
    try:
        doc = yamldoc.load(text)
    except YamlLoadError:
        return None
    if not isinstance(doc.data, dict) or code is None:
        return None
    manifest = ManifestFile(manifest_path, doc, code=CodeFile(manifest_path.with_suffix(".js"), code))
    return fields_of(variables.fill(manifest, values).manifest)
