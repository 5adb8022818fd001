"""dependencies: Fliplet package names or http(s) URLs — and packages declared but never used."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import PACKAGES
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind
from actionctl.suggest import did_you_mean


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    dependencies = a.data.get("dependencies")
    if dependencies is None:
        return
    if not isinstance(dependencies, list):
        yield a.at("DEPENDENCIES_INVALID", f"dependencies must be a list, not {kind(dependencies)} — write "
                   "`dependencies: [fliplet-datasources]`", ("dependencies",))
        return
    seen: set[str] = set()
    for index, dependency in enumerate(dependencies):
        path = ("dependencies", index)
        if not isinstance(dependency, str) or not dependency.strip():
            yield a.at("DEPENDENCIES_INVALID", f"a dependency must be a package name or URL, not {kind(dependency)}"
                       if not isinstance(dependency, str) else "a dependency cannot be empty", path)
            continue
        yield from _check_one(a, dependency, path)
        if dependency in seen:
            yield a.warn("DEPENDENCY_DUPLICATE", f"{dependency} is listed twice", path)
        seen.add(dependency)
    yield from _unused(a)


def _check_one(a: ActionCheck, dependency: str, path: tuple) -> Iterator[Diagnostic]:
    if ":" in dependency or dependency.startswith("//"):  # package names have no scheme
        problem = url_problem(dependency)
        if problem:
            yield a.at("DEPENDENCIES_INVALID", problem, path)
        elif dependency.startswith("http:"):
            yield a.warn("DEPENDENCY_INSECURE", f"{dependency} is loaded over plain http; use https", path)
        return
    if any(c.isspace() for c in dependency):
        yield a.at("DEPENDENCIES_INVALID", f"{dependency!r} is neither a package name nor a URL", path)
        return
    if dependency not in PACKAGES:
        yield a.warn("DEPENDENCY_UNKNOWN", f"{dependency!r} is not a Fliplet package actionctl knows"
                     f"{did_you_mean(dependency, PACKAGES)}", path)


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{url!r}: a URL dependency must start with https:// (or http://)"
    if not parts.hostname or any(c.isspace() for c in url):
        return f"{url!r} is not a valid URL"
    return None


def _unused(a: ActionCheck) -> Iterator[Diagnostic]:
    facts = a.js
    if facts is None or facts.syntax is not None:
        return
    used = {use.namespace for use in facts.fliplet}
    for index, dependency in enumerate(a.data["dependencies"]):
        namespace = PACKAGES.get(dependency) if isinstance(dependency, str) else None
        if namespace and namespace not in used:
            yield a.warn("DEPENDENCY_UNUSED", f"{dependency} is declared but the code never uses "
                         f"Fliplet.{namespace}; remove it to load the action faster", ("dependencies", index))
