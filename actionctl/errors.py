"""The errors a user can cause. Each carries a code, a message that says what to do, and an exit status."""

from __future__ import annotations


class ActionctlError(Exception):
    """Base of every error that ends a command with a one-line message instead of a traceback."""

    exit_code = 1
    code = "ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class UsageError(ActionctlError):
    """The command line asked for something that cannot be done as asked."""

    exit_code = 2
    code = "USAGE"


class PathNotFoundError(UsageError):
    code = "PATH_NOT_FOUND"

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or directory")


class UnknownActionError(UsageError):
    code = "ACTION_UNKNOWN"

    def __init__(self, name: str, suggestion: str | None = None) -> None:
        hint = f' — did you mean "{suggestion}"?' if suggestion else " — `actionctl list` shows the local ones"
        super().__init__(f'no action named "{name}"{hint}')


class UnknownProfileError(UsageError):
    code = "PROFILE_UNKNOWN"


class ProjectError(ActionctlError):
    """The project on disk is not in a state the command can work with."""

    code = "PROJECT_INVALID"


class RefusedOverwriteError(ActionctlError):
    code = "FILE_EXISTS"

    def __init__(self, paths: list[str]) -> None:
        listed = ", ".join(paths)
        super().__init__(f"refusing to overwrite existing files: {listed} — move them away or pick another name")
