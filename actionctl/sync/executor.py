"""Applying a plan: one request per changed action, the profile's state saved after each.

A push that fails or is killed part-way is finished by running it again, which plans only what is
still different — nothing is created twice.
"""

from __future__ import annotations

from collections.abc import Callable

from actionctl.errors import PushIncompleteError, SyncConflictError
from actionctl.remote.errors import APP_NOT_PUBLISHED, PUBLISH_APP_FIRST, ServiceError
from actionctl.sync.local import content_hash
from actionctl.sync.model import (
    CONFLICT,
    CREATE,
    DELETE,
    PUBLISH,
    UNCHANGED,
    UPDATE,
    Done,
    Failed,
    Outcome,
    Plan,
    Step,
)
from actionctl.sync.state import State


def record_unchanged(the_plan: Plan, state: State) -> None:
    """Remember actions found equal on both sides: a push killed before saving them needs no second look."""
    changed = False
    for step in the_plan.of_kind(UNCHANGED, PUBLISH):
        changed |= state.record(step.name, step.remote, content_hash(step.remote), step.local.file)
    if changed:
        state.save()


def apply(the_plan: Plan, client, state: State, *, force: bool = False,
          progress: Callable[[Step, str], None] | None = None) -> Outcome:
    """Send exactly the plan's writes, one request per action (and a publish where asked), saving state after each.

    A refusal that concerns one action (validation, a taken name) is reported and the push goes on;
    anything that concerns them all (authorisation, the network, retries exhausted) stops it, and
    the rest is reported as not attempted.
    """
    outcome = Outcome()
    record_unchanged(the_plan, state)
    writes = the_plan.writes
    for index, step in enumerate(writes):
        try:
            stop = _apply_step(step, client, state, force, progress, outcome)
        except KeyboardInterrupt:  # what landed is recorded; the user is told how far it got
            raise PushInterrupted(outcome, writes[index:]) from None
        if stop:
            outcome.not_attempted = writes[index + 1:]
            break
    return outcome


NAMES_SHOWN = 10  # of the actions an interrupted push landed: the line stays a line


class PushInterrupted(KeyboardInterrupt):
    """Ctrl-C while a plan was applied: what landed before it, and the step it stopped (which may have landed)."""

    def __init__(self, outcome: Outcome, left: list[Step]) -> None:
        super().__init__()
        landed = {d.name for d in outcome.done}
        self.outcome = outcome
        self.in_flight = [step for step in left[:1] if step.name not in landed]
        self.not_attempted = left[1:]

    def report(self) -> str:
        shown = [d.name for d in self.outcome.done[:NAMES_SHOWN]]
        more = len(self.outcome.done) - len(shown)
        names = ", ".join(shown) + (f" and {more} more" if more else "")
        line = f"push interrupted: {len(self.outcome.done)} change(s) landed" + (f" ({names})" if names else "")
        if self.in_flight:
            line += f"; {self.in_flight[0].kind} {self.in_flight[0].name} was being sent and may have landed"
        line += f"; {len(self.not_attempted)} not attempted"
        return line + " — run push again to finish: it plans from what is on the service now"


def _apply_step(step: Step, client, state: State, force: bool, progress, outcome: Outcome) -> bool:
    """Apply one step into `outcome`; True when its failure concerns every step, so the rest is not attempted."""
    if step.kind == CONFLICT and not force:
        outcome.refused.append(step)
        _tell(progress, step, "refused")
        return False
    if step.kind == PUBLISH:
        if outcome.publish_error is not None:
            outcome.not_attempted.append(step)
            return False
        done = Done(step.name, PUBLISH, step.id)
        _publish(client, done, step, outcome)
        _tell(progress, step, "done" if done.published else "failed")
        if done.published:
            outcome.done.append(done)
        return False
    try:
        done = _write(step, client, state)
    except ServiceError as exc:
        outcome.failed.append(Failed(step.name, step.kind, exc.code or "SERVICE_ERROR", exc.message))
        _tell(progress, step, "failed")
        return _stops_everything(exc)
    outcome.done.append(done)
    if step.publish and done.kind != DELETE and outcome.publish_error is None:
        _publish(client, done, step, outcome)
    _tell(progress, step, "done")
    return False


def finish_push(outcome: Outcome) -> None:
    """The error of a push that did not do everything it planned (PUSH_INCOMPLETE, SYNC_CONFLICT); none if it did."""
    if outcome.failed:
        first = outcome.failed[0]
        raise PushIncompleteError(f"{len(outcome.done)} change(s) landed, {len(outcome.failed)} failed, "
                                  f"{len(outcome.not_attempted)} not attempted (first: {first.name}: "
                                  f"{first.message} [{first.code}]) — run push again to finish", code=first.code)
    if outcome.publish_error:
        error = outcome.publish_error
        hint = (f" — {PUBLISH_APP_FIRST}, then push --publish again"
                if error.code == APP_NOT_PUBLISHED else "")
        others = f" ({len(outcome.not_attempted)} more not published)" if outcome.not_attempted else ""
        raise PushIncompleteError(f"pushed, but {error.name} could not be published: {error.message}{others}{hint}",
                                  code=error.code)
    if outcome.refused:
        names = ", ".join(step.name for step in outcome.refused)
        raise SyncConflictError(f"refused {len(outcome.refused)} action(s) changed on the service since the last "
                                f"sync: {names} — pull them, or push --force to overwrite")


def _write(step: Step, client, state: State) -> Done:
    if step.kind == DELETE or (step.kind == CONFLICT and step.local is None):
        client.delete_action(step.id)
        if state.forget(step.name):
            state.save()
        return Done(step.name, DELETE, step.id)
    if step.kind == CREATE:
        remote = client.create_action(step.payload())
    else:
        remote = client.update_action(step.id, step.payload())
        if step.remote.get("name") != step.name:  # a rename: the old name is no longer ours
            state.forget(step.remote.get("name"))
    state.record(step.name, remote, content_hash(step.local.fields), step.local.file)
    state.save()
    return Done(step.name, step.kind if step.kind != CONFLICT else UPDATE, remote.get("id"))


def _publish(client, done: Done, step: Step, outcome: Outcome) -> None:
    try:
        client.publish_action(done.id)
        done.published = True
    except ServiceError as exc:
        outcome.publish_error = Failed(step.name, PUBLISH, exc.code or "SERVICE_ERROR", exc.message)


def _stops_everything(exc) -> bool:
    status = exc.status or 0
    return status in (401, 403, 429) or status >= 500 or status == 0


def _tell(progress, step: Step, what: str) -> None:
    if progress is not None:
        progress(step, what)
