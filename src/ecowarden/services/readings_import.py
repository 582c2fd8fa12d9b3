"""Import readings from CSV: ``site,parameter,period,start,value,flag`` (docs/import-formats.md).

Every row is checked first, column by column with polars; a bad row is reported with its line
number, field and reason (unknown site or parameter, unknown period or flag, a timestamp without
offset, an impossible date, a start that does not begin an interval of its period, a value that
is not a number). A file with a bad row stores nothing unless ``skip_bad`` is given; then the
good rows are stored and the bad ones reported. Good rows are stored in one transaction through
the idempotent upsert, so importing the same file again stores nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from ecowarden.errors import ValidationError
from ecowarden.registry.readings import FLAG_CODES, LOCAL_ZONE, Period
from ecowarden.services.materialise import refresh_materialised
from ecowarden.store.audit import AuditEvent, AuditOutcome
from ecowarden.store.database import Store
from ecowarden.store.instants import now_us
from ecowarden.store.readings import SeriesDay
from ecowarden.store.sources import SourceKind

CSV_COLUMNS: Final = ("site", "parameter", "period", "start", "value", "flag")
# Rows per upsert call; all of them in one transaction.
CHUNK_ROWS: Final = 500_000
_START_FORMAT: Final = "%Y-%m-%dT%H:%M:%S%z"
# The shape of an ISO 8601 date-time; used only to tell an impossible date from a malformed text.
_ISO_SHAPE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?"
)
_PERIOD_NAMES: Final = {
    **{period.value: period.command for period in Period},
    "realtime": Period.REAL_TIME.command,
}


@dataclass(frozen=True, slots=True)
class BadRow:
    """One problem in one row: ``line`` counts the header as line 1."""

    line: int
    field: str
    value: str | None
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field} {self.value!r}: {self.reason}"


class ReadingsFileRejected(ValidationError):
    """A readings file that cannot be imported as a whole; nothing of it was stored."""

    def __init__(self, file: str, bad_rows: Sequence[BadRow], *, reason: str | None = None) -> None:
        self.file = file
        self.bad_rows = tuple(bad_rows)
        if reason is not None:
            message = f"{file}: {reason}"
        else:
            shown = "; ".join(str(bad) for bad in self.bad_rows[:5])
            more = f" (and {len(self.bad_rows) - 5} more)" if len(self.bad_rows) > 5 else ""
            message = (
                f"{file}: {len(self.bad_rows)} bad value(s), nothing imported "
                f"(--skip-bad stores the good rows): {shown}{more}"
            )
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ReadingsImportReport:
    """What an import did."""

    file: str
    sha256: str
    rows: int
    new: int
    identical: int
    conflicting: int
    bad_rows: tuple[BadRow, ...]
    touched: frozenset[SeriesDay]

    @property
    def skipped(self) -> int:
        """Rows not stored because they were bad."""
        return len({bad.line for bad in self.bad_rows})


@dataclass(frozen=True, slots=True)
class CheckedReadings:
    """A readings file checked against the registry: the good rows as a store batch (without
    source and receive time) and the problems of the bad ones."""

    rows: int
    good: pl.DataFrame
    bad_rows: tuple[BadRow, ...]


def _read_csv(file: str, data: bytes) -> pl.DataFrame:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise ReadingsFileRejected(file, (), reason="the file is empty (expected a header line)")
    try:
        frame = pl.read_csv(data, infer_schema=False, has_header=True)
    except pl.exceptions.PolarsError as error:
        raise ReadingsFileRejected(file, (), reason=f"not a readable CSV file: {error}") from error
    if tuple(frame.columns) != CSV_COLUMNS:
        raise ReadingsFileRejected(
            file,
            (),
            reason=f"header is {','.join(frame.columns)}; expected {','.join(CSV_COLUMNS)}",
        )
    return frame


def _parse_start(text: str) -> int | str:
    """Epoch seconds of a start the fast format rejected (``Z``, a blank for ``T`` and zero
    fractions are fine), or the reason it is bad."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        if _ISO_SHAPE.fullmatch(text):
            return "impossible date or time"
        return "not an ISO 8601 date-time (2025-01-01T00:00:00+08:00)"
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return "timestamp without UTC offset (add +08:00)"
    if parsed.microsecond:
        return "an interval start is a whole second"
    return int(parsed.timestamp())


def _offset_progress(
    progress: Callable[[int, int], None], offset: int, total: int, done: int
) -> None:
    progress(offset + done, total)


def check_readings(
    file: str, data: bytes, *, site_ids: dict[str, int], parameter_ids: dict[str, int]
) -> CheckedReadings:
    """Check a readings CSV against the registry's site and parameter codes."""
    frame = _read_csv(file, data)
    rows = frame.height
    text = frame.with_columns(pl.col(column).str.strip_chars() for column in CSV_COLUMNS)
    site = text["site"].replace_strict(site_ids, default=None, return_dtype=pl.Int64)
    parameter = text["parameter"].replace_strict(parameter_ids, default=None, return_dtype=pl.Int64)
    period = text["period"].replace_strict(_PERIOD_NAMES, default=None, return_dtype=pl.Int16)
    start = _starts(text["start"])
    value = text["value"].cast(pl.Float64, strict=False)
    flag_ok = text["flag"].is_in(FLAG_CODES).fill_null(False)

    problems: dict[str, tuple[pl.Series, str]] = {
        "site": (site.is_null(), "unknown site (not in the registry)"),
        "parameter": (parameter.is_null(), "unknown parameter (not an HJ 212-2017 code)"),
        "period": (
            period.is_null(),
            f"unknown period; valid: {', '.join(p.value for p in Period)}",
        ),
        "flag": (~flag_ok, f"unknown data flag; valid: {', '.join(FLAG_CODES)}"),
    }
    bad: list[BadRow] = []
    for field, (mask, reason) in problems.items():
        for index in mask.arg_true().to_list():
            bad.append(BadRow(index + 2, field, text[field][index], reason))
    fallback_rows: list[int] = []
    fallback_values: list[int] = []
    for index in start.is_null().arg_true().to_list():
        raw = text["start"][index]
        if raw is None:
            bad.append(BadRow(index + 2, "start", None, "missing"))
            continue
        parsed = _parse_start(raw)
        if isinstance(parsed, str):
            bad.append(BadRow(index + 2, "start", raw, parsed))
        else:
            fallback_rows.append(index)
            fallback_values.append(parsed)
    if fallback_rows:
        start = start.scatter(fallback_rows, fallback_values)
    bad.extend(_misaligned(text, period, start))
    raw_values = text["value"]
    not_number = value.is_null() & raw_values.is_not_null() & (raw_values != "")
    for index in not_number.arg_true().to_list():
        bad.append(BadRow(index + 2, "value", raw_values[index], "not a number"))
    infinite = value.is_infinite().fill_null(False)
    for index in infinite.arg_true().to_list():
        bad.append(BadRow(index + 2, "value", raw_values[index], "not a finite number"))
    bad.sort(key=lambda row: (row.line, CSV_COLUMNS.index(row.field)))

    good_mask = np.ones(rows, dtype=bool)
    good_mask[[row.line - 2 for row in bad]] = False
    good = pl.DataFrame(
        {
            "site_id": site,
            "parameter_id": parameter,
            "period": period,
            "start_s": start,
            # NaN written as "NaN" is a missing value, like an empty field.
            "value": value.fill_nan(None),
            "flag": text["flag"],
        }
    ).filter(pl.Series(good_mask))
    return CheckedReadings(rows=rows, good=good, bad_rows=tuple(bad))


def _starts(text: pl.Series) -> pl.Series:
    parsed = text.str.to_datetime(_START_FORMAT, strict=False, time_unit="us")
    return (parsed.dt.epoch("s")).cast(pl.Int64).alias("start_s")


def _misaligned(text: pl.DataFrame, period: pl.Series, start: pl.Series) -> list[BadRow]:
    """Rows whose start cannot begin an interval of their period (DataTime is the start of the
    period, HJ 212-2017 Table 4): minutes on :00 s, hours on :00:00, days at local midnight."""
    local = (
        pl.from_epoch(start.fill_null(0), time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(LOCAL_ZONE.key)
    )
    second, minute, hour = local.dt.second(), local.dt.minute(), local.dt.hour()
    rules = (
        (Period.MINUTE, second != 0, "a minute interval starts on a whole minute"),
        (Period.HOUR, (second != 0) | (minute != 0), "an hour interval starts on a whole hour"),
        (
            Period.DAY,
            (second != 0) | (minute != 0) | (hour != 0),
            "a day interval starts at local midnight (Asia/Shanghai)",
        ),
    )
    bad = []
    for period_kind, wrong, reason in rules:
        mask = (period == period_kind.command).fill_null(False) & wrong & start.is_not_null()
        for index in mask.arg_true().to_list():
            bad.append(BadRow(index + 2, "start", text["start"][index], reason))
    return bad


def import_readings(
    store: Store,
    path: Path,
    *,
    actor: str,
    skip_bad: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReadingsImportReport:
    """Import a readings CSV file (see the module docstring).

    Parameters
    ----------
    progress
        Called with (rows stored or checked so far, rows to store).

    Raises
    ------
    ReadingsFileRejected
        When the file is unreadable, or has bad rows and ``skip_bad`` is False; nothing is
        stored and the refusal is audited.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadingsFileRejected(
            path.name, (), reason=f"cannot read: {error.strerror}"
        ) from error
    digest = hashlib.sha256(data).hexdigest()
    with store.snapshot() as snapshot:
        site_ids = snapshot.registry.site_ids()
        parameter_ids = snapshot.registry.parameter_ids()
    try:
        checked = check_readings(path.name, data, site_ids=site_ids, parameter_ids=parameter_ids)
        if checked.bad_rows and not skip_bad:
            raise ReadingsFileRejected(path.name, checked.bad_rows)
    except ReadingsFileRejected as rejected:
        with store.transaction() as transaction:
            transaction.audit.append(
                AuditEvent(
                    actor=actor,
                    action="readings.import",
                    object_type="file",
                    object_id=path.name,
                    outcome=AuditOutcome.REFUSED,
                    detail={
                        "sha256": digest,
                        "bad_rows": len(rejected.bad_rows),
                        "first": [str(bad) for bad in rejected.bad_rows[:10]],
                        "reason": str(rejected) if not rejected.bad_rows else None,
                    },
                )
            )
        raise
    good = checked.good.sort(["site_id", "parameter_id", "period", "start_s"])
    total = good.height
    new = identical = conflicting = 0
    touched: set[SeriesDay] = set()
    with store.transaction() as transaction:
        source_id = transaction.sources.ensure(
            SourceKind.IMPORT, f"{path.name} sha256:{digest[:16]}"
        )
        batch = good.with_columns(
            pl.lit(source_id, dtype=pl.Int64).alias("source_id"),
            pl.lit(now_us(), dtype=pl.Int64).alias("received_at_us"),
        )
        for offset in range(0, total, CHUNK_ROWS):
            chunk = batch.slice(offset, CHUNK_ROWS)
            report = transaction.readings.upsert(
                chunk,
                progress=None
                if progress is None
                else partial(_offset_progress, progress, offset, total),
            )
            new += report.new
            identical += report.identical
            conflicting += report.conflicting
            touched.update(report.touched)
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="readings.import",
                object_type="file",
                object_id=path.name,
                detail={
                    "sha256": digest,
                    "rows": checked.rows,
                    "new": new,
                    "identical": identical,
                    "conflicting": conflicting,
                    "bad_rows": len(checked.bad_rows),
                },
            )
        )
    # Daily AQI, water months and Ld / Ln of the stored days, once the readings are durable.
    refresh_materialised(store, touched)
    if progress is not None and total == 0:
        progress(0, 0)
    return ReadingsImportReport(
        file=path.name,
        sha256=digest,
        rows=checked.rows,
        new=new,
        identical=identical,
        conflicting=conflicting,
        bad_rows=checked.bad_rows,
        touched=frozenset(touched),
    )
