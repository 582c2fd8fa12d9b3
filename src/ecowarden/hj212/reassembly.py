"""Sub-packet (拆分包) reassembly, HJ 212-2017 Tables C.47-C.50 [HJ212-2017].

In the standard's example every sub-packet has its own QN, repeats DataTime and carries whole
items, so parts are grouped by (MN, CN, PNUM, DataTime), never by QN (reference §3.3). Storage does
not need this (rows are keyed per item); it serves completeness checks and consumers that want
the whole upload. Pending groups are bounded in number and age; the caller passes the time
(sans-I/O).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from ecowarden.errors import ValidationError
from ecowarden.hj212.cp import group_items
from ecowarden.hj212.errors import SubpacketError
from ecowarden.hj212.frame import Frame

_GroupKey = tuple[str, int, int, str | None]


@dataclass(frozen=True)
class Reassembled:
    """All sub-packets of one upload, in PNO order, with their CP fields merged.

    Attributes
    ----------
    parts : tuple of Frame
        The sub-packets (a single frame for an upload that was not split).
    cp : Mapping of str to str
        Merged CP fields; a field repeated identically (DataTime) appears once.
    """

    parts: tuple[Frame, ...]
    cp: Mapping[str, str]

    @property
    def mn(self) -> str:
        """Device number."""
        return self.parts[0].mn

    @property
    def cn(self) -> int:
        """Command code."""
        return self.parts[0].cn

    @property
    def data_time(self) -> dt.datetime | None:
        """DataTime of the upload."""
        return self.parts[0].data_time

    @cached_property
    def items(self) -> Mapping[str, Mapping[str, str]]:
        """Parameter code -> {suffix: value} over all parts."""
        return group_items(self.cp)


@dataclass
class _Group:
    first_s: float
    parts: dict[int, Frame]


class Reassembler:
    """Collects sub-packets until each upload is complete.

    Parameters
    ----------
    max_pending : int
        Incomplete uploads held at once; the oldest is dropped (and reported) beyond it.
    timeout_s : float
        Age after which an incomplete upload is dropped and reported [s].
    """

    def __init__(self, *, max_pending: int = 64, timeout_s: float = 120.0) -> None:
        if max_pending < 1 or timeout_s <= 0:
            raise ValidationError(f"max_pending={max_pending}, timeout_s={timeout_s}: need > 0")
        self.max_pending = max_pending
        self.timeout_s = timeout_s
        self._groups: dict[_GroupKey, _Group] = {}

    @property
    def pending(self) -> int:
        """Incomplete uploads held."""
        return len(self._groups)

    def add(self, frame: Frame, now_s: float) -> list[Reassembled | SubpacketError]:
        """Add a frame received at ``now_s`` (monotonic seconds).

        Returns
        -------
        list
            Uploads completed by this frame (a frame that is not split completes at once), and
            refusals: groups timed out or evicted, or parts that contradict each other.
        """
        out: list[Reassembled | SubpacketError] = list(self.expire(now_s))
        if frame.pnum is None or frame.pno is None:
            out.append(Reassembled((frame,), frame.cp))
            return out
        key = (frame.mn, frame.cn, frame.pnum, frame.cp.get("DataTime"))
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= self.max_pending:
                oldest = next(iter(self._groups))
                out.append(self._refuse(oldest, "subpackets_evicted", "too many pending uploads"))
            group = self._groups[key] = _Group(now_s, {})
        known = group.parts.get(frame.pno)
        if known is not None and known != frame:
            out.append(
                self._refuse(key, "subpacket_conflict", f"PNO={frame.pno} resent with other data")
            )
            return out
        group.parts[frame.pno] = frame
        if len(group.parts) == frame.pnum:
            out.append(self._merge(key))
        return out

    def expire(self, now_s: float) -> list[SubpacketError]:
        """Drop and report the uploads older than ``timeout_s`` at ``now_s``."""
        old = [k for k, g in self._groups.items() if now_s - g.first_s > self.timeout_s]
        return [self._refuse(k, "subpackets_incomplete", "timed out") for k in old]

    def _refuse(self, key: _GroupKey, reason: str, why: str) -> SubpacketError:
        group = self._groups.pop(key)
        mn, cn, pnum, data_time = key
        got = ",".join(str(p) for p in sorted(group.parts))
        return SubpacketError(
            reason,
            f"MN={mn} CN={cn} DataTime={data_time}: {why}; have PNO {got} of {pnum}",
            b"".join(group.parts[p].raw for p in sorted(group.parts)),
            mn,
        )

    def _merge(self, key: _GroupKey) -> Reassembled | SubpacketError:
        parts = tuple(frame for _, frame in sorted(self._groups[key].parts.items()))
        merged: dict[str, str] = {}
        for part in parts:
            for name, value in part.cp.items():
                previous = merged.setdefault(name, value)
                if previous != value:
                    return self._refuse(
                        key, "subpacket_conflict", f"{name} is {previous!r} and {value!r}"
                    )
        del self._groups[key]
        return Reassembled(parts, merged)
