"""Every diagnostic code validation can report: its severity, whether the service uses it, and what it means.

The README's table is this catalogue; a test checks that every code the rules emit is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeInfo:
    severity: str  # "error" | "warning"
    service: bool  # the service answers with this same code
    summary: str


CODES: dict[str, CodeInfo] = {
    # The service's own validation codes.
    "NAME_REQUIRED": CodeInfo("error", True, "The action has no name."),
    "NAME_EMPTY": CodeInfo("error", True, "The name is empty."),
    "NAME_TOO_LONG": CodeInfo("error", True, "The name is longer than 255 characters."),
    "NAME_INVALID_CHARS": CodeInfo("error", True, "The name has a character other than letters, digits, - and _."),
    "NAME_ALREADY_EXISTS": CodeInfo("error", True, "Another action in the project has the same name."),
    "CODE_REQUIRED": CodeInfo("error", True, "The code file is missing, or `code:` names no file."),
    "CODE_EMPTY": CodeInfo("error", True, "The code file is blank."),
    "CODE_VALIDATION_FAILED": CodeInfo(
        "error", True, "The code does not parse, has no top-level async execute(context) in a supported form, "
                       "or uses a Fliplet namespace whose package is not in dependencies."),
    "ENVIRONMENT_INVALID": CodeInfo("error", True, "environment is not server, client or any."),
    "FREQUENCY_INVALID": CodeInfo("error", True, "frequency is not a five-field cron expression the service reads."),
    "FREQUENCY_TOO_FREQUENT": CodeInfo("error", True, "Two runs of the frequency can be one minute apart."),
    "TIMEZONE_INVALID": CodeInfo("error", True, "timezone is not an IANA time zone name."),
    "TRIGGERS_INVALID": CodeInfo("error", True, "triggers is not a list of mappings, or a `where` is malformed."),
    "TRIGGER_TYPE_INVALID": CodeInfo("error", True, "A trigger is not manual, schedule, log or analytics."),
    "TRIGGER_NOT_ALLOWED": CodeInfo("error", True, "A trigger is not allowed in the action's environment."),
    "DEPENDENCIES_INVALID": CodeInfo("error", True, "dependencies is not a list of package names and http(s) URLs."),
    # Codes of the newer service revision and of files: what only a manifest on disk can get wrong.
    "DESCRIPTION_TOO_LONG": CodeInfo("error", False, "description is longer than 1000 characters."),
    "YAML_SYNTAX_ERROR": CodeInfo("error", False, "The file is not valid YAML (or holds more than one document)."),
    "YAML_DUPLICATE_KEY": CodeInfo("error", False, "A key is written twice in one mapping."),
    "YAML_TOO_COMPLEX": CodeInfo(
        "error", False, "The document nests values more than 100 deep, or expands (each alias counted every "
                        "time it is used) to more than 200,000 values."),
    "FILE_ENCODING_INVALID": CodeInfo("error", False, "The file is not valid UTF-8."),
    "FILE_UNREADABLE": CodeInfo("error", False, "The file, or a folder of manifests, cannot be read."),
    "FILE_NOT_REGULAR": CodeInfo("error", False, "The file is a FIFO, a device or a socket; only regular files "
                                                 "are read."),
    "FILE_TOO_LARGE": CodeInfo("error", False, "The file is larger than actionctl reads: 5 MB for code, 1 MB for "
                                               "a manifest, actionctl.yaml or test file."),
    "PATH_OUTSIDE_PROJECT": CodeInfo("error", False, "`code:` or `actions:` leads outside the project (symlinks "
                                                     "followed); the file is never opened."),
    "PATH_INVALID": CodeInfo("error", False, "`code:` or `actions:` holds a NUL character."),
    "MANIFEST_EMPTY": CodeInfo("error", False, "The manifest holds no YAML document."),
    "MANIFEST_NOT_MAPPING": CodeInfo("error", False, "The manifest is not a mapping of fields."),
    "UNKNOWN_KEY": CodeInfo("error", False, "A field the service does not know (with a suggestion)."),
    "TYPE_INVALID": CodeInfo("error", False, "A field has the wrong type (e.g. a number where text is needed)."),
    "CONFIG_INVALID": CodeInfo("error", False, "A setting in actionctl.yaml has a wrong value."),
    "VAR_UNDEFINED": CodeInfo("error", False, "A @@NAME@@ placeholder names no variable of vars: (for the profile; "
                                              "when none is chosen, for some profile, or for the top level when it "
                                              "names an app:)."),
    # Warnings: accepted by the service, but probably not what was meant.
    "ACTIVE_NOT_SET": CodeInfo("warning", False, "active is not set, so the service creates the action inactive."),
    "NAME_CASE_CONFLICT": CodeInfo("warning", False, "Two names differ only in case."),
    "TRIGGERS_EMPTY": CodeInfo("warning", False, "No triggers: nothing starts the action."),
    "TRIGGER_DUPLICATE": CodeInfo("warning", False, "The same trigger is listed twice."),
    "TRIGGER_WHERE_MISSING": CodeInfo("warning", False, "A log or analytics trigger without `where` matches "
                                                        "every event."),
    "TRIGGER_WHERE_UNUSED": CodeInfo("warning", False, "`where` on a manual or schedule trigger is ignored."),
    "TRIGGER_WHERE_UNKNOWN_KEY": CodeInfo("warning", False, "`where` filters on a field the trigger does not "
                                                            "provide."),
    "TRIGGER_WHERE_INVALID": CodeInfo("warning", False, "A `where` value can never match (wrong event type or "
                                                        "data source id)."),
    "SCHEDULE_WITHOUT_FREQUENCY": CodeInfo("warning", False, "A schedule trigger without a frequency never fires."),
    "FREQUENCY_WITHOUT_SCHEDULE": CodeInfo("warning", False, "A frequency without a schedule trigger is unused."),
    "FREQUENCY_WITHOUT_TIMEZONE": CodeInfo("warning", False, "The frequency is read in the service's default "
                                                                   "time zone (not published)."),
    "TIMEZONE_WITHOUT_FREQUENCY": CodeInfo("warning", False, "A timezone without a frequency is unused."),
    "DEPENDENCY_UNKNOWN": CodeInfo("warning", False, "A package name actionctl does not know."),
    "DEPENDENCY_UNUSED": CodeInfo("warning", False, "A Fliplet package the code never uses."),
    "DEPENDENCY_DUPLICATE": CodeInfo("warning", False, "A dependency listed twice."),
    "DEPENDENCY_INSECURE": CodeInfo("warning", False, "A script loaded over plain http."),
    "FIELD_NOT_ON_PLATFORM": CodeInfo("warning", False, "A key the platform's actions do not have "
                                                         "(integrationOrigins): never sent to the service."),
    "CODE_HANDLEBARS": CodeInfo("warning", False, "Handlebars `{{ }}` in code is not evaluated."),
    "EXECUTE_REDEFINED": CodeInfo("warning", False, "execute is declared more than once; the last one wins."),
    "FLIPLET_API_UNKNOWN": CodeInfo("warning", False, "A Fliplet namespace V3 actions do not provide, or a method "
                                    "the platform does not document on one."),
    "FLIPLET_API_UNAVAILABLE": CodeInfo("warning", False, "A Fliplet API the action's environment lacks: a "
                                        "device-only method in a server action."),
}


def describe_code(code: str) -> str:
    info = CODES.get(code)
    return info.summary if info else code
