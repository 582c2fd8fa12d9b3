"""Unified social credit codes (统一社会信用代码) per GB 32100-2015 [GB32100-2015].

Layout (18 characters): 1 registration authority (登记管理部门代码), 2 organisation category
(机构类别代码), 3–8 administrative division (登记管理机关行政区划码, six digits), 9–17 entity
identifier (主体标识码), 18 check character (校验码).

Check character: with the code values of the 31-character set below and the weights
W_i = 3^(i-1) mod 31 of positions i = 1 … 17,

    C18 = 31 - (sum(C_i * W_i) mod 31), and 31 is written as 0.
"""

from __future__ import annotations

from typing import Final

from ecowarden.errors import ValidationError

# GB 32100-2015 Table: the 31 code characters and their values; I, O, Z, S, V are not used.
CODE_CHARACTERS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE: Final = {character: value for value, character in enumerate(CODE_CHARACTERS)}
# W_i = 3^(i-1) mod 31, i = 1 … 17.
WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
LENGTH: Final = 18


class InvalidCreditCode(ValidationError):
    """A unified social credit code fails a GB 32100-2015 check.

    ``position`` is the 1-based position of the character whose check failed.
    """

    def __init__(self, code: str, position: int, reason: str) -> None:
        self.code = code
        self.position = position
        self.reason = reason
        super().__init__(f"unified social credit code {code!r}: position {position}: {reason}")


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters.

    Examples
    --------
    >>> check_character("91350100M000100Y4")
    '3'
    """
    total = sum(
        _VALUE[character] * weight for character, weight in zip(first17, WEIGHTS, strict=True)
    )
    return CODE_CHARACTERS[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return ``code`` if it is a well-formed GB 32100-2015 code, else raise.

    Raises
    ------
    InvalidCreditCode
        With the position of the first failed check: length (position 19 for a code too long,
        the first missing position for one too short), a character outside the code set, a
        non-digit in the administrative division (positions 3–8), or the check character
        (position 18).
    """
    if len(code) != LENGTH:
        position = LENGTH + 1 if len(code) > LENGTH else len(code) + 1
        raise InvalidCreditCode(code, position, f"the code has {len(code)} characters, not 18")
    for position, character in enumerate(code, start=1):
        if character not in _VALUE:
            raise InvalidCreditCode(
                code,
                position,
                f"{character!r} is not a code character (digits and A–Y without I, O, S, V, Z)",
            )
        if 3 <= position <= 8 and not character.isdigit():
            raise InvalidCreditCode(
                code, position, f"{character!r} in the administrative division code is not a digit"
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            code,
            LENGTH,
            f"check character is {code[17]!r}, the first 17 characters give {expected!r}",
        )
    return code
