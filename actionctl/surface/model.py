"""How the platform's API surface is described: namespaces of methods, each with what the local one does.

One description feeds the in-isolate mocks (only declared methods are installed on `Fliplet`), the
validator's package → namespace rule, the README's table and the editor types (typescript.py). Adding a method
is one edit here plus its implementation in `runtime/js/`.
"""

from __future__ import annotations

from dataclasses import dataclass

# What the local method does: answered from fixtures or captured as an effect; accepted and ignored
# (the platform does nothing visible either, e.g. analytics); refused with a coded message because a
# server action cannot do it on the platform (device-only APIs); or refused because the platform can
# but a local run does not (it would change the app itself: create an action, read the service's logs).
EMULATED = "emulated"
NO_OP = "no-op"
DEVICE_ONLY = "device-only"
NOT_EMULATED = "not emulated"
KINDS = (EMULATED, NO_OP, DEVICE_ONLY, NOT_EMULATED)
# What a Data Sources call answers, for the editor types: one entry {id, data, createdAt, updatedAt,
# dataSourceId}; that entry or undefined; the matching entries (an object instead with options such as
# `includePagination`, so the other keys stay open).
ENTRY = "entry"
ENTRY_OR_UNDEFINED = "entry or undefined"
ENTRIES = "entries"
ENTRY_SHAPES = (ENTRY, ENTRY_OR_UNDEFINED, ENTRIES)


@dataclass(frozen=True)
class Method:
    name: str
    call: str            # as the docs show it, e.g. "find(options)"
    answers: str         # what the local one answers or does (a README table cell; the refusal's reason)
    kind: str = EMULATED
    source: str = "documented"  # or "observed": seen in the platform's own programs, not in its docs
    # What the editor types say it answers, where the docs show it: a returned namespace's path, or one of
    # ENTRY_SHAPES; empty for anything else (typed `any`). `promise`: whether that answer comes in a Promise.
    returns: str = ""
    promise: bool = True
    # How its first argument names a data source ("id" or "name"), so that the editor types can give the
    # columns of a fixture's records to the connection it answers.
    picks_source: str = ""


@dataclass(frozen=True)
class Namespace:
    """`Fliplet.<path>`, or an object a call returns (`path` like "DataSources.connection", `returned`)."""

    path: str
    package: str | None  # the dependency that installs it; None for core namespaces (always there)
    doc: str             # the platform's documentation page, in Fliplet/fliplet-cli
    methods: tuple[Method, ...]
    returned: bool = False
    properties: tuple[str, ...] = ()  # documented properties of a returned object (typed `any` for editors)
    entries: bool = False  # a returned object that is also the array of the entries it fetched (the cursor)
