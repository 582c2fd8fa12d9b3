"""Web platform: FastAPI REST API over the store, accounts, access policy and audit
(DESIGN §3; docs/web.md; decision 0011)."""

from ecowarden.web.app import create_app
from ecowarden.web.settings import WebSettings, settings_from_environment

__all__ = ["WebSettings", "create_app", "settings_from_environment"]
