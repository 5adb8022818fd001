"""Names of the environment variables actionctl reads, kept in one place."""


class Env:
    TOKEN = "ACTIONCTL_TOKEN"
    PROFILE = "ACTIONCTL_PROFILE"
    CONFIG_DIR = "ACTIONCTL_CONFIG_DIR"
    # Show Python tracebacks for internal errors instead of a one-line message.
    DEBUG = "ACTIONCTL_DEBUG"
    # A fraction (0..1) of requests the emulator fails on purpose, when --faults is not given.
    EMULATOR_FAULTS = "ACTIONCTL_EMULATOR_FAULTS"
    # The token the emulator asks for, instead of --token (which `ps` shows to every user of the machine).
    EMULATOR_TOKEN = "ACTIONCTL_EMULATOR_TOKEN"
    # Set by others, read by actionctl.
    CI = "CI"  # a CI job: never prompt
    GITHUB_ACTIONS = "GITHUB_ACTIONS"  # "true" in GitHub Actions: annotations by default
    GITHUB_STEP_SUMMARY = "GITHUB_STEP_SUMMARY"  # the file of the job summary
    XDG_CONFIG_HOME = "XDG_CONFIG_HOME"  # where the stored logins live, when ACTIONCTL_CONFIG_DIR is not set
