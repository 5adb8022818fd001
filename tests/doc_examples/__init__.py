"""The platform documentation's code examples, as our own corpus (see corpus.py)."""
