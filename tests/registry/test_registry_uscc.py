"""Unified social credit codes, GB 32100-2015 [GB32100-2015]."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.registry.uscc import (
    CODE_CHARACTERS,
    WEIGHTS,
    InvalidCreditCode,
    check_character,
    validate_credit_code,
)

# Widely published sample code; check character worked by hand:
# values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 · weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,
# 10,30,28 → 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → '3'.
SAMPLE = "91350100M000100Y43"


def test_weights_are_powers_of_three_mod_31() -> None:
    # W_i = 3^(i-1) mod 31: 1, 3, 9, 27, 81 mod 31 = 19, 57 mod 31 = 26 …
    assert WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert len(WEIGHTS) == 17


def test_code_set_excludes_i_o_s_v_z() -> None:
    assert len(CODE_CHARACTERS) == 31
    assert not set("IOSVZ") & set(CODE_CHARACTERS)


def test_sample_check_character_by_hand() -> None:
    assert check_character(SAMPLE[:17]) == "3"
    assert validate_credit_code(SAMPLE) == SAMPLE


def test_check_value_31_is_written_0() -> None:
    # Σ ≡ 0 (mod 31) → 31 − 0 = 31 → written 0: "00000000000000000" has Σ = 0.
    assert check_character("0" * 17) == "0"


def test_wrong_check_character_names_position_18() -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        validate_credit_code(SAMPLE[:17] + "4")
    assert caught.value.position == 18
    assert "'3'" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "position"),
    [
        ("91350100M000100Y4", 18),  # 17 characters: position 18 is missing
        ("91350100M000100Y433", 19),  # 19 characters
        ("91350100I000100Y43", 9),  # I is not a code character
        ("913501A0M000100Y43", 7),  # administrative division must be digits
        ("91350100m000100Y43", 9),  # lower case is not a code character
    ],
)
def test_malformed_code_names_the_failed_position(code: str, position: int) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        validate_credit_code(code)
    assert caught.value.position == position
    assert isinstance(caught.value, ValidationError)
    assert f"position {position}" in str(caught.value)


codes = st.text(alphabet=CODE_CHARACTERS, min_size=2, max_size=2).flatmap(
    lambda head: st.text(alphabet="0123456789", min_size=6, max_size=6).flatmap(
        lambda region: st.text(alphabet=CODE_CHARACTERS, min_size=9, max_size=9).map(
            lambda body: head + region + body + check_character(head + region + body)
        )
    )
)


@settings(max_examples=60)
@given(code=codes)
def test_generated_codes_validate(code: str) -> None:
    assert validate_credit_code(code) == code


@settings(max_examples=60)
@given(code=codes, position=st.integers(0, 16), shift=st.integers(1, 30))
def test_every_single_substitution_is_detected(code: str, position: int, shift: int) -> None:
    # 31 is prime and no weight is 0 mod 31, so changing one value changes Σ mod 31.
    if 2 <= position <= 7:
        replacement = str((int(code[position]) + shift) % 10)
        if replacement == code[position]:
            return
    else:
        replacement = CODE_CHARACTERS[(CODE_CHARACTERS.index(code[position]) + shift) % 31]
    altered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidCreditCode) as caught:
        validate_credit_code(altered)
    assert caught.value.position == 18
