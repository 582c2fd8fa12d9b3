"""The demo county database: registry, readings, idempotent rebuilds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from ecowarden.demo.county_db import CountyBuild, build_county
from ecowarden.demo.enterprises import demo_enterprises
from ecowarden.registry.uscc import validate_credit_code
from ecowarden.store import Store

AS_OF = dt.date(2025, 3, 1)  # two months of data keep the test short


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, CountyBuild, Path]]:
    folder = tmp_path_factory.mktemp("county")
    store = Store.open(f"sqlite:///{folder / 'demo.db'}")
    build = build_county(store, as_of=AS_OF, data_dir=folder)
    yield store, build, folder
    store.close()


def test_registry_of_the_county(county: tuple[Store, CountyBuild, Path]) -> None:
    store, _, folder = county
    with store.snapshot() as snapshot:
        kinds = pl.Series([site.kind.value for site in snapshot.registry.sites()]).value_counts()
        enterprises = snapshot.registry.enterprises()
        devices = snapshot.registry.devices()
    counts = dict(kinds.iter_rows())
    # 3 air stations; river sections W01–W04; reservoirs R01 and D01; 29 noise stations;
    # 40 enterprises, 10 of them under key management with a gas and a water outlet where their
    # industry has both (43 outlets in all), one online device per outlet
    assert counts == {
        "air_station": 3,
        "water_section": 4,
        "drinking_water_source": 2,
        "noise_station": 29,
        "outlet": 43,
    }
    assert len(enterprises) == 40
    assert len(devices) == 43
    assert (folder / "qingxi-county-registry.yaml").is_file()


def test_every_credit_code_passes_gb_32100() -> None:
    for enterprise in demo_enterprises():
        assert validate_credit_code(enterprise.credit_code) == enterprise.credit_code


def test_first_build_stores_everything_new(county: tuple[Store, CountyBuild, Path]) -> None:
    _, build, _ = county
    assert build.last_day == dt.date(2025, 2, 28)
    assert build.new == build.rows > 0
    assert build.identical == build.conflicting == 0


def test_rebuilding_changes_nothing(county: tuple[Store, CountyBuild, Path]) -> None:
    store, first, folder = county
    again = build_county(store, as_of=AS_OF, data_dir=folder)
    assert (again.new, again.conflicting, again.identical) == (0, 0, first.rows)


def test_a_later_build_adds_only_the_new_days(county: tuple[Store, CountyBuild, Path]) -> None:
    store, first, folder = county
    later = build_county(store, as_of=AS_OF + dt.timedelta(days=1), data_dir=folder)
    assert later.conflicting == 0
    # one more day (2025-03-01, no water sampling day): 24 hours of each hourly series — 3
    # stations × 6 pollutants, 29 noise stations, every outlet parameter — and 1,440 minutes of
    # each outlet parameter (the minute window moved by a day)
    outlet_series = sum(len(o.parameters) for e in demo_enterprises() for o in e.outlets)
    assert later.new == (3 * 6 + 29 + outlet_series) * 24 + outlet_series * 1440
    assert later.identical == first.rows - outlet_series * 1440


def test_out_of_span_dates_are_refused(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(ValueError, match="covers 2025-01-01"):
            build_county(store, as_of=dt.date(2024, 6, 1), data_dir=tmp_path)
    finally:
        store.close()
