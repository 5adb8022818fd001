"""`actionctl deps fetch`: download URL dependencies into the local cache for offline runs."""

from __future__ import annotations

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat

deps_app = usage.Typer(cls=usage.Group, help="URL dependencies of the project's actions.", no_args_is_help=True)
app.add_typer(deps_app, name="deps", rich_help_panel=usage.LOCAL)


@deps_app.command("fetch", epilog=usage.examples("actionctl deps fetch", "actionctl deps fetch --refresh"))
def fetch(
    refresh: bool = typer.Option(False, "--refresh", help="Download again even when cached."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Download the actions' http(s) dependencies.

    Into .actionctl/cache/deps/, for offline runs."""
    from actionctl import deps
    from actionctl.manifest import load_manifest
    from actionctl.project import open_project
    from actionctl.render import console, json_writer

    project = open_project(required=True)
    urls = []
    for path in project.manifests():
        listed = load_manifest(path, project.root, with_code=False).data.get("dependencies")
        urls += [d for d in listed or [] if isinstance(d, str) and deps.is_url(d)] if isinstance(listed, list) else []
    fetched = deps.fetch(project.root, urls, refresh=refresh)
    if fmt is OutputFormat.json:
        body = {"dependencies": [{"url": f.url, "cached": f.cached, "ok": f.error is None, "error": f.error,
                                  "path": project.relpath(f.path) if f.path else None} for f in fetched]}
        json_writer.emit(body)
    else:
        for item in fetched:
            state = "cached" if item.cached else "fetched" if item.error is None else f"failed: {item.error}"
            console.out().print(f"{state:<8} {item.url}", markup=False)
        if not fetched:
            console.note("no action has a URL dependency")
    raise typer.Exit(0 if all(f.error is None for f in fetched) else 1)
