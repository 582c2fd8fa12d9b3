"""The parameter vocabulary: HJ 212-2017 Appendix B monitoring-factor codes [HJ212-2017].

HJ 212-2017 codes are ecowarden's canonical parameter codes (DESIGN §2). Tables B.1 (water, after
HJ 525-2009), B.2 (air, after HJ 524-2009) and B.3 (noise, after GB 3096-2008) are declared below
as printed: code, Chinese name, 2005 code (原编码, the only official 2005 → 2017 mapping), unit of
concentration or measurement, unit of the period amount (``-Cou``) where printed, and data type.
``—`` is the standard's mark for a dimensionless quantity.

Table B.2 prints ng/m³ for ten ambient substances where operating platforms report µg/m³; the
reference marks this a probable misprint [unconfirmed] (hj212-protocol.md §5). The documented
choice: the vocabulary gives µg/m³ and keeps the printed unit in ``printed_unit``; pass
``correct_suspected_misprints=False`` for the units exactly as printed. The unit of a series is
a default only: the device configuration decides (hj212-protocol.md §5, recommendation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from ecowarden.errors import UnknownNameError


class Medium(StrEnum):
    """Environmental medium of a parameter."""

    WATER = "water"
    AIR = "air"
    NOISE = "noise"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One monitoring factor.

    Parameters
    ----------
    code
        HJ 212-2017 code (``w01018``, ``a34004``, ``Leq``); case-sensitive.
    name_zh, name_en
        Chinese name as printed; English name.
    unit
        Unit of concentration or measurement (``—`` dimensionless).
    medium
        Water, air or noise.
    amount_unit
        Unit of the period amount (``-Cou``) where the table prints one.
    code_2005
        HJ/T 212-2005 code from the 原编码 column, where there is one.
    data_type
        HJ 212 data type (``N5.2`` = up to 5 integer and 2 decimal digits).
    printed_unit
        The unit as printed when ``unit`` corrects a suspected misprint, else None.
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    medium: Medium
    amount_unit: str | None = None
    code_2005: str | None = None
    data_type: str | None = None
    printed_unit: str | None = None


# Row: code, 名称, English name, 原编码 (2005), unit, amount unit, data type.
_Row = tuple[str, str, str, str | None, str, str | None, str | None]

# HJ 212-2017 Table B.1 (HJ 525-2009), complete. [concentration unit · amount unit]
WATER_TABLE_B1: Final[tuple[_Row, ...]] = (
    ("w00000", "污水", "wastewater flow", "B01", "L/s", "m³", "N5.2"),
    ("w01001", "pH 值", "pH", "001", "—", None, "N2.2"),
    ("w01002", "色度", "colour", "002", "colour degree", None, "N3.2"),
    ("w01006", "溶解性总固体", "total dissolved solids", None, "mg/L", "kg", "N4"),
    ("w01009", "溶解氧", "dissolved oxygen", None, "mg/L", None, "N3.1"),
    ("w01010", "水温", "water temperature", None, "°C", None, "N3.1"),
    ("w01012", "悬浮物", "suspended solids", "003", "mg/L", "kg", "N4"),
    ("w01014", "电导率", "conductivity", None, "µS/cm", None, "N3.1"),
    ("w01017", "五日生化需氧量", "five-day biochemical oxygen demand", "010", "mg/L", "kg", "N5.1"),
    ("w01018", "化学需氧量", "chemical oxygen demand", "011", "mg/L", "kg", "N5.1"),
    ("w01019", "高锰酸盐指数", "permanganate index", None, "mg/L", "kg", "N3.1"),
    ("w01020", "总有机碳", "total organic carbon", "015", "mg/L", "kg", "N3.1"),
    ("w02003", "粪大肠菌群", "faecal coliforms", "550", "count/L", None, "N9"),
    ("w02006", "细菌总数", "total bacterial count", None, "count/L", None, "N9"),
    ("w03001", "总 α 放射性", "gross alpha activity", "570", "Bq/L", None, "N3.1"),
    ("w03002", "总 β 放射性", "gross beta activity", "571", "Bq/L", None, "N3.1"),
    ("w19001", "表面活性剂", "surfactants", None, "mg/L", "kg", "N3.2"),
    ("w19002", "阴离子表面活性剂", "anionic surfactants", "520", "mg/L", "kg", "N3.2"),
    ("w20012", "钡", "barium", "039", "mg/L", "kg", "N3.3"),
    ("w20023", "硼", "boron", "037", "mg/L", "kg", "N3.3"),
    ("w20038", "钴", "cobalt", "040", "mg/L", "kg", "N3.4"),
    ("w20061", "钼", "molybdenum", "038", "mg/L", "kg", "N3.4"),
    ("w20089", "铊", "thallium", "041", "ng/L", "mg", "N4"),
    ("w20092", "锡", "tin", "036", "mg/L", "kg", "N3.1"),
    ("w20111", "总汞", "total mercury", "020", "µg/L", "g", "N3.2"),
    ("w20113", "烷基汞", "alkyl mercury", "021", "ng/L", "mg", "N4"),
    ("w20115", "总镉", "total cadmium", "022", "µg/L", "g", "N3.1"),
    ("w20116", "总铬", "total chromium", "023", "mg/L", "kg", "N3.3"),
    ("w20117", "六价铬", "hexavalent chromium", "024", "µg/L", "g", "N2.3"),
    ("w20119", "总砷", "total arsenic", "026", "µg/L", "g", "N2.3"),
    ("w20120", "总铅", "total lead", "027", "µg/L", "g", "N4"),
    ("w20121", "总镍", "total nickel", "028", "mg/L", "kg", "N3.2"),
    ("w20122", "总铜", "total copper", "029", "mg/L", "kg", "N3.2"),
    ("w20123", "总锌", "total zinc", "030", "mg/L", "kg", "N3.3"),
    ("w20124", "总锰", "total manganese", "031", "mg/L", "kg", "N3.3"),
    ("w20125", "总铁", "total iron", "032", "mg/L", "kg", "N3.3"),
    ("w20126", "总银", "total silver", "033", "mg/L", "kg", "N3.3"),
    ("w20127", "总铍", "total beryllium", "034", "µg/L", "g", "N3.3"),
    ("w20128", "总硒", "total selenium", "035", "µg/L", "g", "N4.2"),
    ("w20138", "铜", "copper", None, "mg/L", "kg", "N3.3"),
    ("w20139", "锌", "zinc", None, "mg/L", "kg", "N3.3"),
    ("w20140", "硒", "selenium", None, "mg/L", "kg", "N3.3"),
    ("w20141", "砷", "arsenic", None, "mg/L", "kg", "N3.3"),
    ("w20142", "汞", "mercury", None, "µg/L", "g", "N3.3"),
    ("w20143", "镉", "cadmium", None, "µg/L", "g", "N3.3"),
    ("w20144", "铅", "lead", None, "mg/L", "kg", "N3.3"),
    ("w21001", "总氮", "total nitrogen", "065", "mg/L", "kg", "N4.2"),
    ("w21003", "氨氮", "ammonia nitrogen", "060", "mg/L", "kg", "N4.2"),
    ("w21004", "凯氏氮", "Kjeldahl nitrogen", "062", "mg/L", "kg", "N3.1"),
    ("w21006", "亚硝酸盐", "nitrite", "063", "mg/L", "kg", "N2.3"),
    ("w21007", "硝酸盐", "nitrate", "064", "mg/L", "kg", "N2.3"),
    ("w21011", "总磷", "total phosphorus", "101", "mg/L", "kg", "N3.2"),
    ("w21016", "氰化物", "cyanide", "070", "mg/L", "kg", "N3.3"),
    ("w21017", "氟化物", "fluoride", "072", "mg/L", "kg", "N4.2"),
    ("w21019", "硫化物", "sulfide", "071", "mg/L", "kg", "N3.3"),
    ("w21022", "氯化物", "chloride", "090", "mg/L", "kg", "N3.1"),
    ("w21038", "硫酸盐", "sulfate", None, "mg/L", "kg", "N6"),
    ("w22001", "石油类", "petroleum oils", "080", "mg/L", "kg", "N3.2"),
    ("w23002", "挥发酚", "volatile phenols", "110", "mg/L", "kg", "N3.4"),
    ("w25043", "苯并[α]芘", "benzo[a]pyrene", "540", "µg/L", "g", "N3.1"),
    ("w33001", "六六六", "hexachlorocyclohexane", "350", "ng/L", "mg", "N4"),
    ("w33007", "滴滴涕", "DDT", "351", "ng/L", "mg", "N4"),
    ("w99001", "有机氮", "organic nitrogen", "061", "mg/L", "kg", "N3.1"),
)

_MG: Final = "mg/m³"
# HJ 212-2017 Table B.2 (HJ 524-2009), complete. [concentration unit · amount unit]
AIR_TABLE_B2: Final[tuple[_Row, ...]] = (
    ("a00000", "废气", "flue gas flow", "B02", "m³/s", "m³", "N6.1"),
    ("a01001", "温度", "air temperature", None, "°C", None, "N3.1"),
    ("a01002", "湿度", "relative humidity", None, "%", None, "N3.1"),
    ("a01006", "气压", "atmospheric pressure", None, "kPa", None, "N5.3"),
    ("a01007", "风速", "wind speed", None, "m/s", None, "N4.1"),
    ("a01008", "风向", "wind direction", None, "°", None, "N4"),
    ("a01010", "林格曼黑度", "Ringelmann blackness", "37", "—", None, "N1"),
    ("a01011", "烟气流速", "flue gas velocity", "S02", "m/s", None, "N5.2"),
    ("a01012", "烟气温度", "flue gas temperature", "S03", "°C", None, "N3.1"),
    ("a01013", "烟气压力", "flue gas pressure", "S08", "kPa", None, "N5.3"),
    ("a01014", "烟气湿度", "flue gas humidity", "S05", "%", None, "N3.1"),
    ("a01015", "制冷温度", "cooler temperature", "S06", "°C", None, "N3.1"),
    ("a01016", "烟道截面积", "flue cross-section area", "S07", "m²", None, "N4.2"),
    ("a01017", "烟气动压", "flue gas dynamic pressure", "S04", "kPa", None, "N5.3"),
    (
        "a01901",
        "垃圾焚烧炉膛内焚烧平均温度",
        "incinerator furnace mean temperature",
        None,
        "°C",
        None,
        "N4.1",
    ),
    (
        "a01902",
        "垃圾焚烧炉膛内 DCS 温度",
        "incinerator furnace DCS temperature",
        None,
        "°C",
        None,
        "N4.1",
    ),
    ("a05001", "二氧化碳", "carbon dioxide", "30", _MG, "kg", "N3.3"),
    ("a05002", "甲烷", "methane", None, "ng/m³", "g", "N4.1"),
    ("a05008", "三氯一氟甲烷", "trichlorofluoromethane", None, _MG, "kg", "N7.3"),
    ("a05009", "二氯二氟甲烷", "dichlorodifluoromethane", None, _MG, "kg", "N7.3"),
    ("a05013", "三氯三氟乙烷", "trichlorotrifluoroethane", None, _MG, "kg", "N7.3"),
    ("a19001", "氧气含量", "oxygen content", "S01", "%", None, "N3.1"),
    ("a20007", "砷", "arsenic", None, "ng/m³", "g", "N1.6"),
    ("a20016", "铍及其化合物", "beryllium and its compounds", "36", _MG, "kg", "N4.4"),
    ("a20025", "镉及其化合物", "cadmium and its compounds", "33", _MG, "kg", "N3.4"),
    ("a20026", "镉", "cadmium", None, "ng/m³", "g", "N3.3"),
    ("a20043", "铅及其化合物", "lead and its compounds", "32", _MG, "kg", "N2.4"),
    ("a20044", "铅", "lead", None, "ng/m³", "g", "N3.3"),
    ("a20057", "汞及其化合物", "mercury and its compounds", "31", _MG, "kg", "N4.4"),
    ("a20058", "汞", "mercury", None, "ng/m³", "g", "N3.2"),
    ("a20063", "镍及其化合物", "nickel and its compounds", "35", _MG, "kg", "N3.3"),
    ("a20091", "锡及其化合物", "tin and its compounds", "34", _MG, "kg", "N4.3"),
    ("a21001", "氨（氨气）", "ammonia", "10", "ng/m³", "g", "N4.3"),
    ("a21002", "氮氧化物", "nitrogen oxides", "03", _MG, "kg", "N5.1"),
    ("a21003", "一氧化氮", "nitric oxide", None, _MG, "kg", "N4.1"),
    ("a21004", "二氧化氮", "nitrogen dioxide", None, _MG, "kg", "N4.1"),
    ("a21005", "一氧化碳", "carbon monoxide", "04", _MG, "kg", "N3.3"),
    ("a21017", "氰化物", "cyanide", "07", _MG, "kg", "N3.3"),
    ("a21018", "氟化物", "fluoride", "06", _MG, "kg", "N2.3"),
    ("a21022", "氯气", "chlorine", "11", _MG, "kg", "N4.3"),
    ("a21024", "氯化氢", "hydrogen chloride", "08", _MG, "kg", "N4.3"),
    ("a21026", "二氧化硫", "sulfur dioxide", "02", _MG, "kg", "N5.2"),
    ("a21028", "硫化氢", "hydrogen sulfide", "05", _MG, "kg", "N3.2"),
    ("a23001", "酚类", "phenols", "27", _MG, "kg", "N3.3"),
    ("a24003", "二氯甲烷", "dichloromethane", None, _MG, "kg", "N7.3"),
    ("a24004", "三氯甲烷", "trichloromethane", None, _MG, "kg", "N7.3"),
    ("a24005", "四氯甲烷", "tetrachloromethane", None, _MG, "kg", "N7.3"),
    ("a24006", "二溴一氯甲烷", "dibromochloromethane", None, _MG, "kg", "N7.3"),
    ("a24007", "一溴二氯甲烷", "bromodichloromethane", None, _MG, "kg", "N7.3"),
    ("a24008", "溴甲烷", "bromomethane", None, _MG, "kg", "N7.3"),
    ("a24009", "三溴甲烷", "tribromomethane", None, _MG, "kg", "N7.3"),
    ("a24015", "氯乙烷", "chloroethane", None, _MG, "kg", "N7.3"),
    ("a24016", "1,1-二氯乙烷", "1,1-dichloroethane", None, _MG, "kg", "N7.3"),
    ("a24017", "1,2-二氯乙烷", "1,2-dichloroethane", None, _MG, "kg", "N7.3"),
    ("a24018", "1,1,1-三氯乙烷", "1,1,1-trichloroethane", None, _MG, "kg", "N7.3"),
    ("a24019", "1,1,2-三氯乙烷", "1,1,2-trichloroethane", None, _MG, "kg", "N7.3"),
    ("a24020", "1,1,2,2-四氯乙烷", "1,1,2,2-tetrachloroethane", None, _MG, "kg", "N7.3"),
    ("a24027", "1,2-二氯丙烷", "1,2-dichloropropane", None, _MG, "kg", "N7.3"),
    ("a24034", "1,2-二溴乙烷", "1,2-dibromoethane", None, _MG, "kg", "N7.3"),
    ("a24036", "环己烷", "cyclohexane", None, _MG, "kg", "N7.3"),
    ("a24042", "正己烷", "n-hexane", None, _MG, "kg", "N7.3"),
    ("a24043", "正庚烷", "n-heptane", None, _MG, "kg", "N7.3"),
    ("a24046", "氯乙烯", "vinyl chloride", "29", _MG, "kg", "N4.3"),
    ("a24047", "1,1-二氯乙烯", "1,1-dichloroethene", None, _MG, "kg", "N7.3"),
    ("a24049", "三氯乙烯", "trichloroethene", None, _MG, "kg", "N7.3"),
    ("a24050", "四氯乙烯", "tetrachloroethene", None, _MG, "kg", "N7.3"),
    ("a24053", "丙烯", "propene", None, _MG, "kg", "N7.3"),
    ("a24054", "1,3-二氯丙烯", "1,3-dichloropropene", None, _MG, "kg", "N7.3"),
    ("a24072", "1,4-二恶烷", "1,4-dioxane", None, _MG, "kg", "N7.3"),
    ("a24078", "1,3-丁二烯", "1,3-butadiene", None, _MG, "kg", "N7.3"),
    ("a24087", "碳氢化合物", "hydrocarbons", "25", _MG, "kg", "N5.2"),
    ("a24088", "非甲烷总烃", "non-methane hydrocarbons", None, _MG, "kg", "N7.3"),
    ("a24099", "氯甲烷", "chloromethane", None, _MG, "kg", "N7.3"),
    ("a24110", "反式-1,2-二氯乙烯", "trans-1,2-dichloroethene", None, _MG, "kg", "N7.3"),
    ("a24111", "顺式-1,2-二氯乙烯", "cis-1,2-dichloroethene", None, _MG, "kg", "N7.3"),
    ("a24112", "反式-1,3-二氯丙烯", "trans-1,3-dichloropropene", None, _MG, "kg", "N7.3"),
    ("a24113", "六氯-1,3-丁二烯", "hexachloro-1,3-butadiene", None, _MG, "kg", "N7.3"),
    ("a25002", "苯", "benzene", None, _MG, "kg", "N7.3"),
    ("a25003", "甲苯", "toluene", "17", _MG, "kg", "N4.2"),
    ("a25004", "乙苯", "ethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25005", "二甲苯", "xylenes", "18", _MG, "kg", "N4.2"),
    ("a25006", "1,2-二甲基苯", "1,2-dimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25007", "1,3-二甲基苯", "1,3-dimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25008", "1,4-二甲基苯", "1,4-dimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25010", "氯苯", "chlorobenzene", "23", _MG, "kg", "N4.3"),
    ("a25011", "1,2-二氯苯", "1,2-dichlorobenzene", None, _MG, "kg", "N7.3"),
    ("a25012", "1,3-二氯苯", "1,3-dichlorobenzene", None, _MG, "kg", "N7.3"),
    ("a25013", "1,4-二氯苯", "1,4-dichlorobenzene", None, _MG, "kg", "N7.3"),
    ("a25014", "1-乙基-4-甲基苯", "1-ethyl-4-methylbenzene", None, _MG, "kg", "N7.3"),
    ("a25015", "1,2,4-三氯苯", "1,2,4-trichlorobenzene", None, _MG, "kg", "N7.3"),
    ("a25019", "1,2,4-三甲基苯", "1,2,4-trimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25020", "1,2,3-三甲基苯", "1,2,3-trimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25021", "1,3,5-三甲基苯", "1,3,5-trimethylbenzene", None, _MG, "kg", "N7.3"),
    ("a25023", "硝基苯", "nitrobenzene", "22", _MG, "kg", "N3.4"),
    ("a25038", "乙烯基苯", "styrene", None, _MG, "kg", "N7.3"),
    ("a25044", "苯并[a]芘", "benzo[a]pyrene", "20", _MG, "kg", "N4.3"),
    ("a25072", "四氢呋喃", "tetrahydrofuran", None, _MG, "kg", "N7.3"),
    ("a26001", "苯胺类", "anilines", "21", _MG, "kg", "N4.3"),
    ("a29017", "乙酸乙酯", "ethyl acetate", None, _MG, "kg", "N7.3"),
    ("a29026", "乙酸乙烯酯", "vinyl acetate", None, _MG, "kg", "N7.3"),
    ("a30001", "甲醇", "methanol", "28", _MG, "kg", "N4.3"),
    ("a30008", "异丙醇", "isopropanol", None, _MG, "kg", "N7.3"),
    ("a30022", "硫醇", "mercaptans", "13", _MG, "kg", "N4.3"),
    ("a31001", "甲醛", "formaldehyde", "19", _MG, "kg", "N3.3"),
    ("a31002", "乙醛", "acetaldehyde", "26", _MG, "kg", "N3.4"),
    ("a31024", "丙酮", "acetone", None, _MG, "kg", "N7.3"),
    ("a31025", "2-丁酮", "2-butanone", None, _MG, "kg", "N7.3"),
    ("a31030", "甲基异丁基甲酮", "methyl isobutyl ketone", None, _MG, "kg", "N7.3"),
    (
        "a34001",
        "总悬浮颗粒物 TSP",
        "total suspended particulates (TSP)",
        None,
        "ng/m³",
        "g",
        "N4.3",
    ),
    (
        "a34002",
        "可吸入颗粒物 PM10",
        "inhalable particulate matter (PM10)",
        None,
        "ng/m³",
        "g",
        "N3.3",
    ),
    ("a34004", "细微颗粒物 PM2.5", "fine particulate matter (PM2.5)", None, "ng/m³", "g", "N3.3"),
    (
        "a34005",
        "亚微米颗粒物 PM1.0",
        "submicron particulate matter (PM1.0)",
        None,
        "ng/m³",
        "g",
        "N3.3",
    ),
    ("a34011", "降尘", "dustfall", None, "t/(km²·month)", None, None),
    ("a34013", "烟尘", "particulate matter (smoke dust)", "01", _MG, "kg", "N4"),
    ("a34017", "炭黑尘", "carbon black dust", None, _MG, "kg", "N4"),
    ("a34038", "沥青烟", "asphalt fume", "09", _MG, "kg", "N4.3"),
    ("a34039", "硫酸雾", "sulfuric acid mist", "14", _MG, "kg", "N4.3"),
    ("a34040", "铬酸雾", "chromic acid mist", "15", _MG, "kg", "N2.3"),
    ("a99010", "丙烯腈", "acrylonitrile", None, _MG, "kg", "N7.3"),
    ("a99049", "光气", "phosgene", "24", _MG, "kg", "N3.3"),
    ("a99051", "二硫化碳", "carbon disulfide", "12", _MG, "kg", "N4.3"),
)

# Table B.2 rows printed in ng/m³ (marked † in hj212-protocol.md §5.2) [unconfirmed misprint].
SUSPECTED_MISPRINTS: Final = frozenset(
    {
        "a05002",
        "a20007",
        "a20026",
        "a20044",
        "a20058",
        "a21001",
        "a34001",
        "a34002",
        "a34004",
        "a34005",
    }
)
_CORRECTED_UNIT: Final = "µg/m³"

# Codes outside Table B.2 that every ambient-air packet carries: O3 after HJ 524-2009
# (hj212-protocol.md §5.2, secondary). µg/m³ is the unit of GB 3095 O3 limits [GB3095-2012].
AIR_CODES_IN_USE: Final[tuple[_Row, ...]] = (
    ("a05024", "臭氧", "ozone", None, "µg/m³", None, None),
)

# HJ 212-2017 Table B.3 (GB 3096-2008 mnemonics), unit dB, type N3.1 [GB3096-2008].
NOISE_TABLE_B3: Final[tuple[_Row, ...]] = (
    ("LA", "A 权声级", "A-weighted sound level", None, "dB", None, "N3.1"),
    ("L5", "累计百分声级 L5", "percentile level L5", None, "dB", None, "N3.1"),
    ("L10", "累计百分声级 L10", "percentile level L10", None, "dB", None, "N3.1"),
    ("L50", "累计百分声级 L50", "percentile level L50", None, "dB", None, "N3.1"),
    ("L90", "累计百分声级 L90", "percentile level L90", None, "dB", None, "N3.1"),
    ("L95", "累计百分声级 L95", "percentile level L95", None, "dB", None, "N3.1"),
    ("Leq", "等效声级", "equivalent continuous sound level", None, "dB", None, "N3.1"),
    ("LMx", "最大瞬时声级", "maximum instantaneous sound level", None, "dB", None, "N3.1"),
    ("LMn", "最小瞬时声级", "minimum instantaneous sound level", None, "dB", None, "N3.1"),
    ("Ldn", "昼夜等效声级", "day-night equivalent sound level", None, "dB", None, "N3.1"),
    ("Ld", "昼间等效声级", "daytime equivalent sound level", None, "dB", None, "N3.1"),
    ("Ln", "夜间等效声级", "night-time equivalent sound level", None, "dB", None, "N3.1"),
)

_TABLES: Final = (
    (Medium.WATER, WATER_TABLE_B1),
    (Medium.AIR, AIR_TABLE_B2),
    (Medium.AIR, AIR_CODES_IN_USE),
    (Medium.NOISE, NOISE_TABLE_B3),
)


def parameter_vocabulary(*, correct_suspected_misprints: bool = True) -> tuple[Parameter, ...]:
    """Every parameter of the vocabulary, in table order.

    Parameters
    ----------
    correct_suspected_misprints
        True (documented choice): the ten ambient substances printed in ng/m³ get µg/m³, with
        the printed unit kept in ``printed_unit``. False: units exactly as printed.
    """
    parameters: list[Parameter] = []
    for medium, table in _TABLES:
        for code, name_zh, name_en, code_2005, unit, amount_unit, data_type in table:
            printed_unit = None
            if correct_suspected_misprints and code in SUSPECTED_MISPRINTS:
                printed_unit, unit = unit, _CORRECTED_UNIT
            parameters.append(
                Parameter(
                    code=code,
                    name_zh=name_zh,
                    name_en=name_en,
                    unit=unit,
                    medium=medium,
                    amount_unit=amount_unit,
                    code_2005=code_2005,
                    data_type=data_type,
                    printed_unit=printed_unit,
                )
            )
    return tuple(parameters)


PARAMETERS: Final[Mapping[str, Parameter]] = MappingProxyType(
    {parameter.code: parameter for parameter in parameter_vocabulary()}
)


def parameter(code: str) -> Parameter:
    """The parameter of an HJ 212-2017 code; an unknown code lists the valid ones."""
    found = PARAMETERS.get(code)
    if found is None:
        raise UnknownNameError("parameter", code, PARAMETERS)
    return found
