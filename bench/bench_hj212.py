"""HJ 212 benchmarks: codec decode + CRC + answer (≥ 60k packets/s on one core), then the gateway
end to end (1,000 connections, durable acknowledgement; ≥ 10k packets/s on SQLite, PostgreSQL
reported; ≤ 10 KB per idle connection)."""

from __future__ import annotations

import gateway_e2e
import hj212_codec

if __name__ == "__main__":
    hj212_codec.run()
    gateway_e2e.run()
