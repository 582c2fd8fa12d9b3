"""Dashboard pages: zh-CN by default with an English switch, the map's sites coloured by
their latest results, the AQI calendar's data, enterprise scoping, locally served libraries."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from web_county import OUTLET_A, OUTLET_B, USERS, Web

from ecowarden.web.accounts import Role
from ecowarden.web.dashboard import VENDOR_DIRECTORY


def script_value(html: str, name: str) -> object:
    match = re.search(rf"const {name} = (.*?);\n", html)
    assert match is not None, name
    return json.loads(match[1])


def test_overview_in_chinese_by_default(web: Web) -> None:
    answer = web.client().get("/")
    assert answer.status_code == 200
    assert '<html lang="zh-CN">' in answer.text
    assert "全县日AQI" in answer.text
    # the county's 2026-06-01 AQI is 50 (test_web_api: PM2.5 35 µg/m³ at the breakpoint)
    assert re.search(r'id="county-aqi">50<', answer.text)
    # one day, category 1 (优): 1 good day of 1 = 100.0 %
    assert 'id="good-rate">100.0%<' in answer.text


def test_overview_in_english(web: Web) -> None:
    answer = web.client().get("/", params={"lang": "en"})
    assert '<html lang="en">' in answer.text
    assert "County daily AQI" in answer.text


def test_map_markers_coloured_by_aqi_category(web: Web) -> None:
    markers = script_value(web.client().get("/").text, "markers")
    # AQI 50 → category 1, green (0, 228, 0) of HJ 633 Table A.1; outlets are not on the map
    assert markers == [
        {
            "code": "AQ01",
            "name": "城关站",
            "kind": "air_station",
            "lon": 118.1,
            "lat": 24.5,
            "colour": "#00e400",
            "label": "AQI 50 (2026-06-01)",
        }
    ]


def test_map_without_tiles_says_so(web_factory: Callable[..., Web]) -> None:
    assert "未配置底图" in web_factory().client().get("/").text
    with_tiles = web_factory(tile_url="http://tiles.local/{z}/{x}/{y}.png").client().get("/")
    assert "未配置底图" not in with_tiles.text
    assert script_value(with_tiles.text, "tileUrl") == "http://tiles.local/{z}/{x}/{y}.png"


def test_air_calendar_series(web: Web) -> None:
    html = web.client().get("/air").text
    assert script_value(html, "series") == [["2026-06-01", 50]]
    pieces = script_value(html, "pieces")
    assert isinstance(pieces, list)
    assert [piece["min"] for piece in pieces] == [0, 51, 101, 151, 201, 301]


def test_water_and_noise_pages_render(web: Web) -> None:
    client = web.client()
    assert client.get("/water").status_code == 200
    assert client.get("/noise", params={"lang": "en"}).status_code == 200


def test_enterprise_page_needs_sign_in_and_is_scoped(web: Web) -> None:
    assert web.client().get("/enterprises").status_code == 401
    own = web.signed_in(USERS[Role.ENTERPRISE]).get("/enterprises").text
    assert OUTLET_A in own
    assert OUTLET_B not in own
    bureau = web.signed_in(USERS[Role.ENFORCEMENT]).get("/enterprises").text
    assert OUTLET_A in bureau
    assert OUTLET_B in bureau


def test_page_refuses_unknown_language(web: Web) -> None:
    answer = web.client().get("/", params={"lang": "fr"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "lang"


@pytest.mark.skipif(
    not VENDOR_DIRECTORY.is_dir(),
    reason="front-end libraries not installed: run npm ci in src/ecowarden/web/frontend",
)
def test_libraries_are_served_locally(web: Web) -> None:
    client = web.client()
    html = client.get("/").text
    assert "/static/vendor/echarts/dist/echarts.min.js" in html
    assert "http://" not in html.replace("http://tiles", "")
    assert "https://" not in html
    for path in (
        "/static/vendor/echarts/dist/echarts.min.js",
        "/static/vendor/leaflet/dist/leaflet.js",
        "/static/vendor/leaflet/dist/leaflet.css",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/static/vendor/leaflet/package.json").status_code == 404
