"""Enterprises (排污单位) and the emission limits of their outlets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ecowarden.errors import ValidationError
from ecowarden.registry.sites import check_code, check_name, parse_choice
from ecowarden.registry.uscc import validate_credit_code

# Fully dry flue gas holds at most the 20.9 % O2 of air; a reference of 21 % would make the
# conversion factor (21 - O2_ref) / (21 - O2) zero (HJ 212-2017 App. D.2.3).
_MAX_REFERENCE_O2_PCT: Final = 21.0


class ManagementCategory(StrEnum):
    """Pollutant-discharge permit management category (排污许可分类管理)."""

    KEY = "key"
    SIMPLIFIED = "simplified"
    REGISTRATION = "registration"

    @property
    def label(self) -> str:
        """Chinese name of the category."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: Final = {
    ManagementCategory.KEY: "重点管理",
    ManagementCategory.SIMPLIFIED: "简化管理",
    ManagementCategory.REGISTRATION: "登记管理",
}


class Averaging(StrEnum):
    """Averaging time a concentration limit applies to."""

    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An enterprise, identified by its unified social credit code [GB32100-2015]."""

    credit_code: str
    name: str
    management_category: ManagementCategory
    industry: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        validate_credit_code(self.credit_code)
        check_name(f"enterprise {self.credit_code} name", self.name)
        object.__setattr__(
            self,
            "management_category",
            parse_choice("management category", ManagementCategory, self.management_category),
        )
        for field in ("industry", "address"):
            value = getattr(self, field)
            if value is not None:
                check_name(f"enterprise {self.credit_code} {field}", value)


@dataclass(frozen=True, slots=True)
class EmissionLimit:
    """A concentration limit for one pollutant at one outlet.

    Parameters
    ----------
    outlet
        Site code of the outlet.
    parameter
        Parameter code (HJ 212-2017 Appendix B) [HJ212-2017].
    limit
        Upper limit, > 0, in ``unit``.
    unit
        Unit of the limit as the permit writes it (``mg/m³``, ``mg/L``; ``—`` for pH).
    averaging
        Averaging time the limit applies to.
    reference_o2_pct
        Reference oxygen content of flue-gas limits (converted concentrations, HJ 212-2017
        App. D.2.3), 0 ≤ O2 < 21; None for water and for gas limits without one. [%]
    lower_limit
        Lower limit for two-sided limits (pH 6–9), else None.
    """

    outlet: str
    parameter: str
    limit: float
    unit: str
    averaging: Averaging
    reference_o2_pct: float | None = None
    lower_limit: float | None = None

    def __post_init__(self) -> None:
        check_code("outlet site code", self.outlet)
        if not self.parameter:
            raise ValidationError(f"emission limit at {self.outlet}: parameter code is empty")
        where = f"emission limit {self.parameter} at {self.outlet}"
        object.__setattr__(self, "limit", _positive_number(f"{where}: limit", self.limit))
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValidationError(f"{where}: unit {self.unit!r} is empty")
        object.__setattr__(self, "averaging", parse_choice("averaging", Averaging, self.averaging))
        if self.reference_o2_pct is not None:
            o2 = _number(f"{where}: reference O2", self.reference_o2_pct)
            if not 0.0 <= o2 < _MAX_REFERENCE_O2_PCT:
                raise ValidationError(f"{where}: reference O2 {o2!r} % is outside 0 … <21 %")
            object.__setattr__(self, "reference_o2_pct", o2)
        if self.lower_limit is not None:
            lower = _number(f"{where}: lower limit", self.lower_limit)
            if lower >= self.limit:
                raise ValidationError(
                    f"{where}: lower limit {lower!r} is not below the limit {self.limit!r}"
                )
            object.__setattr__(self, "lower_limit", lower)


def _number(what: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{what} {value!r} is not a number")
    if not math.isfinite(value):
        raise ValidationError(f"{what} {value!r} is not finite")
    return float(value)


def _positive_number(what: str, value: object) -> float:
    number = _number(what, value)
    if number <= 0:
        raise ValidationError(f"{what} {number!r} is not positive")
    return number
