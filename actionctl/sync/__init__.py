"""The repository against the service: diff, push and pull, as a pipeline of single-purpose stages.

    local.py      the repository's actions as a push would send them, normalised for comparison
    planner.py    local + the service's listing + state + git history → a Plan (model.py), one step per action
    executor.py   apply exactly that plan, one request per changed action, state saved after each
    gate.py       nothing is sent unless the whole project is valid
    state.py      what was last synced, per app and service (.actionctl/state/<app>@<host>.json)
    history.py    what git knows: committed versions of an action's files, to tell whose edit a copy is
    pull.py       the service's actions written into the repository, never over a local edit
    manifest_writer.py   new manifests, and changed fields edited in place

`diff` prints the Plan that `push` applies; nothing is sent that the plan does not show.
"""

from actionctl.sync.executor import PushInterrupted, apply, finish_push, record_unchanged
from actionctl.sync.planner import compare, plan

__all__ = ["PushInterrupted", "apply", "compare", "finish_push", "plan", "record_unchanged"]
