"""Series → assessments: validity, averaging, daily and period statistics (air, water, noise).

Pure domain code over NumPy arrays; no I/O, no adapters (DESIGN §3).
"""
