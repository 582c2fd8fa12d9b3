"""``ecowarden import``: load the registry (JSON/YAML) and readings (CSV) from files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecowarden.cli.common import (
    ActorOption,
    DatabaseOption,
    actor_name,
    console,
    errors,
    opened_store,
)
from ecowarden.registry.document import RegistryDocumentError
from ecowarden.services.readings_import import BadRow, ReadingsFileRejected, import_readings
from ecowarden.services.registry_import import import_registry
from ecowarden.services.zones import import_zones
from ecowarden.store.registry import ChangeKind
from ecowarden.supervision.zones import ZoneDocumentError

app = typer.Typer(
    name="import", help="导入 / Import files.", no_args_is_help=True, add_completion=False
)

_SHOWN_BAD_ROWS: Final = 50
FileArgument = Annotated[Path, typer.Argument(help="The file to import.", show_default=False)]


def _bad_rows_table(bad_rows: Sequence[BadRow]) -> Table:
    table = Table("line", "field", "value", "reason", title="bad rows", title_justify="left")
    for bad in bad_rows[:_SHOWN_BAD_ROWS]:
        table.add_row(str(bad.line), bad.field, "" if bad.value is None else bad.value, bad.reason)
    if len(bad_rows) > _SHOWN_BAD_ROWS:
        table.add_row("…", "", "", f"{len(bad_rows) - _SHOWN_BAD_ROWS} more")
    return table


@app.command("registry")
def registry(
    file: FileArgument, database: DatabaseOption = None, actor: ActorOption = None
) -> None:
    """Import sites, enterprises, outlets and limits, and devices from a JSON or YAML file."""
    with opened_store(database) as store:
        try:
            report = import_registry(store, file, actor=actor_name(actor))
        except RegistryDocumentError as error:
            for problem in error.problems:
                errors.print(f"{file.name}: {problem}", highlight=False, markup=False)
            errors.print("nothing imported", highlight=False)
            raise typer.Exit(1) from error
    created, updated, unchanged = (
        report.count(kind)
        for kind in (ChangeKind.CREATED, ChangeKind.UPDATED, ChangeKind.UNCHANGED)
    )
    console.print(
        f"{file.name}: {created} created, {updated} updated, {unchanged} unchanged"
        + ("" if report.changed else " (nothing changed)"),
        highlight=False,
    )


@app.command("readings")
def readings(
    file: FileArgument,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Store the good rows and report the bad ones.")
    ] = False,
    database: DatabaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Import readings from CSV (site,parameter,period,start,value,flag): all rows or none."""
    with opened_store(database) as store:
        progress = Progress(
            TextColumn("storing readings"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        task = progress.add_task("store", total=None)
        with progress:
            try:
                report = import_readings(
                    store,
                    file,
                    actor=actor_name(actor),
                    skip_bad=skip_bad,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            except ReadingsFileRejected as rejected:
                progress.stop()
                if rejected.bad_rows:
                    errors.print(_bad_rows_table(rejected.bad_rows))
                errors.print(str(rejected), highlight=False, markup=False)
                raise typer.Exit(1) from rejected
    if report.bad_rows:
        console.print(_bad_rows_table(report.bad_rows))
        console.print(f"{report.skipped} bad row(s) skipped", highlight=False)
    unchanged = report.new == 0 and report.conflicting == 0
    console.print(
        f"{report.file}: {report.rows} rows: {report.new} new, {report.identical} identical, "
        f"{report.conflicting} conflicting" + (" (nothing changed)" if unchanged else ""),
        highlight=False,
    )


@app.command("zones")
def zones(
    file: FileArgument,
    datum: Annotated[
        str, typer.Option("--datum", help="WGS84 (GeoJSON's datum) or GCJ02 (Chinese web maps).")
    ] = "WGS84",
    database: DatabaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Import protection zones, noise zones and noise windows from a GeoJSON file."""
    with opened_store(database) as store:
        try:
            report = import_zones(store, file, actor=actor_name(actor), datum=datum)
        except ZoneDocumentError as error:
            for problem in error.problems:
                errors.print(f"{file.name}: {problem}", highlight=False, markup=False)
            errors.print("nothing imported", highlight=False)
            raise typer.Exit(1) from error
    created, updated, unchanged = (
        report.count(kind)
        for kind in (ChangeKind.CREATED, ChangeKind.UPDATED, ChangeKind.UNCHANGED)
    )
    console.print(
        f"{file.name}: {created} created, {updated} updated, {unchanged} unchanged",
        highlight=False,
    )
