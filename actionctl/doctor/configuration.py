"""Checks of what the project and the user have set: actionctl.yaml, the service, app and profile a remote
command would use (and where each came from), the `api:` corrections, the stored logins and the token."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Any

from actionctl.doctor.model import Check
from actionctl.envvars import Env
from actionctl.errors import ActionctlError
from actionctl.project import Project
from actionctl.remote import credentials, paths


@dataclass
class Options:
    """What the command was given: the remote options, and whether to probe the service."""

    profile: str | None = None
    app: int | None = None
    api_url: str | None = None
    region: str | None = None
    token: str | None = None
    live: bool = False


@dataclass
class Setup:
    """What the checks worked out, for the checks after them (None: it could not be worked out)."""

    chosen: dict[str, Any] | None = None  # the settings, the profile laid over them
    api_url: str | None = None
    routes: paths.Routes | None = None
    token: str | None = None


def project(found: Project) -> Check:
    """actionctl.yaml: the same findings as `validate` reports about it."""
    if found.config_path is None:
        return Check("project", "actionctl.yaml", "skip", "not inside a project (no actionctl.yaml here or above): "
                     "its checks are skipped — `actionctl init` makes one")
    count = len(found.manifests())  # listing the folders may add a finding: read them first
    findings = [{"code": d.code, "severity": d.severity.value, "line": d.line, "column": d.column,
                 "message": d.message, "file": found.relpath(d.file)} for d in found.problems]
    facts = {"file": str(found.config_path), "actions": count, "diagnostics": findings}
    errors = [f for f in findings if f["severity"] == "error"]
    if errors:
        first = errors[0]
        return Check("project", "actionctl.yaml", "fail", f"{len(errors)} error(s), first {first['file']}:"
                     f"{first['line']}:{first['column']} {first['message']} [{first['code']}] — `actionctl "
                     "validate` shows them all", facts)
    if findings:
        return Check("project", "actionctl.yaml", "warn", f"{len(findings)} warning(s) — `actionctl validate` "
                     "shows them", facts)
    return Check("project", "actionctl.yaml", "ok", f"valid; {count} action manifest(s)", facts)


def target(found: Project, options: Options, setup: Setup) -> Check:
    """The profile, host and app a remote command would use, and where each came from."""
    from actionctl.remote.target import api_url_for, settings

    profile = options.profile or os.environ.get(Env.PROFILE) or None
    try:
        setup.chosen = settings(found, profile)
        setup.api_url = api_url_for(setup.chosen, api_url=options.api_url, region=options.region)
    except ActionctlError as exc:
        return Check("target", "service, app and profile", "fail", f"{exc.message} [{exc.code}]")
    origin = _Origins(found, profile)
    app = options.app if options.app is not None else setup.chosen.get("app")
    facts = {"profile": {"value": profile, "from": origin.profile(options)},
             "apiUrl": {"value": setup.api_url, "from": origin.host(options, setup.chosen)},
             "app": {"value": app, "from": origin.app(options, setup.chosen)}}
    said = f"{setup.api_url}, profile {profile or '(none)'}"
    if app is None:
        return Check("target", "service, app and profile", "warn", f"{said}, no app: remote commands need `app:` "
                     "in actionctl.yaml (or the profile) or --app", facts)
    return Check("target", "service, app and profile", "ok", f"app {app} on {said}", facts)


class _Origins:
    """Where each setting came from, in the order `remote.target` looks (the command line first)."""

    def __init__(self, found: Project, profile: str | None) -> None:
        self.config = found.config if isinstance(found.config, dict) else {}
        profiles = self.config.get("profiles")
        own = profiles.get(profile) if profile and isinstance(profiles, dict) else None
        self.own = own if isinstance(own, dict) else {}
        self.name = profile

    def profile(self, options: Options) -> str | None:
        if not self.name:
            return None
        # --profile reads ACTIONCTL_PROFILE when it is not given, so the same name there means it came from there
        return Env.PROFILE if os.environ.get(Env.PROFILE) == self.name else "--profile"

    def setting(self, key: str) -> str | None:
        if key in self.own:
            return f"{key} of profile {self.name}"
        return f"{key} of actionctl.yaml" if key in self.config else None

    def host(self, options: Options, chosen: dict) -> str:
        if options.api_url:
            return "--api-url"
        if options.region:
            return "--region"
        if isinstance(chosen.get("api_url"), str) and chosen.get("api_url"):
            return self.setting("api_url") or "api_url"
        if chosen.get("region"):
            return self.setting("region") or "region"
        return f"the default region ({paths.DEFAULT_REGION})"

    def app(self, options: Options, chosen: dict) -> str | None:
        if options.app is not None:
            return "--app"
        return self.setting("app") if chosen.get("app") is not None else None


def routes(setup: Setup) -> Check:
    """The `api:` corrections in effect: which routes the project sends elsewhere than actionctl's table."""
    if setup.chosen is None:
        return Check("routes", "routes (api:)", "skip", "the settings could not be read (see above)")
    overrides = setup.chosen.get("api")
    problems = paths.override_problems(overrides)
    if problems:
        return Check("routes", "routes (api:)", "fail", f"{problems[0][1]} (in actionctl.yaml)",
                     {"problems": [message for _, message in problems]})
    setup.routes = paths.Routes(overrides)
    changed = [row for row in setup.routes.rows() if row["overridden"]]
    facts = {"overridden": changed}
    if not changed:
        return Check("routes", "routes (api:)", "ok", "none overridden: every route as actionctl knows it "
                     "(`--format json` lists them)", facts)
    said = "; ".join(f"{row['route']} → {row['method']} {row['path']}"
                     + "".join(f" ({key}: {row[key]})" for key in ("payload", "filter") if key in row)
                     for row in changed)
    return Check("routes", "routes (api:)", "ok", f"{len(changed)} corrected in actionctl.yaml: {said}", facts)


def stored_logins(setup: Setup) -> Check:
    """The credentials file: there or not, readable by its owner alone, in a folder closed to others."""
    file = credentials.path()
    facts: dict[str, Any] = {"file": str(file), "exists": file.exists()}
    if not facts["exists"]:
        return Check("credentials", "stored logins", "ok", f"none stored ({file} does not exist)", facts)
    try:  # reading it is the check that it can be read
        facts["thisHost"] = setup.api_url is not None and credentials.entry_for(setup.api_url) is not None
    except ActionctlError as exc:
        return Check("credentials", "stored logins", "fail", f"{exc.message} [{exc.code}]", facts)
    if os.name == "nt":  # modes mean little there; the user's profile folder is private already
        return Check("credentials", "stored logins", "ok", f"{file} (modes not checked on Windows)", facts)
    mode, folder = stat.S_IMODE(file.stat().st_mode), stat.S_IMODE(file.parent.stat().st_mode)
    facts.update(mode=f"{mode:04o}", folderMode=f"{folder:04o}")
    if mode & 0o077:
        return Check("credentials", "stored logins", "warn", f"{file} is mode {mode:04o}: others can read the "
                     f"tokens — `chmod 600 {file}`", facts)
    if folder & 0o077:
        return Check("credentials", "stored logins", "warn", f"{file.parent} is mode {folder:04o}: others can "
                     f"list or replace the stored logins — `chmod 700 {file.parent}`", facts)
    return Check("credentials", "stored logins", "ok", f"{file}: mode 0600, folder {folder:04o}", facts)


def token(options: Options, setup: Setup) -> Check:
    """Where the token comes from (never the token), whether a header can carry it, and whether its region
    prefix (`eu--…`, as the platform's tokens start) matches the host's."""
    from actionctl.remote.signin import host_region, token_region
    from actionctl.remote.target import token_from, token_source

    if setup.api_url is None:
        return Check("token", "token", "skip", "no service to look a token up for (see above)")
    source = token_source(options.token)
    source = f"the stored login for {setup.api_url}" if source == "stored login" else source
    try:
        setup.token = token_from(options.token, setup.api_url)
    except ActionctlError as exc:
        return Check("token", "token", "fail", f"{exc.message} [{exc.code}]", {"source": source})
    if setup.token is None:
        return Check("token", "token", "fail" if options.live else "warn", f"no token for {setup.api_url}: "
                     f"`actionctl login`, or set {Env.TOKEN}", {"source": None})
    region, hosts = token_region(setup.token), host_region(setup.api_url)
    facts = {"source": source, "region": region}
    if region and hosts and region != hosts:
        return Check("token", "token", "warn", f"from {source}; it starts {region}-- (a {region} token) but the "
                     f"host is the {hosts} region's — use --region {region}", facts)
    return Check("token", "token", "ok", f"from {source}" + (f" (a {region} token)" if region else ""), facts)
