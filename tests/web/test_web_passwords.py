"""Password profiles of reliability-security.md §6.2 (A6 in part) and Argon2id hashing (A15)."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import extract_parameters

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.web.passwords import (
    PasswordProfile,
    character_classes,
    check_password,
    hash_password,
    parse_password_profile,
    password_expired,
    password_matches,
)

DENGBAO = PasswordProfile.DENGBAO
ASVS = PasswordProfile.ASVS


@pytest.mark.parametrize(
    ("password", "dengbao", "asvs"),
    [
        ("Ab1!xyz", False, False),  # 7 characters < 8
        ("abcdefgh", False, True),  # one class: dengbao needs 3 of 4
        ("abcdefg1", False, True),  # two classes
        ("abcdefG1", True, True),  # three classes
        ("P@ssw0rd", False, False),  # common list
        ("password", False, False),  # common list
        ("correct horse battery staple", False, True),  # lower + other (blank): 2 classes
        ("x" * 64 + "A1", True, True),  # 66 characters allowed (ASVS 6.2.9: ≥ 64)
        ("x" * 129, False, False),  # above the 128 cap
        ("水质监测Ab12", True, True),  # Unicode counts as "other": lower, upper, digit, other
        ("密码密码密码密码", False, True),  # one class (other)
    ],
)
def test_profiles_accept_and_refuse(password: str, dengbao: bool, asvs: bool) -> None:
    for profile, accepted in ((DENGBAO, dengbao), (ASVS, asvs)):
        if accepted:
            check_password(password, profile)
        else:
            with pytest.raises(ValidationError):
                check_password(password, profile)


def test_passphrase_classes() -> None:
    # lower case letters and the blank (other): 2 classes
    assert character_classes("correct horse battery staple") == 2


def test_password_with_the_user_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="user name"):
        check_password("Zhang-San-2026!", ASVS, username="zhang-san")


def test_refusal_never_echoes_the_password() -> None:
    with pytest.raises(ValidationError) as caught:
        check_password("short1", DENGBAO)
    assert "short1" not in str(caught.value)


def test_rotation_only_under_dengbao() -> None:
    changed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    day_90 = changed + dt.timedelta(days=90)
    day_91 = changed + dt.timedelta(days=91)
    assert not password_expired(DENGBAO, changed, day_90)
    assert password_expired(DENGBAO, changed, day_91)
    assert not password_expired(ASVS, changed, changed + dt.timedelta(days=3650))


def test_hash_is_argon2id_at_the_owasp_minimum() -> None:
    encoded = hash_password("abcdefG1!")
    parameters = extract_parameters(encoded)
    assert encoded.startswith("$argon2id$")
    # OWASP Password Storage Cheat Sheet: m = 19 MiB = 19456 KiB, t = 2, p = 1 (A15)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert password_matches(encoded, "abcdefG1!")
    assert not password_matches(encoded, "abcdefG1?")
    assert not password_matches("not a hash", "abcdefG1!")


def test_unknown_profile_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="dengbao, asvs"):
        parse_password_profile("nist")
