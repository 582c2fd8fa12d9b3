"""API security rows of reliability-security.md §8.3: A1 (BOLA), A2 (role × route matrix from
the OpenAPI document against the declared policy), A3 (mass assignment, field exposure), A5
(lockout, per-address throttle), A7 (sessions), A9 (audit completeness), A10 (audit chain and
who reads it), A14 (error handling, documentation exposure)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from web_county import (
    DEVICE_A,
    DEVICE_B,
    ENTERPRISE_A,
    ENTERPRISE_B,
    ENTERPRISE_B_USER,
    OUTLET_A,
    OUTLET_B,
    PASSWORD,
    USERS,
    Web,
)

from ecowarden.store.audit import AuditRecord
from ecowarden.web.accounts import LoginPolicy, Role
from ecowarden.web.policy import POLICY

READ_METHODS = {"get"}
#: Values for path and required query parameters, by name: B's objects for BOLA probes.
PATH_VALUES = {"code": OUTLET_B, "credit_code": ENTERPRISE_B, "mn": DEVICE_B, "username": "nobody"}
REQUIRED_QUERY = {
    "list_readings": {"site": OUTLET_B},
    "assess_air": {"period": "2026-06"},
    "assess_water": {"period": "2026-06"},
    "assess_noise": {"period": "2026-06"},
    "daily_aqi": {"from": "2026-06-01", "to": "2026-06-01"},
}


def operations(web: Web) -> list[tuple[str, str, str]]:
    """(operation id, method, path) of every operation of the OpenAPI document; logout last
    (it ends the session the probing client holds)."""
    found = [
        (operation["operationId"], method, path)
        for path, item in web.app.openapi()["paths"].items()
        for method, operation in item.items()
    ]
    return sorted(found, key=lambda entry: (entry[0] == "logout", entry[0]))


def app_routes(web: Web) -> list[APIRoute]:
    """Every route of the application, through the routers it includes."""
    found: list[APIRoute] = []
    pending = list(web.app.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        pending.extend(getattr(getattr(route, "original_router", None), "routes", []))
    return found


def pages(web: Web) -> list[tuple[str, str, str]]:
    """The dashboard's routes (left out of the OpenAPI document), as :func:`operations`."""
    documented = {operation for operation, _, _ in operations(web)}
    return sorted(
        (route.name, "get", route.path) for route in app_routes(web) if route.name not in documented
    )


def call(client: TestClient, method: str, path: str, operation: str) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES[match[1]], path)
    params = REQUIRED_QUERY.get(operation, {})
    if method in READ_METHODS:
        return client.get(url, params=params)
    return client.request(method.upper(), url, params=params, json={})


def audit_rows(web: Web) -> list[AuditRecord]:
    with web.store.snapshot() as snapshot:
        return snapshot.audit.records(limit=100_000)


# --- A2: function-level authorisation -----------------------------------------------------------


def test_every_route_is_in_the_policy_table_and_back(web: Web) -> None:
    routes = {route.name for route in app_routes(web)}
    assert routes == set(POLICY)
    assert {name for name, _, _ in pages(web)} == {
        "page_overview",
        "page_air",
        "page_water",
        "page_noise",
        "page_enterprises",
        "page_login",
    }


def test_role_route_matrix_equals_the_policy(web: Web) -> None:
    observed: dict[tuple[str, Role], bool] = {}
    for role in Role:
        client = web.as_role(role)
        for operation, method, path in pages(web) + operations(web):
            status = call(client, method, path, operation).status_code
            assert status < 500, (role, operation, status)
            observed[operation, role] = status not in (401, 403)
    expected = {(operation, role): role in POLICY[operation] for operation, _ in observed}
    differences = {key for key in expected if expected[key] != observed[key]}
    assert not differences


def test_leadership_is_refused_every_write_but_its_own_session(web: Web) -> None:
    own_session = {"login", "logout", "change_password", "create_api_token"}
    client = web.as_role(Role.LEADERSHIP)
    for operation, method, path in operations(web):
        if method not in READ_METHODS and operation not in own_session:
            assert call(client, method, path, operation).status_code == 403, operation


def test_administrator_cannot_read_the_audit_log(web: Web) -> None:
    client = web.as_role(Role.ADMINISTRATOR)
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/api/v1/audit/verification").status_code == 403


# --- A1: object-level authorisation -------------------------------------------------------------


def test_enterprise_a_on_b_objects_answers_like_missing(web: Web) -> None:
    client = web.signed_in(USERS[Role.ENTERPRISE])
    probed = 0
    for operation, method, path in operations(web):
        if method not in READ_METHODS or Role.ENTERPRISE not in POLICY[operation]:
            continue
        if "{" not in path and operation != "list_readings":
            continue
        other = call(client, method, path, operation)
        url = re.sub(r"\{(\w+)\}", "MISSING0001", path)
        params = {"site": "MISSING0001"} if operation == "list_readings" else {}
        missing = client.get(url, params=params)
        assert other.status_code == missing.status_code == 404, operation
        assert other.json()["error"]["code"] == missing.json()["error"]["code"]
        assert ENTERPRISE_B not in other.text or operation == "get_enterprise"
        probed += 1
    # enterprises/{credit_code}, outlets/{code}, devices/{mn}, sites/{code}, readings?site=
    assert probed == 5


def test_enterprise_lists_hold_only_own_rows(web: Web) -> None:
    client = web.signed_in(USERS[Role.ENTERPRISE])
    enterprises = client.get("/api/v1/enterprises").json()
    outlets = client.get("/api/v1/outlets").json()
    devices = client.get("/api/v1/devices").json()
    assert [e["credit_code"] for e in enterprises["items"]] == [ENTERPRISE_A]
    assert [o["code"] for o in outlets["items"]] == [OUTLET_A]
    assert [d["mn"] for d in devices["items"]] == [DEVICE_A]
    assert enterprises["total"] == outlets["total"] == devices["total"] == 1
    assert client.get("/api/v1/readings", params={"site": OUTLET_A}).json()["total"] == 24


def test_enterprise_b_sees_b_not_a(web: Web) -> None:
    client = web.signed_in(ENTERPRISE_B_USER)
    assert client.get(f"/api/v1/outlets/{OUTLET_B}").status_code == 200
    assert client.get(f"/api/v1/outlets/{OUTLET_A}").status_code == 404


# --- A3: mass assignment and exposure -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "forbidden"),
    [
        (
            "/api/v1/session",
            {"username": "u-monitoring", "password": "x", "role": "administrator"},
            "role",
        ),
        ("/api/v1/tokens", {"name": "ci", "enterprise": ENTERPRISE_B}, "enterprise"),
        (
            "/api/v1/users",
            {"username": "new", "role": "monitoring", "password": "x", "disabled": False},
            "disabled",
        ),
        (
            "/api/v1/users",
            {"username": "new", "role": "monitoring", "password": "x", "created_at": "2026"},
            "created_at",
        ),
    ],
)
def test_unknown_body_fields_are_refused(
    web: Web, path: str, body: dict[str, object], forbidden: str
) -> None:
    client = web.signed_in(USERS[Role.ADMINISTRATOR])
    answer = client.post(path, json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == forbidden


def test_responses_hold_no_credentials(web: Web) -> None:
    admin = web.signed_in(USERS[Role.ADMINISTRATOR])
    users = admin.get("/api/v1/users").json()["items"]
    assert {field for user in users for field in user} == {
        "username",
        "role",
        "enterprise",
        "disabled",
        "must_change_password",
        "locked",
    }
    assert "argon2" not in json.dumps(users)


# --- A5: lockout and throttling -----------------------------------------------------------------


def login(client: TestClient, username: str, password: str) -> int:
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    status: int = answer.status_code
    return status


def test_lockout_after_five_failures(web: Web) -> None:
    client = web.client()
    before = len(audit_rows(web))
    statuses = [login(client, USERS[Role.MONITORING], "wrong-Passw0rd!") for _ in range(10)]
    assert statuses == [401] * 10
    # locked after the 5th failure: the right password is refused too, for 15 min (§6.2)
    assert login(client, USERS[Role.MONITORING], PASSWORD) == 401
    web.clock.advance(dt.timedelta(minutes=14, seconds=59))
    assert login(client, USERS[Role.MONITORING], PASSWORD) == 401
    web.clock.advance(dt.timedelta(seconds=1))
    assert login(client, USERS[Role.MONITORING], PASSWORD) == 200
    rows = audit_rows(web)[before:]
    refused = [row for row in rows if row.event.outcome == "refused"]
    # one row per attempt: 10 wrong + 2 right-while-locked refused, 1 success
    assert len(refused) == 12
    assert len(rows) == 13
    assert {row.event.detail["reason"] for row in refused} == {"bad_credentials", "locked"}


def test_failed_logins_reveal_nothing(web: Web) -> None:
    client = web.client()
    unknown = client.post("/api/v1/session", json={"username": "ghost", "password": "x"})
    wrong = client.post("/api/v1/session", json={"username": USERS[Role.PERMITS], "password": "x"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_administrator_unlock_is_audited(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        login(client, USERS[Role.PERMITS], "wrong-Passw0rd!")
    assert login(client, USERS[Role.PERMITS], PASSWORD) == 401
    admin = web.signed_in(USERS[Role.ADMINISTRATOR])
    assert admin.get("/api/v1/users").json()["items"][
        sorted(USERS.values()).index(USERS[Role.PERMITS]) + 1
    ]["locked"]
    assert admin.post(f"/api/v1/users/{USERS[Role.PERMITS]}/unlock").status_code == 200
    assert audit_rows(web)[-1].event.action == "unlock_user"
    assert login(client, USERS[Role.PERMITS], PASSWORD) == 200


def test_one_address_is_throttled_across_accounts(web_factory: Callable[..., Web]) -> None:
    web = web_factory(LoginPolicy(ip_failures=20))
    client = web.client()
    statuses = [login(client, f"ghost-{n % 20:02d}", "wrong") for n in range(100)]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    answer = client.post("/api/v1/session", json={"username": "ghost-00", "password": "wrong"})
    assert int(answer.headers["retry-after"]) > 0
    # the window passes: the address may try again
    web.clock.advance(dt.timedelta(minutes=15))
    assert login(client, USERS[Role.MONITORING], PASSWORD) == 200


# --- A7: sessions -------------------------------------------------------------------------------


def session_cookie(client: TestClient) -> str:
    value: str = client.cookies["ecowarden_session"]
    return value


def test_login_issues_a_new_token_each_time(web: Web) -> None:
    first = session_cookie(web.signed_in(USERS[Role.MONITORING]))
    second = session_cookie(web.signed_in(USERS[Role.MONITORING]))
    assert first != second
    # 256-bit tokens: 32 bytes in URL-safe base64 = 43 characters
    assert len(first) == 43


def test_idle_timeout(web: Web) -> None:
    client = web.signed_in(USERS[Role.MONITORING])
    web.clock.advance(dt.timedelta(minutes=29))
    assert client.get("/api/v1/session").status_code == 200
    web.clock.advance(dt.timedelta(minutes=30))
    assert client.get("/api/v1/session").status_code == 401


def test_absolute_timeout(web: Web) -> None:
    client = web.signed_in(USERS[Role.MONITORING])
    for _ in range(35):  # active every 20 min: 35 × 20 min = 11 h 40 min
        web.clock.advance(dt.timedelta(minutes=20))
        assert client.get("/api/v1/session").status_code == 200
    web.clock.advance(dt.timedelta(minutes=20))  # 12 h since login
    assert client.get("/api/v1/session").status_code == 401


def test_logout_kills_the_token_on_the_server(web: Web) -> None:
    client = web.signed_in(USERS[Role.MONITORING])
    token = session_cookie(client)
    assert client.delete("/api/v1/session").status_code == 204
    replay = web.client()
    replay.cookies.set("ecowarden_session", token)
    assert replay.get("/api/v1/session").status_code == 401


def test_disabling_a_user_kills_sessions_and_tokens(web: Web) -> None:
    user = web.signed_in(USERS[Role.ENFORCEMENT])
    token = user.post("/api/v1/tokens", json={"name": "script"}).json()["token"]
    bearer = web.client()
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/v1/outlets").status_code == 200
    admin = web.signed_in(USERS[Role.ADMINISTRATOR])
    assert admin.post(f"/api/v1/users/{USERS[Role.ENFORCEMENT]}/disable").status_code == 200
    assert user.get("/api/v1/session").status_code == 401
    assert bearer.get("/api/v1/outlets").status_code == 401
    assert login(web.client(), USERS[Role.ENFORCEMENT], PASSWORD) == 401


def test_cookie_writes_need_the_csrf_token(web: Web) -> None:
    client = web.signed_in(USERS[Role.MONITORING])
    del client.headers["X-CSRF-Token"]
    answer = client.post("/api/v1/tokens", json={"name": "x"})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "csrf"


def test_session_cookie_attributes(web_factory: Callable[..., Web]) -> None:
    web = web_factory(secure_cookies=True)
    answer = web.client().post(
        "/api/v1/session", json={"username": USERS[Role.MONITORING], "password": PASSWORD}
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie


def test_forced_password_change_blocks_other_routes(web: Web) -> None:
    admin = web.signed_in(USERS[Role.ADMINISTRATOR])
    created = admin.post(
        "/api/v1/users",
        json={"username": "new-officer", "role": "enforcement", "password": "Init!Pass9x"},
    )
    assert created.status_code == 201
    client = web.signed_in("new-officer", "Init!Pass9x")
    answer = client.get("/api/v1/outlets")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/session/password",
        json={"current_password": "Init!Pass9x", "new_password": "N3w&Stronger"},
    )
    assert changed.status_code == 204
    assert web.signed_in("new-officer", "N3w&Stronger").get("/api/v1/outlets").status_code == 200


def test_dengbao_password_expires_after_90_days(web: Web) -> None:
    web.clock.advance(dt.timedelta(days=91))
    client = web.signed_in(USERS[Role.MONITORING])
    assert client.get("/api/v1/session").json()["password_change_required"] is True
    assert client.get("/api/v1/outlets").status_code == 403


# --- A9: audit completeness ---------------------------------------------------------------------

#: A successful call of every write operation (caller role, path, body).
WRITE_SUCCESS: dict[str, tuple[Role, str, dict[str, object] | None]] = {
    "login": (Role.PUBLIC, "/api/v1/session", {"username": "u-monitoring", "password": PASSWORD}),
    "logout": (Role.MONITORING, "/api/v1/session", None),
    "change_password": (
        Role.PERMITS,
        "/api/v1/session/password",
        {"current_password": PASSWORD, "new_password": "An0ther!Secret"},
    ),
    "create_api_token": (Role.MONITORING, "/api/v1/tokens", {"name": "nightly export"}),
    "add_user": (
        Role.ADMINISTRATOR,
        "/api/v1/users",
        {"username": "added", "role": "leadership", "password": "Fresh!Pass42"},
    ),
    "disable_user": (Role.ADMINISTRATOR, "/api/v1/users/u-complaints/disable", None),
    "unlock_user": (Role.ADMINISTRATOR, "/api/v1/users/u-complaints/unlock", None),
}


def test_every_write_success_and_refusal_is_audited_once(web: Web) -> None:
    writes = [(op, m, p) for op, m, p in operations(web) if m not in READ_METHODS]
    assert {op for op, _, _ in writes} == set(WRITE_SUCCESS)
    secrets_seen = [PASSWORD]
    for operation, method, _ in writes:
        role, path, body = WRITE_SUCCESS[operation]
        client = web.as_role(role)
        before = len(audit_rows(web))
        answer = client.request(method.upper(), path, json=body)
        assert answer.status_code < 300, (operation, answer.text)
        if operation == "create_api_token":
            secrets_seen.append(answer.json()["token"])
        (row,) = audit_rows(web)[before:]
        assert row.event.action == operation
        assert row.event.outcome == "ok"
        # refused: a role the policy does not allow (anonymous for the signed-in routes), or
        # a wrong password for the login
        if operation == "login":
            refused_client, refused_body = (
                web.client(),
                {"username": "u-monitoring", "password": "no"},
            )
        else:
            outsider = next(r for r in (Role.LEADERSHIP, Role.PUBLIC) if r not in POLICY[operation])
            refused_client, refused_body = web.as_role(outsider), body
        before = len(audit_rows(web))
        answer = refused_client.request(method.upper(), path, json=refused_body)
        assert answer.status_code in (401, 403)
        (row,) = audit_rows(web)[before:]
        assert row.event.outcome == "refused"
    for row in audit_rows(web):
        assert row.at.tzinfo is not None
        assert row.event.source_ip == "testclient"
        assert "role" in row.event.detail
        text = json.dumps([row.event.actor, row.event.object_id, dict(row.event.detail)])
        assert not any(secret in text for secret in secrets_seen)


# --- A10: audit chain, read by the audit administrator only ------------------------------------


def test_audit_administrator_reads_and_verifies_the_chain(web: Web) -> None:
    web.signed_in(USERS[Role.MONITORING])
    auditor = web.signed_in(USERS[Role.AUDIT_ADMINISTRATOR])
    first = auditor.get("/api/v1/audit", params={"limit": 1}).json()
    assert [row["action"] for row in first["items"]] == ["login"]
    rest = auditor.get("/api/v1/audit", params={"after_id": first["next_offset"]}).json()
    assert [row["id"] for row in rest["items"]] == [2]
    chain = auditor.get("/api/v1/audit/verification").json()
    assert chain == {"rows": 2, "ok": True, "first_bad_id": None, "reason": None}


# --- A14: errors and configuration --------------------------------------------------------------


def test_unexpected_error_answers_a_generic_body(web: Web) -> None:
    def fail() -> None:
        raise RuntimeError("SELECT password_hash FROM users")

    web.app.add_api_route("/api/v1/failing", fail)
    answer = web.client().get("/api/v1/failing")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": {"code": "internal_error", "message": "internal error", "field": None}
    }


# --- A11 (part): control characters never reach storage or the audit log -----------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/sites/AQ%0001", {}, "path"),
        ("/api/v1/sites", {"kind": "air_station\r\nforged"}, "kind"),
        (
            "/api/v1/aqi/daily",
            {"from": "2026-06-01", "to": "2026-06-01", "site": "A\x1b[31m"},
            "site",
        ),
    ],
)
def test_control_characters_in_path_or_query_are_refused(
    web: Web, path: str, params: dict[str, str], field: str
) -> None:
    before = len(audit_rows(web))
    answer = web.client().get(path, params=params)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field
    assert len(audit_rows(web)) == before


def test_login_name_with_line_breaks_is_refused(web: Web) -> None:
    answer = web.client().post(
        "/api/v1/session", json={"username": "u-monitoring\r\nadmin login ok", "password": "x"}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "username"


def test_expired_cookie_still_reaches_public_pages_and_login(web: Web) -> None:
    client = web.signed_in(USERS[Role.MONITORING])
    web.clock.advance(dt.timedelta(hours=1))
    assert client.get("/api/v1/outlets").status_code == 401
    assert client.get("/").status_code == 200
    assert login(client, USERS[Role.MONITORING], PASSWORD) == 200
    assert client.get("/api/v1/session").status_code == 200
