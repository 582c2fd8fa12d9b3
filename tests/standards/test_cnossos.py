"""CNOSSOS-EU road line-source power (Directive (EU) 2015/996 Annex II §2.2.1)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.standards.cnossos import road_line_power

VECTORS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "water-noise-vectors.json"
)


def test_vector_n35() -> None:
    case = next(v for v in json.loads(VECTORS.read_text(encoding="utf-8")) if v["id"] == "N35")
    # 100 + 10·lg(1000 / (1000·50)) = 100 − 10·lg 50 = 100 − 16.99 = 83.01 dB
    got = road_line_power(
        case["input"]["Lw_vehicle_dB"], case["input"]["Q_veh_per_h"], case["input"]["v_km_h"]
    )
    assert float(got) == pytest.approx(case["expected"]["Lw_per_metre_dB"], abs=0.005)


def test_doubling_the_flow_adds_3_db() -> None:
    # 10·lg 2 = 3.0103 dB
    low, high = road_line_power(90.0, np.array([500.0, 1000.0]), 60.0)
    assert high - low == pytest.approx(3.0103, abs=1e-4)


@pytest.mark.parametrize(("flow", "speed"), [(0.0, 50.0), (1000.0, -5.0), (float("nan"), 50.0)])
def test_non_positive_flow_or_speed_is_refused(flow: float, speed: float) -> None:
    with pytest.raises(ValidationError, match="must be > 0"):
        road_line_power(100.0, flow, speed)
