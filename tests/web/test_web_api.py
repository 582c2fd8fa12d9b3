"""REST API read side: registry, readings, assessments, daily AQI, paging, error bodies, size
limit, OpenAPI exposure (issue 7, increment 1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_county import DEVICE_A, ENTERPRISE_A, OUTLET_A, OUTLET_B, SECRET_KEY, Web, settings

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.store.testing import provision
from ecowarden.web import create_app
from ecowarden.web.accounts import Role
from ecowarden.web.settings import settings_from_environment


def error_of(answer: object) -> dict[str, object]:
    body = answer.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    error: dict[str, object] = body["error"]
    return error


def test_public_sites_exclude_outlets(web: Web) -> None:
    answer = web.client().get("/api/v1/sites")
    assert answer.status_code == 200
    assert [site["code"] for site in answer.json()["items"]] == ["AQ01"]
    assert web.client().get(f"/api/v1/sites/{OUTLET_A}").status_code == 404


def test_parameters_filtered_by_medium(web: Web) -> None:
    # HJ 212-2017 Appendix B: 12 noise codes in Table B.3 (data-dictionary.md)
    answer = web.client().get("/api/v1/parameters", params={"medium": "noise"})
    assert answer.json()["total"] == 12


def test_limit_is_clamped_to_the_maximum(web_factory: Callable[..., Web]) -> None:
    web = web_factory(max_page_size=5, default_page_size=5)
    answer = web.client().get("/api/v1/parameters", params={"limit": 10_000, "offset": 3})
    page = answer.json()
    assert answer.status_code == 200
    assert page["limit"] == 5
    assert len(page["items"]) == 5
    assert page["offset"] == 3
    assert page["next_offset"] == 8


def test_offset_paging_walks_every_row_once(web_factory: Callable[..., Web]) -> None:
    web = web_factory(max_page_size=50, default_page_size=50)
    client = web.client()
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get("/api/v1/parameters", params={"limit": 50, "offset": offset}).json()
        seen.extend(item["code"] for item in page["items"])
        offset = page["next_offset"]
    # 63 + 121 + 1 + 12 = 197 codes (decision 0006, parameter vocabulary)
    assert len(seen) == len(set(seen)) == 197


def test_validation_error_names_the_field(web: Web) -> None:
    answer = web.client().get("/api/v1/sites", params={"limit": 0})
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["field"] == "limit"
    assert error["code"] == "validation_error"


def test_unknown_route_answers_404_body_without_trace(web: Web) -> None:
    answer = web.client().get("/api/v1/nothing-here")
    assert answer.status_code == 404
    assert error_of(answer)["code"] == "not_found"
    assert "Traceback" not in answer.text


def test_outlet_carries_its_limits(web: Web) -> None:
    answer = web.as_role(Role.PERMITS).get(f"/api/v1/outlets/{OUTLET_A}")
    assert answer.status_code == 200
    outlet = answer.json()
    assert outlet["enterprise"] == ENTERPRISE_A
    assert outlet["limits"] == [
        {
            "parameter": "a21026",
            "limit": 35.0,
            "unit": "mg/m³",
            "averaging": "hour",
            "reference_o2_pct": 6.0,
            "lower_limit": None,
        }
    ]


def test_devices_never_carry_password_hashes(web: Web) -> None:
    client = web.as_role(Role.MONITORING)
    listing = client.get("/api/v1/devices")
    single = client.get(f"/api/v1/devices/{DEVICE_A}")
    for text in (listing.text, single.text):
        assert "argon2" not in text
        assert "password" not in text
    assert single.json() == {"mn": DEVICE_A, "site": OUTLET_A}


def test_readings_page_and_time_range(web: Web) -> None:
    client = web.as_role(Role.MONITORING)
    answer = client.get(
        "/api/v1/readings",
        params={
            "site": OUTLET_B,
            "period": "hour",
            "start": "2026-06-01T10:00:00+08:00",
            "end": "2026-06-01T13:00:00+08:00",
        },
    )
    page = answer.json()
    # starts 10:00, 11:00, 12:00 (end exclusive), seeded at 30.0 mg/m³
    assert page["total"] == 3
    assert [item["start"] for item in page["items"]] == [
        "2026-06-01T10:00:00+08:00",
        "2026-06-01T11:00:00+08:00",
        "2026-06-01T12:00:00+08:00",
    ]
    assert {item["value"] for item in page["items"]} == {30.0}


def test_readings_refuse_naive_times(web: Web) -> None:
    answer = web.as_role(Role.MONITORING).get(
        "/api/v1/readings", params={"site": OUTLET_A, "start": "2026-06-01T10:00:00"}
    )
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "start"


def test_readings_unknown_site_and_parameter_are_404(web: Web) -> None:
    client = web.as_role(Role.MONITORING)
    assert client.get("/api/v1/readings", params={"site": "NOPE"}).status_code == 404
    answer = client.get("/api/v1/readings", params={"site": OUTLET_A, "parameter": "zz999"})
    assert answer.status_code == 404
    assert error_of(answer)["field"] == "parameter"


def test_readings_csv_export(web: Web) -> None:
    answer = web.as_role(Role.MONITORING).get(
        "/api/v1/readings", params={"site": OUTLET_A, "limit": 2, "format": "csv"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["x-total-count"] == "24"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [
        {
            "site": OUTLET_A,
            "parameter": "a21026",
            "period": "hour",
            "start": f"2026-06-01T0{hour}:00:00+08:00",
            "value": "20.0",
            "flag": "N",
        }
        for hour in (0, 1)
    ]


def test_daily_aqi_of_station_and_county(web: Web) -> None:
    client = web.client()
    # PM2.5 35 µg/m³ → IAQI 50 (breakpoint, HJ 633-2026 Table 3); SO2 5 → 5, NO2 10 → 13,
    # CO 0.4 → 10, O3 MDA8 50 → 25, PM10 40 → 40: AQI = 50, category 1 (优), no primary
    # pollutant at AQI ≤ 50 (HJ 633-2026 §6)
    for params in ({}, {"site": "AQ01"}):
        answer = client.get(
            "/api/v1/aqi/daily", params={"from": "2026-06-01", "to": "2026-06-01", **params}
        )
        (day,) = answer.json()["items"]
        assert day["aqi"] == 50
        assert day["category"] == 1
        assert day["primary_pollutants"] == []
        assert day["standard"] == "HJ 633-2026"
        assert day["site"] == params.get("site")


def test_daily_aqi_refuses_reversed_range(web: Web) -> None:
    answer = web.client().get(
        "/api/v1/aqi/daily", params={"from": "2026-06-02", "to": "2026-06-01"}
    )
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "to"


def test_air_assessment_through_the_service(web: Web) -> None:
    answer = web.client().get(
        "/api/v1/assessments/air", params={"period": "2026-06", "site": "AQ01"}
    )
    figures = answer.json()
    assert answer.status_code == 200
    assert figures["statistic"] == "month"
    (station,) = figures["stations"]
    # one valid day of 30: below GB 3095 Table 4's 27 days of a month → not valid
    pm25 = next(p for p in station["pollutants"] if p["pollutant"] == "PM2.5")
    assert pm25["valid_days"] == 1
    assert pm25["valid"] is False


def test_assessment_bad_period_names_the_field(web: Web) -> None:
    answer = web.client().get("/api/v1/assessments/noise", params={"period": "2026-13"})
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "period"


def test_assessment_of_a_site_of_another_kind_is_404(web: Web) -> None:
    answer = web.client().get(
        "/api/v1/assessments/water", params={"period": "2026", "site": "AQ01"}
    )
    assert answer.status_code == 404


def test_request_body_over_the_limit_is_413(web_factory: Callable[..., Web]) -> None:
    web = web_factory(max_body_bytes=200)
    answer = web.client().post("/api/v1/session", json={"username": "x" * 300, "password": "y"})
    assert answer.status_code == 413
    assert error_of(answer)["code"] == "payload_too_large"


def test_openapi_is_not_public_by_default(web: Web) -> None:
    assert web.client().get("/api/v1/openapi.json").status_code == 404
    assert web.client().get("/api/v1/docs").status_code == 404


def test_openapi_public_when_configured(web_factory: Callable[..., Web]) -> None:
    answer = web_factory(docs_public=True).client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert "/api/v1/readings" in answer.json()["paths"]


def test_settings_from_environment() -> None:
    settings = settings_from_environment(
        {
            "ECOWARDEN_SECRET_KEY": SECRET_KEY,
            "ECOWARDEN_PASSWORD_PROFILE": "ASVS",
            "ECOWARDEN_TILE_URL": "http://tiles.local/{z}/{x}/{y}.png",
            "ECOWARDEN_DATABASE_URL": "sqlite:///x.db",
        }
    )
    assert settings.password_profile == "asvs"
    assert settings.tile_url == "http://tiles.local/{z}/{x}/{y}.png"
    assert settings.database_url == "sqlite:///x.db"
    assert settings.secure_cookies is True
    assert settings.docs_public is False


def test_settings_refuse_short_secret_and_bad_flag() -> None:
    with pytest.raises(ValidationError, match="secret key"):
        settings_from_environment({"ECOWARDEN_SECRET_KEY": "short"})
    with pytest.raises(ValidationError, match="ECOWARDEN_API_DOCS_PUBLIC"):
        settings_from_environment(
            {"ECOWARDEN_SECRET_KEY": SECRET_KEY, "ECOWARDEN_API_DOCS_PUBLIC": "maybe"}
        )
    with pytest.raises(UnknownNameError, match="password profile"):
        settings_from_environment(
            {"ECOWARDEN_SECRET_KEY": SECRET_KEY, "ECOWARDEN_PASSWORD_PROFILE": "weak"}
        )


def test_app_opens_the_store_of_its_settings(database_url: str) -> None:
    provision(database_url).close()
    app = create_app(settings(database_url=database_url))
    assert app.state.owns_store is True
    with TestClient(app) as client:
        assert client.get("/api/v1/sites").json()["total"] == 0
