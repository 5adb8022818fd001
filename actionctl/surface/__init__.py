"""The platform's API surface as a V3 action sees it, described once (see model.py).

Everything else is derived from `NAMESPACES`: the packages and the namespace each installs (the
validator's dependency rules), the description handed to the isolate (only declared methods are
installed on `Fliplet`), the README's table of what is emulated (`python -m actionctl.surface`), and the
editor types (typescript.py).
"""

from __future__ import annotations

from actionctl.surface import communicate, core, datasources, devices, media, notifications
from actionctl.surface.model import DEVICE_ONLY, Method, Namespace

# In the order of the App Actions page's table of packages (the validator's suggestions follow it).
NAMESPACES: tuple[Namespace, ...] = (
    *core.NAMESPACES, *datasources.NAMESPACES, *media.NAMESPACES, *communicate.NAMESPACES,
    *devices.NAMESPACES, *notifications.NAMESPACES,
)
DOCS_REPOSITORY = "https://github.com/Fliplet/fliplet-cli/blob/master/"

# Fliplet packages and the namespace each one installs on `Fliplet` (the top-level one of its namespaces).
PACKAGES: dict[str, str] = {}
for _namespace in NAMESPACES:
    if _namespace.package and not _namespace.returned:
        PACKAGES.setdefault(_namespace.package, _namespace.path.split(".")[0])
__all__ = [
    "CORE_NAMESPACES",
    "DEVICE_ONLY",
    "NAMESPACES",
    "NAMESPACE_PACKAGES",
    "PACKAGES",
    "for_isolate",
    "method_at",
    "methods_of",
    "table",
]
NAMESPACE_PACKAGES = {namespace: package for package, namespace in PACKAGES.items()}
# Core namespaces every action has, with no package, and the objects that hold them ("App", "App.V3").
CORE_NAMESPACES = tuple(dict.fromkeys(
    ".".join(n.path.split(".")[:depth]) for n in NAMESPACES if n.package is None
    for depth in range(1, n.path.count(".") + 2)))


def for_isolate() -> list[dict]:
    """The description the in-isolate platform installs `Fliplet` from: each namespace's methods and kinds."""
    return [{"path": n.path, "package": n.package, "returned": n.returned,
             "methods": [{"name": m.name, "kind": m.kind, "answers": m.answers} for m in n.methods]}
            for n in NAMESPACES]


def methods_of(path: str) -> tuple[str, ...]:
    """The declared method names of `Fliplet.<path>`; empty for a namespace that is not declared."""
    return next((tuple(m.name for m in n.methods) for n in NAMESPACES if n.path == path), ())


def method_at(chain: tuple[str, ...]) -> tuple[str, str, Method | None] | None:
    """For `Fliplet.<chain>`: the deepest declared namespace it goes through, the name read on it, and that
    method (None when the namespace declares no such method or namespace). None when the chain names no
    declared namespace, or stops at one."""
    by_path = {n.path: n for n in NAMESPACES if not n.returned}
    for depth in range(len(chain) - 1, 0, -1):
        path = ".".join(chain[:depth])
        if path in by_path:
            name = chain[depth]
            if f"{path}.{name}" in by_path:
                return None
            method = next((m for m in by_path[path].methods if m.name == name), None)
            return path, name, method
    return None


def table() -> str:
    """The README's table of what a local run offers, one row per method."""
    rows = ["| namespace | method | dependency | local | what it answers or does |", "|---|---|---|---|---|"]
    for n in NAMESPACES:
        name = f"`{n.path}` (returned)" if n.returned else f"`Fliplet.{n.path}`"
        package = f"`{n.package}`" if n.package else "core"
        for m in n.methods:
            kind = m.kind if m.source == "documented" else f"{m.kind} ({m.source})"
            rows.append(f"| {name} | `{m.call}` | {package} | {kind} | {m.answers} |")
    return "\n".join(rows) + "\n"
