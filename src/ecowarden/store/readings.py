"""Readings: an idempotent natural-key upsert, revisions and corrections, fast range reads.

Revision model (docs/decisions/0006-store.md). ``readings`` holds one row per natural key
(site, parameter, period, interval start) with the values as first received, which never change
(triggers). Every later version of the same key is a row of ``reading_revisions``, numbered 1, 2 …:

- a resend equal to the original, or to a resend already recorded, is a no-op (I2);
- a resend with other values is recorded as a ``resend`` revision and the reading is marked
  ``conflict`` (a tampering signature, I3, D8); the original stays the current value;
- a correction is a ``correction`` revision with who, when and why, and becomes the current
  value (``readings.revision`` points at it; a trigger checks that it exists).

Writers of one series are serialised: SQLite by its single write lock (BEGIN IMMEDIATE),
PostgreSQL by a transaction-scoped advisory lock per series taken before anything is read.

Hot paths (classification reads, inserts, range reads) use the DB-API cursor directly: SQLAlchemy
row processing would cost about a microsecond per row, more than SQLite itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy.engine import Connection

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import FLAG_CODES, LOCAL_ZONE, DataFlag, Period, parse_flag
from ecowarden.store.instants import from_epoch_us, now_us, to_epoch_s, to_epoch_us
from ecowarden.store.locks import READING_SERIES, lock, series_lock_key

# Column → dtype of a batch of readings handed to :meth:`ReadingsRepository.upsert`.
READING_COLUMNS: Final[dict[str, pl.DataType]] = {
    "site_id": pl.Int64(),
    "parameter_id": pl.Int64(),
    "period": pl.Int16(),
    "start_s": pl.Int64(),
    "value": pl.Float64(),
    "flag": pl.String(),
    "source_id": pl.Int64(),
    "received_at_us": pl.Int64(),
}
KEY: Final = ("site_id", "parameter_id", "period", "start_s")
_SERIES: Final = ("site_id", "parameter_id", "period")
_PERIOD_COMMANDS: Final = tuple(period.command for period in Period)
_PERIOD_OF_COMMAND: Final = {period.command: period for period in Period}
# A series with at least this many rows in a batch is read back with one range scan; fewer rows
# are looked up key by key.
_RANGE_SCAN_MIN_ROWS: Final = 32
_LOOKUP_CHUNK: Final = 4000
_INSERT_COLUMNS: Final = (*KEY, "value", "flag", "source_id", "received_at_us")
# read() receives flags as their index in FLAG_CODES, packed with the key (below): the DB-API
# allocates a Python object per fetched cell, so fewer cells per row read faster.
_FLAG_INDEX: Final = {code: index for index, code in enumerate(FLAG_CODES)}


def _flag_index_sql(expression: str) -> str:
    """SQL mapping a flag expression to its index in FLAG_CODES."""
    cases = " ".join(f"WHEN '{code}' THEN {index}" for code, index in _FLAG_INDEX.items())
    return f"CASE {expression} {cases} END"


# read() receives the key and flag of a row packed into one integer, in key order:
#   ((parameter_id · 8 + (period − 2011) / 10) · 2^35 + start_s + 2^34) · 16 + flag index
# (period − 2011) / 10 maps the commands 2011, 2031, 2051, 2061 to 0, 2, 4, 5; flag indexes are
# < 16; starts lie within ±2^34 s of the epoch (±544 years); parameter ids are < 2^16 (the
# vocabulary has a few hundred codes): the result stays below 2^58.
_START_BIAS: Final = 1 << 34
_PACKED_SQL: Final = (
    f"(((r.parameter_id * 8 + (r.period - 2011) / 10) * {1 << 35} + r.start_s + {_START_BIAS})"
    f" * 16 + {_flag_index_sql('r.flag')})"
)


def _unpacked(packed: pl.Series) -> pl.DataFrame:
    """parameter_id, period (command), start_s and flag from the packed integers of read()."""
    return pl.DataFrame(
        {
            "parameter_id": packed // (1 << 42),
            "period": ((packed // (1 << 39)) % 8 * 10 + 2011).cast(pl.Int16),
            "start_s": (packed // 16) % (1 << 35) - _START_BIAS,
            "flag": (packed % 16).replace_strict(
                dict(enumerate(FLAG_CODES)), return_dtype=pl.String
            ),
        }
    )


def _key_steps(batch: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """For each row after the first, whether its key is greater than the previous row's."""
    increasing = np.zeros(max(batch.height - 1, 0), dtype=bool)
    undecided = np.ones(max(batch.height - 1, 0), dtype=bool)
    for column in KEY:
        values = batch[column].to_numpy()
        step = np.sign(values[1:] - values[:-1])
        increasing |= undecided & (step > 0)
        undecided &= step == 0
    return increasing


def _occurrences(batch: pl.DataFrame) -> npt.NDArray[np.int64]:
    """0 for a key's first row in a batch sorted by key, 1 for its second, and so on."""
    positions = np.arange(batch.height)
    new_key = np.concatenate(([True], _key_steps(batch)))
    return positions - np.maximum.accumulate(np.where(new_key, positions, 0))


def _series_runs(part: pl.DataFrame) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Offsets and lengths of the series (runs of rows) of a batch sorted by key."""
    columns = [part[column].to_numpy() for column in _SERIES]
    change = np.zeros(part.height, dtype=bool)
    change[0] = True
    for values in columns:
        change[1:] |= values[1:] != values[:-1]
    offsets = np.flatnonzero(change)
    lengths = np.diff(np.append(offsets, part.height))
    return offsets, lengths


class UpsertOutcome(IntEnum):
    """What the upsert did with one row of a batch."""

    NEW = 0  # stored
    IDENTICAL = 1  # a resend of stored values: nothing written
    CONFLICT = 2  # a resend with other values: kept as a revision, reading marked conflicting


class RevisionKind(StrEnum):
    """Why a revision exists."""

    RESEND = "resend"
    CORRECTION = "correction"


@dataclass(frozen=True, slots=True)
class SeriesDay:
    """A (series, local day) whose stored values changed: the key for refreshing daily results."""

    site_id: int
    parameter_id: int
    period: Period
    day: dt.date


@dataclass(frozen=True, eq=False)
class UpsertReport:
    """The outcome of one upsert: per input row (in input order) and the days it touched."""

    outcomes: npt.NDArray[np.int8]
    touched: frozenset[SeriesDay]

    @property
    def new(self) -> int:
        """Rows stored."""
        return int(np.count_nonzero(self.outcomes == UpsertOutcome.NEW))

    @property
    def identical(self) -> int:
        """Rows that were resends of stored values."""
        return int(np.count_nonzero(self.outcomes == UpsertOutcome.IDENTICAL))

    @property
    def conflicting(self) -> int:
        """Rows that conflicted with stored values (kept as revisions)."""
        return int(np.count_nonzero(self.outcomes == UpsertOutcome.CONFLICT))


@dataclass(frozen=True, slots=True)
class StoredKey:
    """The natural key of a stored reading, with registry ids."""

    site_id: int
    parameter_id: int
    period: Period
    start: dt.datetime

    @property
    def values(self) -> tuple[int, int, int, int]:
        """(site_id, parameter_id, period command, start in epoch seconds)."""
        return (self.site_id, self.parameter_id, self.period.command, to_epoch_s(self.start))


@dataclass(frozen=True, slots=True)
class Revision:
    """A later version of a reading: a conflicting resend or a correction."""

    revision: int
    kind: RevisionKind
    value: float | None
    flag: DataFlag
    source_id: int
    recorded_at: dt.datetime
    actor: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReadingQuery:
    """Which readings to read: every field narrows the selection; None means any.

    ``start_from`` is inclusive and ``start_to`` exclusive (interval starts).
    """

    site_ids: tuple[int, ...] | None = None
    parameter_ids: tuple[int, ...] | None = None
    period: Period | None = None
    start_from: dt.datetime | None = None
    start_to: dt.datetime | None = None


def _checked_batch(frame: pl.DataFrame) -> pl.DataFrame:
    """The batch with exact dtypes, NaN as missing, a ``_row`` index; bad content raises."""
    missing = [column for column in READING_COLUMNS if column not in frame.columns]
    if missing:
        raise ValidationError(
            f"reading batch lacks columns {missing}; needs {list(READING_COLUMNS)}"
        )
    try:
        batch = frame.select(
            pl.col(column)
            if frame.schema[column] == dtype
            else pl.col(column).cast(dtype, strict=True)
            for column, dtype in READING_COLUMNS.items()
        )
    except pl.exceptions.PolarsError as error:
        raise ValidationError(f"reading batch has a column of the wrong type: {error}") from error
    for column in READING_COLUMNS:
        if column != "value" and batch[column].null_count():
            row = int(batch[column].is_null().arg_true()[0])
            raise ValidationError(f"reading batch row {row}: {column} is missing")
    bad_period = ~batch["period"].is_in(_PERIOD_COMMANDS)
    if bad_period.any():
        row = int(bad_period.arg_true()[0])
        raise UnknownNameError(
            f"period command (batch row {row})",
            int(batch["period"][row]),
            [str(command) for command in _PERIOD_COMMANDS],
        )
    bad_flag = ~batch["flag"].is_in(FLAG_CODES)
    if bad_flag.any():
        row = int(bad_flag.arg_true()[0])
        raise UnknownNameError(f"data flag (batch row {row})", batch["flag"][row], FLAG_CODES)
    infinite = batch["value"].is_infinite().fill_null(False)
    if infinite.any():
        row = int(infinite.arg_true()[0])
        raise ValidationError(f"reading batch row {row}: value {batch['value'][row]} is not finite")
    return batch.with_columns(
        pl.col("value").fill_nan(None),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
    )


class ReadingsRepository:
    """Write and read readings through one connection (the caller owns the transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._postgresql = connection.dialect.name == "postgresql"
        self._mark = "%s" if self._postgresql else "?"

    def _cursor(self) -> Any:
        return self._connection.connection.cursor()

    # -- writing ------------------------------------------------------------------------------

    def upsert(
        self, frame: pl.DataFrame, *, progress: Callable[[int], None] | None = None
    ) -> UpsertReport:
        """Store a batch of readings by natural key; see the module docstring for the rules.

        Parameters
        ----------
        frame
            Columns of :data:`READING_COLUMNS`: registry ids, the period as its HJ 212 command
            code (2011, 2051, 2061, 2031), the interval start in epoch seconds, the value (null
            or NaN = missing), the data flag code, the source id, the receive time in epoch
            microseconds. A key may occur several times; later rows are resends of earlier ones.
        progress
            Called with the number of rows handled so far, after each step.

        Returns
        -------
        UpsertReport
            Per-row outcomes in input order and the (series, local day) keys of stored rows.
            The batch is durable once the caller's transaction has committed.
        """
        batch = _checked_batch(frame)
        outcomes = np.zeros(batch.height, dtype=np.int8)
        if batch.height == 0:
            return UpsertReport(outcomes, frozenset())
        if not _key_steps(batch).all():
            batch = batch.sort([*KEY, "_row"])
        # The n-th occurrence of a key in the batch is a resend of the (n−1)-th: batches are
        # handled occurrence by occurrence, each with every key at most once.
        batch = batch.with_columns(pl.Series("_repeat", _occurrences(batch)))
        if self._postgresql:
            series = batch.select(_SERIES).unique()
            lock(
                self._connection,
                READING_SERIES,
                [series_lock_key(*row) for row in series.iter_rows()],
            )
        touched: set[SeriesDay] = set()
        done = 0
        repeats = batch.select(pl.col("_repeat").max()).item()
        for repeat in range(int(repeats) + 1):
            part = batch.filter(pl.col("_repeat") == repeat).with_row_index("_position")
            status = self._classify(part)
            new_rows = part.filter(pl.Series(status == UpsertOutcome.NEW))
            self._insert(new_rows)
            touched.update(_series_days(new_rows))
            conflicts = part.filter(pl.Series(status == UpsertOutcome.CONFLICT))
            for index, recorded in zip(
                np.flatnonzero(status == UpsertOutcome.CONFLICT),
                self._record_resends(conflicts),
                strict=True,
            ):
                if not recorded:
                    status[index] = UpsertOutcome.IDENTICAL
            outcomes[part["_row"].to_numpy()] = status
            done += part.height
            if progress is not None:
                progress(done)
        return UpsertReport(outcomes, frozenset(touched))

    def _classify(self, part: pl.DataFrame) -> npt.NDArray[np.int8]:
        """NEW, IDENTICAL or CONFLICT (against the original) for each row of ``part``.

        ``part`` holds each key once, sorted by key, so each series is one run of rows. A
        series of evenly spaced starts (an hourly year, say) is settled by counting the stored
        keys in its range and comparing stored and new values in order; other series are looked
        up key by key (few rows) or read back over their range and joined.
        """
        status = np.full(part.height, UpsertOutcome.NEW, dtype=np.int8)
        offsets, lengths = _series_runs(part)
        # Rows of short series, looked up key by key, chosen by masks rather than by slicing
        # series one by one: a gateway batch holds thousands of one-row series.
        sparse_rows = np.repeat(lengths < _RANGE_SCAN_MIN_ROWS, lengths)
        # Rows joined against stored ones: the short series and the long ones not settled
        # by _compare_even_run.
        joined_rows = sparse_rows.copy()
        stored: list[pl.DataFrame] = []
        long_runs = lengths >= _RANGE_SCAN_MIN_ROWS
        for offset, length in zip(
            offsets[long_runs].tolist(), lengths[long_runs].tolist(), strict=True
        ):
            run = part.slice(offset, length)
            settled = self._compare_even_run(run)
            if settled is not None:
                status[offset : offset + length] = settled
                continue
            joined_rows[offset : offset + length] = True
            site_id, parameter_id, period = (int(run[column][0]) for column in _SERIES)
            stored.append(
                self._scan_series(
                    site_id, parameter_id, period, int(run["start_s"][0]), int(run["start_s"][-1])
                )
            )
        if not joined_rows.any():
            return status
        rest = part if joined_rows.all() else part.filter(pl.Series(joined_rows))
        sparse = part if sparse_rows.all() else part.filter(pl.Series(sparse_rows))
        for start in range(0, sparse.height, _LOOKUP_CHUNK):
            stored.append(self._look_up(sparse.slice(start, _LOOKUP_CHUNK)))
        found = pl.concat(stored) if stored else _empty_stored()
        joined = rest.join(found, on=list(KEY), how="left", maintain_order="left")
        exists = joined["stored_flag"].is_not_null()
        same = (
            exists
            & joined["value"].eq_missing(joined["stored_value"])
            & (joined["flag"] == joined["stored_flag"]).fill_null(False)
        )
        status[rest["_position"].to_numpy()] = np.where(
            exists.to_numpy(),
            np.where(same.to_numpy(), UpsertOutcome.IDENTICAL, UpsertOutcome.CONFLICT),
            UpsertOutcome.NEW,
        )
        return status

    def _compare_even_run(self, run: pl.DataFrame) -> npt.NDArray[np.int8] | None:
        """Outcomes of one series whose starts are evenly spaced, or None to take the general
        path (uneven starts, or stored keys that are not exactly the run's).

        ``n`` distinct stored starts in [first, last], all on first + k·step, are exactly the
        run's ``n`` starts; then stored and new values and flags are compared in start order.
        """
        starts = run["start_s"].to_numpy()
        steps = np.diff(starts)
        step = int(steps[0])
        if not bool((steps == step).all()):
            return None
        first, last = int(starts[0]), int(starts[-1])
        site_id, parameter_id, period = (int(run[column][0]) for column in _SERIES)
        series = (site_id, parameter_id, period, first, last)
        # Values in start order; then the few rows whose flag is not N or whose start is off
        # the run's grid, with their starts. The DB-API pays per fetched cell, and most flags
        # are N.
        cursor = self._execute(
            "SELECT value FROM readings WHERE site_id = {m} AND parameter_id = {m} "
            "AND period = {m} AND start_s >= {m} AND start_s <= {m} ORDER BY start_s",
            series,
        )
        stored_values = cursor.fetchall()
        cursor.close()
        if not stored_values:
            return np.full(run.height, UpsertOutcome.NEW, dtype=np.int8)
        if len(stored_values) != run.height:
            return None
        cursor = self._execute(
            "SELECT start_s, flag FROM readings WHERE site_id = {m} AND parameter_id = {m} "
            "AND period = {m} AND start_s >= {m} AND start_s <= {m} "
            "AND (flag <> 'N' OR (start_s - {m}) {percent} {m} <> 0) ORDER BY start_s",
            (*series, first, step),
        )
        stored_flags = cursor.fetchall()
        cursor.close()
        if any((start - first) % step for start, _ in stored_flags):
            return None
        new_values = list(zip(run["value"].to_list(), strict=True))
        new_flags = run.filter(pl.col("flag") != DataFlag.NORMAL.value).select("start_s", "flag")
        if stored_values == new_values and stored_flags == new_flags.rows():
            return np.full(run.height, UpsertOutcome.IDENTICAL, dtype=np.int8)
        flags = np.full(run.height, DataFlag.NORMAL.value, dtype=object)
        for start, flag in stored_flags:
            flags[(start - first) // step] = flag
        same_flag = flags == run["flag"].to_numpy()
        return np.fromiter(
            (
                UpsertOutcome.IDENTICAL if old == new and flag_kept else UpsertOutcome.CONFLICT
                for old, new, flag_kept in zip(stored_values, new_values, same_flag, strict=True)
            ),
            dtype=np.int8,
            count=run.height,
        )

    def _scan_series(
        self, site_id: int, parameter_id: int, period: int, first: int, last: int
    ) -> pl.DataFrame:
        mark = self._mark
        cursor = self._cursor()
        cursor.execute(
            "SELECT start_s, value, flag FROM readings WHERE site_id = "
            f"{mark} AND parameter_id = {mark} AND period = {mark} "
            f"AND start_s >= {mark} AND start_s <= {mark}",
            (site_id, parameter_id, period, first, last),
        )
        rows = cursor.fetchall()
        cursor.close()
        starts, values, flags = (
            (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
        )
        count = len(starts)
        return pl.DataFrame(
            {
                "site_id": pl.Series([site_id] * count, dtype=pl.Int64),
                "parameter_id": pl.Series([parameter_id] * count, dtype=pl.Int64),
                "period": pl.Series([period] * count, dtype=pl.Int16),
                "start_s": pl.Series(starts, dtype=pl.Int64),
                "stored_value": pl.Series(values, dtype=pl.Float64),
                "stored_flag": pl.Series(flags, dtype=pl.String),
            }
        )

    def _look_up(self, keys: pl.DataFrame) -> pl.DataFrame:
        cursor = self._cursor()
        columns = [keys[column].to_list() for column in KEY]
        if self._postgresql:
            cursor.execute(
                "SELECT r.site_id, r.parameter_id, r.period, r.start_s, r.value, r.flag "
                "FROM unnest(%s::integer[], %s::integer[], %s::smallint[], %s::bigint[]) "
                "AS k(site_id, parameter_id, period, start_s) "
                "JOIN readings r ON r.site_id = k.site_id AND r.parameter_id = k.parameter_id "
                "AND r.period = k.period AND r.start_s = k.start_s",
                columns,
            )
        else:
            values = ", ".join(["(?, ?, ?, ?)"] * keys.height)
            cursor.execute(
                f"WITH k(site_id, parameter_id, period, start_s) AS (VALUES {values}) "
                "SELECT r.site_id, r.parameter_id, r.period, r.start_s, r.value, r.flag "
                "FROM k JOIN readings r ON r.site_id = k.site_id AND r.parameter_id = "
                "k.parameter_id AND r.period = k.period AND r.start_s = k.start_s",
                [value for row in zip(*columns, strict=True) for value in row],
            )
        rows = cursor.fetchall()
        cursor.close()
        return pl.DataFrame(
            rows,
            schema={
                "site_id": pl.Int64,
                "parameter_id": pl.Int64,
                "period": pl.Int16,
                "start_s": pl.Int64,
                "stored_value": pl.Float64,
                "stored_flag": pl.String,
            },
            orient="row",
        )

    def _insert(self, rows: pl.DataFrame) -> None:
        if rows.height == 0:
            return
        cursor = self._cursor()
        names = ", ".join(_INSERT_COLUMNS)
        if self._postgresql:
            # polars writes floats in shortest round-trip form and null as an empty field, which
            # COPY's CSV format reads back as the same double and as NULL.
            text = rows.select(_INSERT_COLUMNS).write_csv(include_header=False)
            with cursor.copy(f"COPY readings ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(text.encode("utf-8"))
        else:
            marks = ", ".join("?" * len(_INSERT_COLUMNS))
            columns = [rows[column].to_list() for column in _INSERT_COLUMNS]
            cursor.executemany(
                f"INSERT INTO readings ({names}) VALUES ({marks})", zip(*columns, strict=True)
            )
        cursor.close()

    def _record_resends(self, conflicts: pl.DataFrame) -> list[bool]:
        """Record each conflicting resend unless it repeats a recorded resend (then False)."""
        recorded = []
        for (
            site_id,
            parameter_id,
            period,
            start_s,
            value,
            flag,
            source_id,
            received_at_us,
        ) in conflicts.select(_INSERT_COLUMNS).iter_rows():
            key = (site_id, parameter_id, period, start_s)
            earlier = self._revision_rows(key, RevisionKind.RESEND)
            if any(_same(value, flag, row[0], row[1]) for row in earlier):
                recorded.append(False)
                continue
            self._add_revision(
                key,
                kind=RevisionKind.RESEND,
                value=value,
                flag=flag,
                source_id=source_id,
                recorded_at_us=received_at_us,
                actor=None,
                reason=None,
            )
            self._execute(
                "UPDATE readings SET conflict = {true} WHERE site_id = {m} AND parameter_id = {m} "
                "AND period = {m} AND start_s = {m} AND conflict = {false}",
                key,
            )
            recorded.append(True)
        return recorded

    def _execute(self, sql: str, parameters: Sequence[object]) -> Any:
        cursor = self._cursor()
        cursor.execute(
            sql.format(
                m=self._mark,
                percent="%%" if self._postgresql else "%",
                true="TRUE" if self._postgresql else "1",
                false="FALSE" if self._postgresql else "0",
            ),
            tuple(parameters),
        )
        return cursor

    def _revision_rows(
        self, key: tuple[int, int, int, int], kind: RevisionKind | None = None
    ) -> list[tuple[Any, ...]]:
        kind_filter = "" if kind is None else " AND kind = {m}"
        cursor = self._execute(
            "SELECT value, flag, revision, kind, source_id, recorded_at_us, actor, reason "
            "FROM reading_revisions WHERE site_id = {m} AND parameter_id = {m} AND period = {m} "
            "AND start_s = {m}" + kind_filter + " ORDER BY revision",
            (*key, *(() if kind is None else (kind.value,))),
        )
        rows = [tuple(row) for row in cursor.fetchall()]
        cursor.close()
        return rows

    def _add_revision(
        self,
        key: tuple[int, int, int, int],
        *,
        kind: RevisionKind,
        value: float | None,
        flag: str,
        source_id: int,
        recorded_at_us: int,
        actor: str | None,
        reason: str | None,
    ) -> int:
        cursor = self._execute(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM reading_revisions WHERE site_id = {m} "
            "AND parameter_id = {m} AND period = {m} AND start_s = {m}",
            key,
        )
        (revision,) = cursor.fetchone()
        cursor.close()
        self._execute(
            "INSERT INTO reading_revisions (site_id, parameter_id, period, start_s, revision, "
            "kind, value, flag, source_id, recorded_at_us, actor, reason) "
            "VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})",
            (*key, revision, kind.value, value, flag, source_id, recorded_at_us, actor, reason),
        ).close()
        return int(revision)

    def correct(
        self,
        key: StoredKey,
        *,
        value: float | None,
        flag: DataFlag | str,
        source_id: int,
        actor: str,
        reason: str,
        at: dt.datetime | None = None,
    ) -> tuple[Revision, SeriesDay]:
        """Record a correction (who, when, why) and make it the reading's current value.

        Returns the stored revision and the (series, local day) it changes.

        Raises
        ------
        ValidationError
            If there is no stored reading with ``key``, ``actor`` or ``reason`` is empty, or the
            value is not finite.
        """
        if not actor.strip() or not reason.strip():
            raise ValidationError("a correction needs who (actor) and why (reason)")
        if value is not None and not math.isfinite(value):
            raise ValidationError(f"correction value {value!r} is not finite")
        checked_flag = parse_flag(flag)
        values = key.values
        lock(self._connection, READING_SERIES, [series_lock_key(*values[:3])])
        cursor = self._execute(
            "SELECT revision FROM readings WHERE site_id = {m} AND parameter_id = {m} "
            "AND period = {m} AND start_s = {m}",
            values,
        )
        exists = cursor.fetchone() is not None
        cursor.close()
        if not exists:
            raise ValidationError(
                f"no stored reading of site {key.site_id}, parameter {key.parameter_id}, "
                f"{key.period.value} starting {key.start.isoformat()} to correct"
            )
        recorded_at_us = now_us() if at is None else to_epoch_us(at)
        revision = self._add_revision(
            values,
            kind=RevisionKind.CORRECTION,
            value=value,
            flag=checked_flag.value,
            source_id=source_id,
            recorded_at_us=recorded_at_us,
            actor=actor,
            reason=reason,
        )
        self._execute(
            "UPDATE readings SET revision = {m} WHERE site_id = {m} AND parameter_id = {m} "
            "AND period = {m} AND start_s = {m}",
            (revision, *values),
        ).close()
        day = key.start.astimezone(LOCAL_ZONE).date()
        return (
            Revision(
                revision=revision,
                kind=RevisionKind.CORRECTION,
                value=value,
                flag=checked_flag,
                source_id=source_id,
                recorded_at=from_epoch_us(recorded_at_us),
                actor=actor,
                reason=reason,
            ),
            SeriesDay(key.site_id, key.parameter_id, key.period, day),
        )

    # -- reading ------------------------------------------------------------------------------

    def revisions(self, key: StoredKey) -> list[Revision]:
        """Every revision of a reading, oldest first (the original is the reading itself)."""
        return [
            Revision(
                revision=int(revision),
                kind=RevisionKind(kind),
                value=value,
                flag=DataFlag(flag),
                source_id=int(source_id),
                recorded_at=from_epoch_us(int(recorded_at_us)),
                actor=actor,
                reason=reason,
            )
            for value, flag, revision, kind, source_id, recorded_at_us, actor, reason in (
                self._revision_rows(key.values)
            )
        ]

    def read(self, query: ReadingQuery, *, effective: bool = True) -> pl.DataFrame:
        """Readings matching ``query``, ordered by site, parameter, period and start.

        Columns: ``site_id``, ``parameter_id``, ``period`` (command code), ``start``
        (Asia/Shanghai), ``value``, ``flag``, ``revision``, ``conflict``. With ``effective``
        (default) value and flag are those of the current revision (the latest correction, else
        the original); without, the originals as first received.
        """
        conditions: list[str] = []
        parameters: list[object] = []
        mark = self._mark
        for column, wanted in (("site_id", query.site_ids), ("parameter_id", query.parameter_ids)):
            if wanted is not None:
                if not wanted:
                    return _empty_read()
                conditions.append(f"r.{column} IN ({', '.join([mark] * len(wanted))})")
                parameters.extend(wanted)
        if query.period is not None:
            conditions.append(f"r.period = {mark}")
            parameters.append(query.period.command)
        if query.start_from is not None:
            conditions.append(f"r.start_s >= {mark}")
            parameters.append(_ceil_epoch_s(query.start_from))
        if query.start_to is not None:
            conditions.append(f"r.start_s < {mark}")
            parameters.append(_ceil_epoch_s(query.start_to))
        where = " AND ".join(conditions) or "1 = 1"
        # Hot path: the DB-API pays per fetched cell, so the key and flag travel packed into one
        # integer (unpacked by polars) and revised or conflicting rows, which are rare, come in
        # a second query. No ORDER BY: polars sorts faster.
        one_site = query.site_ids is not None and len(query.site_ids) == 1
        cursor = self._cursor()
        cursor.execute(
            f"SELECT {'' if one_site else 'r.site_id, '}{_PACKED_SQL}, r.value "
            f"FROM readings r WHERE {where}",
            tuple(parameters),
        )
        rows = cursor.fetchall()
        if not rows:
            cursor.close()
            return _empty_read()
        packed_column = 0 if one_site else 1
        site_ids = (
            pl.repeat(query.site_ids[0], len(rows), dtype=pl.Int64, eager=True)
            if one_site and query.site_ids is not None
            else pl.Series([row[0] for row in rows], dtype=pl.Int64)
        )
        fetched = pl.DataFrame(
            {
                "site_id": site_ids,
                "packed": pl.Series([row[packed_column] for row in rows], dtype=pl.Int64),
                "value": pl.Series([row[packed_column + 1] for row in rows], dtype=pl.Float64),
            }
        )
        # Packed integers sort in key order within a site; a primary-key scan is sorted already.
        if not (one_site and fetched["packed"].is_sorted()):
            fetched = fetched.sort("site_id", "packed")
        frame = _unpacked(fetched["packed"]).with_columns(
            fetched["site_id"],
            fetched["value"],
            pl.lit(0, dtype=pl.Int32).alias("revision"),
            pl.lit(False).alias("conflict"),
        )
        value, flag = "r.value", "r.flag"
        # SQLite's planner prefers the primary key; the partial index holds only marked rows.
        marked_index = "" if self._postgresql else " INDEXED BY ix_readings_marked"
        if effective:
            current = (
                "(SELECT v.{column} FROM reading_revisions v WHERE v.site_id = r.site_id "
                "AND v.parameter_id = r.parameter_id AND v.period = r.period "
                "AND v.start_s = r.start_s AND v.revision = r.revision)"
            )
            value = (
                f"CASE WHEN r.revision = 0 THEN r.value ELSE {current.format(column='value')} END"
            )
            flag = f"CASE WHEN r.revision = 0 THEN r.flag ELSE {current.format(column='flag')} END"
        cursor.execute(
            f"SELECT r.site_id, r.parameter_id, r.period, r.start_s, r.revision, r.conflict, "
            f"{value}, {flag} FROM readings r{marked_index} WHERE {where} "
            "AND (r.revision <> 0 OR r.conflict)",
            tuple(parameters),
        )
        marked = cursor.fetchall()
        cursor.close()
        if marked:
            frame = frame.update(
                pl.DataFrame(
                    [(*row[:5], bool(row[5]), *row[6:]) for row in marked],
                    schema={
                        "site_id": pl.Int64,
                        "parameter_id": pl.Int64,
                        "period": pl.Int16,
                        "start_s": pl.Int64,
                        "revision": pl.Int32,
                        "conflict": pl.Boolean,
                        "value": pl.Float64,
                        "flag": pl.String,
                    },
                    orient="row",
                ),
                on=list(KEY),
                include_nulls=True,
            ).sort(KEY)
        return frame.select(
            "site_id",
            "parameter_id",
            "period",
            _local_starts(frame["start_s"]),
            "value",
            "flag",
            "revision",
            "conflict",
        )

    def conflicts(self, *, since: dt.datetime | None = None) -> pl.DataFrame:
        """Conflicting resends recorded since an instant: the falsification queue's input (S6).

        Columns: the key (``start`` in Asia/Shanghai), ``original_value``, ``original_flag``,
        ``value``, ``flag``, ``revision``, ``source_id``, ``recorded_at`` (UTC).
        """
        since_us = 0 if since is None else to_epoch_us(since)
        cursor = self._execute(
            "SELECT v.site_id, v.parameter_id, v.period, v.start_s, r.value, r.flag, v.value, "
            "v.flag, v.revision, v.source_id, v.recorded_at_us FROM reading_revisions v "
            "JOIN readings r ON r.site_id = v.site_id AND r.parameter_id = v.parameter_id "
            "AND r.period = v.period AND r.start_s = v.start_s "
            "WHERE v.kind = 'resend' AND v.recorded_at_us >= {m} "
            "ORDER BY v.recorded_at_us, v.site_id, v.parameter_id, v.period, v.start_s",
            (since_us,),
        )
        rows = cursor.fetchall()
        cursor.close()
        frame = pl.DataFrame(
            rows,
            schema={
                "site_id": pl.Int64,
                "parameter_id": pl.Int64,
                "period": pl.Int16,
                "start_s": pl.Int64,
                "original_value": pl.Float64,
                "original_flag": pl.String,
                "value": pl.Float64,
                "flag": pl.String,
                "revision": pl.Int32,
                "source_id": pl.Int64,
                "recorded_at_us": pl.Int64,
            },
            orient="row",
        )
        return frame.with_columns(
            _local_starts(frame["start_s"]).alias("start"),
            pl.from_epoch("recorded_at_us", time_unit="us")
            .dt.replace_time_zone("UTC")
            .alias("recorded_at"),
        ).drop("start_s", "recorded_at_us")


def _same(value: float | None, flag: str, other_value: object, other_flag: object) -> bool:
    return value == other_value and flag == other_flag


def _ceil_epoch_s(instant: dt.datetime) -> int:
    """Whole epoch seconds at or after ``instant`` (bounds may carry fractions of a second)."""
    microseconds = to_epoch_us(instant)
    return -(-microseconds // 1_000_000)


def _local_starts(starts: pl.Series) -> pl.Series:
    return (
        pl.from_epoch(starts, time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(LOCAL_ZONE.key)
        .alias("start")
    )


def _series_days(rows: pl.DataFrame) -> Iterable[SeriesDay]:
    if rows.height == 0:
        return ()
    days = rows.select(*_SERIES, _local_starts(rows["start_s"]).dt.date().alias("day")).unique()
    # Column-wise: a gateway batch touches one day of thousands of series.
    return map(
        SeriesDay,
        days["site_id"].to_list(),
        days["parameter_id"].to_list(),
        [_PERIOD_OF_COMMAND[command] for command in days["period"].to_list()],
        days["day"].to_list(),
    )


def _empty_stored() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "site_id": pl.Int64,
            "parameter_id": pl.Int64,
            "period": pl.Int16,
            "start_s": pl.Int64,
            "stored_value": pl.Float64,
            "stored_flag": pl.String,
        }
    )


def _empty_read() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "site_id": pl.Int64,
            "parameter_id": pl.Int64,
            "period": pl.Int16,
            "start": pl.Datetime("us", LOCAL_ZONE.key),
            "value": pl.Float64,
            "flag": pl.String,
            "revision": pl.Int32,
            "conflict": pl.Boolean,
        }
    )
