"""The gateway's limits: what one device, one address and the whole listener may use.

Every limit refuses rather than drops (reliability-security.md I4): a packet over a limit gets no
answer, so the device resends it; a connection over a limit is closed, so the device reconnects.
Defaults and their reasons are in docs/decisions/0009-gateway.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

from ecowarden.errors import ValidationError

# "##" + 4 length digits + at most 9999 data-segment bytes + 4 CRC characters + CR LF: the
# largest packet the length field can describe [HJ212-2017] Table 2 (hj212-protocol.md §2.4).
LARGEST_PACKET_BYTES: Final = 2 + 4 + 9999 + 4 + 2
# HJ 212-2017 Table 2: the data segment is 0-1024 characters [HJ212-2017].
STANDARD_SEGMENT_BYTES: Final = 1024


@dataclass(frozen=True, slots=True)
class GatewayLimits:
    """Limits of one gateway listener.

    Attributes
    ----------
    max_segment_bytes : int
        Largest declared data-segment length accepted [bytes]; 1024 is the standard's limit,
        real devices send up to 1703 (hj212-protocol.md §8 row 5), 9999 is what four digits say.
    buffer_cap_bytes : int
        Per-connection cap on the bytes held for one incomplete packet or one garbage run
        [bytes]; at least one largest packet.
    max_connections : int
        Open connections of the whole listener; the next one is closed at once.
    max_connections_per_ip : int
        Open connections from one peer address.
    idle_timeout_s : float
        A connection that sends nothing for this long is closed [s].
    packet_timeout_s : float
        A packet that has started must be complete within this time, else the connection is
        closed (slowloris: one byte every few seconds never trips the idle timeout) [s].
    refused_bytes_cap : int
        Bytes that become no frame (garbage, refused packets, what the decoder passes over after
        them) one connection may send before it is closed [bytes] (reference §2.4 step 9: close
        on abuse, never for one bad packet).
    queue_capacity : int
        Packets waiting for the writer; when full, connections stop being read [packets].
    max_in_flight_per_connection : int
        Packets of one connection waiting for their commit; past it that connection stops being
        read, so one flooding client cannot fill the queue for everyone [packets].
    group_max_packets : int
        Most packets committed in one transaction [packets].
    group_max_delay_s : float
        Longest a packet waits for others to join its commit [s].
    postgresql_group_max_readings : int
        Reading rows in one commit on PostgreSQL at most: the store takes an advisory lock per
        series, and the server's shared lock table holds ``max_locks_per_transaction`` x
        ``max_connections`` locks (64 x 100 by default) for all sessions together.
    write_buffer_cap_bytes : int
        Unsent answer bytes a connection may hold (a client that does not read); past it the
        connection is closed [bytes].
    auth_failure_threshold : int
        Authentication failures from one address within ``auth_failure_window_s`` that raise an
        alert and throttle the address (reliability-security.md P6: 5 in 10 min).
    auth_failure_window_s : float
        Window over which authentication failures are counted [s].
    throttle_s : float
        How long a throttled address is refused [s].
    registry_refresh_s : float
        Shortest interval between two reloads of the device registry when an unknown MN
        arrives [s].
    """

    max_segment_bytes: int = 9999
    buffer_cap_bytes: int = 16 * 1024
    max_connections: int = 4096
    max_connections_per_ip: int = 256
    idle_timeout_s: float = 3900.0
    packet_timeout_s: float = 60.0
    refused_bytes_cap: int = 64 * 1024
    queue_capacity: int = 20_000
    max_in_flight_per_connection: int = 64
    group_max_packets: int = 2000
    group_max_delay_s: float = 0.005
    postgresql_group_max_readings: int = 4000
    write_buffer_cap_bytes: int = 256 * 1024
    auth_failure_threshold: int = 5
    auth_failure_window_s: float = 600.0
    throttle_s: float = 600.0
    registry_refresh_s: float = 5.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValidationError(f"gateway limit {item.name}={value!r} must be positive")
        if self.max_segment_bytes > 9999:
            raise ValidationError(
                f"gateway limit max_segment_bytes={self.max_segment_bytes}: four length digits "
                "describe at most 9999 bytes"
            )
        needed = 2 + 4 + self.max_segment_bytes + 4
        if self.buffer_cap_bytes < needed:
            raise ValidationError(
                f"gateway limit buffer_cap_bytes={self.buffer_cap_bytes} cannot hold a packet "
                f"with a {self.max_segment_bytes}-byte segment ({needed} bytes)"
            )
