"""Who is calling, and may they: the one dependency every route runs (reliability-security.md
§6.1, A2), the CSRF check of cookie sessions, and the audit rows of writes and refusals (A9).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Final

from fastapi import Request
from starlette.routing import Route

from ecowarden.store.audit import AuditEvent, AuditOutcome
from ecowarden.store.database import Store
from ecowarden.web.accounts import ANONYMOUS, Principal
from ecowarden.web.authentication import Authenticator
from ecowarden.web.errors import ApiError
from ecowarden.web.policy import PASSWORD_CHANGE_ROUTES, allowed

SESSION_COOKIE: Final = "ecowarden_session"
CSRF_HEADER: Final = "x-csrf-token"
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def source_address(request: Request) -> str:
    """The client's address as the server sees it (a proxy must be configured to pass it)."""
    return request.client.host if request.client is not None else "unknown"


def _credentials(request: Request) -> tuple[str | None, bool]:
    """The token presented and whether it came in the session cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def record(
    request: Request,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: str | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.OK,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Append one audit row in a transaction of its own. A failure propagates: the request
    fails rather than going unaudited (fail closed, 等保 安全审计 d)."""
    store: Store = request.app.state.store
    full_detail = {"role": principal.role.value, **(detail or {})}
    with store.transaction() as transaction:
        transaction.audit.append(
            AuditEvent(
                actor=principal.actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                outcome=outcome,
                detail=full_detail,
                source_ip=source_address(request),
            )
        )


def _refuse(request: Request, principal: Principal, route: str, error: ApiError) -> ApiError:
    record(
        request,
        principal,
        route,
        "route",
        request.url.path,
        outcome=AuditOutcome.REFUSED,
        detail={"method": request.method, "status": error.status, "reason": error.code},
    )
    return error


def _refuse_control_characters(request: Request) -> None:
    """Refuse control characters in the path and query (NUL cannot be stored in PostgreSQL
    text, CR/LF would forge audit lines: A11) before anything reads or records them."""
    items = [("path", request.url.path), *request.query_params.multi_items()]
    for name, value in items:
        if _CONTROL.search(value) or _CONTROL.search(name):
            raise ApiError(422, f"{name}: control characters are not allowed", field=name)


def authorise(request: Request) -> Principal:
    """The caller, checked against the policy table for the route being called.

    401 without valid credentials on a route the public may not call; 403 for a signed-in
    role the table does not allow, or a cookie session's unsafe request without its CSRF
    token. Every refusal is audited.
    """
    _refuse_control_characters(request)
    route = request.scope.get("route")
    name = route.name if isinstance(route, Route) else ""
    authenticator: Authenticator = request.app.state.authenticator
    token, from_cookie = _credentials(request)
    principal = ANONYMOUS
    if token is not None:
        found = authenticator.authenticate(token)
        if found is not None:
            principal = found
        elif not allowed(name, ANONYMOUS.role):
            raise _refuse(
                request, ANONYMOUS, name, ApiError(401, "session expired or token not valid")
            )
        # else: an expired cookie still lets its holder see public pages and sign in again
    if not allowed(name, principal.role):
        if principal is ANONYMOUS:
            raise _refuse(request, principal, name, ApiError(401, "sign-in required"))
        raise _refuse(request, principal, name, ApiError(403, "not allowed for this role"))
    if principal.password_change_required and name not in PASSWORD_CHANGE_ROUTES:
        raise _refuse(
            request,
            principal,
            name,
            ApiError(403, "the password must be changed first", code="password_change_required"),
        )
    if from_cookie and request.method not in _SAFE_METHODS and principal.session is not None:
        presented = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(presented, principal.session.csrf_token):
            raise _refuse(
                request,
                principal,
                name,
                ApiError(403, "CSRF token missing or wrong", field=CSRF_HEADER, code="csrf"),
            )
    return principal
