"""The action under validation, with the helpers rules use to make diagnostics that point at the right place."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from actionctl.diagnostics import Diagnostic, Severity
from actionctl.manifest import DEFAULT_ENVIRONMENT, ManifestFile
from actionctl.rules.jsparse import ASK_V8, JsFacts, analyze
from actionctl.yamldoc import Mark


class ActionCheck:
    def __init__(self, manifest: ManifestFile, syntax: object = ASK_V8) -> None:
        self.manifest = manifest
        self._syntax = syntax  # V8's verdict on the code, when the caller already asked for it
        self.doc = manifest.doc
        self.data: dict[str, Any] = manifest.data
        self.name = manifest.name

    @property
    def file(self) -> Path:
        return self.manifest.path

    @property
    def environment(self) -> str:
        """The environment the service would use: the default when unset, the raw value otherwise."""
        value = self.data.get("environment")
        return DEFAULT_ENVIRONMENT if value is None else value

    @cached_property
    def js(self) -> JsFacts | None:
        """Facts about the code, when the code file could be read and is not blank."""
        code = self.manifest.code
        if code is None or code.text is None or not code.text.strip():
            return None
        return analyze(code.text, self._syntax)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    # --- diagnostics in the manifest --------------------------------------------------------------

    def at(self, code: str, message: str, path: tuple = (), *, key: bool = False, char: int | None = None,
           length: int | None = None, severity: Severity = Severity.ERROR) -> Diagnostic:
        """A diagnostic at the value (or key) of `path`; `char` points inside a one-line string value."""
        if key:
            mark = self.doc.key_mark(path)
        elif char is not None:
            mark = self.doc.char_mark(path, char)
        else:
            mark = self.doc.value_mark(path)
        return self._diagnostic(code, message, self.file, mark, severity, length or self._length(path, key))

    def at_mark(self, code: str, message: str, mark: Mark, *, length: int = 1,
                severity: Severity = Severity.ERROR) -> Diagnostic:
        return self._diagnostic(code, message, self.file, mark, severity, length)

    def in_file(self, file: Path, code: str, message: str, mark: Mark) -> Diagnostic:
        return self._diagnostic(code, message, file, mark, Severity.ERROR, 1)

    def warn(self, code: str, message: str, path: tuple = (), **kwargs: Any) -> Diagnostic:
        return self.at(code, message, path, severity=Severity.WARNING, **kwargs)

    def _length(self, path: tuple, key: bool) -> int:
        if not path:
            return 1
        value = path[-1] if key else self.doc.value_at(path)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return max(1, len(str(value)))
        return 1

    # --- diagnostics in the code file ------------------------------------------------------------

    def in_code(self, code: str, message: str, line: int, column: int, *, length: int = 1,
                severity: Severity = Severity.ERROR, subject: str | None = None) -> Diagnostic:
        """A diagnostic in the code file; one made per use of something names it as `subject`."""
        return self._diagnostic(code, message, self.manifest.code.path, Mark(line, column), severity, length,
                                subject)

    def _diagnostic(self, code: str, message: str, file: Path, mark: Mark, severity: Severity,
                    length: int, subject: str | None = None) -> Diagnostic:
        return Diagnostic(code, message, file, mark.line, mark.column, severity, self.name, length, subject)
