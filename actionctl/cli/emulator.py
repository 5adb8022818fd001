"""`actionctl emulator`: a local stand-in for the App Actions V3 service, to try the remote commands offline."""

from __future__ import annotations

import errno
import sys
import threading
from pathlib import Path

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.envvars import Env
from actionctl.errors import EmulatorDataError, PathNotFoundError, PortInUseError, UsageError

DATA_FILE = Path(".actionctl") / "emulator.sqlite3"
LOOSE_DATA_FILE = Path("actionctl-emulator.sqlite3")  # outside a project: in the working directory
DEFAULT_TOKEN = "local-token"


@app.command("emulator", rich_help_panel=usage.REMOTE,
             epilog=usage.examples(
                 "actionctl emulator",
                 "actionctl emulator --port 0 --data emulator.sqlite3 --project .",
                 "actionctl emulator --clock 2026-10-12T00:00:00Z --clock-speed 3600",
             ))
def emulator(
    port: int = typer.Option(8686, "--port", metavar="PORT", min=0, max=65535,
                             help="Port to listen on (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS", help="Address to listen on."),
    data: Path = typer.Option(None, "--data", metavar="FILE", help="SQLite file that keeps the state (default: "
                              ".actionctl/emulator.sqlite3 in the current project)."),
    token: str = typer.Option(DEFAULT_TOKEN, "--token", metavar="TOKEN", envvar=Env.EMULATOR_TOKEN,
                              help="The token clients must send as Auth-token. Other users of this machine see "
                                   f"it in `ps`: prefer {Env.EMULATOR_TOKEN}."),
    app_published: bool = typer.Option(True, "--app-published/--no-app-published",
                                       help="Whether apps start out published (publishing actions needs it)."),
    faults: float = typer.Option(0.0, "--faults", metavar="SHARE", min=0.0, max=1.0,
                                 help="Fraction of requests that fail with 503, 500 or a dropped connection."),
    rate_crud: int = typer.Option(60, "--rate-crud", metavar="N", min=1, help="CRUD requests per app per window."),
    rate_run: int = typer.Option(30, "--rate-run", metavar="N", min=1, help="Run requests per app per window."),
    rate_publish: int = typer.Option(10, "--rate-publish", metavar="N", min=1,
                                     help="Publish, unpublish and restore requests per app per window."),
    rate_window: float = typer.Option(60.0, "--rate-window", metavar="SECONDS", min=0.01, max=86_400.0,
                                      help="The rate-limit window in seconds."),
    two_factor: str = typer.Option(None, "--two-factor", metavar="CODE",
                                   help="Make `login --email` ask for this two-factor code (default: none asked)."),
    project_dir: Path = typer.Option(None, "--project", metavar="FOLDER",
                                     help="Project whose fixtures and dependency cache serve "
                                     "runs (default: the current project)."),
    clock: str = typer.Option(None, "--clock", metavar="DATETIME",
                              help="Start the emulator's clock at this ISO moment (no offset = UTC; default: now)."),
    clock_speed: float = typer.Option(1.0, "--clock-speed", metavar="N", min=0.0,
                                      help="Emulated seconds per real second (3600: an hour a second; 0: "
                                           "stopped, moved only through _emulator/clock)."),
) -> None:
    """Serve the App Actions V3 API on this machine.

    With state in SQLite, until Ctrl-C."""
    from actionctl.emulator import Account, EmulatorOptions, serve
    from actionctl.project import find_root
    from actionctl.remote.credentials import usable_token

    # As clients read theirs: without a file's newline, and only what a header can carry (or none could match).
    token = usable_token(token, f"--token or {Env.EMULATOR_TOKEN}")
    here = find_root(Path.cwd())
    project = _project(project_dir, find_root) if project_dir is not None else here
    db = _data_file(data, here)
    options = EmulatorOptions(
        db=db, token=token, account=Account(two_factor=two_factor), app_published=app_published, faults=faults,
        project=project, host=host, port=port,
        rate_limits={"crud": rate_crud, "run": rate_run, "publish": rate_publish}, rate_window=rate_window,
        **_clock_options(clock, clock_speed))
    try:
        server = serve(options)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(f"{host}:{port} is already in use — stop what listens there or pick another "
                                 "--port") from None
        raise
    # The default token is public knowledge and worth showing; one the user chose is theirs to know.
    shown = token if token == DEFAULT_TOKEN else f"the one given with --token or {Env.EMULATOR_TOKEN}"
    sys.stderr.write(f"emulator listening on {server.url} (token: {shown}, data: {db}) — Ctrl-C stops it\n"
                     f"sign in with `actionctl login --api-url {server.url}`: the browser comes straight back "
                     f"signed in; --email {options.account.email} takes the password {options.account.password}"
                     f"{' and the --two-factor code' if two_factor is not None else ''}\n"
                     f"{_clock_line(server)}")
    sys.stderr.flush()
    try:
        threading.Event().wait()  # the server runs on its own thread; this one waits for Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _data_file(data: Path | None, here: Path | None) -> Path:
    """--data, or the default in the project `here` (or the working directory), with its folder made."""
    db = data if data is not None else (here / DATA_FILE if here is not None else Path.cwd() / LOOSE_DATA_FILE)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmulatorDataError(f"{db}: cannot make its folder {db.parent} ({exc.strerror})") from None
    return db


def _clock_options(moment: str | None, speed: float) -> dict:
    """The emulator's clock options from --clock and --clock-speed, either refused as a usage error."""
    from actionctl.emulator.clock import check_moment, check_speed
    from actionctl.schedule import parse_moment

    try:
        start = None if moment is None else parse_moment(moment)
    except ValueError:
        raise UsageError(f"--clock {moment!r} is not an ISO date or time, e.g. 2026-10-12T00:00:00Z") from None
    try:
        if start is not None:
            check_moment(start)
    except ValueError as exc:
        raise UsageError(f"--clock {moment!r}: {exc}") from None
    try:
        check_speed(speed)
    except ValueError as exc:
        raise UsageError(f"--clock-speed: {exc}") from None
    return {"clock": start, "clock_speed": speed}


def _clock_line(server) -> str:
    """The start-up line of a clock other than the machine's (none for the machine's)."""
    if not server.clock.moved:
        return ""
    state = server.clock.state()
    pace = "stopped" if not state["speed"] else f"running at {state['speed']:g}× real time"
    return f"clock: {state['now']}, {pace} — set or advance it with POST {server.url}_emulator/clock\n"


def _project(folder: Path, find_root) -> Path:
    """The project holding `folder` (the folder itself when no actionctl.yaml is above it)."""
    if not folder.is_dir():
        raise PathNotFoundError(f"--project {folder}", "folder")
    return find_root(folder) or folder.resolve()
