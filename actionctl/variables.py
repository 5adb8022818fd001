"""Profile variables: `@@NAME@@` placeholders in manifests and code, filled in per profile.

`@@` cannot start anything in JavaScript (decorators take one `@`) nor in Handlebars (`{{…}}`), so a
placeholder is never mistaken for code, and code is never mistaken for a placeholder. Values come
from `vars:` at the top of actionctl.yaml, overlaid by the chosen profile's `vars:`.

In a manifest a value that is exactly one placeholder takes the variable's value with its type
(`dataSourceId: "@@BOOKINGS@@"` becomes the number 158); inside a longer string, or in code, the
value is written as text. Filling in makes a copy (`fill`): the manifest as loaded stays as written.
`restore_*` go the other way for `pull`: values equal to a variable turn back into its placeholder, so
that push → pull leaves the repository as it was.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actionctl.manifest import ManifestFile

PLACEHOLDER = re.compile(r"@@([A-Za-z_][A-Za-z0-9_]*)@@")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Undefined:
    """A placeholder naming no variable: where it is (a manifest path or a code offset) and its name."""

    name: str
    path: tuple = ()       # the manifest value holding it; () for code
    offset: int = 0        # character offset inside that string (or inside the code)


def placeholder(name: str) -> str:
    return f"@@{name}@@"


def for_profile(config: dict, profile: str) -> dict[str, Any]:
    """The variables of one named profile: the top-level `vars:` overlaid by the profile's own."""
    profiles = _mapping(config.get("profiles"))
    return {**_mapping(config.get("vars")), **_mapping(_mapping(profiles.get(profile)).get("vars"))}


def top_level(config: dict) -> dict[str, Any] | None:
    """The top-level `vars:` alone; None when actionctl.yaml has none.

    What diff, push and pull fill in (and restore) without a profile: they send to one app, and a
    value only some profile defines belongs to that profile's app, not to this one.
    """
    return dict(_mapping(config.get("vars"))) if "vars" in config else None


def top_level_deploys(config: dict) -> bool:
    """Whether actionctl.yaml describes a deploy without a profile: it names a top-level app, or has no profiles."""
    return "app" in config or not _mapping(config.get("profiles"))


def across_profiles(config: dict) -> dict[str, Any] | None:
    """What the local commands (validate, run, test) fill in without a profile; None when no variable is defined.

    The top-level `vars:`, and a variable only the profiles define taken from the first profile defining
    it: the profiles have to agree on which variables exist, not on their values, for a plain `validate`
    to pass (`missing_in_profiles` says which profile lacks one).
    """
    found = dict(_mapping(config.get("vars")))
    for settings in _mapping(config.get("profiles")).values():
        for name, value in _mapping(_mapping(settings).get("vars")).items():
            found.setdefault(name, value)
    return found if found or "vars" in config else None


def for_deploy(config: dict, profile: str | None) -> dict[str, Any]:
    """What diff, push and pull fill in (and restore): the profile's variables, or without one the top level's."""
    return for_profile(config, profile) if profile else top_level(config) or {}


def for_local(config: dict, profile: str | None) -> dict[str, Any]:
    """What validate, run and test fill in: the profile's variables, or without one those of any profile."""
    return for_profile(config, profile) if profile else across_profiles(config) or {}


def profiles_defining(config: dict, name: str) -> list[str]:
    """The profiles whose own `vars:` define `name`."""
    return [str(profile) for profile, settings in _mapping(config.get("profiles")).items()
            if name in _mapping(_mapping(settings).get("vars"))]


def missing_in_profiles(config: dict, names: set[str]) -> dict[str, list[str]]:
    """Profiles lacking a variable that the top level does not define either: {variable: [profiles]}."""
    top = _mapping(config.get("vars"))
    lacking: dict[str, list[str]] = {}
    for profile, settings in _mapping(config.get("profiles")).items():
        own = _mapping(_mapping(settings).get("vars"))
        for name in sorted(names):
            if name not in top and name not in own:
                lacking.setdefault(name, []).append(str(profile))
    return lacking


def used_in(value: Any) -> set[str]:
    """The variable names a manifest value or a code text mentions."""
    found: set[str] = set()
    _collect_used(value, found)
    return found


def _collect_used(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        if "@@" in value:  # most strings have none: skip the pattern
            found.update(PLACEHOLDER.findall(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_used(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_used(item, found)


# --- filling in -----------------------------------------------------------------------------------


def fill_text(text: str, values: dict[str, Any], undefined: list[Undefined] | None = None) -> str:
    """`text` with every placeholder replaced by its value as text; unknown ones are left and reported."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return _as_text(values[name])
        if undefined is not None:
            undefined.append(Undefined(name, (), match.start()))
        return match.group(0)

    return PLACEHOLDER.sub(replace, text) if "@@" in text else text


def fill_data(value: Any, values: dict[str, Any], undefined: list[Undefined] | None = None,
              path: tuple = ()) -> Any:
    """A manifest value with placeholders filled in; a string that is exactly one placeholder takes its type."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        found: list[Undefined] = []
        text = fill_text(value, values, found)
        if undefined is not None:
            undefined.extend(Undefined(u.name, path, u.offset) for u in found)
        return text
    if isinstance(value, dict):
        return {k: fill_data(v, values, undefined, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_data(v, values, undefined, (*path, i)) for i, v in enumerate(value)]
    return value


@dataclass(frozen=True, slots=True)
class Filled:
    """A loaded manifest's copy with the values filled in, and the placeholders naming no variable."""

    manifest: ManifestFile
    in_data: list[Undefined]
    in_code: list[Undefined]


def fill(manifest: ManifestFile, values: dict[str, Any]) -> Filled:
    """A copy of a loaded manifest with its data and code filled in; `manifest` stays as written.

    Positions of the copy's values are those of the manifest as written (a filled value may no longer
    match its source text: `YamlDoc.char_mark` then points at the value's start).
    """
    in_data: list[Undefined] = []
    in_code: list[Undefined] = []
    doc, code = manifest.doc, manifest.code
    if doc is not None and isinstance(doc.data, dict):
        doc = dataclasses.replace(doc, data=fill_data(doc.data, values, in_data))
    if code is not None and code.text:
        code = dataclasses.replace(code, text=fill_text(code.text, values, in_code))
    return Filled(dataclasses.replace(manifest, doc=doc, code=code), in_data, in_code)


def as_identifiers(text: str) -> str:
    """`text` with each placeholder left in it written as an identifier of the same length (`@@X@@` → `__X__`):
    what the syntax check reads once the placeholders are reported, so that none is also a syntax error and
    the columns of real ones stay where they are."""
    return PLACEHOLDER.sub(lambda m: f"__{m.group(1)}__", text) if "@@" in text else text


# --- restoring (pull) ------------------------------------------------------------------------------


def restore_data(value: Any, values: dict[str, Any], min_length: int = 1) -> Any:
    """A value read from the service with each string or number equal to a variable turned into its placeholder
    (and, inside longer strings, each whole-word occurrence of a value at least `min_length` long)."""
    if isinstance(value, dict):
        return {k: restore_data(v, values, min_length) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_data(v, values, min_length) for v in value]
    if value is None or isinstance(value, bool):
        return value
    for name, candidate in _restorable(values):
        if type(candidate) is type(value) and candidate == value:
            return placeholder(name)
    if isinstance(value, str):
        return restore_text(value, values, min_length)
    return value


def restore_text(text: str, values: dict[str, Any], min_length: int = 1) -> str:
    """`text` with each whole-word occurrence of a variable's value turned back into the placeholder.

    Longest values first, so that one value containing another is restored as itself; a value is
    only replaced where it is not part of a longer word or number (158 inside 1580 stays). Short values
    (under `min_length`) are left alone: in a file that never named the variable, every `3` becoming
    a placeholder would be a guess, not a restoration.
    """
    for name, value in _restorable(values):
        written = _as_text(value)
        if len(written) < min_length:
            continue
        pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(written)}(?![A-Za-z0-9_])")
        text = pattern.sub(lambda _m, n=name: placeholder(n), text)
    return text


def _restorable(values: dict[str, Any]) -> list[tuple[str, Any]]:
    # Booleans and empty values are everywhere: turning every `true` into a placeholder would be wrong.
    usable = [(n, v) for n, v in values.items()
              if not isinstance(v, bool) and isinstance(v, (str, int, float)) and _as_text(v).strip()]
    return sorted(usable, key=lambda item: (-len(_as_text(item[1])), item[0]))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
