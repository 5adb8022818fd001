"""Stored logins: one token per service host, in the user's config directory, readable by the user alone.

The file is `credentials.json` in `$ACTIONCTL_CONFIG_DIR`, else `$XDG_CONFIG_HOME/actionctl`, else
`~/.config/actionctl`. It is written atomically and created with mode 0600, so a token is never
readable by others, not even for a moment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from actionctl.envvars import Env
from actionctl.remote.errors import CredentialsError, TokenInvalidError

FILE_NAME = "credentials.json"


def usable_token(token: str, source: str) -> str:
    """The token as it goes into the Auth-token header: without the whitespace around it (the newline of a
    file or a pipe), and refused, without being shown, when what is left holds a character a header cannot
    carry — httpx would fail on it at every attempt, which used to be retried as a network failure."""
    token = token.strip()
    if not all("!" <= c <= "~" for c in token):
        raise TokenInvalidError(f"the token from {source} holds a character an HTTP header cannot carry (outside "
                                "printable ASCII, or a space) — copy it again")
    return token


def config_dir() -> Path:
    explicit = os.environ.get(Env.CONFIG_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get(Env.XDG_CONFIG_HOME) or str(Path.home() / ".config")
    return Path(base) / "actionctl"


def host_key(api_url: str) -> str:
    """Logins are per host: the scheme, host and port of the base URL, lower-cased, with a trailing slash."""
    from urllib.parse import urlsplit

    parts = urlsplit(api_url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}/"


def path() -> Path:
    return config_dir() / FILE_NAME


def _load() -> dict:
    file = path()
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"hosts": {}}
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"{file}: cannot read the stored logins ({type(exc).__name__}) — fix or delete "
                               "the file, then `actionctl login` again") from None
    if not isinstance(content, dict) or not isinstance(content.get("hosts"), dict):
        raise CredentialsError(f"{file}: not a credentials file of actionctl — delete it and `actionctl login`")
    return content


def token_for(api_url: str) -> str | None:
    entry = _load()["hosts"].get(host_key(api_url))
    token = entry.get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) and token else None


def entry_for(api_url: str) -> dict | None:
    entry = _load()["hosts"].get(host_key(api_url))
    return entry if isinstance(entry, dict) else None


def save(api_url: str, token: str, user: dict | None = None, facts: dict | None = None) -> Path:
    """Keep the token for the host, with who it is and `facts` (how it was obtained, its kind and region)."""
    with _held():
        content = _load()
        content["hosts"][host_key(api_url)] = {
            "token": token, "user": user or {}, **(facts or {}),
            "savedAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")}
        _write(content)
    return path()


def forget(api_url: str) -> bool:
    with _held():
        content = _load()
        if content["hosts"].pop(host_key(api_url), None) is None:
            return False
        _write(content)
    return True


def _held():
    """The file locked against another login or logout at once, which would write back what it read and
    lose this one's host (each process changes one host of a file shared by all)."""
    from actionctl.atomicfile import locked

    folder = path().parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return locked(path(), mode=0o600)


def _write(content: dict) -> None:
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkdir's mode applies only to a folder it makes: one that was there (0755, say) is closed now. A folder
    # of someone else's that cannot be changed still holds a file only its owner reads.
    with contextlib.suppress(OSError):
        os.chmod(file.parent, 0o700)
    descriptor, temp = tempfile.mkstemp(prefix=".credentials.", dir=file.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
            handle.write("\n")
        os.chmod(temp, 0o600)
        os.replace(temp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
