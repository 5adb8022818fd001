"""Test reports for machines: the JSON shape of `test --format json` (embedded by `ci`), and JUnit XML."""

from __future__ import annotations

import re
from pathlib import Path

from actionctl.execution.cases import CaseResult, TestReport

# What XML 1.0 cannot hold, even as a character reference: most control characters and lone surrogates
# (a JavaScript string may log or return either).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_json(report: TestReport, relpath) -> dict:
    return {
        "ok": report.ok, "passed": report.passed, "failed": report.failed,
        "cases": [{"file": relpath(r.case.file), "action": r.case.action, "name": r.case.name, "ok": r.ok,
                   "failures": r.failures, "durationMs": round(r.execution.duration_ms, 3) if r.execution else 0,
                   "deadline": r.prepared.deadline.as_json() if r.prepared else None,
                   "execution": r.execution.as_json() if r.execution else None}
                  for r in report.results],
    }


def to_junit(report: TestReport, relpath) -> str:
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", tests=str(len(report.results)), failures=str(report.failed))
    by_file: dict[Path, list[CaseResult]] = {}
    for result in report.results:
        by_file.setdefault(result.case.file, []).append(result)
    for path, results in by_file.items():
        seconds = sum(r.execution.duration_ms for r in results if r.execution) / 1000
        suite = ET.SubElement(suites, "testsuite", name=relpath(path), tests=str(len(results)),
                              failures=str(sum(1 for r in results if not r.ok)), time=f"{seconds:.3f}")
        for result in results:
            took = result.execution.duration_ms / 1000 if result.execution else 0
            case = ET.SubElement(suite, "testcase", classname=result.case.action, name=result.case.name,
                                 file=relpath(path), time=f"{took:.3f}")
            if not result.ok:
                failure = ET.SubElement(case, "failure", message=result.failures[0].splitlines()[0])
                failure.text = "\n\n".join(result.failures)
            if result.execution and result.execution.logs:
                ET.SubElement(case, "system-out").text = "\n".join(
                    f"[{e.get('level')}] {e.get('message')}" for e in result.execution.logs)
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode")
    # Only text and attribute values can hold them; they are shown escaped, as Python writes them.
    text = _NOT_XML.sub(lambda match: repr(match.group())[1:-1], text)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
