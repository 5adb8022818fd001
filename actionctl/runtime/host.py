"""The parent side of execution: warm worker processes, deadlines enforced by killing, deaths as coded errors."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from actionctl.runtime.errors import EXECUTION_FAILED, EXECUTION_TIMEOUT, MEMORY_LIMIT_EXCEEDED, RESULT_TOO_LARGE

# Dates in user code and in the query engine ("05.01.2026" has no zone) are read in the worker's zone: UTC,
# as on the platform's servers (server actions run on AWS Lambda), never whatever this machine is set to.
WORKER_TZ = "UTC"

STARTUP_TIMEOUT = 60.0  # a cold worker imports V8; on a busy CI machine that can take a while
# Signals and exit statuses with which V8 ends a process it cannot give more memory to.
_OOM_SIGNALS = {signal.SIGTRAP, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL}
_OOM_STATUSES = {128 + signal.SIGTRAP, 128 + signal.SIGABRT}


# What a run records instead of doing (harness.js fills them): every kind is in every run's `effects`, a run
# stopped or failed before any was recorded included, so that a script reading `effects.emails` never meets
# a missing key.
EFFECT_KINDS = ("emails", "sms", "pushes", "notifications", "requests", "media", "settings", "actions", "appLogs",
                "datasources")


def no_effects() -> dict[str, list]:
    return {kind: [] for kind in EFFECT_KINDS}


@dataclass
class Execution:
    """What one run of `execute(context)` gave: the contract of `run --format json`."""

    result: Any = None
    error: dict | None = None  # {"code", "message", "stack", "name"}
    logs: list[dict] = field(default_factory=list)
    effects: dict = field(default_factory=no_effects)
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict:
        return {"ok": self.ok, "result": self.result, "error": self.error, "logs": self.logs,
                "effects": self.effects, "durationMs": round(self.duration_ms, 3)}


def error(code: str, message: str, stack: str = "", name: str = "Error") -> dict:
    return {"code": code, "message": message, "stack": stack, "name": name}


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    def __init__(self, status: int | None, stderr: str) -> None:
        super().__init__(f"worker exited with {status}")
        self.status = status
        self.stderr = stderr


class Worker:
    """One worker process, started on first use and again after it is killed or dies."""

    def __init__(self, memory_mb: float) -> None:
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None
        self._stderr = None
        self._buffer = b""
        self._ready = False
        self._busy = False  # a job was sent and its answer not yet read
        self._closed = False

    def spawn(self) -> None:
        """Start the process without waiting for it: V8 boots while the caller does other work."""
        if self._closed:  # a pool closed on Ctrl-C: its threads may still ask for the next job
            raise WorkerDied(None, "the worker was closed")
        if self._process is not None and self._process.poll() is None:
            return
        if self._stderr is not None:
            self._stderr.close()
        # Lives as long as the process: V8 writes its fatal reports here, read back if the worker dies.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-m", "actionctl.runtime.worker", "--memory", repr(float(self.memory_mb)),
             "--parent", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TZ": WORKER_TZ})
        self._buffer = b""
        self._ready = False

    def start(self) -> None:
        """A running worker that has announced itself ready."""
        self.spawn()
        if self._ready:
            return
        try:
            ready = self._read_line(time.monotonic() + STARTUP_TIMEOUT)
        except WorkerTimeout:
            self.kill()
            raise WorkerDied(None, "the worker did not start in time") from None
        if json.loads(ready).get("ready") is not True:  # pragma: no cover - protocol guard
            raise WorkerDied(None, "the worker did not announce itself")
        self._ready = True

    def run(self, job: dict, timeout: float) -> dict:
        """The worker's response to `job`; WorkerTimeout or WorkerDied when it gives none."""
        self.start()
        self._busy = True
        # The process is held here: close() on another thread (Ctrl-C) may take it from the worker, or shut
        # its stdin, at any point of the exchange; that is the worker's death, never a pool thread's traceback.
        process = self._process
        try:
            try:
                if process is None:  # taken already
                    raise OSError("the worker was closed")
                process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
                process.stdin.flush()
            except (OSError, ValueError):  # closed, a broken pipe, or a pipe close() shut
                raise self._death() from None
            try:
                return json.loads(self._read_line(time.monotonic() + timeout, process))
            except WorkerTimeout:
                self.kill()
                raise
        finally:
            self._busy = False

    def _read_line(self, deadline: float, process: subprocess.Popen | None = None) -> bytes:
        process = process or self._process
        if process is None:  # closed on another thread
            raise self._death()
        stdout = process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkerTimeout()
                if not selector.select(remaining):
                    continue
                chunk = os.read(stdout.fileno(), 1 << 20)
                if not chunk:
                    raise self._death()
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _death(self) -> WorkerDied:
        # close() on another thread (Ctrl-C) may have taken the process and the file already.
        process, stderr, tail = self._process, self._stderr, ""
        status = process.wait() if process is not None else None
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stderr.seek(0)
            tail = stderr.read()[-4000:].decode("utf-8", "replace")
        self._process = None
        return WorkerDied(status, tail)

    def kill(self) -> None:
        process, self._process = self._process, None  # taken at once: a pool thread may be reading it
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()

    def close(self) -> None:
        """End the worker: let an idle one finish, kill one still running a job (the caller gave up on it)."""
        self._closed = True
        if self._busy:
            self.kill()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._process = None


def execute(worker: Worker, job: dict, timeout: float, result_limit: int) -> Execution:
    """Run one job on `worker` and turn whatever happens into an Execution."""
    started = time.perf_counter()
    try:
        response = worker.run(job, timeout)
    except WorkerTimeout:
        failure = error(EXECUTION_TIMEOUT, f"the action ran longer than {timeout:g} s and was stopped (console "
                        "output of a stopped run is lost)")
    except WorkerDied as death:
        failure = _death_error(death, worker.memory_mb)
    else:
        return from_response(response, result_limit)
    return Execution(error=failure, duration_ms=(time.perf_counter() - started) * 1000)


def from_response(response: dict, result_limit: int) -> Execution:
    outcome = Execution(logs=response.get("logs", []), effects={**no_effects(), **(response.get("effects") or {})},
                        duration_ms=response.get("durationMs", 0.0))
    failure = response.get("error")
    if failure:
        outcome.error = _js_error(failure)
        return outcome
    text = response.get("result")
    if text is not None:
        size = len(text.encode("utf-8"))
        if size > result_limit:
            outcome.error = error(RESULT_TOO_LARGE, f"the result is {size:,} bytes of JSON; the service allows "
                                  f"{result_limit:,}")
            return outcome
        outcome.result = json.loads(text)
    return outcome


def _js_error(failure: dict) -> dict:
    name, message = failure.get("name") or "Error", failure.get("message") or ""
    # The worker codes the error (never from a `code` the user's error carries); anything else is a failure.
    code = failure.get("code") if failure.get("code") in (MEMORY_LIMIT_EXCEEDED, EXECUTION_FAILED) else EXECUTION_FAILED
    return error(code, f"{name}: {message}" if message else name, _user_frames(failure.get("stack") or ""), name)


def _user_frames(stack: str) -> str:
    """The stack without the harness's own frames (they are anonymous scripts; the user's have a file)."""
    return "\n".join(line for line in stack.split("\n")
                     if not (line.lstrip().startswith("at ") and "<anonymous>" in line))


def _death_error(death: WorkerDied, memory_mb: float) -> dict:
    status = death.status
    out_of_memory = "out of memory" in death.stderr.lower() or (status is not None and (
        (status < 0 and -status in _OOM_SIGNALS) or status in _OOM_STATUSES))
    if out_of_memory:
        return error(MEMORY_LIMIT_EXCEEDED, f"the action used more memory than allowed ({memory_mb:g} MB) and the "
                     "engine stopped it")
    return error(EXECUTION_FAILED, f"the JavaScript engine stopped unexpectedly (exit status {status})")


class WorkerPool:
    """A few warm workers (one per core by default) sharing a queue of jobs."""

    def __init__(self, size: int, memory_mb: float) -> None:
        self.workers = [Worker(memory_mb) for _ in range(max(1, size))]

    @property
    def memory_mb(self) -> float:
        return self.workers[0].memory_mb

    def warm(self) -> None:
        """Start every worker now (V8 booting in parallel), so that the first jobs find them ready."""
        for worker in self.workers:
            worker.spawn()
        for worker in self.workers:
            worker.start()

    def map(self, jobs: Iterable[tuple[dict, float, int]], done: Callable[[int, Execution], None] | None = None,
            ) -> list[Execution]:
        """Run (job, timeout, result_limit) triples; results in input order."""
        pending = list(enumerate(jobs))
        results: list[Execution | None] = [None] * len(pending)
        lock = threading.Lock()

        def drain(worker: Worker) -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    index, (job, timeout, limit) = pending.pop(0)
                results[index] = execute(worker, job, timeout, limit)
                if done is not None:
                    with lock:
                        done(index, results[index])

        threads = [threading.Thread(target=drain, args=(w,), daemon=True) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results  # type: ignore[return-value]

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
