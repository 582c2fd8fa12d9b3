"""Off-site supervision: rules over readings, telemetry and registry facts that open alerts.

Pure evaluation only (DESIGN §3): no storage, no MQTT, no scheduling — those live in
``services.supervision``. Documentation: ``docs/supervision.md``; choices:
``docs/decisions/0010-supervision.md``.

- :mod:`.findings` — rule codes, severities, findings and their evidence
- :mod:`.series` — series arrays, flag policy, O2 conversion, period means (HJ 76 validity)
- :mod:`.emission` — outlet hourly/daily exceedance, marks over exceedances (S5)
- :mod:`.ambient` — AQI > 100, water below target class, GB 3096 zone limits
- :mod:`.availability` — offline, gaps, valid-data rate, clock drift
- :mod:`.falsification` — frozen values, flow-zero, dilution, O2 near ambient, resends, steps,
  parameter changes (S2–S4, S6–S8)
- :mod:`.electricity` — production vs control equipment, shutdown orders
- :mod:`.geofence` — protection zones, intrusions with dwell, GCJ-02 ↔ WGS-84
- :mod:`.noise_windows` — time-boxed noise protection windows and nearby construction sites
- :mod:`.zones` — zones from GeoJSON
- :mod:`.alerts` — the alert lifecycle (transitions table), dedupe keys, escalation
- :mod:`.config` — rule parameters per rule and per site, checked at load
- :mod:`.streaming` — streaming evaluation of minute data
- :mod:`.scenarios` — the evaluation harness (recall and false alerts per device-month)
"""

from ecowarden.supervision.alerts import (
    TRANSITIONS,
    AlertAction,
    AlertPolicy,
    AlertState,
    InvalidTransition,
    dedupe_key,
    escalation_due,
    next_state,
)
from ecowarden.supervision.config import PARAMETER_TYPES, RuleSettings, load_rule_settings
from ecowarden.supervision.findings import (
    Evidence,
    EvidenceReading,
    Finding,
    RuleCode,
    RuleFamily,
    Severity,
    parse_rule,
)
from ecowarden.supervision.series import FlagPolicy, Series

__all__ = [
    "PARAMETER_TYPES",
    "TRANSITIONS",
    "AlertAction",
    "AlertPolicy",
    "AlertState",
    "Evidence",
    "EvidenceReading",
    "Finding",
    "FlagPolicy",
    "InvalidTransition",
    "RuleCode",
    "RuleFamily",
    "RuleSettings",
    "Series",
    "Severity",
    "dedupe_key",
    "escalation_due",
    "load_rule_settings",
    "next_state",
    "parse_rule",
]
