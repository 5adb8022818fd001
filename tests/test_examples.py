"""The reference's own examples validate clean, through the CLI, as a user would run them."""

from support import EXAMPLES


def test_examples_validate_clean(cli):
    result = cli("validate", str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert result.json == {"ok": True, "actions": 6, "diagnostics": []}


def test_examples_validate_clean_in_text(cli):
    result = cli("validate", str(EXAMPLES), "--strict")
    assert result.exit_code == 0
    assert result.stdout.strip() == "✓ 6 actions valid"


def test_examples_tests_pass_against_their_fixtures(cli, monkeypatch):
    # The reference's examples run against examples/fixtures with the cases in examples/tests.
    monkeypatch.chdir(EXAMPLES)
    result = cli("test", "--format", "json")
    assert result.exit_code == 0, result.stdout
    report = result.json
    assert report["failed"] == 0
    assert {case["file"] for case in report["cases"]} == {
        f"tests/{name}.test.yaml" for name in ("confirm-booking", "hello-world", "query-bookings",
                                                "send-monday-weekly-reminder", "send-new-user-email",
                                                "track-page-visit")}
