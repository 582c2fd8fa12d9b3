"""Gateway counters: connections, packets, refusals by reason and by MN, commits, answers, the
time split (parse / auth / store / answer) and each device's clock offset.

Counters are plain integers bumped on the event loop (one thread, no locks). They are read as a
:class:`StatsSnapshot` or as the Prometheus text exposition format, version 0.0.4
(prometheus.io/docs/instrumenting/exposition_formats): ``# HELP`` and ``# TYPE`` lines, then
``name{label="value"} number`` per series, label values escaped (``\\``, ``"``, newline).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

# Per-MN series are capped: a spoofing client inventing MNs must not grow memory without bound.
# Past the cap, new MNs are counted under this label.
OTHER_MN: Final = "(other)"
DEFAULT_MAX_TRACKED_MNS: Final = 10_000
STAGES: Final = ("parse", "auth", "store", "answer")


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """How far a device's DataTime runs from the gateway's clock.

    Attributes
    ----------
    offset_s : float
        End of the packet's period (DataTime + period length; DataTime itself for real-time
        data) minus the receive time [s]: about zero for live data from a device on time,
        positive when its clock runs ahead, strongly negative for backfill.
    received_at_s : float
        When the packet came in (Unix time) [s].
    """

    offset_s: float
    received_at_s: float


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    """The counters at one moment (see :class:`GatewayStats` for their meaning)."""

    counters: Mapping[str, float]
    labelled: Mapping[str, Mapping[tuple[tuple[str, str], ...], float]]
    clock_offsets: Mapping[str, ClockOffset]


class GatewayStats:
    """Counters of one gateway process.

    Parameters
    ----------
    max_tracked_mns : int
        Distinct MNs kept in per-MN series (refusals, clock offsets); later ones count as
        ``(other)``.
    """

    def __init__(self, *, max_tracked_mns: int = DEFAULT_MAX_TRACKED_MNS) -> None:
        self.max_tracked_mns = max_tracked_mns
        self.connections_open = 0
        self.connections_accepted = 0
        self.bytes_received = 0
        self.frames = 0
        self.packets_committed = 0
        self.commits = 0
        self.commit_failures = 0
        self.queue_depth = 0
        self.queue_full = 0
        self.auth_cache_hits = 0
        self.commit_seconds = 0.0
        self.stage_seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.connections_closed: Counter[str] = Counter()
        self.connections_refused: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.refused_by_mn: Counter[tuple[str, str]] = Counter()
        self.readings: Counter[str] = Counter()
        self.anomalies: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()
        self.answers_withheld: Counter[str] = Counter()
        self.auth_verifications: Counter[str] = Counter()
        self.alerts: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.commands: Counter[str] = Counter()
        self.clock_offsets: dict[str, ClockOffset] = {}
        self._mns: set[str] = set()

    def tracked_mn(self, mn: str | None) -> str:
        """``mn`` as a per-MN label: itself while under the cap, else ``(other)``."""
        if mn is None:
            return ""
        if mn in self._mns:
            return mn
        if len(self._mns) < self.max_tracked_mns:
            self._mns.add(mn)
            return mn
        return OTHER_MN

    def refuse(self, reason: str, mn: str | None) -> None:
        """Count one refused packet (or byte run) under its reason code and its MN."""
        self.refused[reason] += 1
        if mn is not None:
            self.refused_by_mn[(self.tracked_mn(mn), reason)] += 1

    def record_offset(self, mn: str, offset_s: float, received_at_s: float) -> None:
        """Keep the latest clock offset of ``mn``."""
        label = self.tracked_mn(mn)
        if label != OTHER_MN:
            self.clock_offsets[label] = ClockOffset(offset_s, received_at_s)

    def snapshot(self) -> StatsSnapshot:
        """A copy of every counter."""
        counters: dict[str, float] = {
            name: float(getattr(self, name))
            for name in (
                "connections_open",
                "connections_accepted",
                "bytes_received",
                "frames",
                "packets_committed",
                "commits",
                "commit_failures",
                "queue_depth",
                "queue_full",
                "auth_cache_hits",
                "commit_seconds",
            )
        }
        labelled: dict[str, dict[tuple[tuple[str, str], ...], float]] = {
            "stage_seconds": {(("stage", k),): v for k, v in self.stage_seconds.items()},
            "refused_by_mn": {
                (("mn", mn), ("reason", reason)): float(n)
                for (mn, reason), n in self.refused_by_mn.items()
            },
        }
        for name, label in _LABELLED:
            counter: Counter[str] = getattr(self, name)
            labelled[name] = {((label, key),): float(n) for key, n in counter.items()}
        return StatsSnapshot(counters, labelled, dict(self.clock_offsets))

    def prometheus_text(self) -> str:
        """The counters in the Prometheus text exposition format (version 0.0.4)."""
        snapshot = self.snapshot()
        lines: list[str] = []
        for name, kind, help_text in _PLAIN:
            lines += _family(name, kind, help_text, [((), snapshot.counters[name])])
        for name, kind, help_text in _LABELLED_FAMILIES:
            samples = sorted(snapshot.labelled[name].items())
            lines += _family(name, kind, help_text, samples)
        lines += _family(
            "clock_offset_seconds",
            "gauge",
            "Latest DataTime period end minus receive time, per MN [s].",
            [((("mn", mn),), c.offset_s) for mn, c in sorted(snapshot.clock_offsets.items())],
        )
        return "\n".join(lines) + "\n"


# Counter attribute -> its label name.
_LABELLED: Final = (
    ("connections_closed", "reason"),
    ("connections_refused", "reason"),
    ("refused", "reason"),
    ("readings", "outcome"),
    ("anomalies", "kind"),
    ("answers", "cn"),
    ("answers_withheld", "reason"),
    ("auth_verifications", "result"),
    ("alerts", "kind"),
    ("warnings", "warning"),
    ("commands", "status"),
)
_PLAIN: Final = (
    ("connections_open", "gauge", "Open device connections."),
    ("connections_accepted", "counter", "Device connections accepted."),
    ("bytes_received", "counter", "Bytes read from devices."),
    ("frames", "counter", "Packets that decoded to a frame."),
    ("packets_committed", "counter", "Packets durably committed (archive, readings, audit)."),
    ("commits", "counter", "Group commits that succeeded."),
    ("commit_failures", "counter", "Group commits that failed; their packets got no answer."),
    ("queue_depth", "gauge", "Packets waiting for the writer."),
    ("queue_full", "counter", "Times a connection stopped being read because of a full queue."),
    ("auth_cache_hits", "counter", "Packets authenticated from the verified (MN, PW) cache."),
    ("commit_seconds", "counter", "Wall time of group commits, waiting for the disk included [s]."),
)
_LABELLED_FAMILIES: Final = (
    (
        "stage_seconds",
        "counter",
        "Thread CPU time per stage: parse, auth (Argon2id), store (writer thread), answer [s].",
    ),
    ("connections_closed", "counter", "Connections closed by the gateway or the peer, by reason."),
    ("connections_refused", "counter", "Connections refused on accept, by reason."),
    ("refused", "counter", "Packets refused (no reading, no data answer), by reason code."),
    ("refused_by_mn", "counter", "Packets refused, by MN and reason code."),
    ("readings", "counter", "Readings stored, by outcome: new, identical, conflict."),
    (
        "anomalies",
        "counter",
        "Packet anomalies recorded (future or stale DataTime, items kept "
        "only in the raw archive), by kind.",
    ),
    ("answers", "counter", "Answers and requests sent, by CN."),
    ("answers_withheld", "counter", "Answers not sent, by reason."),
    ("auth_verifications", "counter", "Argon2id password verifications, by result."),
    ("alerts", "counter", "Alerts raised, by kind."),
    ("warnings", "counter", "Conformance warnings of accepted packets, by code."),
    ("commands", "counter", "Platform command events, by status."),
)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _family(
    name: str,
    kind: str,
    help_text: str,
    samples: Iterable[tuple[tuple[tuple[str, str], ...], float]],
) -> list[str]:
    full = f"ecowarden_gateway_{name}" + ("_total" if kind == "counter" else "")
    lines = [f"# HELP {full} {help_text}", f"# TYPE {full} {kind}"]
    for labels, value in samples:
        text = ",".join(f'{key}="{_escape(val)}"' for key, val in labels)
        lines.append(f"{full}{{{text}}} {_number(value)}" if text else f"{full} {_number(value)}")
    return lines


def parse_prometheus_text(text: str) -> dict[str, float]:
    """Samples of an exposition text as ``{'name{labels}': value}`` (for ``gateway stats``).

    Comment lines are skipped; the series text is kept as written.
    """
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        samples[series] = float(value)
    return samples
