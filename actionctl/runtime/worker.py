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
import os
import re
import sys
import threading
import time
from pathlib import Path

from actionctl.runtime.errors import EXECUTION_FAILED, MEMORY_LIMIT_EXCEEDED

JS_DIR = Path(__file__).parent / "js"
# Order matters: the harness uses the platform, which uses the data sources.
JS_FILES = ("datasources.js", "platform.js", "harness.js")
# Room for Python and V8 themselves on top of the JavaScript heap the user is allowed.
RLIMIT_HEADROOM_MB = 512
MB = 1024 * 1024
# How often the worker looks for its parent: a worker outlives its CLI by at most this long.
PARENT_POLL_SECONDS = 0.1
ORPHANED_STATUS = 3
_EXCEPTION_HEADER = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<name>[A-Za-z]*Error|[A-Za-z]+): (?P<message>.*)$")


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    _die_with_parent(args.parent if args.parent is not None else os.getppid())
    _limit_memory(args.memory)
    from py_mini_racer import init_mini_racer

    # The JavaScript heap cap; V8 stops the isolate (or the process) past it.
    init_mini_racer(flags=("--single-threaded", f"--max-old-space-size={args.memory}"))
    harness = "\n".join((JS_DIR / name).read_text(encoding="utf-8") for name in JS_FILES if (JS_DIR / name).exists())
    out = os.fdopen(1, "wb", buffering=0)
    out.write(b'{"ready": true}\n')
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        response = execute(json.loads(line), harness, args.memory)
        out.write(json.dumps(response, ensure_ascii=False).encode("utf-8") + b"\n")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="actionctl-worker")
    parser.add_argument("--memory", type=int, default=256, help="JavaScript heap cap in MB")
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


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: V8's heap limit is all there is
        return
    limit = (memory_mb + RLIMIT_HEADROOM_MB) * MB
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def execute(job: dict, harness: str, memory_mb: int) -> dict:
    """Run one job in a fresh context; always returns a response, never raises for what the code does."""
    from py_mini_racer import JSEvalException, JSOOMException, JSParseException, MiniRacer

    started = time.perf_counter()
    context = MiniRacer()
    context.set_hard_memory_limit(memory_mb * MB)
    try:
        context.eval(harness)
        context.eval(f"__actionctl.install({json.dumps(json.dumps(job['context']))})")
        for dependency in job.get("scripts", []):
            context.eval(dependency["source"] + f"\n//# sourceURL={dependency['url']}")
        context.eval(job["code"] + f"\n//# sourceURL={job['file']}")
        promise = context.eval("__actionctl.run(typeof execute === 'function' ? execute : undefined)")
        text = promise.get()
    except JSOOMException:
        return _failure(MEMORY_LIMIT_EXCEEDED, f"the action used more than {memory_mb} MB of memory", started)
    except (JSParseException, JSEvalException) as exc:
        return _from_exception(str(exc), started, _collected(context))
    finally:
        context.close()
    response = json.loads(text)
    response["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
    return response


def _collected(context) -> dict:
    """Logs and effects gathered before a top-level error, when the harness is there to ask."""
    try:
        return json.loads(context.eval("typeof __actionctl === 'object' ? __actionctl.collect() : '{}'"))
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
    code = MEMORY_LIMIT_EXCEEDED if "allocation failed" in message else EXECUTION_FAILED
    return {"result": None, "error": {"name": name, "message": message, "stack": stack, "code": code},
            "logs": collected.get("logs", []), "effects": collected.get("effects", {}),
            "durationMs": round((time.perf_counter() - started) * 1000, 3)}


def _failure(code: str, message: str, started: float) -> dict:
    return {"result": None, "error": {"name": "Error", "message": message, "stack": "", "code": code},
            "logs": [], "effects": {}, "durationMs": round((time.perf_counter() - started) * 1000, 3)}


if __name__ == "__main__":
    main()
