"""HJ 212 codec benchmark: decode + CRC + 9014 answer of a minute packet, on one core.

Target (DESIGN §5): ≥ 60k packets/s for a ~800-byte 2051 packet with ~15 factors; a Java parser
in common use does 1.4-6.7k/s. Peers run in the same process: the plain ``str.split`` parse of
typical open-source receivers (no CRC, no validation, no answer), and a per-byte table loop for
the CRC. ``run()`` prints the figures and returns them.

The total is a connection's steady state: its decoder has learnt the CP layout (from the second
packet on), checks each CP against it in one pass and builds the fields on first use of
``Frame.cp``. That deferred cost, the cold path (``decode``, no layout) and the readings mapping
are printed beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ecowarden.hj212 import (
    Decoder,
    Frame,
    answer_for,
    crc16,
    decode,
    encode,
    make_frame,
    parse_cp,
    readings,
)
from ecowarden.hj212.cp import CpLayouts
from ecowarden.hj212.crc import CRC_TABLE
from ecowarden.hj212.frame import DEFAULT_POLICY, open_segment

REPEATS = 5
BATCH = 20_000


def minute_packet() -> bytes:
    """A CEMS minute packet: 8 gases with Min/Avg/Max/Flag, 7 flue parameters with Avg/Flag."""
    gases = ("a21002", "a21026", "a34013", "a21005", "a21001", "a24088", "a05002", "a21004")
    flue = ("a00000", "a01011", "a01012", "a01013", "a01014", "a19001", "a01017")
    cp = {"DataTime": "20240520210600"}
    for code in gases:
        cp |= {f"{code}-Min": "12.31", f"{code}-Avg": "13.45", f"{code}-Max": "14.52"}
        cp[f"{code}-Flag"] = "N"
    for code in flue:
        cp |= {f"{code}-Avg": "101.3", f"{code}-Flag": "N"}
    frame = make_frame(
        2051,
        "010000A8900016F000169DC0",
        st="31",
        pw="123456",
        qn="20240520210700000",
        flag=5,
        cp=cp,
    )
    return encode(frame)


def split_parse_peer(packet: bytes) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """What typical open-source receivers do: decode, split, no CRC, no checks, no answer."""
    text = packet.decode()[6:-6]
    head, _, cp = text.partition("CP=&&")
    header = {}
    for part in head.split(";"):
        if part:
            key, value = part.split("=")
            header[key] = value
    items: dict[str, dict[str, str]] = {}
    for group in cp[:-2].split(";"):
        for pair in group.split(","):
            key, value = pair.split("=")
            code, _, field = key.partition("-")
            items.setdefault(code, {})[field] = value
    return header, items


def crc_loop_peer(data: bytes) -> int:
    """The per-byte table loop of typical implementations (HJ 212 App. A in table form)."""
    r = 0xFFFF
    table = CRC_TABLE
    for b in data:
        r = table[(r >> 8) ^ b]
    return r


def best_seconds_per_call(fn: Callable[[], object], batch: int = BATCH) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        best = min(best, (time.perf_counter() - start) / batch)
    return best


def answer_bytes(frame: Frame | object) -> bytes:
    """The 9014 the gateway sends for a decoded upload."""
    if not isinstance(frame, Frame):
        raise TypeError(f"expected a frame, got {frame!r}")
    answer = answer_for(frame)
    if answer is None:
        raise ValueError("the benchmark packet asks for an answer")
    return encode(answer)


def run() -> dict[str, float]:
    """Measure, print and return the figures (µs per packet, packets/s, ratios)."""
    packet = minute_packet()
    decoder = Decoder()

    def decode_and_answer() -> bytes:
        (frame,) = decoder.feed(packet)
        return answer_bytes(frame)

    frame = decoder.feed(packet)[0]
    if not isinstance(frame, Frame):
        raise TypeError(f"benchmark packet does not decode: {frame!r}")
    segment = packet[6:-6]
    crc_field = packet[-6:-2]
    cut = segment.index(b";CP=&&") + 1
    body = segment[cut + 5 : -2]
    body_text = body.decode()
    text = segment.decode()
    layouts = CpLayouts()
    for _ in range(2):  # the second sight of a layout compiles it, as in the decoder
        open_segment(segment, crc_field, packet, DEFAULT_POLICY, [], layouts)
    layout = layouts.get(frame.cn)
    match = None if layout is None else layout.pattern.fullmatch(text, cut + 5, len(text) - 2)
    if layout is None or match is None:
        raise RuntimeError("the benchmark packet's CP layout was not learnt")

    def decode_cold_and_answer() -> bytes:
        return answer_bytes(decode(packet))

    total = best_seconds_per_call(decode_and_answer)
    feed = best_seconds_per_call(lambda: decoder.feed(packet))
    opened = best_seconds_per_call(
        lambda: open_segment(segment, crc_field, packet, DEFAULT_POLICY, [], layouts)
    )
    crc = best_seconds_per_call(lambda: crc16(segment))
    cp_check = best_seconds_per_call(lambda: layout.pattern.fullmatch(text, cut + 5, len(text) - 2))
    cp_fields = best_seconds_per_call(lambda: layout.fields(match))
    cp = best_seconds_per_call(lambda: parse_cp(body, body_text))
    reply = best_seconds_per_call(lambda: answer_bytes(frame))
    cold = best_seconds_per_call(decode_cold_and_answer)
    rows = best_seconds_per_call(lambda: readings(frame), batch=BATCH // 4)
    peer = best_seconds_per_call(lambda: split_parse_peer(packet))
    crc_loop = best_seconds_per_call(lambda: crc_loop_peer(segment), batch=BATCH // 10)

    figures = {
        "packet_bytes": float(len(packet)),
        "factors": float(len(frame.items)),
        "packets_per_s": 1 / total,
        "us_per_packet": total * 1e6,
        "us_framing": (feed - opened) * 1e6,
        "us_crc": crc * 1e6,
        "us_cp_layout_check": cp_check * 1e6,
        "us_header_and_checks": (opened - crc - cp_check) * 1e6,
        "us_answer": reply * 1e6,
        "us_cp_fields_on_first_use": cp_fields * 1e6,
        "us_cp_parse_without_layout": cp * 1e6,
        "cold_packets_per_s": 1 / cold,
        "us_per_packet_cold": cold * 1e6,
        "us_readings_mapping": rows * 1e6,
        "peer_split_parse_packets_per_s": 1 / peer,
        "ratio_vs_split_parse": peer / total,
        "us_crc_loop_peer": crc_loop * 1e6,
        "crc_speedup_vs_loop": crc_loop / crc,
    }
    print(f"HJ 212 codec: {len(packet)}-byte 2051 packet, {len(frame.items)} factors, one core")
    for name, value in figures.items():
        print(f"  {name:32s} {value:12.2f}")
    return figures


if __name__ == "__main__":
    run()
