"""The catalogue of errors a user can cause: each class carries its code, its exit status, and a message
that says what to do next. One class per code; `every_error()` lists them all (this module's, and the
few that belong to the remote client), and the README's table of error codes is checked against it.
"""

from __future__ import annotations

from collections.abc import Iterable

INTERNAL_ERROR = "INTERNAL_ERROR"  # a bug in actionctl, not in what the user asked (exit 70)
INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE


class ActionctlError(Exception):
    """Base of every error that ends a command with a one-line message instead of a traceback."""

    exit_code = 1
    code = "ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- exit 2: the command line asked for something that is not there or cannot be done -----------------


class UsageError(ActionctlError):
    """The command line asked for something that cannot be done as asked."""

    exit_code = 2
    code = "USAGE"


class PathNotFoundError(UsageError):
    """A file or folder named on the command line does not exist."""

    code = "PATH_NOT_FOUND"

    def __init__(self, path: str, kind: str = "file or directory") -> None:
        super().__init__(f"{path}: no such {kind}")


class ActionNotFoundError(UsageError):
    """No action has the name (or id, or code file) given — in the repository or on the service."""

    code = "ACTION_NOT_FOUND"

    def __init__(self, target: str, where: str, known: Iterable[str] = (), hint: str = "") -> None:
        from actionctl.suggest import closest

        suggestion = closest(target, [k for k in known if k])
        tail = f' — did you mean "{suggestion}"?' if suggestion else f" — {hint}" if hint else ""
        super().__init__(f'no action named "{target}" {where}{tail}')


class ActionCodeNotFoundError(ActionNotFoundError):
    """A .js file given on the command line is the code of no manifest."""

    def __init__(self, files: str) -> None:
        UsageError.__init__(self, f"no manifest in the project uses {files} as its code")


class TestsNotFoundError(UsageError):
    """`test NAME` for an action no test file tests; `test` that finds no case at all, or none matching `-k`."""

    code = "TESTS_NOT_FOUND"


class UnknownProfileError(UsageError):
    """`--profile` names no profile of actionctl.yaml."""

    code = "PROFILE_UNKNOWN"


class DataSourceNotFoundError(UsageError):
    """No data source of the app on the service has the name or id given (`fixtures pull`)."""

    code = "DATASOURCE_NOT_FOUND"

    def __init__(self, target: str, app: object, known: Iterable[str] = ()) -> None:
        from actionctl.suggest import closest

        suggestion = closest(target, [k for k in known if k])
        tail = f' — did you mean "{suggestion}"?' if suggestion else " — see `actionctl fixtures list`"
        super().__init__(f'no data source named "{target}" in app {app} on the service{tail}')


class DataSourceAmbiguousError(UsageError):
    """More than one data source of the app has the name given: its id says which."""

    code = "DATASOURCE_AMBIGUOUS"


class RedactColumnUnknownError(UsageError):
    """A `--redact` column is a column of none of the data sources pulled: nothing would be redacted."""

    code = "REDACT_COLUMN_UNKNOWN"


class ProjectNotFoundError(UsageError):
    """The command needs an actionctl project (actionctl.yaml here or above)."""

    code = "PROJECT_NOT_FOUND"


class ActionUnreadableError(UsageError):
    """The action to run has a manifest or code file that cannot be read."""

    code = "ACTION_UNREADABLE"


class ConfirmationRequiredError(UsageError):
    """A destructive step needs a "yes", and nobody is at a terminal to give it."""

    code = "CONFIRMATION_REQUIRED"

    def __init__(self, question: str) -> None:
        super().__init__(f"{question} — not a terminal, so pass --yes to confirm")


class TokenRequiredError(UsageError):
    """`login` was given nothing to sign in with (no token, no password) and cannot ask: not a terminal."""

    code = "TOKEN_REQUIRED"


class PortInUseError(UsageError):
    """The emulator's port is taken."""

    code = "PORT_IN_USE"


class EmulatorDataError(UsageError):
    """The emulator's --data is not a database it can use (a folder, another kind of file, another program's)."""

    code = "EMULATOR_DATA_INVALID"


class SettingInvalidError(UsageError):
    """A setting given through the environment, or a setting of actionctl.yaml, has a value actionctl cannot use;
    for an actionctl.yaml that is not valid YAML, the code is the YAML error's (YAML_SYNTAX_ERROR…)."""

    code = "CONFIG_INVALID"


class ConfigBrokenError(SettingInvalidError):
    """actionctl.yaml cannot be read or has a setting actionctl cannot use: the first problem, as `validate` shows it,
    with its code (CONFIG_INVALID, UNKNOWN_KEY, YAML_SYNTAX_ERROR…), before any command uses a setting."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- exit 1: what was checked failed ---------------------------------------------------------------------


class RefusedOverwriteError(ActionctlError):
    """`init` or `new` would replace files that exist."""

    code = "FILE_EXISTS"

    def __init__(self, paths: list[str]) -> None:
        listed = ", ".join(paths)
        super().__init__(f"refusing to overwrite existing files: {listed} — move them away or pick another name")


class NameTakenError(ActionctlError):
    """Two actions of the repository would have the same name."""

    code = "NAME_ALREADY_EXISTS"


class NameRefusedError(ActionctlError):
    """`new` was given a name the service would refuse; the code is the name rule's (NAME_EMPTY, NAME_TOO_LONG…)."""

    code = "NAME_INVALID_CHARS"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ValidationFailedError(ActionctlError):
    """The project has validation errors, so nothing was run or sent; carries the report."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, report=None) -> None:
        super().__init__(message)
        self.report = report


class LocalUnreadableError(ActionctlError):
    """An action of the repository cannot be read, so no plan can be made."""

    code = "LOCAL_UNREADABLE"


class FixtureError(ActionctlError):
    """A fixture file cannot be used."""

    code = "FIXTURE_INVALID"


class RedactionKeyError(ActionctlError):
    """The project's redaction key is too short to keep stand-ins from being traced back; nothing was written."""

    code = "REDACTION_KEY_INVALID"


class FixtureEditedError(ActionctlError):
    """`fixtures pull` would replace a fixture edited (or written) by hand; nothing was written (--force does)."""

    code = "FIXTURE_EDITED"


class DependencyNotCachedError(ActionctlError):
    """A URL dependency is not in the local cache."""

    code = "DEPENDENCY_NOT_CACHED"

    def __init__(self, urls: list[str]) -> None:
        listed = ", ".join(urls)
        super().__init__(f"not in the local cache: {listed} — run `actionctl deps fetch` while online")


class StateUnwritableError(ActionctlError):
    """The sync state could not be saved; the next push converges."""

    code = "STATE_UNWRITABLE"


class SyncConflictError(ActionctlError):
    """Only actions edited on the service held the push back."""

    code = "SYNC_CONFLICT"


class NotConfirmedError(ActionctlError):
    """A destructive step was asked about in a terminal and the answer was no; nothing was changed."""

    code = "NOT_CONFIRMED"

    def __init__(self) -> None:
        super().__init__("answered no — nothing was changed (--yes confirms without asking)")


class PullRefusedError(ActionctlError):
    """`pull` kept local edits that were not pushed or committed."""

    code = "PULL_REFUSED"


class RemoteActionUnusableError(ActionctlError):
    """The service listed actions actionctl cannot hold (no usable name or id, a field of the wrong type, text
    UTF-8 cannot hold, a name no file can have); the rest was done."""

    code = "REMOTE_ACTION_UNUSABLE"

    def __init__(self, unusable: list) -> None:
        if len(unusable) == 1:
            message = f"{unusable[0].label} on the service cannot be used here: {unusable[0].reason}"
        else:
            message = (f"{len(unusable)} actions on the service cannot be used here: "
                       f"{', '.join(u.label for u in unusable)} (why: above, or `unusable` in the JSON)")
        super().__init__(f"{message} — fix it on the service (nothing else was held back by it)")
        self.unusable = unusable


class FileUnwritableError(ActionctlError):
    """A file could not be written (a name too long, a folder in the way…); nothing was left half-written."""

    code = "FILE_UNWRITABLE"


class DiskFullError(FileUnwritableError):
    """A file could not be written: no space left on the device (or the quota is used up)."""

    code = "DISK_FULL"


class PermissionDeniedError(FileUnwritableError):
    """A file could not be written: the folder or the file is not writable (permissions, a read-only mount)."""

    code = "PERMISSION_DENIED"


# --- exit 3: the service -------------------------------------------------------------------------------------


class PushIncompleteError(ActionctlError):
    """Some of the plan did not land; the code is the first failure's."""

    exit_code = 3
    code = "PUSH_INCOMPLETE"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


def every_error() -> list[type[ActionctlError]]:
    """Every error class of the catalogue, this module's and the remote client's, in declaration order."""
    import actionctl.remote.errors  # noqa: F401 - its classes join the catalogue

    found: list[type[ActionctlError]] = []
    pending = [ActionctlError]
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
