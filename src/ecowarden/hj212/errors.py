"""Why a packet was refused: the HJ 212 error tree.

Every refusal carries a stable snake_case ``reason`` (for counters, audit rows and the operator's
report) and the offending bytes (for the raw archive). The codec raises or returns nothing else
for bad input [HJ212-2017] §6.3.
"""

from __future__ import annotations

from ecowarden.errors import EcowardenError


class ProtocolError(EcowardenError):
    """A packet or byte run that the codec refuses.

    Parameters
    ----------
    reason : str
        Stable machine-readable code, e.g. ``"crc_mismatch"``.
    detail : str
        Human-readable explanation naming the bad value.
    data : bytes
        The offending bytes as received (whole packet where it could be framed).
    mn : str or None
        The device's MN where it could be read, for per-device counters.
    """

    def __init__(self, reason: str, detail: str, data: bytes = b"", mn: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.data = data
        self.mn = mn
        super().__init__(f"{reason}: {detail}")

    def __eq__(self, other: object) -> bool:
        # Stream tests compare decoder outputs; two refusals are the same event when they have
        # the same type, reason, detail, bytes and MN.
        if not isinstance(other, ProtocolError) or type(other) is not type(self):
            return NotImplemented
        return (self.reason, self.detail, self.data, self.mn) == (
            other.reason,
            other.detail,
            other.data,
            other.mn,
        )

    def __hash__(self) -> int:
        return hash((type(self), self.reason, self.data))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r}, {self.detail!r}, {self.data[:40]!r}…)"


class Garbage(ProtocolError):
    """Bytes outside any packet (before a ``##``), reported as one run."""


class BadLength(ProtocolError):
    """The length field is not 4 digits, disagrees with the packet, or the packet is cut short."""


class Oversize(ProtocolError):
    """The declared data segment or the pending bytes exceed the configured limits."""


class CrcMismatch(ProtocolError):
    """The CRC field is malformed or does not match the data segment [HJ212-2017] App. A."""


class MalformedHeader(ProtocolError):
    """A header field (QN, ST, CN, PW, MN, Flag, PNUM, PNO, RF) is missing, repeated or invalid."""


class MalformedCP(ProtocolError):
    """The CP command field cannot be read unambiguously [HJ212-2017] §6.3.3."""


class Encrypted(ProtocolError):
    """An SM4-encrypted CP that cannot be decrypted (no key, wrong key, bad cipher text).

    [HJ212-2025] §6.4.
    """


class SubpacketError(ProtocolError):
    """Sub-packets (PNUM/PNO) that could not be reassembled: timed out, evicted or conflicting."""
