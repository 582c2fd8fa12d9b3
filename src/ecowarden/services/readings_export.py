"""Select and export readings: CSV or Parquet with ``site,parameter,period,start,value,flag``.

CSV writes ``start`` as ISO 8601 with the Asia/Shanghai offset (2025-01-01T00:00:00+08:00) and
values in their shortest round-trip form, so an exported file imports back as identical.
Parquet keeps ``start`` as a timestamp with time zone Asia/Shanghai. Values are the current ones
(the latest correction, else the original).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

import polars as pl

from ecowarden.errors import UnknownNameError
from ecowarden.registry.readings import Period
from ecowarden.store.database import Store
from ecowarden.store.readings import ReadingQuery

ISO_START_FORMAT = "%Y-%m-%dT%H:%M:%S%:z"


class ExportFormat(StrEnum):
    """File formats of an export."""

    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True, slots=True)
class ReadingSelection:
    """Which readings, by registry codes; None means any. ``start_to`` is exclusive."""

    site: str | None = None
    parameter: str | None = None
    period: Period | None = None
    start_from: dt.datetime | None = None
    start_to: dt.datetime | None = None


def select_readings(store: Store, selection: ReadingSelection) -> pl.DataFrame:
    """Readings with codes: ``site``, ``parameter``, ``period`` (name), ``start`` (Asia/Shanghai),
    ``value``, ``flag``, ordered by site code, parameter code, period name and start.

    Raises
    ------
    UnknownNameError
        For a site or parameter code that is not registered.
    """
    with store.snapshot() as snapshot:
        site_ids = snapshot.registry.site_ids()
        parameter_ids = snapshot.registry.parameter_ids()
        for kind, code, known in (
            ("site", selection.site, site_ids),
            ("parameter", selection.parameter, parameter_ids),
        ):
            if code is not None and code not in known:
                raise UnknownNameError(kind, code, sorted(known))
        frame = snapshot.readings.read(
            ReadingQuery(
                site_ids=None if selection.site is None else (site_ids[selection.site],),
                parameter_ids=None
                if selection.parameter is None
                else (parameter_ids[selection.parameter],),
                period=selection.period,
                start_from=selection.start_from,
                start_to=selection.start_to,
            )
        )
    site_codes = {site_id: code for code, site_id in site_ids.items()}
    parameter_codes = {parameter_id: code for code, parameter_id in parameter_ids.items()}
    period_names = {period.command: period.value for period in Period}
    return frame.select(
        pl.col("site_id").replace_strict(site_codes, return_dtype=pl.String).alias("site"),
        pl.col("parameter_id")
        .replace_strict(parameter_codes, return_dtype=pl.String)
        .alias("parameter"),
        pl.col("period").replace_strict(period_names, return_dtype=pl.String),
        "start",
        "value",
        "flag",
    ).sort("site", "parameter", "period", "start", maintain_order=True)


def export_readings(
    store: Store, selection: ReadingSelection, *, file_format: ExportFormat, destination: BinaryIO
) -> int:
    """Write the selected readings to ``destination``; the number of rows written."""
    frame = select_readings(store, selection)
    if file_format is ExportFormat.PARQUET:
        frame.write_parquet(destination)
    else:
        frame.with_columns(pl.col("start").dt.strftime(ISO_START_FORMAT)).write_csv(destination)
    return frame.height
