"""The declared access policy: which roles may call which route (reliability-security.md §6.1,
ASVS 5.0 8.1.1–8.2.1).

Routes are named by their operation name (the OpenAPI ``operationId``). A route missing from
:data:`POLICY` is refused to everyone (deny by default); tests compare the role × route matrix
observed through the application with this table. Enterprise users additionally see only their
own enterprise's objects (object-level checks in the routes: another enterprise's object answers
exactly like a missing one).
"""

from __future__ import annotations

from typing import Final

from ecowarden.web.accounts import Role

EVERYONE: Final = frozenset(Role)
SIGNED_IN: Final = EVERYONE - {Role.PUBLIC}
#: Bureau staff who read monitoring and registry data (leadership read-only: no write routes).
BUREAU_READERS: Final = frozenset(
    {Role.MONITORING, Role.ENFORCEMENT, Role.PERMITS, Role.COMPLAINTS, Role.LEADERSHIP}
)
#: Bureau readers and enterprise users (scoped to their own enterprise).
REGISTRY_READERS: Final = BUREAU_READERS | {Role.ENTERPRISE}

#: Route (operation name) → roles allowed. Public data: ambient sites, parameters, published
#: assessments and daily AQI. The system administrator manages accounts and reads no audit
#: record (§6.1); only the audit administrator reads the audit log.
POLICY: Final[dict[str, frozenset[Role]]] = {
    # public data
    "health": EVERYONE,
    "list_sites": EVERYONE,
    "get_site": EVERYONE,
    "list_parameters": EVERYONE,
    "assess_air": EVERYONE,
    "assess_water": EVERYONE,
    "assess_noise": EVERYONE,
    "daily_aqi": EVERYONE,
    # registry and monitoring data
    "list_enterprises": REGISTRY_READERS,
    "get_enterprise": REGISTRY_READERS,
    "list_outlets": REGISTRY_READERS,
    "get_outlet": REGISTRY_READERS,
    "list_devices": REGISTRY_READERS,
    "get_device": REGISTRY_READERS,
    "list_readings": REGISTRY_READERS,
    # sessions and tokens
    "login": EVERYONE,
    "current_session": SIGNED_IN,
    "logout": SIGNED_IN,
    "change_password": SIGNED_IN,
    "create_api_token": SIGNED_IN,
    # accounts
    "list_users": frozenset({Role.ADMINISTRATOR}),
    "add_user": frozenset({Role.ADMINISTRATOR}),
    "disable_user": frozenset({Role.ADMINISTRATOR}),
    "unlock_user": frozenset({Role.ADMINISTRATOR}),
    # dashboard pages (not in the OpenAPI document)
    "page_overview": EVERYONE,
    "page_air": EVERYONE,
    "page_water": EVERYONE,
    "page_noise": EVERYONE,
    "page_login": EVERYONE,
    "page_enterprises": REGISTRY_READERS,
    # audit log
    "read_audit": frozenset({Role.AUDIT_ADMINISTRATOR}),
    "verify_audit": frozenset({Role.AUDIT_ADMINISTRATOR}),
}

#: Routes a user whose password must change may still call (forced change at first login and
#: after expiry, 等保 访问控制 a–c).
PASSWORD_CHANGE_ROUTES: Final = frozenset({"current_session", "logout", "change_password"})


def allowed(route: str, role: Role) -> bool:
    """``role`` may call ``route`` (False for a route the table does not name)."""
    return role in POLICY.get(route, frozenset())
