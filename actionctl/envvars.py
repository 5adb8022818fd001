"""Names of the environment variables actionctl reads, kept in one place."""


class Env:
    TOKEN = "ACTIONCTL_TOKEN"
    PROFILE = "ACTIONCTL_PROFILE"
    CONFIG_DIR = "ACTIONCTL_CONFIG_DIR"
    # Show Python tracebacks for internal errors instead of a one-line message.
    DEBUG = "ACTIONCTL_DEBUG"
