"""The codes a local run can end with — `error.code` of `run --format json` and of a test case's run.

They are data in an execution's result, not exceptions: a run that fails is an outcome to report,
and the CLI goes on. The README's table of run codes is checked against `RUN_CODES`.
"""

EXECUTION_FAILED = "EXECUTION_FAILED"
EXECUTION_TIMEOUT = "EXECUTION_TIMEOUT"
MEMORY_LIMIT_EXCEEDED = "MEMORY_LIMIT_EXCEEDED"
RESULT_TOO_LARGE = "RESULT_TOO_LARGE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"

RUN_CODES = {
    EXECUTION_FAILED: "The action threw (its error's message and stack are kept), or the engine stopped.",
    EXECUTION_TIMEOUT: "The action ran longer than its deadline (the platform's: 120 s server, 30 s client; or "
                       "`limits.timeout`, `--timeout`) and was stopped.",
    MEMORY_LIMIT_EXCEEDED: "The action used more memory than the limit; the worker was replaced.",
    RESULT_TOO_LARGE: "The result is larger than the service returns (6 MB, read as 6,000,000 bytes of JSON).",
    PAYLOAD_TOO_LARGE: "The payload of a manual run is longer than `limits.payload`, which actionctl.yaml set; the "
                       "action did not run.",
}

# The codes of a platform call's errors inside the action. The platform documents errors with an HTTP-like
# `status`, `responseJSON` and a message (docs/API/core/error.md, read through Fliplet.parseError), never a
# `code` property, so the local platform sets none: the code ends the error's message in brackets
# ("Entry 9 not found in data source 158 [ENTRY_NOT_FOUND]"), for a person reading a failed run, and
# `error.status` is there where the platform answers one. An error the action does not catch still ends
# the run as EXECUTION_FAILED. Handed to the isolate in the job (`codes`), so the JavaScript writes none
# of its own; the README's table of platform call codes is checked against it.
PLATFORM_CODES = {
    "VALIDATION_FAILED": "A documented required field is missing (Communicate, Notifications, Media).",
    "RATE_LIMITED": "More calls than the platform allows in its window (status 429).",
    "NOT_FOUND": "No fixture answers that id: a media folder or file (status 404).",
    "TRANSPORT": "No response in fixtures/http/ for that method and URL: add one.",
    "DEVICE_ONLY": "The method drives a device (camera, screen, inbox, downloads): a server action cannot use it.",
    "NOT_EMULATED": "The platform offers the method, a local run does not (the message says what to do instead).",
    "ACTION_NOT_FOUND": "No action of the project has that name or id (status 404).",
    "ACTION_INACTIVE": "The action to run is not active (status 400).",
    "ACTION_NOT_RUNNABLE": "The action to run has no manual trigger (status 400).",
    "CLIENT_ACTION_NOT_RUNNABLE": "The action to run is a client action, which the service cannot run (status 400).",
    "EXECUTION_FAILED": "The action run with run/runWithResult threw; its message is kept (status 500).",
    "RUN_DEPTH_EXCEEDED": "Actions running actions nested deeper than actionctl allows (a loop, most likely).",
    "QUERY_INVALID": "A Data Sources query actionctl cannot evaluate as the platform would (status 400).",
    "WHERE_INVALID": "A Data Sources `where` the platform's query engine refuses (status 400).",
    "DATA_INVALID": "Data Sources data of the wrong shape (status 400).",
    "ACCESS_DENIED": "A data source fixture forces a 403 for that method (`errors:`).",
    "ENTRY_NOT_FOUND": "No entry with that id in the data source (status 404).",
    "DATA_SOURCE_NOT_FOUND": "No fixture data source with that id or name (status 404).",
    "SERVER_ERROR": "A data source fixture forces a 500 for that method (`errors:`).",
}
