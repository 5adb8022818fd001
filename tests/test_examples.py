"""The reference's own examples validate clean, through the CLI, as a user would run them."""

from conftest import EXAMPLES


def test_examples_validate_clean(cli):
    result = cli("validate", str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert result.json == {"ok": True, "actions": 6, "diagnostics": []}


def test_examples_validate_clean_in_text(cli):
    result = cli("validate", str(EXAMPLES), "--strict")
    assert result.exit_code == 0
    assert result.stdout.strip() == "✓ 6 actions valid"
