"""ISO 9613-2:1996 point-source propagation, octave bands 63 Hz – 8 kHz, downwind [ISO9613-2].

The terms of the general method as pure functions over NumPy arrays: divergence, air absorption
(α from ISO 9613-1 [ISO9613-1]), the alternative ground method with D_Ω, barrier screening, the
meteorological correction, A-weighting, and the assembled receiver level. Every function
broadcasts, so one call covers all receivers of a source (and all bands, on the last axis); none
loops per receiver. NaN inputs are missing values and give NaN results.

The general ground method (Eq. (9), Table 3) is not part of this module; see decision record
``docs/decisions/0005-propagation.md``.
"""

from ecowarden.standards.iso9613.atmosphere import a_atm, alpha
from ecowarden.standards.iso9613.attenuation import (
    SimplifiedGround,
    a_div,
    a_ground_simplified,
    c_met,
    d_omega,
)
from ecowarden.standards.iso9613.bands import (
    A_WEIGHTING_DB,
    OCTAVE_BANDS_HZ,
    Midband,
    a_weighting,
    midband_frequency_hz,
    parse_midband,
)
from ecowarden.standards.iso9613.barrier import (
    C2_GROUND_BY_IMAGE_SOURCES,
    C2_GROUND_INCLUDED,
    a_bar,
    barrier_dz,
    k_met,
    path_difference,
)
from ecowarden.standards.iso9613.level import (
    PointSourceLevel,
    downwind_band_level,
    point_source_level,
)

__all__ = [
    "A_WEIGHTING_DB",
    "C2_GROUND_BY_IMAGE_SOURCES",
    "C2_GROUND_INCLUDED",
    "OCTAVE_BANDS_HZ",
    "Midband",
    "PointSourceLevel",
    "SimplifiedGround",
    "a_atm",
    "a_bar",
    "a_div",
    "a_ground_simplified",
    "a_weighting",
    "alpha",
    "barrier_dz",
    "c_met",
    "d_omega",
    "downwind_band_level",
    "k_met",
    "midband_frequency_hz",
    "parse_midband",
    "path_difference",
    "point_source_level",
]
