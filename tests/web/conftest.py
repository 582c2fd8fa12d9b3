"""Web fixtures: the county of ``web_county`` in the store, one user per role, and the
application built over them with a fake clock."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from web_county import (
    ENTERPRISE_A,
    ENTERPRISE_B,
    ENTERPRISE_B_USER,
    PASSWORD,
    SECRET_KEY,
    USERS,
    FakeClock,
    Web,
    seed_county,
    settings,
)

from ecowarden.store import Store
from ecowarden.web import create_app
from ecowarden.web.accounts import InMemoryAccounts, LoginPolicy, Role
from ecowarden.web.authentication import Authenticator
from ecowarden.web.passwords import PasswordProfile


@pytest.fixture(scope="session")
def prepared_accounts() -> InMemoryAccounts:
    """Users of every role, hashed once per test session (Argon2id is slow on purpose)."""
    accounts = InMemoryAccounts()
    authenticator = Authenticator(
        accounts, secret_key=SECRET_KEY, profile=PasswordProfile.DENGBAO, clock=FakeClock()
    )
    for role, username in USERS.items():
        enterprise = ENTERPRISE_A if role is Role.ENTERPRISE else None
        authenticator.add_user(
            username, role, PASSWORD, enterprise=enterprise, must_change_password=False
        )
    authenticator.add_user(
        ENTERPRISE_B_USER,
        Role.ENTERPRISE,
        PASSWORD,
        enterprise=ENTERPRISE_B,
        must_change_password=False,
    )
    return accounts


@pytest.fixture
def county_store(store: Store) -> Store:
    seed_county(store)
    return store


@pytest.fixture
def web_factory(county_store: Store, prepared_accounts: InMemoryAccounts) -> Callable[..., Web]:
    """Build the application with settings changes and a login policy."""

    def build(policy: LoginPolicy | None = None, **changes: object) -> Web:
        accounts = copy.deepcopy(prepared_accounts)
        clock = FakeClock()
        app = create_app(
            settings(**changes),
            store=county_store,
            accounts=accounts,
            login_policy=policy,
            clock=clock,
        )
        return Web(app, county_store, accounts, clock)

    return build


@pytest.fixture
def web(web_factory: Callable[..., Web]) -> Web:
    return web_factory()
