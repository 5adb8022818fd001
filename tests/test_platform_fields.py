"""Nothing the platform does not have: `integrationOrigins` (offered by an earlier actionctl, in no public source of
the platform) is warned about where it is written, and never sent, compared, stored or pulled."""

from __future__ import annotations

from pathlib import Path

import httpx
from support import EMULATOR_TOKEN, listing_service, route_of

from actionctl.remote import paths

ORIGINS = "integrationOrigins: [https://api.example.com]\n"
WARNING = ('"integrationOrigins" is not a field of the platform\'s actions, so it is never sent to the service and '
           "does nothing there — remove it")


def test_validate_warns_at_the_key_and_says_it_is_never_sent(cli, project):
    cli("new", "hello")
    manifest = project / "actions/hello.yaml"
    manifest.write_text(manifest.read_text() + ORIGINS)
    line = manifest.read_text().splitlines().index(ORIGINS.rstrip("\n")) + 1
    result = cli("validate", "--format", "json")
    assert result.exit_code == 0
    found = [(d["code"], d["severity"], d["line"], d["column"], d["message"]) for d in result.json["diagnostics"]]
    assert found == [("FIELD_NOT_ON_PLATFORM", "warning", line, 1, WARNING)]


def test_push_never_sends_it_and_diff_never_compares_it(cli, remote, project, api):
    cli("new", "hello")
    manifest = project / "actions/hello.yaml"
    manifest.write_text(manifest.read_text() + ORIGINS)
    pushed = cli("push", "--yes", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    assert "integrationOrigins" not in api.find_action("hello")
    manifest.write_text(manifest.read_text().replace("api.example.com", "other.example.com"))
    diff = cli("diff", "--exit-code", "--format", "json")
    assert diff.exit_code == 0 and diff.json["summary"]["unchanged"] == 1


def test_the_emulator_refuses_it_as_the_unknown_field_it_is(cli, remote, api):
    cli("new", "hello")
    assert cli("push", "--yes").exit_code == 0
    action = api.find_action("hello")
    answer = httpx.put(remote.url + route_of("get_action", 1, action["id"]).path,
                       headers={paths.TOKEN_HEADER: EMULATOR_TOKEN},
                       json={"integrationOrigins": ["https://api.example.com"]})
    assert answer.status_code == 400
    assert answer.json()["status"] == "UNKNOWN_KEY"


def test_pull_never_writes_it_even_when_a_service_answers_it(cli, project: Path, monkeypatch):
    entry = {"id": 1, "name": "good", "code": "async function execute(context) {\n  return 1;\n}\n", "active": True,
             "environment": "server", "triggers": [{"trigger": "manual"}], "dependencies": [],
             "integrationOrigins": ["https://api.example.com"]}
    with listing_service([entry]) as url:
        (project / "actionctl.yaml").write_text(f"region: eu\napp: 1\napi_url: {url}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "listing-service-token")
        result = cli("pull")
    assert result.exit_code == 0, result.stderr
    assert "integrationOrigins" not in (project / "actions/good.yaml").read_text()
