"""The raw-packet archive keeps bytes verbatim and never updates them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from ecowarden.errors import ValidationError
from ecowarden.store import RawPacket, Store

AT = dt.datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=dt.UTC)
# HJ 212-2017 App. A example segment framed (std-A-1062), then GBK bytes that are invalid UTF-8.
PACKET = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    b"CP=&&RtdInterval=30&&1C80\r\n"
)
GBK = "清洗管路".encode("gbk") + b"\xff\x00"
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"


def test_packets_come_back_byte_for_byte(store: Store) -> None:
    packets = [
        RawPacket(PACKET, "10.0.0.7:50211", AT, mn="010000A8900016F000169DC0"),
        RawPacket(GBK, "10.0.0.8:50300", AT, refusal="crc_mismatch"),
    ]
    with store.transaction() as transaction:
        ids = transaction.raw_packets.archive(packets)
    with store.snapshot() as snapshot:
        archived = snapshot.raw_packets.packets()
        by_mn = snapshot.raw_packets.packets(mn="010000A8900016F000169DC0")
    assert ids == [archived[0].id, archived[1].id]
    assert [item.packet for item in archived] == packets
    assert [item.id for item in by_mn] == [ids[0]]


def test_archive_refuses_updates(store: Store) -> None:
    with store.transaction() as transaction:
        transaction.raw_packets.archive([RawPacket(PACKET, "peer", AT)])
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as transaction:
        transaction.connection.exec_driver_sql("UPDATE raw_packets SET refusal = 'x'")


def test_packet_needs_bytes_and_a_known_channel() -> None:
    with pytest.raises(ValidationError, match="bytes"):
        RawPacket("text", "peer", AT)  # type: ignore[arg-type]  # the wrong type is the point
    with pytest.raises(ValidationError, match="channel"):
        RawPacket(b"x", "peer", AT, channel="udp")
    with pytest.raises(ValidationError, match="offset"):
        RawPacket(b"x", "peer", dt.datetime(2025, 1, 1))


def test_every_reference_sample_is_archived_verbatim(store: Store) -> None:
    # hj212-samples.json: 20 packets from the field, good and broken, tails and all.
    samples = json.loads((REFERENCE / "hj212-samples.json").read_text(encoding="utf-8"))
    packets = [
        RawPacket(
            sample["packet"].encode("utf-8"),
            "10.0.0.9:6000",
            AT,
            refusal=None if sample["crc_ok"] else "crc_mismatch",
        )
        for sample in samples
    ]
    with store.transaction() as transaction:
        transaction.raw_packets.archive(packets)
    with store.snapshot() as snapshot:
        archived = [item.packet for item in snapshot.raw_packets.packets(limit=100)]
    assert len(samples) == 20
    assert archived == packets
