"""The registry document: every problem reported with its path."""

from __future__ import annotations

from typing import Any

import pytest

from ecowarden.errors import ValidationError
from ecowarden.registry import (
    NoiseZone,
    RegistryDocumentError,
    SiteKind,
    check_device_password,
    check_mn,
    parse_registry_document,
)

CODE = "91350100M000100Y43"


def document() -> dict[str, Any]:
    return {
        "version": 1,
        "enterprises": [{"credit_code": CODE, "name": "某某化工", "management_category": "key"}],
        "sites": [
            {"code": "AQ01", "name": "城关站", "kind": "air_station", "lon": 118.1, "lat": 24.5},
            {
                "code": "N01",
                "name": "噪声站",
                "kind": "noise_station",
                "lon": 118.0,
                "lat": 24.0,
                "noise_zone": 2,  # YAML reads 2 as an int
            },
            {
                "code": "DA001",
                "name": "锅炉排放口",
                "kind": "outlet",
                "lon": 118.2,
                "lat": 24.6,
                "enterprise": CODE,
                "outlet_medium": "gas",
                "limits": [
                    {
                        "parameter": "a21026",
                        "limit": 35,
                        "unit": "mg/m³",
                        "averaging": "hour",
                        "reference_o2_pct": 6,
                    }
                ],
            },
        ],
        "devices": [{"mn": "010000A8900016F000169DC0", "site": "DA001", "password": "pw-7x"}],
    }


def problems_of(tree: object) -> dict[str, str]:
    with pytest.raises(RegistryDocumentError) as caught:
        parse_registry_document(tree)
    return {problem.path: problem.message for problem in caught.value.problems}


def test_good_document_parses() -> None:
    parsed = parse_registry_document(document())
    assert [site.kind for site in parsed.sites] == [
        SiteKind.AIR_STATION,
        SiteKind.NOISE_STATION,
        SiteKind.OUTLET,
    ]
    assert parsed.sites[1].noise_zone is NoiseZone.CLASS_2
    assert parsed.limits[0].outlet == "DA001"
    assert parsed.devices[0].credential == "pw-7x"
    assert "pw-7x" not in repr(parsed.devices[0])


def test_every_problem_is_reported_with_its_path() -> None:
    tree = document()
    tree["sites"][0]["lon"] = 200
    tree["sites"][1]["noise_zone"] = "5"
    tree["sites"][2]["limits"][0]["parameter"] = "a99999"
    tree["enterprises"][0]["credit_code"] = CODE[:17] + "4"
    found = problems_of(tree)
    assert "longitude 200" in found["sites[0]"]
    assert "noise zone" in found["sites[1]"]
    assert "a99999" in found["sites[2].limits[0]"]
    assert "position 18" in found["enterprises[0]"]


def test_misspelt_field_is_a_problem_not_ignored() -> None:
    tree = document()
    tree["sites"][0]["target_clas"] = "III"
    assert "unknown field" in problems_of(tree)["sites[0].target_clas"]


def test_missing_required_field() -> None:
    tree = document()
    del tree["sites"][0]["lat"]
    assert problems_of(tree)["sites[0].lat"] == "required field is missing"


def test_duplicate_site_code() -> None:
    tree = document()
    tree["sites"].append(dict(tree["sites"][0]))
    assert "declared again" in problems_of(tree)["sites[3]"]


def test_limits_only_under_outlets() -> None:
    tree = document()
    tree["sites"][0]["limits"] = []
    assert "only outlets" in problems_of(tree)["sites[0].limits"]


def test_reference_o2_only_for_gas_outlets() -> None:
    tree = document()
    tree["sites"][2]["outlet_medium"] = "water"
    assert "gas outlets only" in problems_of(tree)["sites[2].limits[0].reference_o2_pct"]


def test_device_needs_exactly_one_credential() -> None:
    tree = document()
    tree["devices"][0]["password_hash"] = "$argon2id$v=19$m=19456,t=2,p=1$x$y"
    assert "exactly one" in problems_of(tree)["devices[0]"]


def test_device_hash_must_be_argon2id() -> None:
    tree = document()
    del tree["devices"][0]["password"]
    tree["devices"][0]["password_hash"] = "5f4dcc3b5aa765d61d8327deb882cf99"
    assert "Argon2id" in problems_of(tree)["devices[0]"]


def test_unquoted_numeric_site_code_is_refused() -> None:
    tree = document()
    tree["sites"][0]["code"] = 12  # YAML 0012 would have lost its zeros
    assert "quote codes" in problems_of(tree)["sites[0]"]


def test_document_must_be_a_mapping_of_known_version() -> None:
    assert "$" in problems_of([1, 2])
    assert "not supported" in problems_of({"version": 2})["version"]


@pytest.mark.parametrize("password", ["", "123456", "a;b", "x" * 33, "密码密码"])
def test_device_password_rules(password: str) -> None:
    with pytest.raises(ValidationError):
        check_device_password(password)


@pytest.mark.parametrize("mn", ["4201003", "010000A8900016F000169DC0", "ab_cd-12"])
def test_real_world_mns_are_accepted(mn: str) -> None:
    # 7, 24 characters, lower case and '_' all occur (hj212-protocol.md §8 row 18)
    assert check_mn(mn) == mn


def test_mn_longer_than_24_is_refused() -> None:
    with pytest.raises(ValidationError, match="MN"):
        check_mn("0" * 25)
