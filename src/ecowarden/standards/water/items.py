"""Water-quality items, water-body types and water classes [GB3838-2002] [WQA2011].

The canonical item names are short chemical names (``"NH3-N"``, ``"TP"``, ``"S2-"`` …); the
HJ 212 codes of the reference (``"w21003"`` for NH3-N …), the Chinese names (``"氨氮"``) and the
spellings of the shared vectors (``"NH3N"``, ``"Oil"``, ``"VP"``, ``"S2"``) are accepted as
aliases. The HJ 212 codes are [secondary] and still to be checked against HJ 212-2017
(reference §13 Q13), which is why they are not the canonical names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from ecowarden.errors import UnknownNameError


class Item(StrEnum):
    """The 24 basic items of GB 3838-2002 Table 1 [GB3838-2002], in the order of the table."""

    WATER_TEMPERATURE = "water_temperature"
    PH = "pH"
    DO = "DO"
    CODMN = "CODMn"
    COD = "COD"
    BOD5 = "BOD5"
    NH3N = "NH3-N"
    TP = "TP"
    TN = "TN"
    CU = "Cu"
    ZN = "Zn"
    F = "F"
    SE = "Se"
    AS = "As"
    HG = "Hg"
    CD = "Cd"
    CR6 = "Cr6"
    PB = "Pb"
    CN = "CN"
    VOLATILE_PHENOL = "volatile_phenol"
    PETROLEUM = "petroleum"
    LAS = "LAS"
    SULFIDE = "S2-"
    FECAL_COLIFORM = "fecal_coliform"

    @property
    def zh(self) -> str:
        """The Chinese name used in bulletins (``"氨氮"``)."""
        return ITEM_INFO[self].zh

    @property
    def hj212_code(self) -> str:
        """The HJ 212 code of the reference §2 [secondary] (Q13: verify before release)."""
        return ITEM_INFO[self].hj212_code

    @property
    def unit(self) -> str:
        """The unit of the GB 3838-2002 Table 1 limits."""
        return ITEM_INFO[self].unit


class SupplementaryItem(StrEnum):
    """GB 3838-2002 Table 2: supplementary items for centralised drinking-water surface sources."""

    SULFATE = "SO4"
    CHLORIDE = "Cl"
    NITRATE = "NO3-N"
    IRON = "Fe"
    MANGANESE = "Mn"

    @property
    def zh(self) -> str:
        """The Chinese name used in bulletins (``"硫酸盐"``)."""
        return SUPPLEMENTARY_INFO[self].zh

    @property
    def hj212_code(self) -> str:
        """The HJ 212 code of the reference §3 [secondary] (Q13: verify before release)."""
        return SUPPLEMENTARY_INFO[self].hj212_code


@dataclass(frozen=True)
class ItemInfo:
    """Names and unit of one item."""

    zh: str
    hj212_code: str
    unit: str


# GB 3838-2002 Table 1 names and units [read]; HJ 212 codes from the reference §2 [secondary].
ITEM_INFO: Mapping[Item, ItemInfo] = MappingProxyType(
    {
        Item.WATER_TEMPERATURE: ItemInfo("水温", "w01010", "℃"),
        Item.PH: ItemInfo("pH", "w01001", "1"),
        Item.DO: ItemInfo("溶解氧", "w01009", "mg/L"),
        Item.CODMN: ItemInfo("高锰酸盐指数", "w01019", "mg/L"),
        Item.COD: ItemInfo("化学需氧量", "w01018", "mg/L"),
        Item.BOD5: ItemInfo("五日生化需氧量", "w01017", "mg/L"),
        Item.NH3N: ItemInfo("氨氮", "w21003", "mg/L"),
        Item.TP: ItemInfo("总磷", "w21011", "mg/L"),
        Item.TN: ItemInfo("总氮", "w21001", "mg/L"),
        Item.CU: ItemInfo("铜", "w20122", "mg/L"),
        Item.ZN: ItemInfo("锌", "w20123", "mg/L"),
        Item.F: ItemInfo("氟化物", "w21017", "mg/L"),
        Item.SE: ItemInfo("硒", "w20128", "mg/L"),
        Item.AS: ItemInfo("砷", "w20141", "mg/L"),
        Item.HG: ItemInfo("汞", "w20111", "mg/L"),
        Item.CD: ItemInfo("镉", "w20115", "mg/L"),
        Item.CR6: ItemInfo("铬（六价）", "w20117", "mg/L"),
        Item.PB: ItemInfo("铅", "w20120", "mg/L"),
        Item.CN: ItemInfo("氰化物", "w21016", "mg/L"),
        Item.VOLATILE_PHENOL: ItemInfo("挥发酚", "w23002", "mg/L"),
        Item.PETROLEUM: ItemInfo("石油类", "w22001", "mg/L"),
        Item.LAS: ItemInfo("阴离子表面活性剂", "w19002", "mg/L"),
        Item.SULFIDE: ItemInfo("硫化物", "w21019", "mg/L"),
        Item.FECAL_COLIFORM: ItemInfo("粪大肠菌群", "w02003", "个/L"),
    }
)

# GB 3838-2002 Table 2 names [read]; HJ 212 codes from the reference §3 [secondary]. Unit mg/L.
SUPPLEMENTARY_INFO: Mapping[SupplementaryItem, ItemInfo] = MappingProxyType(
    {
        SupplementaryItem.SULFATE: ItemInfo("硫酸盐", "w21038", "mg/L"),
        SupplementaryItem.CHLORIDE: ItemInfo("氯化物", "w21022", "mg/L"),
        SupplementaryItem.NITRATE: ItemInfo("硝酸盐", "w21007", "mg/L"),
        SupplementaryItem.IRON: ItemInfo("铁", "w20125", "mg/L"),
        SupplementaryItem.MANGANESE: ItemInfo("锰", "w20124", "mg/L"),
    }
)

# Spellings of the shared vectors and common short forms; matched case-insensitively.
_EXTRA_ITEM_ALIASES: Mapping[str, Item] = MappingProxyType(
    {
        "WT": Item.WATER_TEMPERATURE,
        "NH3N": Item.NH3N,
        "Cr(VI)": Item.CR6,
        "CrVI": Item.CR6,
        "VP": Item.VOLATILE_PHENOL,
        "Oil": Item.PETROLEUM,
        "S2": Item.SULFIDE,
        "FC": Item.FECAL_COLIFORM,
    }
)


def _alias_table() -> Mapping[str, Item | SupplementaryItem]:
    table: dict[str, Item | SupplementaryItem] = {}
    for item, info in ITEM_INFO.items():
        for name in (item.value, info.hj212_code, info.zh):
            table[name.casefold()] = item
    for extra, item in _EXTRA_ITEM_ALIASES.items():
        table[extra.casefold()] = item
    for supplementary, info in SUPPLEMENTARY_INFO.items():
        for name in (supplementary.value, info.hj212_code, info.zh):
            table[name.casefold()] = supplementary
    return MappingProxyType(table)


_ITEM_ALIASES = _alias_table()


def _valid_names(kinds: Iterable[type[StrEnum]]) -> list[str]:
    return [member.value for kind in kinds for member in kind]


def parse_item(name: str | Item) -> Item:
    """The GB 3838-2002 Table 1 item a name stands for.

    Accepts the canonical name, the HJ 212 code, the Chinese name or a listed alias, in any
    letter case. Anything else raises :class:`~ecowarden.errors.UnknownNameError` listing the
    canonical names.
    """
    if isinstance(name, Item):
        return name
    found = _ITEM_ALIASES.get(name.casefold()) if isinstance(name, str) else None
    if isinstance(found, Item):
        return found
    raise UnknownNameError("water-quality item", name, _valid_names([Item]))


def parse_any_item(name: str | Item | SupplementaryItem) -> Item | SupplementaryItem:
    """A GB 3838-2002 Table 1 or Table 2 item, by any accepted name."""
    if isinstance(name, Item | SupplementaryItem):
        return name
    found = _ITEM_ALIASES.get(name.casefold()) if isinstance(name, str) else None
    if found is None:
        raise UnknownNameError("water-quality item", name, _valid_names([Item, SupplementaryItem]))
    return found


class WaterBody(StrEnum):
    """Water-body type: it selects the TP limits, the TN rule and CWQI Cs(TP) [GB3838-2002]."""

    RIVER = "river"
    LAKE = "lake"  # 湖、库: lakes and reservoirs alike

    @property
    def zh(self) -> str:
        """The Chinese name (``"河流"`` / ``"湖库"``)."""
        return "河流" if self is WaterBody.RIVER else "湖库"


_WATER_BODY_ALIASES: Mapping[str, WaterBody] = MappingProxyType(
    {
        "river": WaterBody.RIVER,
        "河流": WaterBody.RIVER,
        "lake": WaterBody.LAKE,
        "reservoir": WaterBody.LAKE,
        "lake_or_reservoir": WaterBody.LAKE,
        "湖库": WaterBody.LAKE,
        "湖泊": WaterBody.LAKE,
        "水库": WaterBody.LAKE,
    }
)


def parse_water_body(name: str | WaterBody) -> WaterBody:
    """A water-body type by name (``"river"``, ``"lake"``, ``"reservoir"``, ``"湖库"`` …)."""
    if isinstance(name, WaterBody):
        return name
    found = _WATER_BODY_ALIASES.get(name.casefold()) if isinstance(name, str) else None
    if found is None:
        raise UnknownNameError("water-body type", name, list(_WATER_BODY_ALIASES))
    return found


class WaterClass(StrEnum):
    """GB 3838-2002 functional classes; 劣V is worse than Class V [GB3838-2002] [WQA2011]."""

    I = "I"  # noqa: E741  the standard's own class name
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"
    WORSE_THAN_V = "劣V"

    @property
    def code(self) -> int:
        """1 for Class I … 6 for 劣V; the vectorised functions use these codes (0 = missing)."""
        return _CLASS_ORDER.index(self) + 1

    @classmethod
    def from_code(cls, code: int) -> WaterClass:
        """The class of a code 1 … 6 (see :attr:`code`)."""
        if not 1 <= code <= len(_CLASS_ORDER):
            raise UnknownNameError("water-class code", code, [str(i) for i in range(1, 7)])
        return _CLASS_ORDER[code - 1]

    def is_worse_than(self, other: WaterClass) -> bool:
        """True when this class is worse (higher) than ``other``."""
        return self.code > other.code


_CLASS_ORDER: tuple[WaterClass, ...] = tuple(WaterClass)

# Roman-numeral characters and the "类" suffix, as bulletins print them.
_CLASS_ALIASES: Mapping[str, WaterClass] = MappingProxyType(
    {
        **{c.value: c for c in WaterClass},
        "Ⅰ": WaterClass.I,
        "Ⅱ": WaterClass.II,
        "Ⅲ": WaterClass.III,
        "Ⅳ": WaterClass.IV,
        "Ⅴ": WaterClass.V,
        "劣Ⅴ": WaterClass.WORSE_THAN_V,
    }
)


def parse_water_class(name: str | WaterClass) -> WaterClass:
    """A water class from ``"III"``, ``"Ⅲ"``, ``"Ⅲ类"``, ``"劣V"`` or ``"劣Ⅴ类"``."""
    if isinstance(name, WaterClass):
        return name
    text = name.strip().removesuffix("类") if isinstance(name, str) else None
    found = _CLASS_ALIASES.get(text) if text is not None else None
    if found is None:
        raise UnknownNameError("water class", name, [c.value for c in WaterClass])
    return found
