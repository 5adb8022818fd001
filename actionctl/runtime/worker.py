"""The worker process that hosts V8 and runs user code, one job at a time, a fresh context per job.

The CLI never runs user code itself: V8's own timeout misses loops that start after an `await`, and
a large enough allocation aborts the whole process. So the parent (`host.py`) talks to this process
over pipes — one JSON line in, one JSON line out — kills it at the deadline, and reports a death as
a coded error. `RLIMIT_DATA` is the memory backstop for what V8's heap limit does not see (array
buffers live outside the heap).

A worker dies with its CLI, however the CLI ends (SIGTERM from a cancelled CI job, SIGHUP from a closed
terminal, SIGKILL): a thread polls the parent's pid and ends the process once it changes. The thread
keeps running while user code loops, because mini-racer runs JavaScript without holding the GIL.

Run as `python -m actionctl.runtime.worker --memory MB --parent PID`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import threading
import time
from pathlib import Path

from actionctl.runtime.errors import EXECUTION_FAILED, MEMORY_LIMIT_EXCEEDED

JS_DIR = Path(__file__).parent / "js"
# Room for Python and V8 themselves on top of the JavaScript heap the user is allowed.
RLIMIT_HEADROOM_MB = 512
MB = 1024 * 1024
# How often the worker looks for its parent: a worker outlives its CLI by at most this long.
PARENT_POLL_SECONDS = 0.1
ORPHANED_STATUS = 3
# How often a running action is asked whether it is done: from 0.1 ms, doubling to 5 ms (an action
# waiting on a timer is seen done at most that late).
POLL_FIRST_SECONDS = 0.0001
POLL_MAX_SECONDS = 0.005
_EXCEPTION_HEADER = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<name>[A-Za-z]*Error|[A-Za-z]+): (?P<message>.*)$")


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    _die_with_parent(args.parent if args.parent is not None else os.getppid())
    _limit_memory(args.memory)
    from py_mini_racer import init_mini_racer

    # The JavaScript heap cap; V8 stops the isolate (or the process) past it.
    # V8 takes whole megabytes; the hard limit below holds a fractional one to the byte.
    init_mini_racer(flags=("--single-threaded", f"--max-old-space-size={max(1, math.ceil(args.memory))}"))
    sources = {path.name: path.read_text(encoding="utf-8") for path in JS_DIR.glob("*.js")}
    out = os.fdopen(1, "wb", buffering=0)
    out.write(b'{"ready": true}\n')
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        started = time.perf_counter()
        try:
            job = json.loads(line)
            response = execute(job, _harness(sources, job), args.memory)
        except Exception as exc:  # a verdict for this job, and the worker stays for the next one
            response = _failure(EXECUTION_FAILED, f"the run could not be completed ({type(exc).__name__}: {exc})",
                                started)
        # ASCII: a lone surrogate user code logs or returns travels as its JSON escape, not as bytes UTF-8 refuses.
        out.write(json.dumps(response).encode("ascii") + b"\n")


def _harness(sources: dict[str, str], job: dict) -> str:
    """The platform's JavaScript this job needs, in the order the job lists it (see job.platform_files)."""
    return "\n".join(sources[name] for name in job["platform"])


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="actionctl-worker")
    parser.add_argument("--memory", type=float, default=256, help="JavaScript heap cap in MB (0.5: half a MB)")
    parser.add_argument("--parent", type=int, default=None, help="pid of the CLI; the worker ends when it is gone")
    return parser.parse_args(argv)


def _die_with_parent(parent: int) -> None:
    """End this process as soon as `parent` is no longer its parent (it died and the worker was re-parented).

    The parent's pid is passed in rather than read here, so that a CLI that dies before the worker
    starts is noticed too. A pipe's EOF would not do: the main thread reads stdin only between jobs.
    """
    if os.getppid() != parent:
        os._exit(ORPHANED_STATUS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(ORPHANED_STATUS)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _limit_memory(memory_mb: float) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: V8's heap limit is all there is
        return
    limit = int((memory_mb + RLIMIT_HEADROOM_MB) * MB)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def execute(job: dict, harness: str, memory_mb: float) -> dict:
    """Run one job in a fresh context; always returns a response, never raises for what the code does."""
    from py_mini_racer import JSEvalException, JSOOMException, JSParseException, MiniRacer

    started = time.perf_counter()
    context = MiniRacer()
    context.set_hard_memory_limit(int(memory_mb * MB))
    setup = None
    try:
        # Held here, out of the realm's reach: user code may replace any global, not these handles.
        setup = context.eval(harness)
        step = setup(json.dumps(job["context"]))  # the one call with an argument, made before user code runs
        for dependency in job.get("scripts", []):
            context.eval(_script(dependency["source"], dependency["url"]))
        context.eval(_script(job["code"], job["file"]))
        text = _outcome(step)
    except JSOOMException:
        return _failure(MEMORY_LIMIT_EXCEEDED, f"the action used more than {memory_mb:g} MB of memory", started)
    except (JSParseException, JSEvalException) as exc:
        return _from_exception(str(exc), started, _collected(setup))
    finally:
        context.close()
    return _answer(text, started)


def _script(source: str, name: str) -> str:
    """`source` as a script named `name` in stacks, its value void: mini-racer hangs on a value it cannot
    convert (a BigInt as the last expression), and a script's value is nobody's business here."""
    return f"{source}\n;void 0\n//# sourceURL={name}"


def _outcome(step) -> object:
    """The harness's answer once the action has settled; the host's deadline bounds the wait.

    Polled, not awaited: awaiting a promise from Python goes through its `then`, which user code can
    replace. The first step starts the action; most are done by the second (their microtasks ran in
    between); the rest are asked again at growing intervals, so a long run costs a few calls a second.
    """
    text = step()
    delay = 0.0  # no wait before the second step
    while text is None:
        time.sleep(delay)
        delay = min(max(delay * 2, POLL_FIRST_SECONDS), POLL_MAX_SECONDS)
        text = step()
    return text


def _answer(text: object, started: float) -> dict:
    """The harness's answer, its error coded here: what user code threw is EXECUTION_FAILED whatever
    `code` it carries, unless it is V8's own report of an allocation that failed."""
    try:
        response = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        response = None
    if not isinstance(response, dict):
        return _failure(EXECUTION_FAILED, "the run ended without an outcome the harness could read", started)
    failure = response.get("error")
    if isinstance(failure, dict):
        failure["code"] = _run_code(str(failure.get("message")))
    response["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
    return response


def _run_code(message: str) -> str:
    return MEMORY_LIMIT_EXCEEDED if "allocation failed" in message else EXECUTION_FAILED


def _collected(setup) -> dict:
    """Logs and effects gathered before a top-level error, when the harness got as far as being installed.

    Called again, `setup` answers them; called without an argument, as user code has run by now.
    """
    try:
        return json.loads(setup())
    except Exception:  # the context may be unusable; the error itself is what matters
        return {}


def _from_exception(text: str, started: float, collected: dict) -> dict:
    """An error thrown while the script itself ran (top level), from mini-racer's report."""
    lines = text.split("\n")
    header = _EXCEPTION_HEADER.match(lines[0]) if lines else None
    name, message = (header.group("name"), header.group("message")) if header else ("Error", lines[0])
    stack = "\n".join(line for line in lines if line.startswith("    at "))
    if not stack and header:
        stack = f"{name}: {message}\n    at {header.group('file')}:{header.group('line')}"
    return {"result": None, "error": {"name": name, "message": message, "stack": stack, "code": _run_code(message)},
            "logs": collected.get("logs", []), "effects": collected.get("effects", {}),
            "durationMs": round((time.perf_counter() - started) * 1000, 3)}


def _failure(code: str, message: str, started: float) -> dict:
    return {"result": None, "error": {"name": "Error", "message": message, "stack": "", "code": code},
            "logs": [], "effects": {}, "durationMs": round((time.perf_counter() - started) * 1000, 3)}


if __name__ == "__main__":
    main()
