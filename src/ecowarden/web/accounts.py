"""Users, roles, sessions and API tokens (reliability-security.md §6.1, §6.2).

The records live behind :class:`AccountRepository`. This increment ships the in-memory
repository only: the users and sessions tables wait for migration 0005 (docs/decisions/0011),
so accounts do not survive a restart yet.

Session and API tokens are 256-bit random strings (ASVS 5.0 7.2.3: ≥ 128 bits); only their
HMAC-SHA-256 under the server's secret key is kept, so a leaked repository yields no token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final, Protocol

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.uscc import validate_credit_code

_USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9_.-]{1,63}")
TOKEN_BYTES: Final = 32


class Role(StrEnum):
    """Roles of §6.1 and DESIGN §1; the values are written in the policy table and tokens."""

    ADMINISTRATOR = "administrator"
    AUDIT_ADMINISTRATOR = "audit_administrator"
    MONITORING = "monitoring"
    ENFORCEMENT = "enforcement"
    PERMITS = "permits"
    COMPLAINTS = "complaints"
    LEADERSHIP = "leadership"
    ENTERPRISE = "enterprise"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        """The Chinese name of the role."""
        return ROLE_LABELS[self]


ROLE_LABELS: Final = {
    Role.ADMINISTRATOR: "系统管理员",
    Role.AUDIT_ADMINISTRATOR: "审计管理员",
    Role.MONITORING: "监测人员",
    Role.ENFORCEMENT: "执法人员",
    Role.PERMITS: "许可人员",
    Role.COMPLAINTS: "信访人员",
    Role.LEADERSHIP: "领导",
    Role.ENTERPRISE: "企业用户",
    Role.PUBLIC: "公众",
}


def parse_role(name: str) -> Role:
    """The role called ``name``; an unknown name raises listing the valid ones."""
    try:
        return Role(name)
    except ValueError:
        raise UnknownNameError("role", name, [role.value for role in Role]) from None


def check_username(username: str) -> None:
    """Refuse a user name outside ``[a-z0-9][a-z0-9_.-]{1,63}`` (no control characters, A11)."""
    if not _USERNAME.fullmatch(username):
        raise ValidationError(
            f"user name {username!r} is not 2–64 of a-z 0-9 _ . - starting with a letter or digit"
        )


@dataclass(frozen=True, slots=True)
class User:
    """An account. ``enterprise`` is the credit code an enterprise user is scoped to."""

    username: str
    role: Role
    password_hash: str
    password_changed_at: dt.datetime
    enterprise: str | None = None
    disabled: bool = False
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: dt.datetime | None = None

    def __post_init__(self) -> None:
        check_username(self.username)
        object.__setattr__(self, "role", parse_role(self.role))
        if self.role is Role.PUBLIC:
            raise ValidationError(f"user {self.username}: role public is the anonymous visitor")
        if (self.role is Role.ENTERPRISE) != (self.enterprise is not None):
            raise ValidationError(
                f"user {self.username}: an enterprise is set exactly for role enterprise"
            )
        if self.enterprise is not None:
            validate_credit_code(self.enterprise)


@dataclass(frozen=True, slots=True)
class Session:
    """A login session (cookie) or an API token (bearer): who, since when, last seen."""

    token_digest: str
    username: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    csrf_token: str = ""
    api_token: bool = False
    name: str = ""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request: a user (with the session they use), or the anonymous public.

    ``password_change_required``: the password expired or was set by an administrator; until
    it is changed only the routes of ``policy.PASSWORD_CHANGE_ROUTES`` answer.
    """

    role: Role
    username: str | None = None
    enterprise: str | None = None
    session: Session | None = None
    password_change_required: bool = False

    @property
    def actor(self) -> str:
        """The audit actor: ``user:<name>`` or ``anonymous``."""
        return "anonymous" if self.username is None else f"user:{self.username}"


ANONYMOUS: Final = Principal(Role.PUBLIC)


class AccountRepository(Protocol):
    """Where users and sessions are kept."""

    def user(self, username: str) -> User | None:
        """The user called ``username``, if any."""
        ...

    def users(self) -> list[User]:
        """Every user, by name."""
        ...

    def save_user(self, user: User) -> None:
        """Create or replace a user by name."""
        ...

    def session(self, token_digest: str) -> Session | None:
        """The session or API token with this digest, if any."""
        ...

    def save_session(self, session: Session) -> None:
        """Create or replace a session by digest."""
        ...

    def delete_session(self, token_digest: str) -> None:
        """End one session (no error when it is gone already)."""
        ...

    def delete_sessions_of(self, username: str) -> int:
        """End every session and API token of a user; how many were ended."""
        ...


@dataclass
class InMemoryAccounts:
    """Accounts in process memory (tests, and the web app until migration 0005 exists)."""

    _users: dict[str, User] = field(default_factory=dict)
    _sessions: dict[str, Session] = field(default_factory=dict)

    def user(self, username: str) -> User | None:
        """The user called ``username``, if any."""
        return self._users.get(username)

    def users(self) -> list[User]:
        """Every user, by name."""
        return [self._users[name] for name in sorted(self._users)]

    def save_user(self, user: User) -> None:
        """Create or replace a user by name."""
        self._users[user.username] = user

    def session(self, token_digest: str) -> Session | None:
        """The session or API token with this digest, if any."""
        return self._sessions.get(token_digest)

    def save_session(self, session: Session) -> None:
        """Create or replace a session by digest."""
        self._sessions[session.token_digest] = session

    def delete_session(self, token_digest: str) -> None:
        """End one session."""
        self._sessions.pop(token_digest, None)

    def delete_sessions_of(self, username: str) -> int:
        """End every session and API token of ``username``."""
        gone = [key for key, value in self._sessions.items() if value.username == username]
        for key in gone:
            del self._sessions[key]
        return len(gone)


def new_token() -> str:
    """A fresh 256-bit random token, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(secret_key: str, token: str) -> str:
    """HMAC-SHA-256 of ``token`` under the server's secret key (hex): what is stored."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def with_failed_login(user: User, now: dt.datetime, policy: LoginPolicy) -> User:
    """``user`` after one more failed login: locked for ``policy.lock`` at the limit."""
    failures = user.failed_logins + 1
    if failures >= policy.max_failures:
        return replace(user, failed_logins=0, locked_until=now + policy.lock)
    return replace(user, failed_logins=failures)


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """Login failure handling (登录失败处理; ASVS 5.0 6.3.1), reliability-security.md §6.2.

    Attributes
    ----------
    max_failures
        Consecutive failures that lock an account (5, evaluator practice [unconfirmed]).
    lock
        How long a locked account refuses every password, the right one too (15 min).
    ip_failures, ip_window
        Failures from one address within the window before that address is throttled (429);
        20 per 15 min lets a typo-prone office share one NAT address.
    idle, absolute
        Session idle timeout (30 min) and absolute lifetime (12 h), ASVS 4.0.3 3.3.2.
    api_token_lifetime
        Lifetime of a bearer API token (no idle timeout: machines call at long intervals).
    """

    max_failures: int = 5
    lock: dt.timedelta = dt.timedelta(minutes=15)
    ip_failures: int = 20
    ip_window: dt.timedelta = dt.timedelta(minutes=15)
    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    api_token_lifetime: dt.timedelta = dt.timedelta(days=90)
