"""Individual air quality index (IAQI) of one indicator, HJ 633-2012 and HJ 633-2026.

Formula (1) of both editions [HJ633-2012] §4.2, [HJ633-2026] §4.2.4::

    IAQI_P = IAQI_Lo + (IAQI_Hi − IAQI_Lo) · (C_P − BP_Lo) / (BP_Hi − BP_Lo)

taken up to the next integer ("全部（向上）进位取整数", HJ 633-2012 §6.2, HJ 633-2026 §4.2.6).
Under HJ 633-2026 the concentration is first rounded per GB/T 8170 [GBT8170] to an integer
µg/m³ (CO: 0.1 mg/m³), §4.2.2 and §4.2.3; HJ 633-2012 indexes the concentration as supplied.

Exactness (decision record 0001). The scalar path evaluates formula (1) on exact rationals
(multiply before dividing) from the concentration *as written* (a float is read through its
shortest ``repr``, as :func:`ecowarden.standards.rounding.to_decimal` does). The array path
gets the same integers without per-element Python:

* HJ 633-2026: the GB/T 8170 rounding is decided exactly on binary floats (below), which
  gives an integer in table units; the IAQI is then looked up in a table built once per
  column by exact integer ceiling division ``IAQI_Lo + ceil(ΔI·(C − BP_Lo) / ΔC)``.
* HJ 633-2012: with m the integer nearest to the float value of ΔI·(C − BP_Lo)/ΔC, the
  concentration at which the exact quotient equals m, ``BP_Lo + m·ΔC/ΔI``, is a decimal
  with at most two places (ΔI is 50 or 100); the float nearest to it is obtained by one
  correctly rounded division of exact integers, and comparing the input float with it
  decides ``quotient > m`` exactly for the written value. IAQI = IAQI_Lo + m + [C > that].

Arrays are processed in chunks of :data:`CHUNK_ROWS` rows so that the temporaries stay in
the processor cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.breakpoints import (
    BREAKPOINT_COLUMN,
    BREAKPOINTS,
    IAQI_ROWS,
    OVER_800,
    OVER_800_UG_M3,
    ROUNDING_DECIMALS_2026,
    TABLE_UNITS_PER_UNIT,
    Item,
)
from ecowarden.standards.air.editions import AqiStandard, parse_aqi_standard
from ecowarden.standards.rounding import ceil_exact, round_half_even, to_decimal

__all__ = [
    "DEFAULT_POLICY",
    "BeyondTable",
    "IAQIArrayDetail",
    "IAQIDetail",
    "IAQIValue",
    "IndexPolicy",
    "MissingRule2012",
    "So2Over800Rule2012",
    "TieRule",
    "ZeroAqi2026",
    "breakpoint_column",
    "iaqi",
    "iaqi_detail",
    "parse_item",
    "reported_concentration",
    "round_half_even_array",
]

F64 = npt.NDArray[np.float64]
I16 = npt.NDArray[np.int16]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
MaskedI16 = np.ma.MaskedArray[Any, np.dtype[np.int16]]
Concentration = int | float | str | Decimal | np.integer[Any] | np.floating[Any] | None

#: Rows per chunk of the array path (a chunk of float64 temporaries fits in L2 cache).
CHUNK_ROWS = 16_384
#: Sentinel of "no IAQI" in the int16 working arrays; masked in every result.
NO_INDEX = -1
#: The top of the index scale: HJ 633-2026 §4.1.1 "1～500"; the last IAQI row of the tables.
IAQI_MAX = 500


class BeyondTable(StrEnum):
    """Concentration above the top breakpoint (reference OQ-9)."""

    #: IAQI 500 with a ``beyond_table`` flag; the concentration is kept as supplied.
    CAP_500 = "cap-500"
    #: No IAQI (None / masked) with the ``beyond_table`` flag.
    NO_INDEX = "no-index"


class TieRule(StrEnum):
    """Primary-pollutant ties (reference OQ-10)."""

    #: Compare the ceiled, reported integer IAQIs.
    INTEGER = "integer"
    #: Compare the exact rational IAQIs before the ceiling.
    EXACT = "exact"


class So2Over800Rule2012(StrEnum):
    """HJ 633-2012 real-time report, SO2 1-h above 800 µg/m³ (reference OQ-11)."""

    #: The IAQI of the SO2 24-h moving average supplied as ``SO2_24H``; NA without one.
    SUBSTITUTE_24H = "substitute-24h"
    #: SO2 IAQI NA.
    NO_INDEX = "no-index"


class MissingRule2012(StrEnum):
    """Missing pollutants under HJ 633-2012 (reference OQ-12)."""

    #: AQI from the available indicators, flagged ``incomplete``; always publishable.
    FROM_AVAILABLE = "from-available"
    #: Apply the HJ 633-2026 §5.3.1 publication rule to 2012-era data too.
    HJ633_2026_RULE = "hj633-2026-rule"


class ZeroAqi2026(StrEnum):
    """AQI 0 under HJ 633-2026, whose §4.1.1 range is 1～500 (reference OQ-8)."""

    #: Keep 0 (category 优), flagged ``zero_aqi``.
    KEEP = "keep"
    #: Report 1, the bottom of the §4.1.1 range, still flagged ``zero_aqi``.
    ONE = "one"


@dataclass(frozen=True)
class IndexPolicy:
    """The switchable choices of decision record 0001; the defaults are the reference's.

    Attributes
    ----------
    beyond_table
        OQ-9, above the top breakpoint.
    ties
        OQ-10, primary-pollutant ties.
    so2_1h_over_800_2012
        OQ-11, HJ 633-2012 SO2 1-h above 800.
    missing_2012
        OQ-12, missing pollutants under HJ 633-2012.
    zero_aqi_2026
        OQ-8, AQI 0 under HJ 633-2026.
    """

    beyond_table: BeyondTable = BeyondTable.CAP_500
    ties: TieRule = TieRule.INTEGER
    so2_1h_over_800_2012: So2Over800Rule2012 = So2Over800Rule2012.SUBSTITUTE_24H
    missing_2012: MissingRule2012 = MissingRule2012.FROM_AVAILABLE
    zero_aqi_2026: ZeroAqi2026 = ZeroAqi2026.KEEP


DEFAULT_POLICY = IndexPolicy()


class IAQIValue(int):
    """An IAQI: an ``int`` that also carries how it was obtained.

    It compares, hashes and prints as the integer. Arithmetic gives plain ints.

    Attributes
    ----------
    beyond_table
        The concentration lies above the top breakpoint (reference OQ-9).
    special_rule_800
        A rule for SO2 1-h or O3 8-h above 800 µg/m³ gave this value (HJ 633-2026 Table 3
        notes b, c; or the HJ 633-2012 substitute of notes (2), (3)).
    """

    beyond_table: bool
    special_rule_800: bool

    def __new__(
        cls, value: int, *, beyond_table: bool = False, special_rule_800: bool = False
    ) -> IAQIValue:
        self = super().__new__(cls, value)
        self.beyond_table = beyond_table
        self.special_rule_800 = special_rule_800
        return self


@dataclass(frozen=True)
class IAQIDetail:
    """The IAQI of one scalar concentration with everything that decided it.

    Attributes
    ----------
    item, column
        The indicator, and the breakpoint column it was indexed on.
    standard
        HJ 633 edition.
    concentration
        The concentration indexed: rounded per GB/T 8170 under HJ 633-2026, as written under
        HJ 633-2012; None when missing. Never capped. [µg/m³; CO mg/m³]
    iaqi
        The IAQI, or None: missing, HJ 633-2012 >800 rule, or beyond the table with
        :attr:`BeyondTable.NO_INDEX`.
    exact
        The exact value before the ceiling (for exact ties), None when :attr:`iaqi` is None.
    missing, beyond_table, special_rule_800
        Flags.
    """

    item: Item
    column: Item
    standard: AqiStandard
    concentration: Decimal | None
    iaqi: IAQIValue | None
    exact: Fraction | None
    missing: bool = False
    beyond_table: bool = False
    special_rule_800: bool = False


@dataclass(frozen=True)
class IAQIArrayDetail:
    """The IAQIs of an array of concentrations, with flags per element.

    Attributes
    ----------
    iaqi
        int16 IAQIs, masked where there is none (missing, invalid, HJ 633-2012 >800 rule,
        beyond the table with :attr:`BeyondTable.NO_INDEX`).
    missing
        NaN input (missing or invalid measurement, "NA").
    invalid
        Negative or infinite input: masked, never indexed; counted in :attr:`problems`.
    beyond_table, special_rule_800
        As in :class:`IAQIValue`.
    problems
        Summary of the invalid inputs, empty when there are none.
    """

    item: Item
    column: Item
    standard: AqiStandard
    iaqi: MaskedI16
    missing: Bools
    invalid: Bools
    beyond_table: Bools
    special_rule_800: Bools
    problems: str


def parse_item(name: str | Item) -> Item:
    """An item code, or :class:`UnknownNameError` listing the valid codes."""
    try:
        return Item(name)
    except ValueError:
        raise UnknownNameError("air quality item", name, [i.value for i in Item]) from None


def breakpoint_column(item: Item, standard: AqiStandard) -> Item:
    """The breakpoint column of ``item`` under ``standard`` (HJ 633-2026 §4.2.4 for PM 1-h).

    Raises
    ------
    UnknownNameError
        For a PM 1-h item under HJ 633-2012, which shows these values without indexing them.
    """
    columns = BREAKPOINT_COLUMN[standard]
    if item not in columns:
        raise UnknownNameError(
            f"item indexed by {standard} (its PM 1-h values are shown, not indexed)",
            item.value,
            [i.value for i in columns],
        )
    return columns[item]


def _check_column(item: Item, column: Item, standard: AqiStandard) -> None:
    if column.pollutant is not item.pollutant or column not in BREAKPOINTS[standard]:
        raise ValidationError(
            f"{item}: cannot be indexed on the breakpoint column {column} of {standard}"
        )


@overload
def iaqi(
    item: str | Item,
    concentration: Concentration,
    *,
    standard: str | AqiStandard = ...,
    policy: IndexPolicy = ...,
) -> IAQIValue | None: ...
@overload
def iaqi(
    item: str | Item,
    concentration: npt.NDArray[Any],
    *,
    standard: str | AqiStandard = ...,
    policy: IndexPolicy = ...,
) -> MaskedI16: ...
def iaqi(
    item: str | Item,
    concentration: Concentration | npt.NDArray[Any],
    *,
    standard: str | AqiStandard = AqiStandard.HJ633_2026,
    policy: IndexPolicy = DEFAULT_POLICY,
) -> IAQIValue | MaskedI16 | None:
    r"""Individual AQI of one indicator.

    .. math::

        IAQI_P = \left\lceil IAQI_{Lo} + \frac{(IAQI_{Hi} - IAQI_{Lo})(C_P - BP_{Lo})}
        {BP_{Hi} - BP_{Lo}} \right\rceil

    Parameters
    ----------
    item
        Indicator code (``"PM25_24H"``, ``"SO2_1H"`` …, :class:`Item`).
    concentration
        Concentration [µg/m³; CO mg/m³]: a number (int, float, decimal string, Decimal), or a
        NumPy array of any shape. None or NaN mean missing.
    standard
        ``"HJ 633-2026"`` (default) or ``"HJ 633-2012"``.
    policy
        Switchable choices; only :attr:`IndexPolicy.beyond_table` matters here.

    Returns
    -------
    IAQIValue or None, or numpy.ma.MaskedArray of int16
        Scalar: the IAQI, or None when missing, when the HJ 633-2012 note (2)/(3) leaves the
        SO2 1-h / O3 8-h value above 800 without an index (:func:`aqi` then substitutes),
        or beyond the table under :attr:`BeyondTable.NO_INDEX`. Arrays: masked where the
        scalar would be None. Use :func:`iaqi_detail` for the flags.

    Raises
    ------
    UnknownNameError
        Unknown item, or a PM 1-h item under HJ 633-2012 (shown, not indexed).
    StandardNotFound
        Unknown standard.
    ValidationError
        Negative, infinite or non-numeric concentration (arrays: any such element).

    References
    ----------
    [HJ633-2012] §4.2, Table 1, §6.2. [HJ633-2026] §4.2.2–§4.2.6, Table 3. [GBT8170].

    Examples
    --------
    >>> iaqi("PM25_24H", 55)  # 50 + 50·(55 − 35)/(60 − 35) = 90
    90
    >>> iaqi("PM25_24H", 55, standard="HJ 633-2012")  # 50 + 50·20/40
    75
    """
    detail = iaqi_detail(item, concentration, standard=standard, policy=policy)
    if isinstance(detail, IAQIDetail):
        return detail.iaqi
    if detail.problems:
        raise ValidationError(detail.problems)
    return detail.iaqi


@overload
def iaqi_detail(
    item: str | Item,
    concentration: Concentration,
    *,
    standard: str | AqiStandard = ...,
    policy: IndexPolicy = ...,
    column: str | Item | None = ...,
) -> IAQIDetail: ...
@overload
def iaqi_detail(
    item: str | Item,
    concentration: npt.NDArray[Any],
    *,
    standard: str | AqiStandard = ...,
    policy: IndexPolicy = ...,
    column: str | Item | None = ...,
) -> IAQIArrayDetail: ...
def iaqi_detail(
    item: str | Item,
    concentration: Concentration | npt.NDArray[Any],
    *,
    standard: str | AqiStandard = AqiStandard.HJ633_2026,
    policy: IndexPolicy = DEFAULT_POLICY,
    column: str | Item | None = None,
) -> IAQIDetail | IAQIArrayDetail:
    """:func:`iaqi` with its flags; arrays report invalid elements instead of raising.

    Parameters
    ----------
    item, concentration, standard, policy
        As in :func:`iaqi`.
    column
        Breakpoint column to index on, of the same pollutant. None (default) takes the
        edition's rule (:func:`breakpoint_column`). :func:`aqi` passes the 24-h column for
        PM 1-h items under the ``"national-release"`` profile.

    Returns
    -------
    IAQIDetail or IAQIArrayDetail
    """
    std = parse_aqi_standard(standard)
    it = parse_item(item)
    col = breakpoint_column(it, std) if column is None else parse_item(column)
    _check_column(it, col, std)
    if isinstance(concentration, np.ndarray):
        return _detail_array(it, col, std, policy, concentration)
    return _detail_scalar(it, col, std, policy, concentration)


# --- scalar path: exact rationals -----------------------------------------------------------


def _as_decimal(item: Item, value: Concentration) -> Decimal | None:
    """The written value of a scalar concentration; None when missing (None or NaN)."""
    if value is None:
        return None
    if isinstance(value, np.floating):
        value = float(value)
    elif isinstance(value, np.integer):
        value = int(value)
    if (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, Decimal) and value.is_nan()
    ):
        return None
    try:
        written = to_decimal(value)
    except ValidationError as exc:
        raise ValidationError(f"{item}: {exc}") from None
    if written < 0:
        raise ValidationError(f"{item}: negative concentration {value!r}")
    return written


def reported_concentration(
    item: str | Item, concentration: Concentration, *, standard: str | AqiStandard
) -> Decimal | None:
    """The concentration an edition indexes and reports. [µg/m³; CO mg/m³]

    HJ 633-2026 §4.2.2, §4.2.3: rounded per GB/T 8170 (half to even on an exact 5, once,
    from the written value) to an integer, CO to 0.1. HJ 633-2012: as written, never
    truncated. None for a missing value.
    """
    std = parse_aqi_standard(standard)
    it = parse_item(item)
    written = _as_decimal(it, concentration)
    if written is None or std is AqiStandard.HJ633_2012:
        return written
    return round_half_even(written, ROUNDING_DECIMALS_2026[it.pollutant])


def _detail_scalar(
    item: Item, column: Item, std: AqiStandard, policy: IndexPolicy, value: Concentration
) -> IAQIDetail:
    conc = reported_concentration(item, value, standard=std)
    if conc is None:
        return IAQIDetail(item, column, std, None, None, None, missing=True)
    table = BREAKPOINTS[std][column]
    c = Fraction(conc) * TABLE_UNITS_PER_UNIT[item.pollutant]  # exact, in table units
    rules = OVER_800[std]
    if item in rules and c > OVER_800_UG_M3:
        special = rules[item]
        if special is None:  # HJ 633-2012 notes (2), (3): no IAQI from this value
            return IAQIDetail(item, column, std, conc, None, None, special_rule_800=True)
        return IAQIDetail(
            item,
            column,
            std,
            conc,
            IAQIValue(special, special_rule_800=True),
            Fraction(special),
            special_rule_800=True,
        )
    if c > table[-1]:
        if policy.beyond_table is BeyondTable.NO_INDEX:
            return IAQIDetail(item, column, std, conc, None, None, beyond_table=True)
        return IAQIDetail(
            item,
            column,
            std,
            conc,
            IAQIValue(IAQI_MAX, beyond_table=True),
            Fraction(IAQI_MAX),
            beyond_table=True,
        )
    # Adjacent breakpoints BP_Lo ≤ C ≤ BP_Hi; on a breakpoint both segments give its IAQI.
    hi = next(i for i in range(1, len(table)) if c <= table[i])
    i_lo, i_hi, bp_lo, bp_hi = IAQI_ROWS[hi - 1], IAQI_ROWS[hi], table[hi - 1], table[hi]
    exact = i_lo + (i_hi - i_lo) * (c - bp_lo) / (bp_hi - bp_lo)  # multiply before dividing
    return IAQIDetail(item, column, std, conc, IAQIValue(ceil_exact(exact)), exact)


# --- array path ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexKernel:
    """Per-column constants of the array path (built once per column and policy, cached)."""

    standard: AqiStandard
    decimals: int  # HJ 633-2026 rounding; table units are 10^-decimals of the unit
    top: float  # top breakpoint [unit of the standard]
    cap: float  # inputs are capped here: one table unit above the top [unit]
    over_iaqi: int  # IAQI above the top (special value, 500, or NO_INDEX)
    over_is_special: bool  # above the top means the >800 rule, not beyond the table
    lut: I16  # HJ 633-2026: IAQI of each rounded concentration 0 … top+1 [table units]
    segment_of_floor: npt.NDArray[np.intp]  # HJ 633-2012: segment of each ⌊C⌋ 0 … top
    upper: F64  # HJ 633-2012 segments: BP_Hi [unit]
    bp_lo: F64  # BP_Lo [unit]
    d_conc: F64  # BP_Hi − BP_Lo [unit]
    iaqi_lo: F64
    d_iaqi: F64
    table_units: npt.NDArray[np.int64]  # breakpoints [table units]


@cache
def _kernel(item: Item, column: Item, std: AqiStandard, beyond: BeyondTable) -> IndexKernel:
    table = np.array(BREAKPOINTS[std][column], dtype=np.int64)
    rows = np.array(IAQI_ROWS[: len(table)], dtype=np.int64)
    scale = TABLE_UNITS_PER_UNIT[item.pollutant]
    top = int(table[-1])
    rules = OVER_800[std]
    if item in rules:
        special = rules[item]
        over_iaqi, over_is_special = (NO_INDEX if special is None else special), True
    else:
        over_iaqi = IAQI_MAX if beyond is BeyondTable.CAP_500 else NO_INDEX
        over_is_special = False
    # Exact integer IAQI of every rounded concentration 0 … top (table units), then the
    # value above the top: IAQI_Lo + ceil(ΔI·(C − BP_Lo)/ΔC), multiplying before dividing.
    conc = np.arange(top + 1, dtype=np.int64)
    seg = np.maximum(np.searchsorted(table, conc, side="left"), 1)
    d_iaqi = rows[seg] - rows[seg - 1]
    d_conc = table[seg] - table[seg - 1]
    lut = rows[seg - 1] - ((-d_iaqi * (conc - table[seg - 1])) // d_conc)
    lut = np.append(lut, over_iaqi).astype(np.int16)
    native = table.astype(np.float64) / scale  # exact: CO breakpoints are whole mg/m³
    return IndexKernel(
        standard=std,
        decimals=ROUNDING_DECIMALS_2026[item.pollutant],
        top=float(native[-1]),
        # one table unit above the top: rounds to top + 1 at most, values below unchanged
        cap=(top + 1) / scale,
        over_iaqi=over_iaqi,
        over_is_special=over_is_special,
        lut=lut,
        # Breakpoints are whole units, so ⌊C⌋ decides the segment; a C on a breakpoint may
        # take either adjacent segment (both give the table IAQI).
        segment_of_floor=np.minimum(
            np.searchsorted(native[1:], np.arange(int(native[-1]) + 1), side="right"),
            table.size - 2,
        ),
        upper=native[1:].copy(),
        bp_lo=native[:-1].copy(),
        d_conc=np.diff(native),
        iaqi_lo=rows[:-1].astype(np.float64),
        d_iaqi=np.diff(rows).astype(np.float64),
        table_units=table,
    )


def kernel_for(item: Item, column: Item, std: AqiStandard, policy: IndexPolicy) -> IndexKernel:
    """The cached array-path constants of one indicator (used by :mod:`.aqi`)."""
    return _kernel(item, column, std, policy.beyond_table)


def round_half_even_array(values: F64, decimals: int) -> F64:
    """GB/T 8170 rounding of non-negative finite floats, as decided on their written value.

    Returns integers (as floats) in units of 10^-``decimals``. The result equals
    ``round_half_even(repr(v), decimals)`` for every v below 10^9 without per-element Python:

    * ``decimals == 0``: a half k + 0.5 is a binary float itself, and a float lies on the
      same side of it as every decimal that reads back as that float; so ``numpy.rint``
      (half to even on the binary value) decides as the decimal rule does.
    * otherwise, with k = floor(v·10^d): the half (2k+1)/(2·10^d) is written with d+1
      places; its nearest float h is one correctly rounded division of exact integers.
      v == h means the written value *is* that half (round to even k); otherwise the side
      of v against h is the side of the written value against the half. Near an integer
      multiple a floor one too low or high still lands on the right integer.
    """
    if decimals == 0:
        return np.rint(values)
    factor = 10.0**decimals
    k = np.floor(values * factor)
    half = (2.0 * k + 1.0) / (2.0 * factor)
    k_half = k * 0.5
    odd = np.floor(k_half) != k_half
    rounded: F64 = k + ((values > half) | ((values == half) & odd))
    return rounded


@dataclass(frozen=True)
class ChunkIAQI:
    """IAQIs of one chunk of the array path, with per-element flags."""

    iaqi: I16  # NO_INDEX where none
    missing: Bools
    invalid: Bools
    over: Bools  # above the top: beyond the table, or the >800 rule (kernel.over_is_special)
    clean: F64  # HJ 633-2026: rounded [table units]; 2012: as supplied, capped at the top


def index_chunk(kernel: IndexKernel, values: F64, out: I16 | None = None) -> ChunkIAQI:
    """IAQIs of one chunk of float64 concentrations [unit of the standard].

    ``out`` (int16, same length) receives the IAQIs when given. The passes are few and
    cheap: NaN and negative values fail ``values >= 0`` and are indexed as 0 then masked;
    infinite values are looked for only among the few above the top.
    """
    iaqi_out = np.empty(values.size, dtype=np.int16) if out is None else out
    bad = values >= 0.0
    np.logical_not(bad, out=bad)  # NaN (missing) or negative (invalid)
    clean = np.minimum(values, kernel.cap)
    np.fmax(clean, 0.0, out=clean)  # NaN and negative → 0, masked below
    if kernel.standard is AqiStandard.HJ633_2026:
        clean = round_half_even_array(clean, kernel.decimals)  # ≤ top + 1 by the cap
        over = clean > kernel.lut.size - 2
        np.take(kernel.lut, clean.astype(np.intp), out=iaqi_out)
    else:
        over = clean > kernel.top
        np.minimum(clean, kernel.top, out=clean)
        seg = kernel.segment_of_floor.take(clean.astype(np.intp))
        bp_lo, d_conc = kernel.bp_lo.take(seg), kernel.d_conc.take(seg)
        d_iaqi = kernel.d_iaqi.take(seg)
        nearest = np.rint((clean - bp_lo) * d_iaqi / d_conc)
        # concentration where the exact quotient equals `nearest`, to the nearest float
        lattice = (bp_lo * d_iaqi + nearest * d_conc) / d_iaqi
        exact_ceiling = kernel.iaqi_lo.take(seg) + nearest + (clean > lattice)
        iaqi_out[...] = np.where(over, kernel.over_iaqi, exact_ceiling)
    if over.any():
        infinite = over & np.isinf(values)
        bad |= infinite
        over &= ~infinite
    np.putmask(iaqi_out, bad, NO_INDEX)
    if bad.any():
        missing = np.isnan(values)
        invalid = bad & ~missing
    else:
        missing = invalid = np.zeros(values.size, dtype=np.bool_)
    return ChunkIAQI(iaqi_out, missing, invalid, over, clean)


def exact_fraction_chunk(kernel: IndexKernel, chunk: ChunkIAQI) -> tuple[I64, I64]:
    """Exact IAQIs before the ceiling as numerator and denominator (int64), for OQ-10 ties.

    HJ 633-2026: ``chunk.clean`` holds integers in table units. HJ 633-2012: concentrations
    must be written with at most 3 decimals (checked exactly); otherwise ValidationError,
    and the scalar path, which is exact for any written value, must be used.
    """
    if kernel.standard is AqiStandard.HJ633_2026:
        conc = chunk.clean.astype(np.int64)
        table = kernel.table_units
    else:
        thousandths = np.rint(chunk.clean * 1000.0)
        if not np.array_equal(thousandths / 1000.0, chunk.clean):
            raise ValidationError(
                "exact ties under HJ 633-2012 need concentrations with at most 3 decimals "
                "in the array path; use the scalar path for other values"
            )
        conc = thousandths.astype(np.int64)
        table = np.rint(np.concatenate(([0.0], kernel.upper)) * 1000.0).astype(np.int64)
    seg = np.clip(np.searchsorted(table, conc, side="left"), 1, table.size - 1)
    rows = np.array(IAQI_ROWS, dtype=np.int64)
    d_conc = table[seg] - table[seg - 1]
    numerator = rows[seg - 1] * d_conc + (rows[seg] - rows[seg - 1]) * (conc - table[seg - 1])
    fixed = chunk.over | (chunk.iaqi == NO_INDEX)  # 500, 200, 300 or none: the integer itself
    numerator = np.where(fixed, chunk.iaqi.astype(np.int64), numerator)
    return numerator, np.where(fixed, 1, d_conc)


def as_float_array(item: Item, values: npt.NDArray[Any]) -> F64:
    """A numeric array as float64, or ValidationError naming the item."""
    if values.dtype.kind not in "fiu":
        raise ValidationError(f"{item}: expected a numeric array, got dtype {values.dtype}")
    return np.asarray(values, dtype=np.float64)


def invalid_summary(item: Item, values: F64, invalid: Bools) -> str:
    """``"PM25_24H: 2 negative or infinite values, first -3.0 at index 7"``, or ``""``."""
    count = int(np.count_nonzero(invalid))
    if count == 0:
        return ""
    first = int(np.flatnonzero(invalid)[0])
    return (
        f"{item}: {count} negative or infinite value{'s' if count > 1 else ''}, "
        f"first {float(values[first])!r} at index {first}"
    )


def _detail_array(
    item: Item,
    column: Item,
    std: AqiStandard,
    policy: IndexPolicy,
    concentration: npt.NDArray[Any],
) -> IAQIArrayDetail:
    values = as_float_array(item, concentration).ravel()
    kernel = kernel_for(item, column, std, policy)
    n = values.size
    out = np.empty(n, dtype=np.int16)
    flags = {name: np.empty(n, dtype=np.bool_) for name in ("missing", "invalid", "over")}
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        chunk = index_chunk(kernel, values[start:stop], out=out[start:stop])
        flags["missing"][start:stop] = chunk.missing
        flags["invalid"][start:stop] = chunk.invalid
        flags["over"][start:stop] = chunk.over
    shape = concentration.shape
    no_flag = np.zeros(n, dtype=np.bool_)
    over = flags["over"]
    return IAQIArrayDetail(
        item=item,
        column=column,
        standard=std,
        iaqi=np.ma.MaskedArray(out, mask=out == NO_INDEX).reshape(shape),
        missing=flags["missing"].reshape(shape),
        invalid=flags["invalid"].reshape(shape),
        beyond_table=(no_flag if kernel.over_is_special else over).reshape(shape),
        special_rule_800=(over if kernel.over_is_special else no_flag).reshape(shape),
        problems=invalid_summary(item, values, flags["invalid"]),
    )
