"""Talking to the App Actions V3 service: its paths, an HTTP client that paces itself, credentials."""
