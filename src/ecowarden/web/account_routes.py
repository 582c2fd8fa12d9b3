"""Session, token, account and audit routes of the REST API (reliability-security.md §6).

Every write is audited with its outcome; so is every refused login (A5, A9). Login failures
answer one generic message whatever the reason, so a caller cannot tell a locked account or an
unknown name from a wrong password.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from ecowarden.errors import EcowardenError
from ecowarden.store.audit import AuditOutcome
from ecowarden.store.database import Store
from ecowarden.web.access import SESSION_COOKIE, authorise, record, source_address
from ecowarden.web.accounts import ANONYMOUS, Principal, User, parse_role
from ecowarden.web.authentication import Authenticator, LoginRefusal, LoginRefused
from ecowarden.web.errors import ApiError, not_found
from ecowarden.web.passwords import password_matches
from ecowarden.web.schemas import (
    AuditRecordOut,
    ChainOut,
    LoginIn,
    NewUserIn,
    Page,
    PasswordChangeIn,
    SessionOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from ecowarden.web.settings import WebSettings

router = APIRouter(prefix="/api/v1", dependencies=[Depends(authorise)])
Caller = Annotated[Principal, Depends(authorise)]


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def _signed_in(principal: Principal) -> tuple[str, str]:
    """The user name and session digest of a signed-in caller (the policy admits no other)."""
    if principal.username is None or principal.session is None:
        raise ApiError(401, "sign-in required")
    return principal.username, principal.session.token_digest


def _user_out(user: User, authenticator: Authenticator) -> UserOut:
    locked = user.locked_until is not None and authenticator.now() < user.locked_until
    return UserOut(
        username=user.username,
        role=user.role.value,
        enterprise=user.enterprise,
        disabled=user.disabled,
        must_change_password=user.must_change_password,
        locked=locked,
    )


@router.post("/session", name="login", response_model=SessionOut)
def login(request: Request, response: Response, body: LoginIn) -> SessionOut:
    """Sign in: a new session token in an HttpOnly, SameSite=Strict cookie (ASVS 5.0 7.2.4)."""
    authenticator = _authenticator(request)
    settings: WebSettings = request.app.state.settings
    try:
        done = authenticator.login(body.username, body.password, source_address(request))
    except LoginRefused as refused:
        record(
            request,
            ANONYMOUS,
            "login",
            "user",
            body.username,
            outcome=AuditOutcome.REFUSED,
            detail={"reason": refused.reason.value},
        )
        if refused.reason is LoginRefusal.THROTTLED:
            raise ApiError(
                429,
                "too many failed logins from this address; try again later",
                headers={"Retry-After": str(refused.retry_after_s)},
            ) from None
        raise ApiError(401, "user name or password wrong, or account locked") from None
    principal = Principal(done.user.role, done.user.username, done.user.enterprise, done.session)
    record(request, principal, "login", "user", done.user.username)
    response.set_cookie(
        SESSION_COOKIE,
        done.token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return SessionOut(
        username=done.user.username,
        role=done.user.role.value,
        enterprise=done.user.enterprise,
        csrf_token=done.session.csrf_token,
        password_change_required=done.must_change_password,
    )


@router.get("/session", name="current_session", response_model=SessionOut)
def current_session(principal: Caller) -> SessionOut:
    """The signed-in user."""
    username, _ = _signed_in(principal)
    assert principal.session is not None
    return SessionOut(
        username=username,
        role=principal.role.value,
        enterprise=principal.enterprise,
        csrf_token=principal.session.csrf_token,
        password_change_required=principal.password_change_required,
    )


@router.delete("/session", name="logout", status_code=204)
def logout(request: Request, principal: Caller) -> Response:
    """Sign out: the session ends on the server (ASVS 5.0 7.4.1)."""
    username, _ = _signed_in(principal)
    assert principal.session is not None
    _authenticator(request).logout(principal.session)
    record(request, principal, "logout", "user", username)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/session/password", name="change_password", status_code=204)
def change_password(request: Request, principal: Caller, body: PasswordChangeIn) -> Response:
    """Change one's password; every session of the user ends (sign in again)."""
    username, _ = _signed_in(principal)
    authenticator = _authenticator(request)
    user = authenticator.accounts.user(username)
    if user is None or not password_matches(user.password_hash, body.current_password):
        record(
            request,
            principal,
            "change_password",
            "user",
            username,
            outcome=AuditOutcome.REFUSED,
            detail={"reason": "current password wrong"},
        )
        raise ApiError(403, "current password wrong", field="current_password")
    try:
        authenticator.change_password(username, body.new_password)
    except EcowardenError as error:
        record(
            request,
            principal,
            "change_password",
            "user",
            username,
            outcome=AuditOutcome.REFUSED,
            detail={"reason": "policy"},
        )
        raise ApiError(422, str(error), field="new_password") from None
    record(request, principal, "change_password", "user", username)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/tokens", name="create_api_token", response_model=TokenOut, status_code=201)
def create_api_token(request: Request, principal: Caller, body: TokenIn) -> TokenOut:
    """A bearer API token for the caller, with the caller's role and scope."""
    username, _ = _signed_in(principal)
    token, session = _authenticator(request).create_api_token(username, body.name)
    record(request, principal, "create_api_token", "api_token", body.name)
    return TokenOut(token=token, name=session.name, created_at=session.created_at)


@router.get("/users", name="list_users", response_model=Page[UserOut])
def list_users(request: Request) -> Page[UserOut]:
    """Every account (never a password hash)."""
    authenticator = _authenticator(request)
    users = [_user_out(user, authenticator) for user in authenticator.accounts.users()]
    return Page[UserOut](
        items=users, total=len(users), limit=len(users), offset=0, next_offset=None
    )


@router.post("/users", name="add_user", response_model=UserOut, status_code=201)
def add_user(request: Request, principal: Caller, body: NewUserIn) -> UserOut:
    """Create an account with an initial password to be changed at first login."""
    authenticator = _authenticator(request)
    try:
        role = parse_role(body.role)
        user = authenticator.add_user(
            body.username, role, body.password, enterprise=body.enterprise
        )
    except EcowardenError as error:
        record(
            request,
            principal,
            "add_user",
            "user",
            body.username,
            outcome=AuditOutcome.REFUSED,
            detail={"reason": "invalid"},
        )
        raise ApiError(422, str(error)) from None
    record(request, principal, "add_user", "user", user.username, detail={"new_role": role.value})
    return _user_out(user, authenticator)


def _existing(request: Request, username: str) -> User:
    user = _authenticator(request).accounts.user(username)
    if user is None:
        raise not_found("user", username, "username")
    return user


@router.post("/users/{username}/disable", name="disable_user", response_model=UserOut)
def disable_user(request: Request, principal: Caller, username: str) -> UserOut:
    """Disable an account; all its sessions and API tokens end (ASVS 5.0 7.4.2)."""
    _existing(request, username)
    authenticator = _authenticator(request)
    ended = authenticator.disable_user(username)
    record(request, principal, "disable_user", "user", username, detail={"sessions": ended})
    return _user_out(_existing(request, username), authenticator)


@router.post("/users/{username}/unlock", name="unlock_user", response_model=UserOut)
def unlock_user(request: Request, principal: Caller, username: str) -> UserOut:
    """Lift a lockout."""
    _existing(request, username)
    user = _authenticator(request).unlock_user(username)
    record(request, principal, "unlock_user", "user", username)
    return _user_out(user, _authenticator(request))


@router.get("/audit", name="read_audit", response_model=Page[AuditRecordOut])
def read_audit(
    request: Request,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Rows with a larger id.")] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> Page[AuditRecordOut]:
    """Audit rows, oldest first, after ``after_id`` (cursor paging)."""
    settings: WebSettings = request.app.state.settings
    size = min(limit or settings.default_page_size, settings.max_page_size)
    store: Store = request.app.state.store
    with store.snapshot() as snapshot:
        rows = snapshot.audit.records(after_id=after_id, limit=size + 1)
    items = [
        AuditRecordOut(
            id=row.id,
            at=row.at,
            actor=row.event.actor,
            action=row.event.action,
            object_type=row.event.object_type,
            object_id=row.event.object_id,
            outcome=row.event.outcome.value,
            source_ip=row.event.source_ip,
            detail=dict(row.event.detail),
            prev_hash=row.prev_hash,
            row_hash=row.row_hash,
        )
        for row in rows[:size]
    ]
    following = items[-1].id if len(rows) > size else None
    return Page[AuditRecordOut](
        items=items, total=len(items), limit=size, offset=after_id, next_offset=following
    )


@router.get("/audit/verification", name="verify_audit", response_model=ChainOut)
def verify_audit(request: Request) -> ChainOut:
    """Walk the hash chain; name the first row that fails (A10)."""
    store: Store = request.app.state.store
    with store.snapshot() as snapshot:
        result = snapshot.audit.verify()
    return ChainOut(
        rows=result.rows, ok=result.ok, first_bad_id=result.first_bad_id, reason=result.reason
    )
