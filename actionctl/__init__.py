"""actionctl — keep Fliplet App Actions V3 in git."""

__version__ = "0.1.0"
