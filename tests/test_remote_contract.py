"""The client's requests and its reading of answers, checked against the service's published notes.

The facts are checked against `platform-notes.md` itself (a copy kept in tests/reference, so the suite
runs from any clone; it is compared with the team's shared copy when that is present), so if the notes
change this test says which request no longer matches. Pointing the client at the real
host must need no code change: same paths, same `Auth-token` header, same envelopes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from support import route_of

from actionctl.remote import paths
from actionctl.remote.client import Client
from actionctl.remote.errors import ServiceError
from actionctl.remote.pacing import retry_after

NOTES = Path(__file__).resolve().parent / "reference" / "platform-notes.md"
SHARED_NOTES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "platform-notes.md"
TOKEN = "eu--contract-token"


def pattern(path: str) -> re.Pattern:
    return re.compile("^/" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


@pytest.fixture
def recorded():
    requests: list[httpx.Request] = []
    bodies = {
        "versions": {"status": "VERSIONS_LISTED", "versions": [{"id": 9, "createdAt": "2026-01-01T00:00:00Z"}],
                     "pagination": {"limit": 50, "offset": 0, "total": 1, "hasMore": False}},
        "version": {"status": "VERSION_RETRIEVED", "version": {"id": 9, "data": {"name": "a"}}},
        "restore": {"status": "ACTION_RESTORED", "action": {"id": 1}, "restoredFromVersionId": 9,
                    "preRestoreVersionId": 10},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        path = request.url.path
        if path.endswith("/restore"):
            return httpx.Response(200, json=bodies["restore"])
        if re.search(r"/versions/\d+$", path):
            return httpx.Response(200, json=bodies["version"])
        if path.endswith("/versions"):
            return httpx.Response(200, json=bodies["versions"])
        return httpx.Response(200, json={"actions": [], "pagination": {"total": 0, "hasMore": False}})

    client = Client("https://api.fliplet.com/", TOKEN, 123, transport=httpx.MockTransport(handler))
    yield client, requests
    client.close()


@pytest.mark.skipif(not SHARED_NOTES.is_file(), reason="the team's shared reference is not next to this clone")
def test_our_copy_of_the_notes_is_current():
    assert NOTES.read_text(encoding="utf-8") == SHARED_NOTES.read_text(encoding="utf-8"), \
        "platform-notes.md changed: copy it into tests/reference/ and check the client against it"


# The notes document versions list/get/restore below this prefix (shapes in the platform's newest doc).
VERSIONS_PREFIX = "v3/apps/{appId}/actions/{id}/"
VERSION_ROUTES = ("GET " + VERSIONS_PREFIX + "versions",
                  "GET " + VERSIONS_PREFIX + "versions/{versionId}",
                  "POST " + VERSIONS_PREFIX + "versions/{versionId}/restore")


def test_the_notes_still_document_the_versions_endpoints():
    text = NOTES.read_text(encoding="utf-8")
    assert "versions list/get/restore" in text
    assert f"`{VERSIONS_PREFIX}…`" in text


def test_versions_requests_match_the_documented_paths(recorded):
    client, requests = recorded
    assert client.list_versions(7) == [{"id": 9, "createdAt": "2026-01-01T00:00:00Z"}]
    assert client.get_version(7, 9) == {"id": 9, "data": {"name": "a"}}
    assert client.restore_version(7, 9)["preRestoreVersionId"] == 10
    for request, key in zip(requests, VERSION_ROUTES, strict=True):
        method, path = key.split()
        assert request.method == method
        assert pattern(path).match(request.url.path), (request.url.path, key)
    assert requests[0].url.params["limit"] and requests[0].url.params["offset"] == "0"


def test_every_request_carries_the_auth_token_header_and_no_token_in_the_url(recorded):
    client, requests = recorded
    client.list_actions()
    client.list_versions(1)
    for request in requests:
        assert request.headers[paths.TOKEN_HEADER] == TOKEN
        assert TOKEN not in str(request.url)
    assert paths.TOKEN_HEADER == "Auth-token"


def test_region_hosts_are_the_documented_ones():
    text = NOTES.read_text(encoding="utf-8")
    for host in paths.REGION_HOSTS.values():
        assert host.rstrip("/") in text


def test_crud_paths_live_under_the_documented_prefix():
    # The notes infer CRUD at v3/apps/{appId}/actions and v3/apps/{appId}/actions/{id}.
    assert route_of("list_actions", 5).path == "v3/apps/5/actions"
    assert route_of("create_action", 5) == paths.Route("POST", "v3/apps/5/actions", "crud", False, "create_action")
    assert (route_of("get_action", 5, 9).method, route_of("get_action", 5, 9).path) == ("GET", "v3/apps/5/actions/9")
    assert route_of("update_action", 5, 9).method == "PUT" and route_of("delete_action", 5, 9).method == "DELETE"
    for route in (route_of("publish_action", 5, 9), route_of("unpublish_action", 5, 9), route_of("run_action", 5, 9),
                  route_of("action_logs", 5, 9), route_of("list_versions", 5, 9)):
        assert route.path.startswith("v3/apps/5/actions/9/")


def test_rate_limit_buckets_follow_the_published_limits():
    assert route_of("list_actions", 1).bucket == route_of("get_action", 1, 1).bucket == "crud"
    writes = (route_of("create_action", 1), route_of("update_action", 1, 1), route_of("delete_action", 1, 1))
    assert {route.bucket for route in writes} == {"crud"}
    assert route_of("run_action", 1, 1).bucket == "run"
    assert {route_of("publish_action", 1, 1).bucket, route_of("unpublish_action", 1, 1).bucket,
            route_of("restore_version", 1, 1, 1).bucket} == {"publish"}


def test_the_error_envelope_and_the_429_body_are_read_as_documented():
    answers = iter([
        httpx.Response(429, json={"message": "Too many", "referenceUrl": "https://developers.fliplet.com",
                                  "nextValidRequestDate": "2000-01-01T00:00:00Z"}),
        httpx.Response(403, json={"status": "CANNOT_UPDATE_PRODUCTION",
                                  "error": "Cannot update a published action directly"}),
    ])
    client = Client("https://api.fliplet.com/", TOKEN, 1, transport=httpx.MockTransport(lambda r: next(answers)),
                    sleep=lambda s: None)
    with pytest.raises(ServiceError) as caught:
        client.update_action(2, {"active": False})
    assert (caught.value.code, caught.value.status) == ("CANNOT_UPDATE_PRODUCTION", 403)
    assert caught.value.message == "Cannot update a published action directly"
    assert retry_after({}, {"nextValidRequestDate": "2000-01-01T00:00:00Z"}) == 0.0


def test_list_reads_the_js_api_pagination_shape():
    # get({limit, offset}) → {actions, pagination: {total, hasMore}} (no limit/offset echoed back).
    pages = iter([
        {"actions": [{"id": i} for i in range(50)], "pagination": {"total": 60, "hasMore": True}},
        {"actions": [{"id": i} for i in range(50, 60)], "pagination": {"total": 60, "hasMore": False}},
    ])
    client = Client("https://api.fliplet.com/", TOKEN, 1,
                    transport=httpx.MockTransport(lambda r: httpx.Response(200, json=next(pages))))
    assert len(client.list_actions()) == 60


def test_actions_are_read_bare_or_wrapped():
    # The JS API answers getById with {action}; the notes say the object itself. Both work.
    for body in ({"action": {"id": 3, "name": "a"}}, {"id": 3, "name": "a"}):
        client = Client("https://api.fliplet.com/", TOKEN, 1,
                        transport=httpx.MockTransport(lambda r, b=body: httpx.Response(200, content=json.dumps(b))))
        assert client.get_action(3) == {"id": 3, "name": "a"}
