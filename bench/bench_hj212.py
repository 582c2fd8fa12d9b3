"""HJ 212 benchmark: codec decode + CRC + answer (≥ 60k packets/s on one core)."""

from __future__ import annotations

import hj212_codec

if __name__ == "__main__":
    hj212_codec.run()
