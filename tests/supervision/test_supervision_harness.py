"""The evaluation harness: recall on injected cases (S1–S8 and one per rule) and false alerts
per device-month on the clean baseline (S9). Targets of issue 6: every case found within its
rule's latency; at most 1 false alert per device-month."""

from __future__ import annotations

import pytest

from ecowarden.supervision.findings import RuleCode
from ecowarden.supervision.scenarios import run_harness, scenarios


def test_one_scenario_per_rule_and_the_test_plan() -> None:
    covered = {scenario.rule for scenario in scenarios()}
    assert covered == set(RuleCode)
    assert {s.test_id for s in scenarios()} >= {f"S{k}" for k in range(1, 9)}


def test_recall_and_false_alert_rate(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_harness(clean_worlds=6)
    with capsys.disabled():
        print(
            f"\nsupervision harness: recall {report.recall:.0%} "
            f"({sum(c.found for c in report.cases)}/{len(report.cases)} injected cases found "
            f"within latency); false alerts {report.false_alerts} in "
            f"{report.device_months:.0f} device-months = "
            f"{report.false_alerts_per_device_month:.3f} per device-month"
        )
    missed = [c.scenario.name for c in report.cases if not c.found]
    assert missed == []
    assert report.false_alerts_per_device_month <= 1.0
