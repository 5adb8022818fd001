"""`actionctl doctor`: what a new user runs first, and pastes into a bug report.

The pipeline, in order:
- `machine`: Python, actionctl and its engine, a V8 worker started and given a trivial job;
- `configuration`: actionctl.yaml (the findings `validate` reports about it), the service, app and profile
  a remote command would use and where each came from, the `api:` corrections in effect, the stored
  logins' file modes, and where the token comes from;
- with `live`, `probes`: read-only GETs of the service, one attempt each, reported by shape, never data;
- `machine.clock` last, compared with the service's `Date` when a probe brought one.
Everything then passes through `shapes.scrub`, so neither the token nor the user's e-mail address can be in
the report, whatever a service echoed (and the home folder, which names the user too, shows as `~`).
"""

from __future__ import annotations

from collections.abc import Callable

from actionctl import __version__
from actionctl.doctor import configuration, machine, probes
from actionctl.doctor.configuration import Options
from actionctl.doctor.model import Check, Report
from actionctl.doctor.shapes import scrub
from actionctl.errors import ActionctlError
from actionctl.project import inspect_project

__all__ = ["Check", "Options", "Report", "diagnose"]


def diagnose(options: Options, log: Callable[[str], None] | None = None) -> Report:
    report = Report(__version__, options.live)
    report.checks += [machine.python(), machine.actionctl(), machine.worker()]
    project, setup = inspect_project(), configuration.Setup()
    report.checks += [configuration.project(project), configuration.target(project, options, setup),
                      configuration.routes(setup), configuration.stored_logins(setup),
                      configuration.token(options, setup)]
    seen = probes.Seen()
    if options.live:
        checks, seen = _live(project, options, setup, log)
        report.checks += checks
    report.checks.append(machine.clock(seen.date, seen.received))
    report.routes = [{**row, "probe": seen.answered.get(row["route"])}
                     for row in (setup.routes or _table()).rows()]
    return _scrubbed(report, setup.token, seen.user)


def _live(project, options: Options, setup: configuration.Setup, log) -> tuple[list[Check], probes.Seen]:
    if setup.api_url is None or setup.routes is None or setup.token is None:
        return [Check("live", "the service", "fail", "not probed: fix the checks above first (service, routes, "
                      "token)")], probes.Seen()
    from actionctl.remote import target

    try:
        chosen = target.resolve(project, profile=options.profile, app=options.app, api_url=options.api_url,
                                region=options.region, token=options.token)
        with target.client_for(chosen, log=log) as client:
            return probes.run(client, chosen.app)
    except ActionctlError as exc:
        return [Check("live", "the service", "fail", f"{exc.message} [{exc.code}]")], probes.Seen()


def _table():
    from actionctl.remote.paths import DEFAULT

    return DEFAULT


def _scrubbed(report: Report, token: str | None, user: dict) -> Report:
    """The report with the token and the user's address and name taken out of every text and fact, and the home
    folder (it names the user too) shown as `~`."""
    from pathlib import Path

    said = {value: "***" for value in (user.get("email"), user.get("fullName")) if isinstance(value, str)
            and len(value) >= 4}
    home = str(Path.home())
    replacements = {**({home: "~"} if len(home) > 1 else {}), **said}
    for check in report.checks:
        check.detail = scrub(check.detail, token, replacements)
        check.facts = scrub(check.facts, token, replacements)
    report.routes = scrub(report.routes, token, replacements)
    return report
