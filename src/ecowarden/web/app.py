"""The FastAPI application: REST API under ``/api/v1`` (docs/web.md, decision 0011)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from ecowarden import __version__
from ecowarden.store.database import Store
from ecowarden.web import account_routes, dashboard, data_routes
from ecowarden.web.accounts import AccountRepository, InMemoryAccounts, LoginPolicy
from ecowarden.web.authentication import Authenticator, Clock, utc_now
from ecowarden.web.errors import install_error_handlers
from ecowarden.web.limits import BodySizeLimit
from ecowarden.web.schemas import ErrorBody
from ecowarden.web.settings import WebSettings

OPENAPI_PATH = "/api/v1/openapi.json"
_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "Sign-in required or session expired"),
        (403, "Not allowed for this role"),
        (404, "Not found (also another enterprise's object)"),
        (413, "Request body too large"),
        (422, "Invalid input; `field` names it"),
        (429, "Too many failed logins from this address"),
    )
}


def _operation_id(route: APIRoute) -> str:
    return route.name


@asynccontextmanager
async def _closing_own_store(app: FastAPI) -> AsyncIterator[None]:
    """Close the store at shutdown when the application opened it."""
    yield
    if app.state.owns_store:
        app.state.store.close()


def create_app(
    settings: WebSettings,
    *,
    store: Store | None = None,
    accounts: AccountRepository | None = None,
    login_policy: LoginPolicy | None = None,
    clock: Clock = utc_now,
) -> FastAPI:
    """The web application over ``store`` (default: opened from ``settings.database_url``).

    Parameters
    ----------
    settings
        :class:`~ecowarden.web.settings.WebSettings`.
    store
        An open store; the application does not close a store it was given.
    accounts
        Where users and sessions are kept; default: in memory (migration 0005 pending).
    login_policy
        Lockout, throttling and session lifetimes (reliability-security.md §6.2 defaults).
    clock
        The authenticator's clock (tests move it to expire sessions).
    """
    app = FastAPI(
        title="ecowarden",
        version=__version__,
        description="县级生态环境局监测、监管与管理平台 API / county eco-environment bureau API",
        openapi_url=OPENAPI_PATH if settings.docs_public else None,
        docs_url="/api/v1/docs" if settings.docs_public else None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        responses=_ERROR_RESPONSES,
        lifespan=_closing_own_store,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.owns_store = store is None
    app.state.store = store if store is not None else Store.open(settings.database_url)
    app.state.authenticator = Authenticator(
        accounts if accounts is not None else InMemoryAccounts(),
        secret_key=settings.secret_key,
        profile=settings.password_profile,
        policy=login_policy,
        clock=clock,
    )
    install_error_handlers(app)
    app.include_router(data_routes.router)
    app.include_router(account_routes.router)
    app.include_router(dashboard.router)
    if dashboard.VENDOR_DIRECTORY.is_dir():
        # only the two libraries' dist folders are served, never the rest of node_modules
        for library in ("echarts", "leaflet"):
            app.mount(
                f"/static/vendor/{library}/dist",
                StaticFiles(directory=dashboard.VENDOR_DIRECTORY / library / "dist"),
                name=f"vendor_{library}",
            )
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    return app
