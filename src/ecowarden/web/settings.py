"""Settings of the web platform, read from the environment (docs/web.md lists every variable)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ecowarden.errors import ValidationError
from ecowarden.store.engine import DATABASE_URL_VARIABLE
from ecowarden.web.passwords import PasswordProfile, parse_password_profile

SECRET_KEY_VARIABLE: Final = "ECOWARDEN_SECRET_KEY"
PASSWORD_PROFILE_VARIABLE: Final = "ECOWARDEN_PASSWORD_PROFILE"
TILE_URL_VARIABLE: Final = "ECOWARDEN_TILE_URL"
DOCS_PUBLIC_VARIABLE: Final = "ECOWARDEN_API_DOCS_PUBLIC"
SECURE_COOKIES_VARIABLE: Final = "ECOWARDEN_SECURE_COOKIES"
#: A secret key shorter than 32 bytes (256 bits) is refused: it signs nothing guessable.
MIN_SECRET_KEY_LENGTH: Final = 32
_TRUE: Final = ("1", "true", "yes", "on")
_FALSE: Final = ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What the web application needs to run.

    Attributes
    ----------
    database_url
        The store's URL; None: ``$ECOWARDEN_DATABASE_URL``, else ``sqlite:///ecowarden.db``.
    secret_key
        Server secret (≥ 32 characters); keys the hashes of session and API tokens.
    password_profile
        ``dengbao`` (GB/T 22239 evaluator practice, default) or ``asvs`` (OWASP ASVS 5.0),
        reliability-security.md §6.2.
    tile_url
        Base-map tile URL template (``https://tiles.example/{z}/{x}/{y}.png``); None: the map
        shows the sites without a base map (offline intranets).
    docs_public
        Serve the OpenAPI document and /docs (off in production: reliability-security.md A14).
    secure_cookies
        Mark the session cookie ``Secure`` (HTTPS only); off only for local tests over HTTP.
    default_page_size, max_page_size
        Page size when ``limit`` is not given, and the cap a larger ``limit`` is clamped to.
    max_body_bytes
        Largest request body accepted [byte]; larger requests answer 413.
    """

    database_url: str | None = None
    secret_key: str = ""
    password_profile: PasswordProfile = PasswordProfile.DENGBAO
    tile_url: str | None = None
    docs_public: bool = False
    secure_cookies: bool = True
    default_page_size: int = 100
    max_page_size: int = 1000
    max_body_bytes: int = 1_048_576

    def __post_init__(self) -> None:
        if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ValidationError(
                f"secret key has {len(self.secret_key)} characters; "
                f"at least {MIN_SECRET_KEY_LENGTH} are required ({SECRET_KEY_VARIABLE})"
            )
        object.__setattr__(self, "password_profile", PasswordProfile(self.password_profile))
        if not 1 <= self.default_page_size <= self.max_page_size:
            raise ValidationError(
                f"default page size {self.default_page_size} is not 1…{self.max_page_size}"
            )
        if self.max_body_bytes < 1:
            raise ValidationError(f"max body bytes {self.max_body_bytes} is not positive")


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    text = environ.get(name)
    if text is None or not text.strip():
        return default
    if text.strip().lower() in _TRUE:
        return True
    if text.strip().lower() in _FALSE:
        return False
    raise ValidationError(f"{name}={text!r} is not one of {_TRUE + _FALSE}")


def settings_from_environment(
    environ: Mapping[str, str] | None = None, *, database_url: str | None = None
) -> WebSettings:
    """Settings from environment variables (``os.environ`` by default).

    Without ``ECOWARDEN_SECRET_KEY`` a random key is drawn for this process: sessions and API
    tokens then do not survive a restart, which is safe but inconvenient.
    """
    source = os.environ if environ is None else environ
    return WebSettings(
        database_url=database_url or source.get(DATABASE_URL_VARIABLE) or None,
        secret_key=source.get(SECRET_KEY_VARIABLE) or secrets.token_urlsafe(48),
        password_profile=parse_password_profile(
            source.get(PASSWORD_PROFILE_VARIABLE) or PasswordProfile.DENGBAO.value
        ),
        tile_url=source.get(TILE_URL_VARIABLE) or None,
        docs_public=_flag(source, DOCS_PUBLIC_VARIABLE, False),
        secure_cookies=_flag(source, SECURE_COOKIES_VARIABLE, True),
    )
