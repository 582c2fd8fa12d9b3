"""The one exception tree of ecowarden. Every message names the bad value."""

from __future__ import annotations

from collections.abc import Iterable


class EcowardenError(Exception):
    """Root of every error ecowarden raises on purpose."""


class ValidationError(EcowardenError, ValueError):
    """An input value is outside what the rule accepts (negative concentration, pH 15 …)."""


class UnknownNameError(EcowardenError, KeyError):
    """A name (item, pollutant, zone, water-body type …) that the rule does not know.

    The message lists the valid names, as pvlib does for model identifiers.
    """

    def __init__(self, kind: str, name: object, valid: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.valid = tuple(valid)
        super().__init__(f"unknown {kind} {name!r}; valid: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class StandardNotFound(UnknownNameError):
    """An edition identifier (e.g. "HJ 633-2019") that ecowarden does not implement."""

    def __init__(self, name: object, valid: Iterable[str]) -> None:
        super().__init__("standard", name, valid)
