"""Server-rendered dashboard (zh-CN first, ``?lang=en`` for English): overview map and key
figures, air (daily AQI calendar and trend), water (section classes by month, CWQI), noise
(Ld / Ln against the zone limits) and enterprise monitoring (outlets and limits).

Charts (ECharts) and the map (Leaflet) are served from ``frontend/node_modules``, installed
from the npm registry by ``make install`` (no CDN: bureau intranets are offline). Without
base-map tiles (``ECOWARDEN_TILE_URL`` unset) the map still shows the sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.standards.air.breakpoints import AQI_BANDS
from ecowarden.standards.noise import parse_zone, zone_limits
from ecowarden.store.database import Store
from ecowarden.store.materialised import MaterialisedResults
from ecowarden.web.access import authorise
from ecowarden.web.accounts import Principal, Role
from ecowarden.web.authentication import Clock
from ecowarden.web.settings import WebSettings

HERE: Final = Path(__file__).resolve().parent
#: Where ``npm ci`` puts echarts and leaflet (git-ignored).
VENDOR_DIRECTORY: Final = HERE / "frontend" / "node_modules"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(dependencies=[Depends(authorise)], include_in_schema=False)
Caller = Annotated[Principal, Depends(authorise)]
Language = Annotated[Literal["zh", "en"], Query(description="zh (default) or en")]

#: HJ 633 Table A.1 colours of the six AQI categories, as CSS.
AQI_COLOURS: Final = {band.code: "#{:02x}{:02x}{:02x}".format(*band.rgb) for band in AQI_BANDS}
#: Display colours of the GB 3838-2002 classes (bulletin practice: I–II blue, III green, IV
#: yellow, V orange, 劣V red).
WATER_COLOURS: Final = {
    "I": "#1e64c8",
    "II": "#1e64c8",
    "III": "#00a03c",
    "IV": "#ffd200",
    "V": "#ff7e00",
    "劣V": "#e60000",
}
NO_DATA_COLOUR: Final = "#9e9e9e"
CALENDAR_DAYS: Final = 366

TEXT: Final[Mapping[str, Mapping[str, str]]] = {
    "zh": {
        "title": "生态环境监测监管平台",
        "overview": "总览",
        "air": "空气",
        "water": "水",
        "noise": "声环境",
        "enterprises": "企业监控",
        "sites": "监测点位",
        "county_aqi": "全县日AQI",
        "good_rate": "优良天数比例",
        "no_data": "无数据",
        "calendar": "日AQI日历",
        "trend": "日AQI趋势",
        "month": "月份",
        "class": "水质类别",
        "site": "点位",
        "day": "日期",
        "limit": "限值",
        "outlet": "排放口",
        "enterprise": "企业",
        "parameter": "监测因子",
        "no_tiles": "未配置底图，仅显示点位",
        "sign_in": "登录",
        "username": "用户名",
        "password": "密码",
        "language": "English",
    },
    "en": {
        "title": "Eco-environment monitoring and supervision",
        "overview": "Overview",
        "air": "Air",
        "water": "Water",
        "noise": "Noise",
        "enterprises": "Enterprise monitoring",
        "sites": "Monitoring sites",
        "county_aqi": "County daily AQI",
        "good_rate": "Good-day rate",
        "no_data": "no data",
        "calendar": "Daily AQI calendar",
        "trend": "Daily AQI trend",
        "month": "Month",
        "class": "Water class",
        "site": "Site",
        "day": "Day",
        "limit": "Limit",
        "outlet": "Outlet",
        "enterprise": "Enterprise",
        "parameter": "Parameter",
        "no_tiles": "No base map configured: sites only",
        "sign_in": "Sign in",
        "username": "User name",
        "password": "Password",
        "language": "中文",
    },
}


def _today(request: Request) -> dt.date:
    """The local day by the application's clock."""
    clock: Clock = request.app.state.clock
    return clock().astimezone(LOCAL_ZONE).date()


def _render(request: Request, template: str, lang: str, **context: object) -> HTMLResponse:
    settings: WebSettings = request.app.state.settings
    return templates.TemplateResponse(
        request,
        template,
        {
            "t": TEXT[lang],
            "lang": lang,
            "other_lang": "en" if lang == "zh" else "zh",
            "vendor": VENDOR_DIRECTORY.is_dir(),
            "tile_url": settings.tile_url,
            **context,
        },
    )


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _marker(site: Site, colour: str, label: str) -> dict[str, object]:
    return {
        "code": site.code,
        "name": site.name,
        "kind": site.kind.value,
        "lon": site.location.lon,
        "lat": site.location.lat,
        "colour": colour,
        "label": label,
    }


def _good_rate(categories: Sequence[int | None]) -> str | None:
    """优良天数比例: days of category 1–2 over days with a category [%], 1 decimal."""
    decided = [category for category in categories if category is not None]
    if not decided:
        return None
    return f"{100 * sum(1 for c in decided if c <= 2) / len(decided):.1f}%"


@router.get("/", name="page_overview", response_class=HTMLResponse)
def page_overview(request: Request, lang: Language = "zh") -> HTMLResponse:
    """Map of every ambient site coloured by its latest daily AQI, water class or noise
    compliance; the county's latest AQI and the year's good-day rate."""
    today = _today(request)
    first = today - dt.timedelta(days=CALENDAR_DAYS)
    with _store(request).snapshot() as snapshot:
        sites = [s for s in snapshot.registry.sites() if s.kind is not SiteKind.OUTLET]
        ids = snapshot.registry.site_ids()
        results = MaterialisedResults(snapshot.connection)
        latest_aqi = {row.site_id: row for row in results.station_aqi(None, first, today)}
        latest_water = {row.site_id: row for row in results.water_months()}
        latest_noise = {row.site_id: row for row in results.noise_days(None, first, today)}
        county = results.county_aqi(dt.date(today.year, 1, 1), today)
    markers = []
    for site in sites:
        site_id = ids[site.code]
        colour, label = NO_DATA_COLOUR, TEXT[lang]["no_data"]
        if site.kind is SiteKind.AIR_STATION and site_id in latest_aqi:
            aqi_day = latest_aqi[site_id]
            if aqi_day.category is not None:
                colour = AQI_COLOURS[aqi_day.category]
                label = f"AQI {aqi_day.aqi} ({aqi_day.day})"
        elif site.water_body is not None and site_id in latest_water:
            month = latest_water[site_id]
            if month.water_class is not None:
                colour = WATER_COLOURS[month.water_class]
                label = f"{month.water_class} ({month.year}-{month.month:02d})"
        elif site.noise_zone is not None and site_id in latest_noise:
            noise_day = latest_noise[site_id]
            limits = zone_limits(parse_zone(site.noise_zone.value))
            day_ok = noise_day.ld is None or noise_day.ld <= limits.day_db
            night_ok = noise_day.ln is None or noise_day.ln <= limits.night_db
            if noise_day.ld is not None or noise_day.ln is not None:
                colour = AQI_COLOURS[1] if day_ok and night_ok else AQI_COLOURS[4]
                label = f"Ld {noise_day.ld} / Ln {noise_day.ln} dB(A) ({noise_day.day})"
        markers.append(_marker(site, colour, label))
    latest_county = county[-1] if county else None
    return _render(
        request,
        "overview.html",
        lang,
        markers=markers,
        county=latest_county,
        good_rate=_good_rate([day.category for day in county]),
        site_count=len(sites),
    )


@router.get("/air", name="page_air", response_class=HTMLResponse)
def page_air(request: Request, lang: Language = "zh") -> HTMLResponse:
    """The county's daily AQI over the last year: calendar heat map and trend."""
    today = _today(request)
    with _store(request).snapshot() as snapshot:
        days = MaterialisedResults(snapshot.connection).county_aqi(
            today - dt.timedelta(days=CALENDAR_DAYS), today
        )
    series = [[day.day.isoformat(), day.aqi] for day in days]
    pieces = [
        {"min": band.low, "max": band.high if band.high is not None else 999, "color": colour}
        for band, colour in zip(AQI_BANDS, AQI_COLOURS.values(), strict=True)
    ]
    first = days[0].day.isoformat() if days else today.isoformat()
    last = days[-1].day.isoformat() if days else today.isoformat()
    return _render(request, "air.html", lang, series=series, pieces=pieces, first=first, last=last)


@router.get("/water", name="page_water", response_class=HTMLResponse)
def page_water(request: Request, lang: Language = "zh") -> HTMLResponse:
    """Water sections' classes and CWQI by month."""
    with _store(request).snapshot() as snapshot:
        codes = {site_id: code for code, site_id in snapshot.registry.site_ids().items()}
        months = MaterialisedResults(snapshot.connection).water_months()
    rows = [
        {
            "site": codes[month.site_id],
            "month": f"{month.year}-{month.month:02d}",
            "class": month.water_class,
            "colour": WATER_COLOURS.get(month.water_class or "", NO_DATA_COLOUR),
            "cwqi": None if month.cwqi is None else f"{month.cwqi:.2f}",
        }
        for month in months
    ]
    return _render(request, "water.html", lang, rows=rows)


@router.get("/noise", name="page_noise", response_class=HTMLResponse)
def page_noise(request: Request, lang: Language = "zh") -> HTMLResponse:
    """Noise stations' Ld and Ln of the last 31 days against the GB 3096 zone limits."""
    today = _today(request)
    with _store(request).snapshot() as snapshot:
        sites = {site.code: site for site in snapshot.registry.sites()}
        codes = {site_id: code for code, site_id in snapshot.registry.site_ids().items()}
        days = MaterialisedResults(snapshot.connection).noise_days(
            None, today - dt.timedelta(days=31), today
        )
    rows = []
    for day in days:
        site = sites[codes[day.site_id]]
        zone = site.noise_zone.value if site.noise_zone is not None else "2"
        limits = zone_limits(parse_zone(zone))
        rows.append(
            {
                "site": site.code,
                "day": day.day.isoformat(),
                "ld": day.ld,
                "ln": day.ln,
                "limits": f"{limits.day_db} / {limits.night_db}",
                "exceeds": (day.ld is not None and day.ld > limits.day_db)
                or (day.ln is not None and day.ln > limits.night_db),
            }
        )
    return _render(request, "noise.html", lang, rows=rows)


@router.get("/enterprises", name="page_enterprises", response_class=HTMLResponse)
def page_enterprises(request: Request, principal: Caller, lang: Language = "zh") -> HTMLResponse:
    """Outlets with their enterprise and emission limits (an enterprise user: their own)."""
    with _store(request).snapshot() as snapshot:
        names = {e.credit_code: e.name for e in snapshot.registry.enterprises()}
        limits = snapshot.registry.limits()
        outlets = [
            site
            for site in snapshot.registry.sites()
            if site.kind is SiteKind.OUTLET
            and (principal.role is not Role.ENTERPRISE or site.enterprise == principal.enterprise)
        ]
    rows = [
        {
            "outlet": f"{site.code} {site.name}",
            "enterprise": names.get(site.enterprise or "", ""),
            "limits": [
                f"{limit.parameter} ≤ {limit.limit} {limit.unit} ({limit.averaging.value})"
                for limit in limits
                if limit.outlet == site.code
            ],
        }
        for site in outlets
    ]
    return _render(request, "enterprises.html", lang, rows=rows)


@router.get("/login", name="page_login", response_class=HTMLResponse)
def page_login(request: Request, lang: Language = "zh") -> HTMLResponse:
    """The sign-in form (posts to ``/api/v1/session``)."""
    return _render(request, "login.html", lang)
