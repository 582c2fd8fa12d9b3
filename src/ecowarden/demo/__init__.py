"""The demo county: synthetic but realistic monitoring data and the bulletin printed from it."""
