"""The registry: enterprises, sites, outlets and their limits, devices, and the vocabularies of
parameters, periods and data flags that readings are recorded in.

Domain package: records and their invariants only, no storage (DESIGN §3).
"""

from ecowarden.registry.devices import Device, check_device_password, check_mn
from ecowarden.registry.document import (
    DeviceEntry,
    Problem,
    RegistryDocument,
    RegistryDocumentError,
    parse_registry_document,
)
from ecowarden.registry.enterprises import Averaging, EmissionLimit, Enterprise, ManagementCategory
from ecowarden.registry.parameters import (
    PARAMETERS,
    Medium,
    Parameter,
    parameter,
    parameter_vocabulary,
)
from ecowarden.registry.readings import (
    FLAG_CODES,
    LOCAL_ZONE,
    DataFlag,
    Period,
    Reading,
    ReadingKey,
    parse_flag,
    parse_period,
)
from ecowarden.registry.sites import (
    Location,
    NoiseZone,
    OutletMedium,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
)
from ecowarden.registry.uscc import InvalidCreditCode, validate_credit_code

__all__ = [
    "FLAG_CODES",
    "LOCAL_ZONE",
    "PARAMETERS",
    "Averaging",
    "DataFlag",
    "Device",
    "DeviceEntry",
    "EmissionLimit",
    "Enterprise",
    "InvalidCreditCode",
    "Location",
    "ManagementCategory",
    "Medium",
    "NoiseZone",
    "OutletMedium",
    "Parameter",
    "Period",
    "Problem",
    "Reading",
    "ReadingKey",
    "RegistryDocument",
    "RegistryDocumentError",
    "Site",
    "SiteKind",
    "WaterBody",
    "WaterClass",
    "check_device_password",
    "check_mn",
    "parameter",
    "parameter_vocabulary",
    "parse_flag",
    "parse_period",
    "parse_registry_document",
    "validate_credit_code",
]
