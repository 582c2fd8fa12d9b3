"""Logins, lockout, per-address throttling, sessions and API tokens (reliability-security.md
§6.2; tests A5, A7).

Every decision here is returned, never logged: the web layer writes the audit row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from ecowarden.errors import EcowardenError, ValidationError
from ecowarden.web.accounts import (
    AccountRepository,
    LoginPolicy,
    Principal,
    Role,
    Session,
    User,
    new_token,
    token_digest,
    with_failed_login,
)
from ecowarden.web.passwords import (
    PasswordProfile,
    check_password,
    hash_password,
    password_expired,
    password_matches,
)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current instant, UTC."""
    return dt.datetime.now(dt.UTC)


class LoginRefusal(StrEnum):
    """Why a login was refused (audited; the client sees one generic message)."""

    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DISABLED = "disabled"
    THROTTLED = "throttled"


class LoginRefused(EcowardenError):
    """A refused login; ``retry_after_s`` is set for a throttled address."""

    def __init__(self, reason: LoginRefusal, username: str, retry_after_s: int | None = None):
        super().__init__(f"login of {username!r} refused: {reason.value}")
        self.reason = reason
        self.username = username
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Login:
    """A successful login: the new session's token (sent once) and whether the password must
    be changed before anything else (expired under ``dengbao``, or set by an administrator)."""

    token: str
    session: Session
    user: User
    must_change_password: bool


# Verified against when the user does not exist, so an unknown name costs the same time as a
# wrong password (no user enumeration by timing).
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class Authenticator:
    """Account operations over a repository, with a clock that tests can move."""

    def __init__(
        self,
        accounts: AccountRepository,
        *,
        secret_key: str,
        profile: PasswordProfile,
        policy: LoginPolicy | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.accounts = accounts
        self.profile = profile
        self.policy = policy or LoginPolicy()
        self._secret_key = secret_key
        self._clock = clock
        self._failures_by_address: dict[str, deque[dt.datetime]] = {}

    def now(self) -> dt.datetime:
        """The authenticator's clock."""
        return self._clock()

    # -- users --------------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        role: Role,
        password: str,
        *,
        enterprise: str | None = None,
        must_change_password: bool = True,
    ) -> User:
        """Create a user; the password must satisfy the profile (§6.2).

        Raises
        ------
        ValidationError
            For a taken name, a bad name, role/enterprise mismatch or a weak password.
        """
        if self.accounts.user(username) is not None:
            raise ValidationError(f"user {username!r} exists already")
        check_password(password, self.profile, username=username)
        user = User(
            username=username,
            role=role,
            password_hash=hash_password(password),
            password_changed_at=self.now(),
            enterprise=enterprise,
            must_change_password=must_change_password,
        )
        self.accounts.save_user(user)
        return user

    def _existing(self, username: str) -> User:
        user = self.accounts.user(username)
        if user is None:
            raise ValidationError(f"user {username!r} does not exist")
        return user

    def change_password(self, username: str, new_password: str) -> User:
        """Set a new password (the caller has re-authenticated, ASVS 7.5.1); every other
        session of the user ends."""
        user = self._existing(username)
        check_password(new_password, self.profile, username=username)
        if password_matches(user.password_hash, new_password):
            raise ValidationError("the new password is the current one")
        changed = replace(
            user,
            password_hash=hash_password(new_password),
            password_changed_at=self.now(),
            must_change_password=False,
        )
        self.accounts.save_user(changed)
        self.accounts.delete_sessions_of(username)
        return changed

    def disable_user(self, username: str) -> int:
        """Disable a user and end all their sessions and tokens (ASVS 7.4.2); how many ended."""
        self.accounts.save_user(replace(self._existing(username), disabled=True))
        return self.accounts.delete_sessions_of(username)

    def unlock_user(self, username: str) -> User:
        """Lift a lockout (administrator action, audited by the caller)."""
        user = replace(self._existing(username), failed_logins=0, locked_until=None)
        self.accounts.save_user(user)
        return user

    # -- logins -------------------------------------------------------------------------------

    def _throttled_for(self, address: str, now: dt.datetime) -> int | None:
        failures = self._failures_by_address.get(address)
        if failures is None:
            return None
        while failures and now - failures[0] >= self.policy.ip_window:
            failures.popleft()
        if len(failures) < self.policy.ip_failures:
            return None
        return max(1, int((failures[0] + self.policy.ip_window - now).total_seconds()) + 1)

    def _failed(self, address: str, now: dt.datetime) -> None:
        self._failures_by_address.setdefault(address, deque()).append(now)

    def login(self, username: str, password: str, address: str) -> Login:
        """Check a password and open a session with a new token (ASVS 7.2.4).

        Raises
        ------
        LoginRefused
            Throttled address (before any check), unknown user or wrong password, locked or
            disabled account. A locked account refuses the right password too.
        """
        now = self.now()
        retry_after = self._throttled_for(address, now)
        if retry_after is not None:
            raise LoginRefused(LoginRefusal.THROTTLED, username, retry_after)
        user = self.accounts.user(username)
        if user is None:
            password_matches(_DUMMY_HASH, password)
            self._failed(address, now)
            raise LoginRefused(LoginRefusal.BAD_CREDENTIALS, username)
        if user.locked_until is not None and now < user.locked_until:
            self._failed(address, now)
            raise LoginRefused(LoginRefusal.LOCKED, username)
        if not password_matches(user.password_hash, password):
            self._failed(address, now)
            self.accounts.save_user(with_failed_login(user, now, self.policy))
            raise LoginRefused(LoginRefusal.BAD_CREDENTIALS, username)
        if user.disabled:
            self._failed(address, now)
            raise LoginRefused(LoginRefusal.DISABLED, username)
        user = replace(user, failed_logins=0, locked_until=None)
        self.accounts.save_user(user)
        token = new_token()
        session = Session(
            token_digest=token_digest(self._secret_key, token),
            username=username,
            created_at=now,
            last_seen_at=now,
            csrf_token=new_token(),
        )
        self.accounts.save_session(session)
        must_change = user.must_change_password or password_expired(
            self.profile, user.password_changed_at, now
        )
        return Login(token, session, user, must_change)

    def create_api_token(self, username: str, name: str) -> tuple[str, Session]:
        """A bearer token for ``username`` (shown once; only its digest is kept)."""
        user = self._existing(username)
        if user.disabled:
            raise ValidationError(f"user {username!r} is disabled")
        now = self.now()
        token = new_token()
        session = Session(
            token_digest=token_digest(self._secret_key, token),
            username=username,
            created_at=now,
            last_seen_at=now,
            api_token=True,
            name=name,
        )
        self.accounts.save_session(session)
        return token, session

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a session or API token; None when unknown, expired (idle or
        absolute, ASVS 7.3.1–7.3.2), or its user is disabled. A live session's idle clock
        restarts."""
        digest = token_digest(self._secret_key, token)
        session = self.accounts.session(digest)
        if session is None:
            return None
        now = self.now()
        if session.api_token:
            expired = now - session.created_at >= self.policy.api_token_lifetime
        else:
            expired = (
                now - session.last_seen_at >= self.policy.idle
                or now - session.created_at >= self.policy.absolute
            )
        user = self.accounts.user(session.username)
        if expired or user is None or user.disabled:
            self.accounts.delete_session(digest)
            return None
        session = replace(session, last_seen_at=now)
        self.accounts.save_session(session)
        change_required = user.must_change_password or password_expired(
            self.profile, user.password_changed_at, now
        )
        return Principal(user.role, user.username, user.enterprise, session, change_required)

    def logout(self, session: Session) -> None:
        """End the session on the server (ASVS 7.4.1)."""
        self.accounts.delete_session(session.token_digest)
