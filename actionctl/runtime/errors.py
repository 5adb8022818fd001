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
