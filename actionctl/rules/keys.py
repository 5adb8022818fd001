"""Keys of the manifest: duplicates (YAML would silently keep the last) and keys the service does not know."""

from __future__ import annotations

from collections.abc import Iterator

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import FIELDS, NOT_PLATFORM_FIELDS, READ_ONLY_FIELDS
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import yaml_text
from actionctl.suggest import did_you_mean


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    for duplicate in a.doc.duplicates:
        shown = ".".join(str(p) for p in duplicate.path)
        yield a.at_mark(
            "YAML_DUPLICATE_KEY",
            f'"{shown}" is set twice (first on line {duplicate.first.line}); YAML would silently keep only the '
            "last one — remove one of them",
            duplicate.again, length=len(str(duplicate.path[-1])))
    for key in a.data:
        if key in FIELDS:
            continue
        if key in NOT_PLATFORM_FIELDS:
            yield a.warn("FIELD_NOT_ON_PLATFORM", f'"{key}" is not a field of the platform\'s actions, so it is '
                         "never sent to the service and does nothing there — remove it", (key,), key=True)
        elif key in READ_ONLY_FIELDS:
            yield a.at("UNKNOWN_KEY", f'"{key}" is set by the service and cannot be set in a manifest — remove it',
                       (key,), key=True)
        else:
            shown = yaml_text(key)
            yield a.at("UNKNOWN_KEY", f'unknown field "{shown}"{did_you_mean(shown, FIELDS)}', (key,), key=True)
