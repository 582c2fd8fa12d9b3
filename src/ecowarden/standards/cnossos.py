"""CNOSSOS-EU road emission pieces used by the noise map [EU2002/49].

Directive (EU) 2015/996, Annex II §2.2.1 (as summarised in the reference, [secondary]): a flow of
Q vehicles per hour at speed v is a line source whose sound power per metre is
L′_W = L_W + 10·lg(Q / (1000·v)).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError

FloatArray = npt.NDArray[np.float64]


def road_line_power(
    lw_vehicle_db: npt.ArrayLike, flow_veh_per_h: npt.ArrayLike, speed_km_h: npt.ArrayLike
) -> FloatArray:
    """Sound power per metre of a vehicle flow, L′_W = L_W + 10·lg(Q / (1000·v)).

    Parameters
    ----------
    lw_vehicle_db
        Sound power level of one vehicle of the category. [dB]
    flow_veh_per_h
        Flow Q of that category. [vehicles/h], > 0
    speed_km_h
        Mean speed v of the category. [km/h], > 0

    Returns
    -------
    numpy.ndarray
        L′_W [dB re 1 pW/m], broadcast over the inputs.
    """
    lw = np.asarray(lw_vehicle_db, dtype=np.float64)
    flow = np.asarray(flow_veh_per_h, dtype=np.float64)
    speed = np.asarray(speed_km_h, dtype=np.float64)
    for name, values in (("flow Q [veh/h]", flow), ("speed v [km/h]", speed)):
        bad = ~(values > 0.0)
        if np.any(bad):
            raise ValidationError(f"{name} must be > 0, got {values[bad].flat[0]!r}")
    result: FloatArray = lw + 10.0 * np.log10(flow / (1000.0 * speed))
    return result
