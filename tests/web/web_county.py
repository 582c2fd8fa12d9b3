"""The web tests' county: two enterprises A and B with an outlet, a limit and a device each; an
air station with a day of hourly data and its daily AQI; users of every role; settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ecowarden.registry import (
    LOCAL_ZONE,
    Averaging,
    Device,
    EmissionLimit,
    Enterprise,
    Location,
    ManagementCategory,
    Period,
    Site,
    SiteKind,
)
from ecowarden.registry.sites import OutletMedium
from ecowarden.services.materialise import refresh_all
from ecowarden.services.series import AIR_PARAMETERS
from ecowarden.store import READING_COLUMNS, SourceKind, Store
from ecowarden.web import WebSettings
from ecowarden.web.accounts import InMemoryAccounts, Role

ENTERPRISE_A = "91350100M000100Y43"
ENTERPRISE_B = "91110000600037341L"
OUTLET_A = "DA001"
OUTLET_B = "DB001"
DEVICE_A = "MNA0000000000001"
DEVICE_B = "MNB0000000000001"
DAY = dt.date(2026, 6, 1)
PASSWORD = "Kq7!vLm2#pZx"
SECRET_KEY = "test-secret-key-" + "k" * 32
HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
#: One user per signed-in role; the enterprise user belongs to enterprise A.
USERS = {role: f"u-{role.value.replace('_', '-')}" for role in Role if role is not Role.PUBLIC}
ENTERPRISE_B_USER = "u-enterprise-b"


def settings(**changes: object) -> WebSettings:
    values: dict[str, object] = {"secret_key": SECRET_KEY, "secure_cookies": False}
    values.update(changes)
    return WebSettings(**values)  # type: ignore[arg-type]


class FakeClock:
    """A clock the tests move."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta


def seed_county(store: Store) -> None:
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_enterprise(Enterprise(ENTERPRISE_A, "甲化工", ManagementCategory.KEY))
        registry.save_enterprise(Enterprise(ENTERPRISE_B, "乙电厂", ManagementCategory.KEY))
        for code, name, enterprise in (
            (OUTLET_A, "甲废气排放口", ENTERPRISE_A),
            (OUTLET_B, "乙废气排放口", ENTERPRISE_B),
        ):
            registry.save_site(
                Site(
                    code,
                    name,
                    SiteKind.OUTLET,
                    Location(118.2, 24.6),
                    enterprise=enterprise,
                    outlet_medium=OutletMedium.GAS,
                )
            )
            registry.save_limit(
                EmissionLimit(code, "a21026", 35, "mg/m³", Averaging.HOUR, reference_o2_pct=6)
            )
        registry.save_device(Device(DEVICE_A, OUTLET_A, HASH))
        registry.save_device(Device(DEVICE_B, OUTLET_B, HASH))
        registry.save_site(Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5)))
        site_ids = registry.site_ids()
        parameter_ids = registry.parameter_ids()
        source = transaction.sources.ensure(SourceKind.IMPORT, "test")
        first = int(dt.datetime.combine(DAY, dt.time(), LOCAL_ZONE).timestamp())
        rows: list[tuple[str, str, float]] = [
            ("AQ01", code, level)
            for code, level in (
                (AIR_PARAMETERS["SO2"], 5.0),
                (AIR_PARAMETERS["NO2"], 10.0),
                (AIR_PARAMETERS["CO"], 0.4),
                (AIR_PARAMETERS["O3"], 50.0),
                (AIR_PARAMETERS["PM10"], 40.0),
                (AIR_PARAMETERS["PM2.5"], 35.0),
            )
        ]
        frames = [
            pl.DataFrame(
                {
                    "site_id": [site_ids[site]] * 24,
                    "parameter_id": [parameter_ids[parameter]] * 24,
                    "period": [Period.HOUR.command] * 24,
                    "start_s": [first + 3600 * hour for hour in range(24)],
                    "value": [level] * 24,
                    "flag": ["N"] * 24,
                    "source_id": [source] * 24,
                    "received_at_us": [1] * 24,
                },
                schema=READING_COLUMNS,
            )
            for site, parameter, level in [
                *rows,
                (OUTLET_A, "a21026", 20.0),
                (OUTLET_B, "a21026", 30.0),
            ]
        ]
        transaction.readings.upsert(pl.concat(frames))
    refresh_all(store, DAY, DAY)


@dataclass
class Web:
    """The application under test, its store, accounts and clock."""

    app: FastAPI
    store: Store
    accounts: InMemoryAccounts
    clock: FakeClock

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def signed_in(self, username: str, password: str = PASSWORD) -> TestClient:
        """A client holding the session cookie of ``username``; CSRF header preset."""
        client = self.client()
        answer = client.post("/api/v1/session", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client

    def as_role(self, role: Role) -> TestClient:
        return self.client() if role is Role.PUBLIC else self.signed_in(USERS[role])
