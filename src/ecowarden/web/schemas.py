"""Request and response bodies of the REST API (pydantic models: the OpenAPI document).

Request bodies forbid unknown fields, so a client cannot slip ``role`` or ``enterprise`` into
a body that does not take them (mass assignment, reliability-security.md A3). Response models
list every field a client may see: a device never carries its password hash.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Item = TypeVar("Item")
#: No control characters: they cannot be stored (NUL) or would forge log lines (A11).
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str
    message: str
    field: str | None


class ErrorBody(BaseModel):
    """Every error response."""

    error: ErrorDetail


class Page(BaseModel, Generic[Item]):
    """One page of a list: ``next_offset`` is None on the last page."""

    items: list[Item]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class SiteOut(BaseModel):
    """A monitoring site (WGS-84 coordinates [°])."""

    code: str
    name: str
    kind: str
    lon: float
    lat: float
    noise_zone: str | None
    water_body: str | None
    target_class: str | None


class ParameterOut(BaseModel):
    """A monitoring parameter of the HJ 212-2017 vocabulary."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    medium: str


class EnterpriseOut(BaseModel):
    """An enterprise (排污单位)."""

    credit_code: str
    name: str
    management_category: str
    industry: str | None
    address: str | None


class LimitOut(BaseModel):
    """An emission limit of an outlet, in ``unit``."""

    parameter: str
    limit: float
    unit: str
    averaging: str
    reference_o2_pct: float | None
    lower_limit: float | None


class OutletOut(BaseModel):
    """An outlet with its enterprise and emission limits."""

    code: str
    name: str
    enterprise: str
    medium: str | None
    lon: float
    lat: float
    limits: list[LimitOut]


class DeviceOut(BaseModel):
    """A data logger: its MN and the site it reports for (never its password hash)."""

    mn: str
    site: str


class ReadingOut(BaseModel):
    """A reading's current value (``value`` null: reported without a value)."""

    site: str
    parameter: str
    period: str
    start: dt.datetime
    value: float | None
    flag: str


class AqiDayOut(BaseModel):
    """A day's AQI from the materialised table (station, or the county when ``site`` is
    null)."""

    day: dt.date
    site: str | None
    standard: str
    aqi: int | None
    aqi_from_available: int | None
    category: int | None
    primary_pollutants: list[str]
    publishable: bool
    valid_day: bool
    missing_items: list[str]


class LoginIn(BaseModel):
    """A login."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64, pattern=PRINTABLE)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    """The signed-in user; ``csrf_token`` goes in the X-CSRF-Token header of writes made
    with the session cookie."""

    username: str
    role: str
    enterprise: str | None
    csrf_token: str
    password_change_required: bool


class PasswordChangeIn(BaseModel):
    """A password change: the current password re-authenticates (ASVS 5.0 7.5.1)."""

    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class TokenIn(BaseModel):
    """A new API token's label."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=PRINTABLE)


class TokenOut(BaseModel):
    """A new API token: shown once, only its digest is kept."""

    token: str
    name: str
    created_at: dt.datetime


class NewUserIn(BaseModel):
    """An account to create; the password is initial and must be changed at first login."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64, pattern=PRINTABLE)
    role: str
    password: str = Field(min_length=1, max_length=1024)
    enterprise: str | None = None


class UserOut(BaseModel):
    """An account (never its password hash)."""

    username: str
    role: str
    enterprise: str | None
    disabled: bool
    must_change_password: bool
    locked: bool


class AuditRecordOut(BaseModel):
    """An audit row (UTC time)."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    outcome: str
    source_ip: str | None
    detail: dict[str, object]
    prev_hash: str
    row_hash: str


class ChainOut(BaseModel):
    """The audit chain check: rows checked, first failing row."""

    rows: int
    ok: bool
    first_bad_id: int | None
    reason: str | None


class HealthOut(BaseModel):
    """Liveness."""

    status: str
    version: str
