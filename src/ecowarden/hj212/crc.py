"""HJ 212 CRC (HJ 212-2017 Appendix A, unchanged in HJ 212-2025 A.1) and the CRC-16/MODBUS variant.

The HJ 212 algorithm is not CRC-16/MODBUS: each byte is XORed into the *high* byte of the register
(standard step 3) and the low byte is discarded, so R <- T[(R >> 8) ^ b] with T the reflected
0xA001 byte table [HJ212-2017] App. A. Only 256 CRC values exist and the low byte is always one of
00 01 40 41 80 81 C0 C1.

Speed: the recurrence is linear over GF(2). With s_k = (R_{k-1} >> 8) ^ b_k the register is
R_k = T[s_k] and s_{k+1} = H(s_k) ^ b_{k+1}, where H(x) = T[x] >> 8 is a linear bijection of bytes
with H^8 = identity (checked by the tests). Unrolled,

    s_n = H^((n-1) mod 8)(0xFF) ^ XOR_k H^((n-k) mod 8)(b_k),     CRC = T[s_n],

so the bytes only need XOR-folding into eight lanes counted from the end (big-integer halving,
done in C) and four 16-bit table lookups: O(log n) Python operations instead of n.
"""

from __future__ import annotations

from enum import StrEnum


class CrcVariant(StrEnum):
    """CRC algorithms met in the field (reference §2.3); only HJ212 is standard."""

    HJ212 = "hj212"
    MODBUS_HIGH_FIRST = "modbus-high-first"
    MODBUS_LOW_FIRST = "modbus-low-first"  # one real logger in a 2020 receiver log


def _reflected_a001_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        r = i
        for _ in range(8):
            r = (r >> 1) ^ 0xA001 if r & 1 else r >> 1
        table.append(r)
    return tuple(table)


# T: the reflected-0xA001 byte table shared by CRC-16/ARC, MODBUS and HJ 212 [HJ212-2017] App. A.
CRC_TABLE: tuple[int, ...] = _reflected_a001_table()


def _lane_tables() -> tuple[bytes, ...]:
    # Lane j of the fold holds the bytes at distance j (mod 8) from the end; they enter via H^j.
    high = bytes(t >> 8 for t in CRC_TABLE)
    lanes = [bytes(range(256))]
    for _ in range(7):
        lanes.append(bytes(high[v] for v in lanes[-1]))
    return tuple(lanes)


def _pair_tables(lanes: tuple[bytes, ...]) -> tuple[bytes, ...]:
    # Two lanes per 16-bit index: P_j[hi << 8 | lo] = H^(2j)(lo) ^ H^(2j+1)(hi). Each 256-byte row
    # is the low lane XOR a constant, done as one big-integer XOR.
    pairs = []
    for j in range(4):
        low = int.from_bytes(lanes[2 * j], "big")
        rows = [
            (low ^ int.from_bytes(bytes((lanes[2 * j + 1][hi],)) * 256, "big")) for hi in range(256)
        ]
        pairs.append(b"".join(row.to_bytes(256, "big") for row in rows))
    return tuple(pairs)


_LANES = _lane_tables()
_P0, _P1, _P2, _P3 = _pair_tables(_LANES)
# H^((n-1) mod 8)(0xFF): the initial register 0xFFFF seen through the n-1 steps after the first.
_INIT = tuple(_LANES[(j - 1) % 8][0xFF] for j in range(8))


def _fold_steps(k: int) -> tuple[tuple[int, int], ...]:
    # Halvings from 64 << k bits down to 64: (shift, mask of the low half) per step.
    return tuple((64 << j, (1 << (64 << j)) - 1) for j in range(k - 1, -1, -1))


# Inputs up to 8 KiB fold with precomputed steps; longer ones compute theirs.
_FOLD_STEPS = tuple(_fold_steps(k) for k in range(11))


def crc16(data: bytes) -> int:
    """HJ 212 CRC of a data segment.

    .. math:: R_0 = \\mathrm{FFFF_{16}},\\quad R_k = T[(R_{k-1} \\gg 8) \\oplus b_k]

    Parameters
    ----------
    data : bytes
        The data segment: every byte after the 4-digit length field up to and including the
        closing ``&&`` of CP.

    Returns
    -------
    int
        The register, written on the wire as 4 hex digits, high byte first [HJ212-2017] App. A.
    """
    n = len(data)
    if n == 0:
        return 0xFFFF
    x = int.from_bytes(data, "big")
    # smallest k with 64 << k >= 8n bits
    k = ((n + 7) // 8 - 1).bit_length()
    for shift, mask in _FOLD_STEPS[k] if k < len(_FOLD_STEPS) else _fold_steps(k):
        x = (x >> shift) ^ (x & mask)
    s = (
        _INIT[n & 7]
        ^ _P0[x & 0xFFFF]
        ^ _P1[(x >> 16) & 0xFFFF]
        ^ _P2[(x >> 32) & 0xFFFF]
        ^ _P3[x >> 48]
    )
    return CRC_TABLE[s]


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS register of ``data`` (for devices configured to use it, reference §2.3).

    .. math:: R_0 = \\mathrm{FFFF_{16}},\\quad R_k = (R_{k-1} \\gg 8) \\oplus
              T[(R_{k-1} \\oplus b_k) \\wedge \\mathrm{FF_{16}}]

    Parameters
    ----------
    data : bytes
        The data segment.

    Returns
    -------
    int
        The register; MODBUS devices usually write it low byte first (see :func:`crc_text`).
    """
    r = 0xFFFF
    table = CRC_TABLE
    for b in data:
        r = (r >> 8) ^ table[(r ^ b) & 0xFF]
    return r


def crc_text(data: bytes, variant: CrcVariant = CrcVariant.HJ212) -> bytes:
    """The 4 upper-case hex digits that ``variant`` puts after the data segment.

    Parameters
    ----------
    data : bytes
        The data segment.
    variant : CrcVariant
        HJ212 (standard, high byte first) or one of the MODBUS variants.

    Returns
    -------
    bytes
        e.g. ``b"1C80"`` for the HJ 212-2017 Appendix A example.
    """
    if variant is CrcVariant.HJ212:
        value = crc16(data)
    else:
        value = crc16_modbus(data)
        if variant is CrcVariant.MODBUS_LOW_FIRST:
            value = ((value & 0xFF) << 8) | (value >> 8)
    return b"%04X" % value


def is_hj212_crc_value(value: int) -> bool:
    """Whether ``value`` can be an HJ 212 CRC at all (low byte in 00 01 40 41 80 81 C0 C1).

    A cheap first test for a MODBUS device (reference §2.3, *derived*).
    """
    return value & 0x3E == 0 and value <= 0xFFFF
