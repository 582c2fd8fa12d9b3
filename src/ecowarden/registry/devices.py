"""Data loggers (数采仪) known by their MN, and the rules for their access passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ecowarden.errors import ValidationError
from ecowarden.registry.sites import check_code

# HJ 212-2017 Table 3 gives MN 24 characters, but real devices send 7–24 characters, lower case
# and '_' (hj212-protocol.md §3.1, §8 row 18): the registry, not the length table, decides.
_MN_PATTERN: Final = re.compile(r"[0-9A-Za-z_\-]{1,24}")
# PW travels in clear text inside ``;``-separated ``key=value`` pairs (HJ 212-2017 §6.3.2).
_PASSWORD_PATTERN: Final = re.compile(r"[\x21-\x7e]{1,32}")
_HJ212_SEPARATORS: Final = frozenset(";,=&")
# Passwords printed in the standard's examples and public code (hj212-protocol.md §6.2,
# reliability-security.md §3 "public examples use PW=123456"): never accepted for a device.
PUBLISHED_PASSWORDS: Final = frozenset({"123456", "100000"})
# A PHC-format Argon2id hash (reliability-security.md A15).
_ARGON2ID_PREFIX: Final = "$argon2id$"


def check_mn(mn: object) -> str:
    """A device MN: 1–24 letters, digits, ``_`` or ``-``."""
    if not isinstance(mn, str) or _MN_PATTERN.fullmatch(mn) is None:
        raise ValidationError(f"MN {mn!r} is not 1–24 letters, digits, '_' or '-'")
    return mn


def check_device_password(password: object) -> str:
    """A device access password (PW) that may be stored (as a hash).

    1–32 printable ASCII characters without the HJ 212 separators ``; , = &``, and not one of
    the passwords published in the standard's examples.
    """
    if not isinstance(password, str) or _PASSWORD_PATTERN.fullmatch(password) is None:
        raise ValidationError("device password must be 1–32 printable ASCII characters")
    if _HJ212_SEPARATORS.intersection(password):
        raise ValidationError("device password cannot contain the HJ 212 separators ; , = &")
    if password in PUBLISHED_PASSWORDS:
        raise ValidationError(
            "device password is one printed in HJ 212 examples; give each device its own"
        )
    return password


@dataclass(frozen=True, slots=True)
class Device:
    """A data logger: its MN, the site it reports for, and the Argon2id hash of its PW."""

    mn: str
    site: str
    password_hash: str

    def __post_init__(self) -> None:
        check_mn(self.mn)
        check_code("site code", self.site)
        if not isinstance(self.password_hash, str) or not self.password_hash.startswith(
            _ARGON2ID_PREFIX
        ):
            raise ValidationError(f"device {self.mn}: password hash is not an Argon2id PHC string")
