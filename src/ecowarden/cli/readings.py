"""``ecowarden readings``: export stored readings."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from ecowarden.cli.common import DatabaseOption, errors, opened_store
from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE, parse_period
from ecowarden.services.readings_export import ExportFormat, ReadingSelection, export_readings

app = typer.Typer(
    name="readings", help="监测数据 / Readings.", no_args_is_help=True, add_completion=False
)


def parse_bound(text: str) -> dt.datetime:
    """A time bound: ISO 8601 date-time with offset, or a date (local midnight, Asia/Shanghai)."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=LOCAL_ZONE)
        bound = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(f"{text!r} is not an ISO 8601 date or date-time") from error
    if bound.tzinfo is None:
        raise ValidationError(f"{text!r} has no UTC offset (add +08:00, or give a date)")
    return bound


@app.command("export")
def export(
    file_format: Annotated[
        ExportFormat, typer.Option("--format", help="csv or parquet.", case_sensitive=False)
    ] = ExportFormat.CSV,
    site: Annotated[str | None, typer.Option("--site", help="Site code.")] = None,
    parameter: Annotated[
        str | None, typer.Option("--parameter", help="Parameter code (HJ 212-2017).")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="real-time, minute, hour or day.")
    ] = None,
    start_from: Annotated[
        str | None,
        typer.Option("--from", help="Earliest interval start (inclusive): date or date-time."),
    ] = None,
    start_to: Annotated[
        str | None, typer.Option("--to", help="Interval starts before this (exclusive).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="File to write (CSV: default standard output).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Export readings with columns site,parameter,period,start,value,flag."""
    with opened_store(database) as store:
        selection = ReadingSelection(
            site=site,
            parameter=parameter,
            period=None if period is None else parse_period(period),
            start_from=None if start_from is None else parse_bound(start_from),
            start_to=None if start_to is None else parse_bound(start_to),
        )
        if output is None:
            if file_format is ExportFormat.PARQUET:
                raise ValidationError("Parquet is binary: give --output FILE")
            rows = export_readings(
                store, selection, file_format=file_format, destination=sys.stdout.buffer
            )
        else:
            with output.open("wb") as destination:
                rows = export_readings(
                    store, selection, file_format=file_format, destination=destination
                )
            errors.print(f"{rows} readings written to {output}", highlight=False)
