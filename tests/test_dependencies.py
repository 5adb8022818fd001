"""A fresh install gets what the suite was run on: every runtime dependency is bounded on both sides (the
lower bounds are what `.ci/lowest` runs the suite with), and the installed versions lie within them."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    from pip._vendor import tomli as tomllib
from pip._vendor.packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Its releases are the time-zone rules themselves; a cap would keep users on old rules (pyproject says so).
UNCAPPED = {"pytz"}


def _requirements() -> list[Requirement]:
    with PYPROJECT.open("rb") as file:
        return [Requirement(line) for line in tomllib.load(file)["project"]["dependencies"]]


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_each_dependency_has_a_tested_floor_and_a_ceiling(requirement):
    operators = {spec.operator for spec in requirement.specifier}
    assert ">=" in operators, f"{requirement}: no lower bound for .ci/lowest to test"
    if requirement.name not in UNCAPPED:
        assert "<" in operators, f"{requirement}: a release line nobody tested would install"


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_the_installed_version_is_within_the_bounds(requirement):
    assert requirement.specifier.contains(version(requirement.name), prereleases=True), (
        f"{requirement.name} {version(requirement.name)} is outside {requirement.specifier}")
