"""The raw-packet archive: bytes exactly as received, before any parsing (I3).

Every packet the gateway or the MQTT subscriber receives is archived with the peer address and
the receive time; the MN once parsed, and a refusal reason code when the packet was refused (CRC
mismatch, unknown MN, wrong PW …). Rows are never updated (trigger); retention may delete them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ecowarden.errors import ValidationError
from ecowarden.store.instants import from_epoch_us, to_epoch_us
from ecowarden.store.schema import raw_packets

_CHANNELS: Final = ("hj212", "mqtt", "http")
# HJ 212 frames are at most 6 + 9999 + 4 + 2 bytes (hj212-protocol.md §2.4); MQTT payloads and
# HTTP bodies are capped by their adapters. 1 MiB bounds what one row may hold.
MAX_PAYLOAD_BYTES: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class RawPacket:
    """A packet as received."""

    payload: bytes
    peer: str
    received_at: dt.datetime
    channel: str = "hj212"
    mn: str | None = None
    refusal: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.payload, bytes):
            raise ValidationError(f"raw packet payload is {type(self.payload).__name__}, not bytes")
        if len(self.payload) > MAX_PAYLOAD_BYTES:
            raise ValidationError(f"raw packet of {len(self.payload)} bytes exceeds 1 MiB")
        if self.channel not in _CHANNELS:
            raise ValidationError(f"raw packet channel {self.channel!r}; valid: {_CHANNELS}")
        to_epoch_us(self.received_at)


@dataclass(frozen=True, slots=True)
class ArchivedPacket:
    """A packet read back from the archive, with its id."""

    id: int
    packet: RawPacket


class RawPacketArchive:
    """Append to and read the ``raw_packets`` table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def archive(self, packets: Sequence[RawPacket]) -> list[int]:
        """Store ``packets`` in the caller's transaction; their ids in the same order."""
        if not packets:
            return []
        rows = self._connection.execute(
            insert(raw_packets).returning(raw_packets.c.id, sort_by_parameter_order=True),
            [
                {
                    "received_at_us": to_epoch_us(packet.received_at),
                    "channel": packet.channel,
                    "peer": packet.peer,
                    "payload": packet.payload,
                    "mn": packet.mn,
                    "refusal": packet.refusal,
                }
                for packet in packets
            ],
        )
        return [int(row.id) for row in rows]

    def packets(
        self,
        *,
        mn: str | None = None,
        since: dt.datetime | None = None,
        after_id: int = 0,
        limit: int = 1000,
    ) -> list[ArchivedPacket]:
        """Archived packets with id > ``after_id``, oldest first, optionally of one MN or since
        an instant."""
        query = select(raw_packets).where(raw_packets.c.id > after_id)
        if mn is not None:
            query = query.where(raw_packets.c.mn == mn)
        if since is not None:
            query = query.where(raw_packets.c.received_at_us >= to_epoch_us(since))
        rows = self._connection.execute(query.order_by(raw_packets.c.id).limit(limit))
        return [
            ArchivedPacket(
                id=int(row.id),
                packet=RawPacket(
                    payload=bytes(row.payload),
                    peer=row.peer,
                    received_at=from_epoch_us(int(row.received_at_us)),
                    channel=row.channel,
                    mn=row.mn,
                    refusal=row.refusal,
                ),
            )
            for row in rows
        ]
