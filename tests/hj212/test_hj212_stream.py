"""Stream decoding (reference §2.4, §8) and the codec rows of the P test plan.

P1 split/coalesced frames, P2 malformed packets, P4 oversized or lying length, P5 CRC
mismatch, P9 non-ASCII text, P12 field-reality corpus (reliability-security.md §8.2).
Results must not depend on how the bytes are cut into reads (h11-style stream tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecowarden.hj212 import (
    DEFAULT_POLICY,
    BadLength,
    CrcMismatch,
    CrcVariant,
    DecodePolicy,
    Decoder,
    Frame,
    Garbage,
    MalformedCP,
    Oversize,
    ProtocolError,
    crc_text,
    decode,
)

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SAMPLE_LIST = json.loads((REFERENCE / "hj212-samples.json").read_text("utf-8"))
SAMPLES = {s["id"]: str(s["packet"]).encode() for s in SAMPLE_LIST}
CRC_OK = {s["id"]: s["crc_ok"] for s in SAMPLE_LIST}
STREAM_ID = "chada-stream-1703-split3"
# Samples that do not frame at all, and the framing error the reference documents for them.
FRAMING_ERRORS = {
    "scair-1012-broken-length": "bad_length_field",  # "##81", not 4 digits
    "misc-2051-trailing-comma": "length_mismatch",  # length 96, 95 bytes, CRC fails
}
MODBUS_POLICY = DecodePolicy(
    crc_variants=lambda mn: (CrcVariant.MODBUS_LOW_FIRST,) if mn == "4201003" else ()
)

Event = Frame | ProtocolError


def comparable(events: list[Event]) -> list[object]:
    # A Frame compares by content; stream identity also needs its bytes and warnings.
    return [(e, e.raw, e.warnings) if isinstance(e, Frame) else e for e in events]


def feed_whole(data: bytes, policy: DecodePolicy = DEFAULT_POLICY) -> tuple[list[Event], Decoder]:
    decoder = Decoder(policy)
    return decoder.feed(data) + decoder.end_of_stream(), decoder


def feed_chunks(
    chunks: list[bytes], policy: DecodePolicy = DEFAULT_POLICY
) -> tuple[list[Event], Decoder]:
    decoder = Decoder(policy)
    events: list[Event] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    return events + decoder.end_of_stream(), decoder


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def strip_tail(data: bytes) -> bytes:
    return data.rstrip(b"\r\n")


# --- P12: field-reality corpus -------------------------------------------------------------


@pytest.mark.parametrize("sample_id", sorted(set(SAMPLES) - {STREAM_ID}))
@pytest.mark.parametrize("tail", [b"\r\n", b"\n", b""], ids=["crlf", "lf", "none"])
def test_corpus_entry_whole_and_bytewise(sample_id: str, tail: bytes) -> None:
    data = strip_tail(SAMPLES[sample_id]) + tail
    whole, decoder = feed_whole(data)
    by_byte, byte_decoder = feed_chunks(bytewise(data))
    assert comparable(whole) == comparable(by_byte)
    assert decoder.stats == byte_decoder.stats
    assert len(whole) == 1
    event = whole[0]
    if sample_id in FRAMING_ERRORS:
        assert isinstance(event, BadLength)
        assert event.reason == FRAMING_ERRORS[sample_id]
    elif CRC_OK[sample_id]:
        assert isinstance(event, Frame)
    else:
        assert isinstance(event, CrcMismatch)
        assert event.reason == "crc_mismatch"


@pytest.mark.parametrize(
    ("tail", "counter"),
    [(b"\r\n", "tail_crlf"), (b"\n", "tail_lf"), (b"\r", "tail_cr"), (b"", "tail_missing")],
)
def test_tails_are_counted(tail: bytes, counter: str) -> None:
    _, decoder = feed_chunks(bytewise(strip_tail(SAMPLES["std-A-1062"]) + tail))
    assert getattr(decoder.stats, counter) == 1


def test_modbus_entry_frames_only_with_the_device_option() -> None:
    events, _ = feed_whole(SAMPLES["rxlog-0868"], MODBUS_POLICY)
    assert isinstance(events[0], Frame)
    assert events[0].crc_variant is CrcVariant.MODBUS_LOW_FIRST


def test_stream_sample_in_its_three_reads() -> None:
    # chada-stream-1703-split3: a 1703-byte 3020 packet without tail, read in 464 + 1024 + rest
    # bytes, the last read also holding the next packet (reference §8 rows 1, 2, 4, 5, 23)
    data = SAMPLES[STREAM_ID]
    events, decoder = feed_chunks([data[:464], data[464:1488], data[1488:]])
    assert [type(e) for e in events] == [Frame, Frame]
    first, second = events
    assert isinstance(first, Frame)
    assert isinstance(second, Frame)
    assert (first.cn, len(first.segment), second.cn) == (3020, 1703, 2061)
    assert "segment_over_1024" in first.warnings
    # the log text embeds hex of other packets; the payload was not rescanned for '##'
    assert first.cp["i11001-Info"].startswith("//R:4e 26 26 45")
    assert (decoder.stats.tail_missing, decoder.stats.tail_lf) == (1, 1)
    whole, _ = feed_whole(data)
    assert comparable(whole) == comparable(events)
    assert comparable(feed_chunks(bytewise(data))[0]) == comparable(events)


def test_concatenated_corpus_decodes_every_entry() -> None:
    # all entries in one chunk: each gives what it gives alone, in order, and the decoder
    # keeps going after every refusal
    alone: list[object] = []
    for sample_id in SAMPLES:
        events, _ = feed_whole(SAMPLES[sample_id])
        alone += [e if isinstance(e, Frame) else (type(e), e.reason) for e in events]
    together, _ = feed_whole(b"".join(SAMPLES.values()))
    assert [e if isinstance(e, Frame) else (type(e), e.reason) for e in together] == alone
    assert sum(isinstance(e, Frame) for e in together) == 16


# --- P1: split and coalesced frames ------------------------------------------------------------

VALID = [strip_tail(p) for i, p in SAMPLES.items() if CRC_OK[i] and i not in FRAMING_ERRORS]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.sampled_from(VALID), st.sampled_from([b"\r\n", b"\n", b""])),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(min_value=0), max_size=12),
)
def test_random_cuts_give_the_packets_in_order(
    packets: list[tuple[bytes, bytes]], cuts: list[int]
) -> None:
    data = b"".join(p + tail for p, tail in packets)
    points = sorted({c % (len(data) + 1) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    events, _ = feed_chunks(chunks)
    expected = [e for p, _ in packets for e in feed_whole(p)[0]]
    assert comparable(events) == comparable(feed_whole(data)[0])
    assert [e.raw for e in events if isinstance(e, Frame)] == [
        e.raw for e in expected if isinstance(e, Frame)
    ]
    assert len(events) == len(expected)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.sampled_from(VALID)
        | st.binary(max_size=40)
        | st.sampled_from([b"##", b"#", b"\r\n", b"##0101", b"&&1C80\r\n", b"##9999"]),
        max_size=8,
    ),
    st.lists(st.integers(min_value=0), max_size=10),
)
def test_any_stream_is_cut_independent_and_yields_only_frames_or_protocol_errors(
    parts: list[bytes], cuts: list[int]
) -> None:
    data = b"".join(parts)
    whole, decoder = feed_whole(data)
    points = sorted({c % (len(data) + 1) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    cut, cut_decoder = feed_chunks(chunks)
    assert comparable(cut) == comparable(whole)
    assert decoder.stats == cut_decoder.stats
    assert all(isinstance(e, Frame | ProtocolError) for e in whole)
    assert all(e.reason for e in whole if isinstance(e, ProtocolError))
    assert decoder.pending == 0


# --- P2 / P5: malformed packets and CRC mismatches ------------------------------------------

GOOD = strip_tail(SAMPLES["flash520-2051-aqi"])
NEXT = SAMPLES["std-A-1062"]


def _mutations() -> st.SearchStrategy[tuple[str, bytes]]:
    n = len(GOOD)
    return st.one_of(
        st.integers(6, n - 7).map(
            lambda i: ("segment byte", GOOD[:i] + bytes([GOOD[i] ^ 0x01]) + GOOD[i + 1 :])
        ),
        st.integers(n - 4, n - 1).map(lambda i: ("crc digit", GOOD[:i] + b"G" + GOOD[i + 1 :])),
        st.integers(2, 5).map(lambda i: ("length digit", GOOD[:i] + b"x" + GOOD[i + 1 :])),
        st.integers(0, 1).map(lambda i: ("header", GOOD[:i] + b"%" + GOOD[i + 1 :])),
        st.integers(7, n - 1).map(lambda i: ("truncated", GOOD[:i])),
        st.just(("missing &&", GOOD.replace(b"&&D641", b"D641"))),
        st.just(
            (
                "empty CP",
                GOOD[: GOOD.index(b"CP=&&")]
                + b"CP=&&&&"
                + crc_text(GOOD[6 : GOOD.index(b"CP=&&")] + b"CP=&&&&"),
            )
        ),
        st.binary(min_size=1, max_size=30).map(lambda junk: ("junk", junk)),
    )


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(_mutations())
def test_malformed_packet_is_refused_and_the_stream_goes_on(mutation: tuple[str, bytes]) -> None:
    kind, bad = mutation
    events, _ = feed_whole(bad + b"\r\n" + NEXT)
    *refusals, last = events
    assert isinstance(last, Frame)
    assert last.cn == 1062
    if kind == "empty CP":
        # a well-formed packet with an empty CP: not malformed
        assert [type(e) for e in refusals] == [Frame]
        return
    assert refusals, kind
    assert not any(isinstance(e, Frame) for e in refusals), kind
    assert all(isinstance(e, ProtocolError) and e.reason and e.data for e in refusals)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(VALID), st.data())
def test_one_flipped_byte_in_the_segment_never_gives_a_frame(
    packet: bytes, draw: st.DataObject
) -> None:
    # P5: single-byte substitutions between the length field and the CRC (of the first packet:
    # the stream sample holds more than one)
    segment_end = 6 + int(packet[2:6])
    i = draw.draw(st.integers(6, segment_end - 1))
    value = draw.draw(st.integers(0, 255).filter(lambda v: v != packet[i]))
    bad = packet[:i] + bytes([value]) + packet[i + 1 :]
    events, _ = feed_whole(bad, MODBUS_POLICY)
    # the damaged packet is refused; a frame could only come from a '##' the flip created
    assert isinstance(events[0], ProtocolError)
    assert not any(isinstance(e, Frame) and e.raw.startswith(bad[:6]) for e in events)


def test_crc_mismatch_carries_the_mn_for_per_device_counters() -> None:
    events, decoder = feed_whole(SAMPLES["xy-readme-0136-badcrc"])
    assert [(type(e), e.mn) for e in events if isinstance(e, ProtocolError)] == [
        (CrcMismatch, "LD130133000015")
    ]
    assert decoder.stats.refused == 1


# --- P4: oversized or lying length ------------------------------------------------------------


def test_lying_length_and_a_megabyte_of_garbage_stay_bounded() -> None:
    decoder = Decoder(max_buffer=64 * 1024)
    events: list[Event] = []
    events += decoder.feed(b"##9999QN=1;ST=32;")
    junk = bytes(range(32, 127)) * 11  # 1045 bytes, never two '#' in a row
    peak = 0
    for _ in range(1000):
        events += decoder.feed(junk)
        peak = max(peak, decoder.pending)
    events += decoder.feed(NEXT)
    assert peak <= 64 * 1024
    assert isinstance(events[0], BadLength)
    assert events[0].reason == "length_mismatch"
    assert isinstance(events[-1], Frame)
    assert len(events) == 2
    # the bytes after a refused '##' belong to that refusal: counted, not reported again
    assert decoder.stats.skipped_bytes >= 1_000_000


def test_declared_length_above_the_device_limit_is_refused_at_once() -> None:
    events, _ = feed_whole(b"##5000QN=1" + NEXT, DecodePolicy(max_segment_length=1024))
    assert isinstance(events[0], Oversize)
    assert events[0].reason == "oversize_segment"
    assert isinstance(events[-1], Frame)


def test_packet_larger_than_the_buffer_cap_is_refused() -> None:
    decoder = Decoder(max_buffer=512)
    events = decoder.feed(SAMPLES["bocon-2051-subpacket-2005codes"]) + decoder.end_of_stream()
    assert isinstance(events[0], Oversize)
    assert events[0].reason == "buffer_overflow"


def test_garbage_runs_are_reported_in_capped_pieces() -> None:
    decoder = Decoder(max_buffer=200)
    events = decoder.feed(b"x" * 450 + NEXT)
    assert [len(e.data) for e in events if isinstance(e, Garbage)] == [200, 200, 50]
    assert isinstance(events[-1], Frame)


def test_stream_ending_inside_a_packet_is_truncated() -> None:
    decoder = Decoder()
    assert decoder.feed(NEXT[:50]) == []
    (event,) = decoder.end_of_stream()
    assert isinstance(event, BadLength)
    assert event.reason == "truncated"
    assert event.data == NEXT[:50]


# --- P9: non-ASCII text ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(min_size=1, max_size=30).filter(lambda b: not set(b) & set(b";,=&/ \t\r\n#")))
def test_non_utf8_values_are_accepted_or_refused_with_a_reason(value: bytes) -> None:
    segment = b"QN=1;ST=32;CN=3020;PW=1;MN=M1;Flag=4;CP=&&i11001-Info=" + value + b"&&"
    data = b"##%04d%s%s\r\n" % (len(segment), segment, crc_text(segment))
    events, _ = feed_whole(data)
    (event,) = events
    if isinstance(event, Frame):
        text = event.cp["i11001-Info"]
        assert text.encode("utf-8") == value or text.encode("gbk") == value
    else:
        assert isinstance(event, MalformedCP)
        assert event.reason == "undecodable_text"


def test_decode_and_decoder_agree() -> None:
    for sample_id, data in SAMPLES.items():
        if sample_id == STREAM_ID:
            continue
        events, _ = feed_whole(data)
        outcome: Frame | ProtocolError
        try:
            outcome = decode(data)
        except ProtocolError as exc:
            outcome = exc
        assert comparable([outcome]) == comparable(events[:1])
