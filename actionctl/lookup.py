"""One lookup of an action by name (or id), in the repository or on the service.

Every command that takes an action's name finds it here, so a name that is not there is always the
same error, whatever the command: ACTION_NOT_FOUND, exit status 2, with a "did you mean" when one
of the names that are there is close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from actionctl.errors import ActionNotFoundError

T = TypeVar("T")

IN_REPOSITORY = "in the repository"
LOCAL_HINT = "see `actionctl list`"
REMOTE_HINT = "see `actionctl remote list`"


def pick(targets: Iterable[str], items: Sequence[T], name_of: Callable[[T], object], *, where: str, hint: str = "",
         id_of: Callable[[T], object] | None = None) -> list[T]:
    """The items named by `targets` (or numbered, with `id_of`, for an all-digit target), in order."""
    by_name = {str(name_of(item)): item for item in items if name_of(item) is not None}
    found = []
    for target in targets:
        item = by_name.get(target)
        if item is None and id_of is not None and target.isdigit():
            item = next((i for i in items if str(id_of(i)) == target), None)
        if item is None:
            raise ActionNotFoundError(target, where, by_name, hint)
        found.append(item)
    return found


def on_service(client) -> str:
    return f"in app {client.app} on the service"


def remote_actions(client, targets: Iterable[str]) -> list[dict]:
    """The app's (master) actions named or numbered by `targets`, from one listing of the app.

    A target that names an entry of the listing actionctl cannot use (see sync/listing.py) is that
    entry's REMOTE_ACTION_UNUSABLE, not ACTION_NOT_FOUND: it is there, and the reason says what is wrong.
    """
    from actionctl.sync.listing import refuse, remote_listing

    targets = list(targets)
    listing = remote_listing(client)
    refuse([u for u in listing.unusable if u.name in targets])
    return pick(targets, listing.actions, lambda a: a.get("name"), where=on_service(client), hint=REMOTE_HINT,
                id_of=lambda a: a.get("id"))


def remote_action(client, target: str) -> dict:
    [action] = remote_actions(client, [target])
    return action
