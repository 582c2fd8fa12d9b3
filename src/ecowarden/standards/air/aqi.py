"""Air quality index (AQI) of a daily or hourly report, HJ 633-2012 and HJ 633-2026.

AQI = max over the report's indicators of IAQI_P ([HJ633-2012] §4.4.1; [HJ633-2026] formula
(2)); the primary pollutants are those whose IAQI equals it when AQI > 50 (HJ 633-2012 §3.3,
§4.4.2; HJ 633-2026 §3.3, §4.3.1); the category follows HJ 633-2012 Table 2 / HJ 633-2026
Table 1. Which indicators feed which report follows each edition (reference §2.10,
:data:`~ecowarden.standards.air.breakpoints.REPORT_COMPOSITIONS`); the HJ 633-2026 §5.3
publication rule decides whether an AQI computed without some pollutant is published.

In ``concentrations`` an item that is **absent** is not monitored (HJ 633-2026 §5.3.2,
shown "/"), an item present as None or NaN is missing or invalid (§5.3.1, shown "NA").
Scalars give an :class:`AQIResult`; equal-length 1-D arrays (one element per station-hour
or station-day) give an :class:`AQIArrayResult`, computed without per-element Python.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.breakpoints import (
    AQI_BANDS,
    BREAKPOINT_COLUMN,
    ITEM_BIT,
    OVER_800_SUBSTITUTE_2012,
    POLLUTANT_BIT,
    REPORT_COMPOSITIONS,
    AqiBand,
    AqiLevel,
    Item,
    Pollutant,
    Profile,
    Report,
    ReportComposition,
)
from ecowarden.standards.air.editions import AqiStandard, parse_aqi_standard
from ecowarden.standards.air.iaqi import (
    CHUNK_ROWS,
    DEFAULT_POLICY,
    I64,
    IAQI_MAX,
    NO_INDEX,
    Concentration,
    IAQIDetail,
    IAQIValue,
    IndexPolicy,
    MaskedI16,
    MissingRule2012,
    So2Over800Rule2012,
    TieRule,
    ZeroAqi2026,
    as_float_array,
    exact_fraction_chunk,
    iaqi_detail,
    index_chunk,
    invalid_summary,
    kernel_for,
    parse_item,
    reported_concentration,
)

__all__ = [
    "AQIArrayResult",
    "AQIResult",
    "AqiCategory",
    "aqi",
    "category",
    "items_in",
    "pollutants_in",
]

Bools = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
_E = TypeVar("_E", bound=StrEnum)

#: AQI above which the primary pollutant is named (HJ 633-2026 §4.3.1: "AQI 大于 50 时").
PRIMARY_ABOVE = 50
#: HJ 633-2012 §3.4: exceeding pollutant = concentration above the class-2 limit, which is
#: IAQI > 100 (every 2012 IAQI-100 breakpoint equals the class-2 limit, reference §2.8).
EXCEEDING_ABOVE = 100
#: HJ 633-2026 §5.3.1: with a pollutant missing, the AQI of the others is published only
#: when it is above 100.
PUBLISH_INCOMPLETE_ABOVE = 100

_FLAG_NAMES = ("missing", "invalid", "beyond_table", "special_rule_800")
_BAND_BY_LEVEL: Mapping[AqiLevel, AqiBand] = {band.level: band for band in AQI_BANDS}
#: Category code (AqiBand.code) of every AQI 0 … 500, shifted by one: index 0 ↔ no AQI.
_CODE_OF_AQI_PLUS_1 = np.array(
    [0]
    + [
        next(b.code for b in AQI_BANDS if b.high is None or value <= b.high)
        for value in range(IAQI_MAX + 1)
    ],
    dtype=np.int8,
)


class AqiCategory(NamedTuple):
    """What :func:`category` returns: unpacks as ``(level, category, rgb)``.

    The band (colour name, CMYK, range, code) is reached through :attr:`band`.
    """

    level: AqiLevel
    category: str
    rgb: tuple[int, int, int]

    @property
    def band(self) -> AqiBand:
        """The full row of HJ 633-2026 Table 1 / Table A.1."""
        return _BAND_BY_LEVEL[self.level]

    @property
    def colour(self) -> str:
        """表示颜色: 绿色, 黄色, 橙色, 红色, 紫色, 褐红色."""
        return self.band.colour


def category(aqi_value: int | np.integer[Any]) -> AqiCategory:
    """Level, category and colour of an AQI.

    Bands: 0(2012)/1(2026)–50 优 一级 (0,228,0); 51–100 良 二级 (255,255,0); 101–150 轻度污染
    三级 (255,126,0); 151–200 中度污染 四级 (255,0,0); 201–300 重度污染 五级 (153,0,76);
    > 300 严重污染 六级 (126,0,35).

    Parameters
    ----------
    aqi_value
        AQI, a non-negative integer. [-]

    Returns
    -------
    AqiCategory

    Raises
    ------
    ValidationError
        For a negative or non-integer value.

    References
    ----------
    [HJ633-2012] Table 2, Table A.1; [HJ633-2026] Table 1, Table A.1.
    """
    if isinstance(aqi_value, bool) or not isinstance(aqi_value, int | np.integer):
        raise ValidationError(f"AQI must be an integer, got {aqi_value!r}")
    if aqi_value < 0:
        raise ValidationError(f"AQI must not be negative, got {aqi_value!r}")
    band = next(b for b in AQI_BANDS if b.high is None or aqi_value <= b.high)
    return AqiCategory(band.level, band.category, band.rgb)


def pollutants_in(mask: int) -> tuple[Pollutant, ...]:
    """The pollutants of a pollutant bitmask (primary/exceeding columns of arrays)."""
    return tuple(p for p, bit in POLLUTANT_BIT.items() if int(mask) & bit)


def items_in(mask: int) -> tuple[Item, ...]:
    """The items of an item bitmask (missing/invalid/flag columns of arrays)."""
    return tuple(i for i, bit in ITEM_BIT.items() if int(mask) & bit)


@dataclass(frozen=True)
class AQIResult:
    """AQI of one report (one station or area, one day or hour).

    Attributes
    ----------
    edition, report, profile
        What was computed.
    aqi
        The AQI, None when not publishable (HJ 633-2026 §5.3.1, or no indicator at all).
    aqi_from_available
        The AQI of the indicators that have an IAQI, kept even when not publishable.
    iaqi
        IAQI of every indexed item supplied, None for "NA" (missing, or no index by rule).
        Items not supplied ("/", not monitored) are absent. Under HJ 633-2012 an SO2 1-h or
        O3 8-h value above 800 carries the substitute's IAQI (notes (2), (3)), flagged.
    concentrations
        Every supplied item's concentration as indexed and reported (HJ 633-2026: rounded
        per GB/T 8170), shown items included. [µg/m³; CO mg/m³]
    primary_pollutants
        首要污染物: empty unless publishable and AQI > 50; ties on the integer IAQIs
        (reference OQ-10); O3 once (OQ-22).
    primary_indicators
        The indicator(s) that decided the primary pollutants (e.g. O3_1H and/or O3_8H).
    exceeding_pollutants
        超标污染物, HJ 633-2012 only (IAQI > 100); None under HJ 633-2026, which deleted it.
    level, category, colour, rgb
        Of the published AQI; None when not publishable.
    publishable
        Whether the AQI fields may be published.
    incomplete
        Some indexed indicator has no IAQI ("NA" or "/").
    missing, not_monitored
        Items shown "NA" for a missing or invalid value, and items not supplied ("/").
    beyond_table, special_rule_800
        Items whose IAQI was capped above the table (OQ-9) or set by a >800 rule.
    zero_aqi
        HJ 633-2026 AQI 0, outside its §4.1.1 range 1～500 (OQ-8).
    """

    edition: AqiStandard
    report: Report
    profile: Profile
    aqi: int | None
    aqi_from_available: int | None
    iaqi: Mapping[Item, IAQIValue | None]
    concentrations: Mapping[Item, Decimal | None]
    primary_pollutants: tuple[Pollutant, ...]
    primary_indicators: tuple[Item, ...]
    exceeding_pollutants: tuple[Pollutant, ...] | None
    level: AqiLevel | None
    category: str | None
    colour: str | None
    rgb: tuple[int, int, int] | None
    publishable: bool
    incomplete: bool
    missing: tuple[Item, ...]
    not_monitored: tuple[Item, ...]
    beyond_table: tuple[Item, ...]
    special_rule_800: tuple[Item, ...]
    zero_aqi: bool


@dataclass(frozen=True)
class AQIArrayResult:
    """AQI of many reports at once, column by column (one row per station-hour or -day).

    Attributes
    ----------
    edition, report, profile, not_monitored
        As in :class:`AQIResult` (items not supplied are not monitored in every row).
    aqi, aqi_from_available
        int16, masked where :class:`AQIResult` has None.
    iaqi
        Item → int16 IAQIs, masked for "NA".
    primary_pollutants
        Pollutant bitmask (uint8, :data:`~.breakpoints.POLLUTANT_BIT`); 0 when none.
        :func:`pollutants_in` renders one row.
    exceeding_pollutants
        Pollutant bitmask, HJ 633-2012 only; None under HJ 633-2026.
    category
        Category code (int8): :attr:`AqiBand.code` 1 … 6, 0 when not publishable.
    publishable, incomplete, zero_aqi
        Boolean columns.
    missing, invalid, beyond_table, special_rule_800
        Item bitmasks (uint16, :data:`~.breakpoints.ITEM_BIT`); :func:`items_in` renders
        one row. ``invalid`` marks negative or infinite inputs, which are treated as "NA"
        (HJ 633-2026 §5.3.1 "无效") and summarised in :attr:`problems`.
    problems
        One line per item with invalid inputs; empty when there are none.
    """

    edition: AqiStandard
    report: Report
    profile: Profile
    aqi: MaskedI16
    aqi_from_available: MaskedI16
    iaqi: Mapping[Item, MaskedI16]
    primary_pollutants: U8
    exceeding_pollutants: U8 | None
    category: npt.NDArray[np.int8]
    publishable: Bools
    incomplete: Bools
    zero_aqi: Bools
    missing: U16
    invalid: U16
    beyond_table: U16
    special_rule_800: U16
    not_monitored: tuple[Item, ...]
    problems: str


def _parse_choice(enum: type[_E], value: str, kind: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        raise UnknownNameError(kind, value, [m.value for m in enum]) from None


@dataclass(frozen=True)
class _Setup:
    std: AqiStandard
    report: Report
    profile: Profile
    composition: ReportComposition
    policy: IndexPolicy
    columns: Mapping[Item, Item]
    formerly_primary: frozenset[Pollutant]

    @property
    def publication_rule(self) -> bool:
        """Whether the HJ 633-2026 §5.3.1 rule decides publication."""
        return (
            self.std is AqiStandard.HJ633_2026
            or self.policy.missing_2012 is MissingRule2012.HJ633_2026_RULE
        )

    def substitute(self, item: Item) -> Item | None:
        """The HJ 633-2012 >800 substitute of ``item`` under the policy, or None."""
        if item is Item.SO2_1H and self.policy.so2_1h_over_800_2012 is So2Over800Rule2012.NO_INDEX:
            return None
        return OVER_800_SUBSTITUTE_2012.get(item)

    def forced_na(self, not_monitored: tuple[Item, ...]) -> bool:
        """HJ 633-2026 §5.3.2: a pollutant outside the monitoring plan that was a primary
        pollutant of a ≥ 轻度污染 day in the last three years is handled as missing."""
        return any(item.pollutant in self.formerly_primary for item in not_monitored)


@overload
def aqi(
    concentrations: Mapping[str, Concentration],
    *,
    standard: str | AqiStandard = ...,
    report: str = ...,
    profile: str = ...,
    policy: IndexPolicy = ...,
    formerly_primary: Collection[str] = ...,
) -> AQIResult: ...
@overload
def aqi(
    concentrations: Mapping[str, npt.NDArray[Any]],
    *,
    standard: str | AqiStandard = ...,
    report: str = ...,
    profile: str = ...,
    policy: IndexPolicy = ...,
    formerly_primary: Collection[str] = ...,
) -> AQIArrayResult: ...
def aqi(
    concentrations: Mapping[str, Concentration] | Mapping[str, npt.NDArray[Any]],
    *,
    standard: str | AqiStandard = AqiStandard.HJ633_2026,
    report: str = "daily",
    profile: str = "text",
    policy: IndexPolicy = DEFAULT_POLICY,
    formerly_primary: Collection[str] = (),
) -> AQIResult | AQIArrayResult:
    r"""AQI, primary pollutants and category of a daily or hourly (real-time) report.

    .. math::

        AQI = \max_P IAQI_P

    Parameters
    ----------
    concentrations
        Item code → concentration [µg/m³; CO mg/m³]: numbers (None/NaN = "NA"), or
        equal-length 1-D NumPy arrays (NaN = "NA"). An absent item is not monitored ("/").
        Daily report: 24-h means / 日平均, ``O3_8H`` the daily maximum 8-h average and
        (2012) ``O3_1H`` the daily maximum 1-h. HJ 633-2012 hourly: ``PM10_24H`` and
        ``PM25_24H`` are the 24-h moving averages, ``O3_8H`` the 8-h moving average,
        ``PM10_1H``/``PM25_1H`` are shown only, and ``SO2_24H`` (the SO2 24-h moving average)
        replaces an SO2 1-h value above 800 (reference OQ-11).
    standard
        ``"HJ 633-2026"`` (default) or ``"HJ 633-2012"``, chosen by the date of the data.
    report
        ``"daily"`` (日报) or ``"hourly"`` (实时报).
    profile
        ``"text"`` (default) or ``"national-release"``: HJ 633-2012 hourly AQI as the national
        release platform computed it (PM 1-h on the 24-h columns, no O3 8-h).
    policy
        Switchable choices for the open questions (decision record 0001).
    formerly_primary
        Pollutant names that were the primary pollutant of a ≥ 轻度污染 day in the last three
        years: if such a pollutant is not monitored, HJ 633-2026 §5.3.2 handles it as
        missing.

    Returns
    -------
    AQIResult or AQIArrayResult

    Raises
    ------
    UnknownNameError
        Unknown item, report or profile, or an item the report does not use.
    StandardNotFound
        Unknown standard.
    ValidationError
        Scalars: negative or non-numeric concentration. Arrays: non-numeric dtype, arrays of
        different lengths or not 1-D, arrays mixed with scalars (negative or infinite
        elements are reported in ``invalid`` and ``problems`` instead).

    References
    ----------
    [HJ633-2012] §3.3, §3.4, §4.4, §5.1, Tables 2–4. [HJ633-2026] §4.2–§4.3, §5.3, Tables 1,
    4, 5.
    """
    std = parse_aqi_standard(standard)
    rep = _parse_choice(Report, report, "report")
    prof = _parse_choice(Profile, profile, "profile")
    composition = REPORT_COMPOSITIONS[(std, rep, prof)]
    given: dict[Item, Any] = {}
    for name, value in concentrations.items():
        item = parse_item(name)
        if item not in composition.accepted:
            raise UnknownNameError(
                f"item of the {std} {rep} report ({prof})",
                name,
                [i.value for i in composition.accepted],
            )
        given[item] = value
    setup = _Setup(
        std=std,
        report=rep,
        profile=prof,
        composition=composition,
        policy=policy,
        columns={
            item: composition.columns.get(item) or BREAKPOINT_COLUMN[std][item]
            for item in composition.indexed
        },
        formerly_primary=frozenset(
            _parse_choice(Pollutant, name, "pollutant") for name in formerly_primary
        ),
    )
    kinds = {isinstance(value, np.ndarray) for value in given.values()}
    if kinds == {True, False}:
        raise ValidationError("concentrations mix arrays and scalars; pass one or the other")
    if kinds == {True}:
        return _aqi_arrays(setup, given)
    return _aqi_scalars(setup, given)


# --- scalar path ---------------------------------------------------------------------------


def _aqi_scalars(setup: _Setup, given: Mapping[Item, Concentration]) -> AQIResult:
    std, composition = setup.std, setup.composition
    details: dict[Item, IAQIDetail] = {
        item: iaqi_detail(
            item, given[item], standard=std, policy=setup.policy, column=setup.columns[item]
        )
        for item in composition.indexed
        if item in given
    }
    auxiliary = {
        item: iaqi_detail(item, given[item], standard=std, policy=setup.policy)
        for item in composition.auxiliary
        if item in given
    }
    values: dict[Item, IAQIValue | None] = {}
    exacts: dict[Item, Fraction | None] = {}
    for item, detail in details.items():
        values[item], exacts[item] = detail.iaqi, detail.exact
        if std is AqiStandard.HJ633_2012 and detail.special_rule_800:
            values[item], exacts[item] = None, None
            substitute = setup.substitute(item)
            source = None if substitute is None else {**details, **auxiliary}.get(substitute)
            if source is not None and source.iaqi is not None:
                values[item] = IAQIValue(
                    source.iaqi, beyond_table=source.iaqi.beyond_table, special_rule_800=True
                )
                exacts[item] = source.exact

    available = [int(v) for v in values.values() if v is not None]
    from_available = max(available) if available else None
    not_monitored = tuple(item for item in composition.indexed if item not in given)
    na = any(v is None for v in values.values()) or setup.forced_na(not_monitored)
    publishable = from_available is not None and not (
        setup.publication_rule and na and from_available <= PUBLISH_INCOMPLETE_ABOVE
    )
    zero_aqi = std is AqiStandard.HJ633_2026 and from_available == 0
    if zero_aqi and setup.policy.zero_aqi_2026 is ZeroAqi2026.ONE:
        from_available = 1
    published = from_available if publishable else None

    primary_indicators: tuple[Item, ...] = ()
    if published is not None and published > PRIMARY_ABOVE:
        if setup.policy.ties is TieRule.EXACT:
            top = max(e for e in exacts.values() if e is not None)
            primary_indicators = tuple(i for i, e in exacts.items() if e == top)
        else:
            primary_indicators = tuple(i for i, v in values.items() if v == published)
    deciding = {item.pollutant for item in primary_indicators}
    exceeding = None
    if std is AqiStandard.HJ633_2012:
        over = {i.pollutant for i, v in values.items() if v is not None and v > EXCEEDING_ABOVE}
        exceeding = tuple(p for p in Pollutant if p in over)
    band = None if published is None else category(published)

    concentrations: dict[Item, Decimal | None] = {}
    for item in composition.accepted:
        if item in details:
            concentrations[item] = details[item].concentration
        elif item in given:
            concentrations[item] = reported_concentration(item, given[item], standard=std)
    return AQIResult(
        edition=std,
        report=setup.report,
        profile=setup.profile,
        aqi=published,
        aqi_from_available=from_available,
        iaqi=MappingProxyType(values),
        concentrations=MappingProxyType(concentrations),
        primary_pollutants=tuple(p for p in Pollutant if p in deciding),
        primary_indicators=primary_indicators,
        exceeding_pollutants=exceeding,
        level=None if band is None else band.level,
        category=None if band is None else band.category,
        colour=None if band is None else band.colour,
        rgb=None if band is None else band.rgb,
        publishable=publishable,
        incomplete=any(v is None for v in values.values()) or bool(not_monitored),
        missing=tuple(i for i, d in details.items() if d.missing),
        not_monitored=not_monitored,
        beyond_table=tuple(
            i
            for i, d in details.items()
            if d.beyond_table or getattr(values[i], "beyond_table", False)
        ),
        special_rule_800=tuple(i for i, d in details.items() if d.special_rule_800),
        zero_aqi=zero_aqi,
    )


# --- array path ----------------------------------------------------------------------------


def _arrays(given: Mapping[Item, Any]) -> tuple[dict[Item, npt.NDArray[np.float64]], int]:
    arrays = {item: as_float_array(item, value) for item, value in given.items()}
    shapes = {array.shape for array in arrays.values()}
    if len(shapes) > 1 or any(len(shape) != 1 for shape in shapes):
        found = ", ".join(f"{item} {array.shape}" for item, array in arrays.items())
        raise ValidationError(f"concentration arrays must be 1-D of one length; got {found}")
    return arrays, next(iter(shapes))[0]


def _larger(a: tuple[I64, I64], b: tuple[I64, I64]) -> tuple[I64, I64]:
    """Element-wise larger of two exact fractions (numerator, positive denominator)."""
    b_wins = b[0] * a[1] > a[0] * b[1]
    return np.where(b_wins, b[0], a[0]), np.where(b_wins, b[1], a[1])


def _set_bit(target: U16, flag: Bools, bit: int) -> None:
    """``target |= bit`` where ``flag``; flags are rare, so test first."""
    if flag.any():
        np.bitwise_or(target, np.uint16(bit), out=target, where=flag)


def _exact_primary(
    indexed: tuple[Item, ...], fractions: Mapping[Item, tuple[I64, I64]], size: int
) -> U8:
    """Pollutant bitmask of the largest exact IAQIs (reference OQ-10, :attr:`TieRule.EXACT`)."""
    per_pollutant: dict[Pollutant, tuple[I64, I64]] = {}
    for item in indexed:
        p = item.pollutant
        per_pollutant[p] = (
            _larger(per_pollutant[p], fractions[item]) if p in per_pollutant else fractions[item]
        )
    bits = np.zeros(size, dtype=np.uint8)
    if not per_pollutant:
        return bits
    top = next(iter(per_pollutant.values()))
    for fraction in per_pollutant.values():
        top = _larger(top, fraction)
    for p, (num, den) in per_pollutant.items():
        bits[num * top[1] == top[0] * den] |= np.uint8(POLLUTANT_BIT[p])
    return bits


def _aqi_arrays(setup: _Setup, given: Mapping[Item, Any]) -> AQIArrayResult:
    std, composition, policy = setup.std, setup.composition, setup.policy
    arrays, n = _arrays(given)
    indexed = tuple(item for item in composition.indexed if item in arrays)
    not_monitored = tuple(item for item in composition.indexed if item not in arrays)
    kernels = {item: kernel_for(item, setup.columns[item], std, policy) for item in indexed}
    auxiliary = {
        item: kernel_for(item, BREAKPOINT_COLUMN[std][item], std, policy)
        for item in composition.auxiliary
        if item in arrays
    }
    exact_ties = policy.ties is TieRule.EXACT
    forced_na = setup.forced_na(not_monitored)
    # Block rows of each pollutant, with the pollutant's bit position.
    pollutant_rows = [
        (shift, [j for j, item in enumerate(indexed) if item.pollutant is p])
        for shift, p in enumerate(Pollutant)
    ]
    pollutant_rows = [(shift, rows) for shift, rows in pollutant_rows if rows]

    # One row per indexed item, contiguous per item; a chunk is a (items × rows) view.
    block = np.empty((len(indexed), n), dtype=np.int16)
    block_mask = np.empty((len(indexed), n), dtype=np.bool_)
    from_available = np.empty(n, dtype=np.int16)
    published = np.empty(n, dtype=np.int16)
    primary = np.empty(n, dtype=np.uint8)
    exceeding = np.empty(n, dtype=np.uint8) if std is AqiStandard.HJ633_2012 else None
    code = np.empty(n, dtype=np.int8)
    publishable = np.empty(n, dtype=np.bool_)
    incomplete = np.empty(n, dtype=np.bool_)
    zero_aqi = np.zeros(n, dtype=np.bool_)
    flags = {name: np.zeros(n, dtype=np.uint16) for name in _FLAG_NAMES}

    for start in range(0, n, CHUNK_ROWS):
        rows = slice(start, min(start + CHUNK_ROWS, n))
        sub = block[:, rows]
        chunks = {
            item: index_chunk(kernels[item], arrays[item][rows], out=sub[j])
            for j, item in enumerate(indexed)
        }
        chunks.update(
            (item, index_chunk(kernel, arrays[item][rows])) for item, kernel in auxiliary.items()
        )
        fractions = (
            {item: exact_fraction_chunk(kernels[item], chunks[item]) for item in indexed}
            | {item: exact_fraction_chunk(k, chunks[item]) for item, k in auxiliary.items()}
            if exact_ties
            else {}
        )
        for j, item in enumerate(indexed):
            chunk, bit = chunks[item], ITEM_BIT[item]
            _set_bit(flags["missing"][rows], chunk.missing, bit)
            _set_bit(flags["invalid"][rows], chunk.invalid, bit)
            if not kernels[item].over_is_special:
                _set_bit(flags["beyond_table"][rows], chunk.over, bit)
                continue
            _set_bit(flags["special_rule_800"][rows], chunk.over, bit)
            substitute = setup.substitute(item) if std is AqiStandard.HJ633_2012 else None
            source = chunks.get(substitute) if substitute is not None else None
            if source is None or substitute is None or not chunk.over.any():
                continue
            # HJ 633-2012 notes (2), (3): the substitute's IAQI (NA when it has none).
            np.copyto(sub[j], source.iaqi, where=chunk.over)
            got = chunk.over & source.over & (source.iaqi != NO_INDEX)
            _set_bit(flags["beyond_table"][rows], got, bit)
            if exact_ties:
                (num, den), (s_num, s_den) = fractions[item], fractions[substitute]
                fractions[item] = (
                    np.where(chunk.over, s_num, num),
                    np.where(chunk.over, s_den, den),
                )

        mask = block_mask[:, rows]
        np.equal(sub, NO_INDEX, out=mask)
        best = sub.max(axis=0, initial=NO_INDEX)
        na = mask.any(axis=0)
        np.logical_or(na, bool(not_monitored), out=incomplete[rows])
        ok = best != NO_INDEX
        if setup.publication_rule:
            ok &= (best > PUBLISH_INCOMPLETE_ABOVE) | (False if forced_na else ~na)
        if std is AqiStandard.HJ633_2026:
            zero = best == 0
            zero_aqi[rows] = zero
            if policy.zero_aqi_2026 is ZeroAqi2026.ONE:
                best[zero] = 1
        from_available[rows] = best
        publishable[rows] = ok
        shown = published[rows]
        np.copyto(shown, best)
        np.putmask(shown, ~ok, NO_INDEX)
        code[rows] = _CODE_OF_AQI_PLUS_1.take(shown + 1)

        bits = np.zeros(best.size, dtype=np.uint8)
        over_100 = np.zeros(best.size, dtype=np.uint8)
        for shift, block_rows in pollutant_rows:
            p_iaqi = sub[block_rows[0]]
            for j in block_rows[1:]:
                p_iaqi = np.maximum(p_iaqi, sub[j])
            if not exact_ties:
                bits |= (p_iaqi == shown).view(np.uint8) << shift
            if exceeding is not None:
                over_100 |= (p_iaqi > EXCEEDING_ABOVE).view(np.uint8) << shift
        if exact_ties:
            bits = _exact_primary(indexed, fractions, best.size)
        bits *= shown > PRIMARY_ABOVE
        primary[rows] = bits
        if exceeding is not None:
            exceeding[rows] = over_100

    problems = "; ".join(
        line
        for item in indexed
        if (line := invalid_summary(item, arrays[item], (flags["invalid"] & ITEM_BIT[item]) > 0))
    )
    return AQIArrayResult(
        edition=std,
        report=setup.report,
        profile=setup.profile,
        aqi=np.ma.MaskedArray(published, mask=~publishable),
        aqi_from_available=np.ma.MaskedArray(from_available, mask=from_available == NO_INDEX),
        iaqi=MappingProxyType(
            {
                item: np.ma.MaskedArray(block[j], mask=block_mask[j])
                for j, item in enumerate(indexed)
            }
        ),
        primary_pollutants=primary,
        exceeding_pollutants=exceeding,
        category=code,
        publishable=publishable,
        incomplete=incomplete,
        zero_aqi=zero_aqi,
        missing=flags["missing"],
        invalid=flags["invalid"],
        beyond_table=flags["beyond_table"],
        special_rule_800=flags["special_rule_800"],
        not_monitored=not_monitored,
        problems=problems,
    )
