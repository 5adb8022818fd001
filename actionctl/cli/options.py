"""Option types shared by several commands."""

from __future__ import annotations

import enum


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class Template(str, enum.Enum):
    on_demand = "on-demand"
    scheduled = "scheduled"
    log = "log"
    analytics = "analytics"
    blank = "blank"


class Region(str, enum.Enum):
    eu = "eu"
    us = "us"
    ca = "ca"


class Trigger(str, enum.Enum):
    manual = "manual"
    schedule = "schedule"
    log = "log"
    analytics = "analytics"
