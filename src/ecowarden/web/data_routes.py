"""Read routes of the REST API: registry, readings, assessments, daily AQI (``/api/v1``).

Enterprise users see their own enterprise only: another enterprise's object, or a reading
series of its outlet, answers 404 exactly as a missing one does (reliability-security.md A1).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ecowarden import __version__
from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import Period
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.services.assessment import (
    assess_air_period,
    assess_noise_period,
    assess_water_period,
    parse_period,
)
from ecowarden.services.readings_export import (
    ISO_START_FORMAT,
    ReadingSelection,
    select_readings,
)
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.materialised import AqiDay, MaterialisedResults
from ecowarden.web.access import authorise
from ecowarden.web.accounts import Principal, Role
from ecowarden.web.errors import ApiError, not_found
from ecowarden.web.schemas import (
    AqiDayOut,
    DeviceOut,
    EnterpriseOut,
    HealthOut,
    LimitOut,
    OutletOut,
    Page,
    ParameterOut,
    ReadingOut,
    SiteOut,
)
from ecowarden.web.settings import WebSettings

router = APIRouter(prefix="/api/v1", dependencies=[Depends(authorise)])
Caller = Annotated[Principal, Depends(authorise)]
Limit = Annotated[int | None, Query(ge=1, description="Page size; clamped to the maximum.")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="Rows to skip.")]
Item = TypeVar("Item")
#: Longest period an assessment request may span (ten years): bounds the series read (API4).
MAX_ASSESSMENT_DAYS: Final = 3653
_AMBIENT: Final = tuple(kind for kind in SiteKind if kind is not SiteKind.OUTLET)


class ExportFormat(StrEnum):
    """Reading list formats."""

    JSON = "json"
    CSV = "csv"


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _page(request: Request, items: Sequence[Item], limit: int | None, offset: int) -> Page[Item]:
    settings: WebSettings = request.app.state.settings
    size = min(limit or settings.default_page_size, settings.max_page_size)
    chosen = list(items[offset : offset + size])
    following = offset + size
    return Page[Any](
        items=chosen,
        total=len(items),
        limit=size,
        offset=offset,
        next_offset=following if following < len(items) else None,
    )


def _site_out(site: Site) -> SiteOut:
    return SiteOut(
        code=site.code,
        name=site.name,
        kind=site.kind.value,
        lon=site.location.lon,
        lat=site.location.lat,
        noise_zone=None if site.noise_zone is None else site.noise_zone.value,
        water_body=None if site.water_body is None else site.water_body.value,
        target_class=None if site.target_class is None else site.target_class.value,
    )


def _visible(principal: Principal, enterprise: str | None) -> bool:
    """An enterprise user sees only objects of their enterprise; other roles see all."""
    return principal.role is not Role.ENTERPRISE or enterprise == principal.enterprise


@router.get("/health", name="health", response_model=HealthOut)
def health() -> HealthOut:
    """Liveness of the web application."""
    return HealthOut(status="ok", version=__version__)


@router.get("/sites", name="list_sites", response_model=Page[SiteOut])
def list_sites(
    request: Request,
    limit: Limit = None,
    offset: Offset = 0,
    kind: Annotated[SiteKind | None, Query(description="Only sites of this kind.")] = None,
) -> Page[SiteOut]:
    """Ambient monitoring sites (air, water, drinking-water sources, noise), by code.
    Outlets are listed under ``/outlets``."""
    if kind is SiteKind.OUTLET:
        raise ApiError(422, "outlets are listed under /api/v1/outlets", field="kind")
    with _store(request).snapshot() as snapshot:
        sites = [s for s in snapshot.registry.sites() if s.kind in _AMBIENT]
    chosen = [_site_out(s) for s in sites if kind is None or s.kind is kind]
    return _page(request, chosen, limit, offset)


@router.get("/sites/{code}", name="get_site", response_model=SiteOut)
def get_site(request: Request, code: str) -> SiteOut:
    """One ambient monitoring site."""
    with _store(request).snapshot() as snapshot:
        site = snapshot.registry.site(code)
    if site is None or site.kind is SiteKind.OUTLET:
        raise not_found("site", code, "code")
    return _site_out(site)


@router.get("/parameters", name="list_parameters", response_model=Page[ParameterOut])
def list_parameters(
    request: Request,
    limit: Limit = None,
    offset: Offset = 0,
    medium: Annotated[str | None, Query(pattern="^(water|air|noise)$")] = None,
) -> Page[ParameterOut]:
    """The HJ 212-2017 parameter vocabulary, by code."""
    with _store(request).snapshot() as snapshot:
        parameters = snapshot.registry.parameters()
    chosen = [
        ParameterOut(
            code=p.code, name_zh=p.name_zh, name_en=p.name_en, unit=p.unit, medium=p.medium.value
        )
        for p in parameters
        if medium is None or p.medium.value == medium
    ]
    return _page(request, chosen, limit, offset)


def _enterprise_outs(snapshot: StoreTransaction, principal: Principal) -> list[EnterpriseOut]:
    return [
        EnterpriseOut(
            credit_code=e.credit_code,
            name=e.name,
            management_category=e.management_category.value,
            industry=e.industry,
            address=e.address,
        )
        for e in snapshot.registry.enterprises()
        if _visible(principal, e.credit_code)
    ]


@router.get("/enterprises", name="list_enterprises", response_model=Page[EnterpriseOut])
def list_enterprises(
    request: Request, principal: Caller, limit: Limit = None, offset: Offset = 0
) -> Page[EnterpriseOut]:
    """Enterprises by credit code (an enterprise user: their own only)."""
    with _store(request).snapshot() as snapshot:
        return _page(request, _enterprise_outs(snapshot, principal), limit, offset)


@router.get("/enterprises/{credit_code}", name="get_enterprise", response_model=EnterpriseOut)
def get_enterprise(request: Request, principal: Caller, credit_code: str) -> EnterpriseOut:
    """One enterprise."""
    with _store(request).snapshot() as snapshot:
        for enterprise in _enterprise_outs(snapshot, principal):
            if enterprise.credit_code == credit_code:
                return enterprise
    raise not_found("enterprise", credit_code, "credit_code")


def _outlets(snapshot: StoreTransaction, principal: Principal) -> list[OutletOut]:
    limits: dict[str, list[LimitOut]] = {}
    for limit in snapshot.registry.limits():
        limits.setdefault(limit.outlet, []).append(
            LimitOut(
                parameter=limit.parameter,
                limit=limit.limit,
                unit=limit.unit,
                averaging=limit.averaging.value,
                reference_o2_pct=limit.reference_o2_pct,
                lower_limit=limit.lower_limit,
            )
        )
    return [
        OutletOut(
            code=site.code,
            name=site.name,
            enterprise=site.enterprise or "",
            medium=None if site.outlet_medium is None else site.outlet_medium.value,
            lon=site.location.lon,
            lat=site.location.lat,
            limits=limits.get(site.code, []),
        )
        for site in snapshot.registry.sites()
        if site.kind is SiteKind.OUTLET and _visible(principal, site.enterprise)
    ]


@router.get("/outlets", name="list_outlets", response_model=Page[OutletOut])
def list_outlets(
    request: Request,
    principal: Caller,
    limit: Limit = None,
    offset: Offset = 0,
    enterprise: Annotated[str | None, Query(description="Credit code.")] = None,
) -> Page[OutletOut]:
    """Outlets with their emission limits, by code."""
    with _store(request).snapshot() as snapshot:
        outlets = _outlets(snapshot, principal)
    chosen = [o for o in outlets if enterprise is None or o.enterprise == enterprise]
    return _page(request, chosen, limit, offset)


@router.get("/outlets/{code}", name="get_outlet", response_model=OutletOut)
def get_outlet(request: Request, principal: Caller, code: str) -> OutletOut:
    """One outlet with its emission limits."""
    with _store(request).snapshot() as snapshot:
        for outlet in _outlets(snapshot, principal):
            if outlet.code == code:
                return outlet
    raise not_found("outlet", code, "code")


def _visible_site_codes(snapshot: StoreTransaction, principal: Principal) -> set[str]:
    return {
        site.code
        for site in snapshot.registry.sites()
        if _visible(principal, site.enterprise if site.kind is SiteKind.OUTLET else None)
    }


def _devices(snapshot: StoreTransaction, principal: Principal) -> list[DeviceOut]:
    visible = _visible_site_codes(snapshot, principal)
    return [
        DeviceOut(mn=device.mn, site=device.site)
        for device in snapshot.registry.devices()
        if device.site in visible
    ]


@router.get("/devices", name="list_devices", response_model=Page[DeviceOut])
def list_devices(
    request: Request, principal: Caller, limit: Limit = None, offset: Offset = 0
) -> Page[DeviceOut]:
    """Data loggers by MN (an enterprise user: those of their outlets)."""
    with _store(request).snapshot() as snapshot:
        return _page(request, _devices(snapshot, principal), limit, offset)


@router.get("/devices/{mn}", name="get_device", response_model=DeviceOut)
def get_device(request: Request, principal: Caller, mn: str) -> DeviceOut:
    """One data logger."""
    with _store(request).snapshot() as snapshot:
        for device in _devices(snapshot, principal):
            if device.mn == mn:
                return device
    raise not_found("device", mn, "mn")


def _aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is not None and value.utcoffset() is None:
        raise ApiError(422, f"{field}: give a time zone offset (e.g. +08:00)", field=field)
    return value


@router.get(
    "/readings",
    name="list_readings",
    response_model=Page[ReadingOut],
    responses={200: {"content": {"text/csv": {}}}},
)
def list_readings(
    request: Request,
    principal: Caller,
    site: Annotated[str, Query(min_length=1, max_length=32, description="Site code.")],
    parameter: Annotated[str | None, Query(max_length=16, description="Parameter code.")] = None,
    period: Annotated[Period | None, Query(description="Reading period.")] = None,
    start: Annotated[dt.datetime | None, Query(description="First interval start.")] = None,
    end: Annotated[dt.datetime | None, Query(description="Interval starts before this.")] = None,
    limit: Limit = None,
    offset: Offset = 0,
    format: Annotated[ExportFormat, Query(description="json, or csv (export)")] = (
        ExportFormat.JSON
    ),
) -> Page[ReadingOut] | Response:
    """Current values of one site's readings, ordered by parameter, period and start.

    ``format=csv`` answers the same page as CSV (columns site, parameter, period, start,
    value, flag), with the total in ``X-Total-Count``.
    """
    with _store(request).snapshot() as snapshot:
        if site not in _visible_site_codes(snapshot, principal):
            raise not_found("site", site, "site")
    selection = ReadingSelection(
        site=site,
        parameter=parameter,
        period=period,
        start_from=_aware(start, "start"),
        start_to=_aware(end, "end"),
    )
    try:
        frame = select_readings(_store(request), selection)
    except UnknownNameError as error:
        raise not_found(error.kind, str(error.name), error.kind) from None
    page = _page(request, range(frame.height), limit, offset)
    chosen = frame.slice(offset, page.limit)
    if format is ExportFormat.CSV:
        buffer = io.BytesIO()
        chosen.with_columns(chosen["start"].dt.strftime(ISO_START_FORMAT)).write_csv(buffer)
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "X-Total-Count": str(frame.height),
                "Content-Disposition": 'attachment; filename="readings.csv"',
            },
        )
    return Page[ReadingOut](
        items=[ReadingOut(**row) for row in chosen.iter_rows(named=True)],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


PeriodQuery = Annotated[
    str,
    Query(
        min_length=4,
        max_length=40,
        pattern=r"^\d{4}(-\d{1,2})?$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$",
        description="2025 (year), 2025-06 (month) or 2025-01-01..2025-03-31 (days)",
    ),
]
SiteQuery = Annotated[
    str | None, Query(max_length=32, description="Site code; omitted: every site of the kind")
]


def _assessment(
    request: Request,
    site: str | None,
    period: str,
    kinds: Sequence[SiteKind],
    assess: Callable[[StoreTransaction, Sequence[str] | None, str], Any],
) -> dict[str, object]:
    try:
        chosen = parse_period(period)
    except ValueError as error:
        # ValidationError, and the ValueError of a year outside 1…9999 ("0")
        raise ApiError(422, f"period {period!r}: {error}", field="period") from None
    if chosen.days > MAX_ASSESSMENT_DAYS:
        raise ApiError(
            422,
            f"period {period!r} has {chosen.days} days; at most {MAX_ASSESSMENT_DAYS}",
            field="period",
        )
    with _store(request).snapshot() as snapshot:
        if site is not None:
            found = snapshot.registry.site(site)
            if found is None or found.kind not in kinds:
                raise not_found("site", site, "site")
        try:
            result = assess(snapshot, None if site is None else [site], chosen.text)
        except ValidationError as error:
            raise ApiError(422, str(error), field="site" if site else None) from None
    figures: dict[str, object] = result.to_json()
    return figures


@router.get("/assessments/air", name="assess_air")
def assess_air(request: Request, period: PeriodQuery, site: SiteQuery = None) -> dict[str, object]:
    """Air figures of a period (HJ 663 statistics, GB 3095 limits) [HJ663-2013] [GB3095-2026]."""
    return _assessment(request, site, period, (SiteKind.AIR_STATION,), assess_air_period)


@router.get("/assessments/water", name="assess_water")
def assess_water(
    request: Request, period: PeriodQuery, site: SiteQuery = None
) -> dict[str, object]:
    """Water classes, CWQI and target attainment of a period [GB3838-2002] [WQA2011]."""
    kinds = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)
    return _assessment(request, site, period, kinds, assess_water_period)


@router.get("/assessments/noise", name="assess_noise")
def assess_noise(
    request: Request, period: PeriodQuery, site: SiteQuery = None
) -> dict[str, object]:
    """Noise compliance of a period's days [GB3096-2008] [HJ640-2012]."""
    return _assessment(request, site, period, (SiteKind.NOISE_STATION,), assess_noise_period)


@router.get("/aqi/daily", name="daily_aqi", response_model=Page[AqiDayOut])
def daily_aqi(
    request: Request,
    first_day: Annotated[dt.date, Query(alias="from", description="First local day.")],
    last_day: Annotated[dt.date, Query(alias="to", description="Last local day.")],
    site: SiteQuery = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Page[AqiDayOut]:
    """Daily AQI (HJ 633) from the materialised tables: of a station, else of the county
    [HJ633-2012] [HJ633-2026]."""
    if last_day < first_day:
        raise ApiError(422, f"to ({last_day}) is before from ({first_day})", field="to")
    with _store(request).snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        rows: list[tuple[str | None, AqiDay]]
        if site is None:
            rows = [(None, day) for day in results.county_aqi(first_day, last_day)]
        else:
            found = snapshot.registry.site(site)
            if found is None or found.kind is not SiteKind.AIR_STATION:
                raise not_found("air station", site, "site")
            site_id = snapshot.registry.site_ids()[site]
            rows = [(site, day) for day in results.station_aqi([site_id], first_day, last_day)]
    items = [
        AqiDayOut(
            day=day.day,
            site=code,
            standard=day.standard.value,
            aqi=day.aqi,
            aqi_from_available=day.aqi_from_available,
            category=day.category,
            primary_pollutants=list(day.primary_pollutants),
            publishable=day.publishable,
            valid_day=day.valid_day,
            missing_items=list(day.missing_items),
        )
        for code, day in rows
    ]
    return _page(request, items, limit, offset)
