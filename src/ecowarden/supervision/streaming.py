"""Streaming evaluation of minute data as it arrives: hourly exceedance, frozen values and stack
O2 near ambient, with state kept per series in NumPy arrays.

The batch rules (:mod:`.emission`, :mod:`.falsification`) re-read whole windows; a gateway
receiving ten thousand readings a second instead feeds each committed batch here and gets the
findings those readings complete, with a latency of one batch. Each batch is applied in rounds
in which every series occurs at most once, so all state updates are vectorised; findings agree
with the batch rules on the same data (tests/supervision/test_supervision_streaming.py).

State per watched series: the current hour's sum and count of usable (converted) values; the
current run of equal values (start, length, whether reported); the current run of O2 at or above
the ambient threshold. A pollutant with a reference O2 is converted with the site's latest O2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.supervision.emission import EmissionParameters
from ecowarden.supervision.falsification import FlatlineParameters, O2AmbientParameters
from ecowarden.supervision.findings import Finding, RuleCode, evidence
from ecowarden.supervision.series import (
    AIR_O2_PCT,
    HOUR_S,
    MINUTE_S,
    Bools,
    Floats,
    Int64s,
)

_NO_HOUR: Final = np.iinfo(np.int64).min


class Role(StrEnum):
    """What a watched series is to its site."""

    POLLUTANT = "pollutant"
    O2 = "o2"
    FLOW = "flow"


@dataclass(frozen=True)
class WatchedSeries:
    """A minute series the evaluator follows.

    Parameters
    ----------
    site, parameter
        Site code and parameter code.
    role
        Pollutant (exceedance, frozen values), O2 (near ambient, conversion) or flow
        (discharging or not).
    limit
        The hourly limit of a pollutant, if any.
    """

    site: str
    parameter: str
    role: Role
    limit: EmissionLimit | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise UnknownNameError("series role", self.role, [r.value for r in Role]) from None
        if self.limit is not None and self.limit.averaging is not Averaging.HOUR:
            raise ValidationError(
                f"{self.site} {self.parameter}: the streaming evaluator judges hourly limits only"
            )


def occurrence_rounds(index: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """0 for the first occurrence of each value in ``index``, 1 for the second, and so on."""
    order = np.argsort(index, kind="stable")
    sorted_index = index[order]
    positions = np.arange(index.size)
    new = np.concatenate(([True], sorted_index[1:] != sorted_index[:-1]))
    rank_sorted = positions - np.maximum.accumulate(np.where(new, positions, 0))
    rounds = np.empty(index.size, dtype=np.intp)
    rounds[order] = rank_sorted
    return rounds


class StreamingEvaluator:
    """Findings from minute readings fed in arrival order (per series, starts increase)."""

    def __init__(
        self,
        watched: Sequence[WatchedSeries],
        *,
        emission: EmissionParameters | None = None,
        flatline: FlatlineParameters | None = None,
        o2_ambient: O2AmbientParameters | None = None,
    ) -> None:
        self.watched = tuple(watched)
        self.emission = emission or EmissionParameters()
        self.flatline = flatline or FlatlineParameters()
        self.o2_ambient = o2_ambient or O2AmbientParameters()
        n = len(self.watched)
        self._index = {(w.site, w.parameter): i for i, w in enumerate(self.watched)}
        sites = sorted({w.site for w in self.watched})
        site_number = {site: k for k, site in enumerate(sites)}
        self._site_of = np.array([site_number[w.site] for w in self.watched], dtype=np.intp)
        role = np.array([w.role.value for w in self.watched])
        self._pollutant = role == Role.POLLUTANT.value
        self._o2 = role == Role.O2.value
        self._flow = role == Role.FLOW.value
        has_flow = np.zeros(len(sites), dtype=bool)
        has_flow[self._site_of[self._flow]] = True
        self._site_has_flow = has_flow
        self._limit = np.array([np.inf if w.limit is None else w.limit.limit for w in self.watched])
        self._reference_o2 = np.array(
            [
                np.nan
                if w.limit is None or w.limit.reference_o2_pct is None
                else w.limit.reference_o2_pct
                for w in self.watched
            ]
        )
        self._site_o2 = np.full(len(sites), np.nan)
        self._site_flow = np.full(len(sites), np.nan)
        self._hour = np.full(n, _NO_HOUR, dtype=np.int64)
        self._hour_sum = np.zeros(n)
        self._hour_valid = np.zeros(n, dtype=np.int64)
        self._hour_seen = np.zeros(n, dtype=np.int64)
        self._last_value = np.full(n, np.nan)
        self._last_start = np.full(n, _NO_HOUR, dtype=np.int64)
        self._run_start = np.zeros(n, dtype=np.int64)
        self._run_length = np.zeros(n, dtype=np.int64)
        self._run_reported = np.zeros(n, dtype=bool)
        self._high_start = np.zeros(n, dtype=np.int64)
        self._high_length = np.zeros(n, dtype=np.int64)
        self._high_reported = np.zeros(n, dtype=bool)

    def series_index(self, site: str, parameter: str) -> int:
        """The position of a watched series, for :meth:`feed`."""
        try:
            return self._index[(site, parameter)]
        except KeyError:
            raise UnknownNameError(
                "watched series", f"{site}/{parameter}", [f"{s}/{p}" for s, p in self._index]
            ) from None

    def feed(
        self,
        series: npt.NDArray[np.intp],
        starts_s: Int64s,
        values: Floats,
        usable: Bools,
    ) -> list[Finding]:
        """Apply a batch of minute readings and return the findings they complete.

        Parameters
        ----------
        series
            Position of each reading's series (:meth:`series_index`).
        starts_s
            Minute starts. [s since the epoch]
        values
            Values, NaN missing.
        usable
            Whether each reading's flag is usable (``FlagPolicy.valid``).
        """
        findings: list[Finding] = []
        rounds = occurrence_rounds(series)
        for r in range(int(rounds.max()) + 1 if rounds.size else 0):
            rows = rounds == r
            findings += self._apply(series[rows], starts_s[rows], values[rows], usable[rows])
        return findings

    def _apply(
        self, index: npt.NDArray[np.intp], starts: Int64s, values: Floats, usable: Bools
    ) -> list[Finding]:
        ok = usable & np.isfinite(values)
        site = self._site_of[index]
        # Site context first: the latest O2 and flow of each site.
        o2_rows = self._o2[index] & ok
        self._site_o2[site[o2_rows]] = values[o2_rows]
        flow_rows = self._flow[index] & ok
        self._site_flow[site[flow_rows]] = values[flow_rows]
        findings = self._hourly(index, starts, values, ok, site)
        findings += self._flat(index, starts, values, ok, site)
        findings += self._o2_high(index, starts, values, ok, site)
        return findings

    def _discharging(self, site: npt.NDArray[np.intp], min_flow: float) -> Bools:
        flow = self._site_flow[site]
        return np.asarray(~self._site_has_flow[site] | (flow > min_flow))

    def _hourly(
        self,
        index: npt.NDArray[np.intp],
        starts: Int64s,
        values: Floats,
        ok: Bools,
        site: npt.NDArray[np.intp],
    ) -> list[Finding]:
        rows = self._pollutant[index] & np.isfinite(self._limit[index])
        index, starts, values, ok, site = _selected(rows, index, starts, values, ok, site)
        reference = self._reference_o2[index]
        o2 = self._site_o2[site]
        converted = np.where(
            np.isnan(reference),
            values,
            values * (AIR_O2_PCT - reference) / (AIR_O2_PCT - o2),
        )
        o2_known = np.isnan(reference) | (np.isfinite(o2) & (o2 < self.emission.o2_cap_pct))
        ok = ok & o2_known & np.isfinite(converted)
        hour = starts // HOUR_S * HOUR_S
        rolled = (self._hour[index] != hour) & (self._hour[index] != _NO_HOUR)
        findings = self._close_hours(index[rolled])
        fresh = self._hour[index] != hour
        self._hour[index[fresh]] = hour[fresh]
        self._hour_sum[index[fresh]] = 0.0
        self._hour_valid[index[fresh]] = 0
        self._hour_seen[index[fresh]] = 0
        self._hour_sum[index[ok]] += converted[ok]
        self._hour_valid[index[ok]] += 1
        self._hour_seen[index] += 1
        complete = self._hour_seen[index] == HOUR_S // MINUTE_S
        findings += self._close_hours(index[complete])
        return findings

    def _close_hours(self, index: npt.NDArray[np.intp]) -> list[Finding]:
        """Judge and reset the current hours of ``index``."""
        index = index[self._hour[index] != _NO_HOUR]
        valid = self._hour_valid[index] >= self.emission.min_valid_minutes
        means = np.where(
            valid, self._hour_sum[index] / np.maximum(self._hour_valid[index], 1), np.nan
        )
        exceeding = valid & (means > self._limit[index])
        findings = []
        for i, mean in zip(index[exceeding].tolist(), means[exceeding].tolist(), strict=True):
            watched = self.watched[i]
            limit = watched.limit
            assert limit is not None  # only series with a limit are accumulated
            start_s = int(self._hour[i])
            findings.append(
                Finding(
                    rule=RuleCode.EMISSION_HOUR,
                    subject=watched.site,
                    start_s=start_s,
                    end_s=start_s + HOUR_S,
                    severity=self.emission.severity,
                    message=(
                        f"{watched.site} {watched.parameter} 小时"
                        f"{'折算' if limit.reference_o2_pct is not None else ''}浓度 "
                        f"{mean:.4g} {limit.unit} 超出限值 {limit.limit:g} {limit.unit}"
                    ),
                    evidence=evidence(
                        [],
                        {
                            "limit": limit.limit,
                            "unit": limit.unit,
                            "reference_o2_pct": limit.reference_o2_pct,
                            "valid_minutes": int(self._hour_valid[i]),
                            "evaluated": "streaming",
                        },
                    ),
                    site=watched.site,
                    parameter=watched.parameter,
                    value=mean,
                    threshold=limit.limit,
                )
            )
        self._hour[index] = _NO_HOUR
        return findings

    def _flat(
        self,
        index: npt.NDArray[np.intp],
        starts: Int64s,
        values: Floats,
        ok: Bools,
        site: npt.NDArray[np.intp],
    ) -> list[Finding]:
        params = self.flatline
        rows = self._pollutant[index]
        index, starts, values, ok, site = _selected(rows, index, starts, values, ok, site)
        good = ok & self._discharging(site, params.min_flow)
        continues = (
            good
            & (self._run_length[index] > 0)
            & (starts - self._last_start[index] == MINUTE_S)
            & (np.abs(values - self._last_value[index]) <= params.tolerance)
        )
        restart = good & ~continues
        self._run_length[index[continues]] += 1
        self._run_start[index[restart]] = starts[restart]
        self._run_length[index[restart]] = 1
        self._run_reported[index[restart]] = False
        self._run_length[index[~good]] = 0
        self._last_value[index] = values
        self._last_start[index] = starts
        duration = starts + MINUTE_S - self._run_start[index]
        due = (
            good
            & ~self._run_reported[index]
            & (self._run_length[index] >= params.min_readings)
            & (duration >= params.min_duration_s)
        )
        findings = []
        for i, end_s in zip(index[due].tolist(), (starts[due] + MINUTE_S).tolist(), strict=True):
            watched = self.watched[i]
            findings.append(
                Finding(
                    rule=RuleCode.FLATLINE,
                    subject=watched.site,
                    start_s=int(self._run_start[i]),
                    end_s=end_s,
                    severity=params.severity,
                    message=(
                        f"{watched.site} {watched.parameter} 在排放期间连续 "
                        f"{int(self._run_length[i])} 分钟恒为 {float(self._last_value[i]):g}"
                    ),
                    evidence=evidence(
                        [],
                        {
                            "constant_value": float(self._last_value[i]),
                            "readings": int(self._run_length[i]),
                            "evaluated": "streaming",
                        },
                    ),
                    site=watched.site,
                    parameter=watched.parameter,
                    value=float(end_s - int(self._run_start[i])),
                    threshold=float(params.min_duration_s),
                )
            )
        self._run_reported[index[due]] = True
        return findings

    def _o2_high(
        self,
        index: npt.NDArray[np.intp],
        starts: Int64s,
        values: Floats,
        ok: Bools,
        site: npt.NDArray[np.intp],
    ) -> list[Finding]:
        params = self.o2_ambient
        rows = self._o2[index]
        index, starts, values, ok, site = _selected(rows, index, starts, values, ok, site)
        high = ok & (values >= params.min_o2_pct) & self._discharging(site, params.min_flow)
        continues = (
            high
            & (self._high_length[index] > 0)
            & (starts - self._high_start[index] == self._high_length[index] * MINUTE_S)
        )
        restart = high & ~continues
        self._high_length[index[continues]] += 1
        self._high_start[index[restart]] = starts[restart]
        self._high_length[index[restart]] = 1
        self._high_reported[index[restart]] = False
        self._high_length[index[~high]] = 0
        duration = starts + MINUTE_S - self._high_start[index]
        due = (
            high
            & ~self._high_reported[index]
            & (self._high_length[index] >= params.min_readings)
            & (duration >= params.min_duration_s)
        )
        findings = []
        for i, end_s, value in zip(
            index[due].tolist(),
            (starts[due] + MINUTE_S).tolist(),
            values[due].tolist(),
            strict=True,
        ):
            watched = self.watched[i]
            findings.append(
                Finding(
                    rule=RuleCode.O2_AMBIENT,
                    subject=watched.site,
                    start_s=int(self._high_start[i]),
                    end_s=end_s,
                    severity=params.severity,
                    message=(
                        f"{watched.site} 运行期间烟气含氧量持续 ≥ {params.min_o2_pct:g} %"
                        f"（{int(self._high_length[i])} 分钟）"
                    ),
                    evidence=evidence(
                        [], {"latest_o2_pct": value, "min_o2_pct": params.min_o2_pct}
                    ),
                    site=watched.site,
                    parameter=watched.parameter,
                    value=value,
                    threshold=params.min_o2_pct,
                )
            )
        self._high_reported[index[due]] = True
        return findings


def _selected(
    rows: Bools,
    index: npt.NDArray[np.intp],
    starts: Int64s,
    values: Floats,
    ok: Bools,
    site: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], Int64s, Floats, Bools, npt.NDArray[np.intp]]:
    """The rows of a batch that one rule looks at."""
    return index[rows], starts[rows], values[rows], ok[rows], site[rows]
