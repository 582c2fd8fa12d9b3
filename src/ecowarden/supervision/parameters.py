"""Validation of rule parameters: every refusal names the rule and the parameter.

Rule parameter dataclasses call these checks in ``__post_init__``, so a configuration with an
invalid value is refused when it is loaded (issue 6, "Bad input"), never when a rule runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ecowarden.errors import ValidationError
from ecowarden.supervision.findings import Severity, parse_severity


def number(
    rule: str,
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    open_minimum: bool = False,
    open_maximum: bool = False,
) -> float:
    """A finite number within the bounds, else :class:`ValidationError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not a number")
    if not math.isfinite(value):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not finite")
    below = minimum is not None and (value <= minimum if open_minimum else value < minimum)
    above = maximum is not None and (value >= maximum if open_maximum else value > maximum)
    if below or above:
        low = "" if minimum is None else f"{'>' if open_minimum else '≥'} {minimum:g}"
        high = "" if maximum is None else f"{'<' if open_maximum else '≤'} {maximum:g}"
        wanted = " and ".join(part for part in (low, high) if part)
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} must be {wanted}")
    return float(value)


def count(
    rule: str, name: str, value: object, *, minimum: int = 1, maximum: int | None = None
) -> int:
    """A whole number in ``minimum … maximum``, else :class:`ValidationError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not a whole number")
    if value < minimum or (maximum is not None and value > maximum):
        wanted = f"≥ {minimum}" if maximum is None else f"in {minimum} … {maximum}"
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} must be {wanted}")
    return value


def severity(rule: str, name: str, value: object) -> Severity:
    """A :class:`Severity` from its name."""
    if not isinstance(value, str):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not a severity")
    return parse_severity(value)


def text_set(rule: str, name: str, value: object) -> frozenset[str]:
    """A set of non-empty strings (given as any iterable of strings)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not a list of names")
    items = list(value)
    if not all(isinstance(item, str) and item for item in items):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} holds a non-name")
    return frozenset(items)


def boolean(rule: str, name: str, value: object) -> bool:
    """True or false, else :class:`ValidationError` naming ``name``."""
    if not isinstance(value, bool):
        raise ValidationError(f"rule {rule}: parameter {name} = {value!r} is not true or false")
    return value
