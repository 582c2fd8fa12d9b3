"""Two processes importing at once neither corrupt nor lose data (issue requirement 3)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from ecowarden.registry import Location, Site, SiteKind
from ecowarden.store import ReadingQuery, Store

SITES = ("C01", "C02", "C03")
JAN_1 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
HOURS = 4000
# Each child: say it is ready, wait for the go file, import its file, print the counts.
CHILD = """
import json, pathlib, sys, time
from ecowarden.services.readings_import import import_readings
from ecowarden.store import Store
url, csv, ready, go = sys.argv[1:5]
store = Store.open(url, busy_timeout_ms=120_000)
pathlib.Path(ready).touch()
while not pathlib.Path(go).exists():
    time.sleep(0.005)
report = import_readings(store, pathlib.Path(csv), actor="concurrency-test")
print(json.dumps({"new": report.new, "identical": report.identical,
                  "conflicting": report.conflicting}))
store.close()
"""


def write_csv(path: Path, first_hour: int, changed_hours: range) -> None:
    lines = ["site,parameter,period,start,value,flag"]
    for site in SITES:
        for hour in range(first_hour, first_hour + HOURS):
            value = hour % 97 + (0.5 if hour in changed_hours else 0.0)
            start = (JAN_1 + dt.timedelta(hours=hour)).isoformat()
            lines.append(f"{site},a34004,hour,{start},{value},N")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_two_processes_import_at_once(store: Store, database_url: str, tmp_path: Path) -> None:
    with store.transaction() as transaction:
        for code in SITES:
            transaction.registry.save_site(
                Site(code, code, SiteKind.AIR_STATION, Location(118.0, 24.0))
            )
    # Hours 0–3999 and 2000–5999 overlap on 2000–3999; B changes 100 of the shared hours.
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(first, 0, range(0))
    write_csv(second, HOURS // 2, range(3000, 3100))
    go = tmp_path / "go"
    children = []
    for name in ("a", "b"):
        ready = tmp_path / f"{name}.ready"
        children.append(
            (
                ready,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        database_url,
                        str(tmp_path / f"{name}.csv"),
                        str(ready),
                        str(go),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in children):
        assert time.monotonic() < deadline, "children did not start"
        assert all(child.poll() is None for _, child in children), "a child died early"
        time.sleep(0.01)
    go.touch()
    reports = []
    for _, child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        reports.append(json.loads(out))

    shared = HOURS // 2 * len(SITES)
    union = (HOURS + HOURS // 2) * len(SITES)
    changed = 100 * len(SITES)
    assert sum(report["new"] for report in reports) == union
    assert sum(report["identical"] for report in reports) == shared - changed
    assert sum(report["conflicting"] for report in reports) == changed
    with store.snapshot() as snapshot:
        stored = snapshot.readings.read(ReadingQuery())
        conflicts = snapshot.readings.conflicts()
        verification = snapshot.audit.verify()
        if store.engine.dialect.name == "sqlite":
            check = snapshot.connection.execute(text("PRAGMA integrity_check")).scalar_one()
            assert check == "ok"
    assert stored.height == union
    assert stored["conflict"].sum() == changed
    assert conflicts.height == changed
    # Whichever import came second, each conflict keeps both values: original and revision.
    pairs = {
        tuple(sorted((row[0], row[1])))
        for row in conflicts.select("original_value", "value").rows()
    }
    assert all(round(high - low, 9) == 0.5 for low, high in pairs)
    assert verification.ok
    assert verification.rows == 2
