"""Importing the registry document (YAML or JSON): checked, saved, audited, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecowarden.registry import RegistryDocumentError
from ecowarden.services.registry_import import import_registry
from ecowarden.store import AuditOutcome, ChangeKind, Store

CODE = "91350100M000100Y43"
YAML = f"""
version: 1
enterprises:
  - credit_code: {CODE}
    name: 某某化工有限公司
    management_category: key
    industry: 化学原料和化学制品制造业
sites:
  - code: AQ01
    name: 城关站
    kind: air_station
    lon: 118.1
    lat: 24.5
  - code: W01
    name: 江口断面
    kind: water_section
    lon: 118.3
    lat: 24.7
    water_body: river
    target_class: III
  - code: DW001
    name: 废水总排口
    kind: outlet
    lon: 118.2
    lat: 24.6
    enterprise: "{CODE}"
    outlet_medium: water
    limits:
      - {{parameter: w01018, limit: 50, unit: mg/L, averaging: day}}
      - {{parameter: w01001, limit: 9, lower_limit: 6, unit: "—", averaging: day}}
devices:
  - mn: "010000A8900016F000169DC0"
    site: DW001
    password: "pw-Dw001-x"
"""


def write(tmp_path: Path, text: str, name: str = "registry.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_import_and_reimport(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, YAML)
    first = import_registry(store, path, actor="cli:li")
    again = import_registry(store, path, actor="cli:li")
    # 1 enterprise + 3 sites + 2 limits + 1 device
    assert first.count(ChangeKind.CREATED) == 7
    assert again.count(ChangeKind.UNCHANGED) == 7
    assert not again.changed
    with store.snapshot() as snapshot:
        (device,) = snapshot.registry.devices()
        records = snapshot.audit.records()
    assert device.password_hash.startswith("$argon2id$")
    assert "pw-Dw001-x" not in json.dumps([record.event.detail for record in records])
    # 7 creations + 1 import, then 1 import that changed nothing
    assert [record.event.action for record in records].count("registry.import") == 2
    assert len(records) == 9


def test_update_is_reported_and_audited(store: Store, tmp_path: Path) -> None:
    import_registry(store, write(tmp_path, YAML), actor="t")
    report = import_registry(
        store, write(tmp_path, YAML.replace("limit: 50", "limit: 60")), actor="t"
    )
    (updated,) = [change for change in report.changes if change.change is ChangeKind.UPDATED]
    assert (updated.object_type, updated.key, updated.fields) == (
        "emission_limit",
        "DW001/w01018/day",
        ("limit_value",),
    )


def test_json_document(store: Store, tmp_path: Path) -> None:
    document = {
        "sites": [
            {
                "code": "N01",
                "name": "噪声站",
                "kind": "noise_station",
                "lon": 1,
                "lat": 2,
                "noise_zone": "4a",
            }
        ]
    }
    report = import_registry(store, write(tmp_path, json.dumps(document), "r.json"), actor="t")
    assert report.count(ChangeKind.CREATED) == 1


def test_reference_problems_store_nothing(store: Store, tmp_path: Path) -> None:
    text = YAML.replace("site: DW001", "site: DW999").replace(
        f'enterprise: "{CODE}"', 'enterprise: "91110000600037341L"'
    )
    with pytest.raises(RegistryDocumentError) as caught:
        import_registry(store, write(tmp_path, text), actor="t")
    paths = {problem.path for problem in caught.value.problems}
    assert paths == {"sites[2].enterprise", "devices[0].site"}
    with store.snapshot() as snapshot:
        assert snapshot.registry.sites() == []
        (record,) = snapshot.audit.records()
    assert record.event.outcome is AuditOutcome.REFUSED


def test_site_kind_change_is_a_problem(store: Store, tmp_path: Path) -> None:
    import_registry(store, write(tmp_path, YAML), actor="t")
    text = YAML.replace("kind: air_station", "kind: noise_station\n    noise_zone: 1")
    with pytest.raises(RegistryDocumentError, match="a kind never changes"):
        import_registry(store, write(tmp_path, text), actor="t")


def test_unreadable_files(store: Store, tmp_path: Path) -> None:
    with pytest.raises(RegistryDocumentError, match="not readable"):
        import_registry(store, write(tmp_path, "sites: [\n"), actor="t")
    with pytest.raises(RegistryDocumentError, match="cannot read"):
        import_registry(store, tmp_path / "missing.yaml", actor="t")
