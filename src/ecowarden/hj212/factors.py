"""Monitoring-factor codes, HJ 212-2017 Appendix B, and the official 2005 -> 2017 code mapping.

Tables B.1 (water, HJ 525-2009), B.2 (air, HJ 524-2009) and B.3 (noise, GB 3096-2008) as printed
[HJ212-2017]; units written as symbols, ``None`` = dimensionless (无量纲). The ``legacy_code``
column is the 原编码 column, the only official HJ/T 212-2005 -> HJ 212-2017 mapping (reference
§5.5). Old codes collide with vendor channel numbers, so a device's codes are mapped only when its
profile says it sends 2005 codes (:func:`ecowarden.hj212.readings.readings`, ``code_map``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    """One row of Appendix B.

    Attributes
    ----------
    code : str
        HJ 212-2017 code, e.g. ``"w01018"``.
    name : str
        Chinese name as printed.
    legacy_code : str or None
        HJ/T 212-2005 code (原编码), ``None`` where the table has none.
    unit : str or None
        Concentration (or value) unit; ``None`` = dimensionless.
    amount_unit : str or None
        Unit of the ``-Cou`` amount where printed.
    data_type : str or None
        Data type, e.g. ``"N5.1"``.
    doubtful_unit : bool
        Printed ng/m³ for an ambient substance, probably a misprint for µg/m³ (reference §5,
        unconfirmed): take the unit from the device configuration.
    """

    code: str
    name: str
    legacy_code: str | None
    unit: str | None
    amount_unit: str | None
    data_type: str | None
    doubtful_unit: bool = False


# HJ 212-2017 Table B.1, water (HJ 525-2009) [HJ212-2017].
WATER_FACTORS: tuple[Factor, ...] = (
    Factor("w00000", "污水", "B01", "L/s", "m³", "N5.2"),
    Factor("w01001", "pH 值", "001", None, None, "N2.2"),
    Factor("w01002", "色度", "002", "colour degree", None, "N3.2"),
    Factor("w01006", "溶解性总固体", None, "mg/L", "kg", "N4"),
    Factor("w01009", "溶解氧", None, "mg/L", None, "N3.1"),
    Factor("w01010", "水温", None, "°C", None, "N3.1"),
    Factor("w01012", "悬浮物", "003", "mg/L", "kg", "N4"),
    Factor("w01014", "电导率", None, "µS/cm", None, "N3.1"),
    Factor("w01017", "五日生化需氧量", "010", "mg/L", "kg", "N5.1"),
    Factor("w01018", "化学需氧量", "011", "mg/L", "kg", "N5.1"),
    Factor("w01019", "高锰酸盐指数", None, "mg/L", "kg", "N3.1"),
    Factor("w01020", "总有机碳", "015", "mg/L", "kg", "N3.1"),
    Factor("w02003", "粪大肠菌群", "550", "count/L", None, "N9"),
    Factor("w02006", "细菌总数", None, "count/L", None, "N9"),
    Factor("w03001", "总 α 放射性", "570", "Bq/L", None, "N3.1"),
    Factor("w03002", "总 β 放射性", "571", "Bq/L", None, "N3.1"),
    Factor("w19001", "表面活性剂", None, "mg/L", "kg", "N3.2"),
    Factor("w19002", "阴离子表面活性剂", "520", "mg/L", "kg", "N3.2"),
    Factor("w20012", "钡", "039", "mg/L", "kg", "N3.3"),
    Factor("w20023", "硼", "037", "mg/L", "kg", "N3.3"),
    Factor("w20038", "钴", "040", "mg/L", "kg", "N3.4"),
    Factor("w20061", "钼", "038", "mg/L", "kg", "N3.4"),
    Factor("w20089", "铊", "041", "ng/L", "mg", "N4"),
    Factor("w20092", "锡", "036", "mg/L", "kg", "N3.1"),
    Factor("w20111", "总汞", "020", "µg/L", "g", "N3.2"),
    Factor("w20113", "烷基汞", "021", "ng/L", "mg", "N4"),
    Factor("w20115", "总镉", "022", "µg/L", "g", "N3.1"),
    Factor("w20116", "总铬", "023", "mg/L", "kg", "N3.3"),
    Factor("w20117", "六价铬", "024", "µg/L", "g", "N2.3"),
    Factor("w20119", "总砷", "026", "µg/L", "g", "N2.3"),
    Factor("w20120", "总铅", "027", "µg/L", "g", "N4"),
    Factor("w20121", "总镍", "028", "mg/L", "kg", "N3.2"),
    Factor("w20122", "总铜", "029", "mg/L", "kg", "N3.2"),
    Factor("w20123", "总锌", "030", "mg/L", "kg", "N3.3"),
    Factor("w20124", "总锰", "031", "mg/L", "kg", "N3.3"),
    Factor("w20125", "总铁", "032", "mg/L", "kg", "N3.3"),
    Factor("w20126", "总银", "033", "mg/L", "kg", "N3.3"),
    Factor("w20127", "总铍", "034", "µg/L", "g", "N3.3"),
    Factor("w20128", "总硒", "035", "µg/L", "g", "N4.2"),
    Factor("w20138", "铜", None, "mg/L", "kg", "N3.3"),
    Factor("w20139", "锌", None, "mg/L", "kg", "N3.3"),
    Factor("w20140", "硒", None, "mg/L", "kg", "N3.3"),
    Factor("w20141", "砷", None, "mg/L", "kg", "N3.3"),
    Factor("w20142", "汞", None, "µg/L", "g", "N3.3"),
    Factor("w20143", "镉", None, "µg/L", "g", "N3.3"),
    Factor("w20144", "铅", None, "mg/L", "kg", "N3.3"),
    Factor("w21001", "总氮", "065", "mg/L", "kg", "N4.2"),
    Factor("w21003", "氨氮", "060", "mg/L", "kg", "N4.2"),
    Factor("w21004", "凯氏氮", "062", "mg/L", "kg", "N3.1"),
    Factor("w21006", "亚硝酸盐", "063", "mg/L", "kg", "N2.3"),
    Factor("w21007", "硝酸盐", "064", "mg/L", "kg", "N2.3"),
    Factor("w21011", "总磷", "101", "mg/L", "kg", "N3.2"),
    Factor("w21016", "氰化物", "070", "mg/L", "kg", "N3.3"),
    Factor("w21017", "氟化物", "072", "mg/L", "kg", "N4.2"),
    Factor("w21019", "硫化物", "071", "mg/L", "kg", "N3.3"),
    Factor("w21022", "氯化物", "090", "mg/L", "kg", "N3.1"),
    Factor("w21038", "硫酸盐", None, "mg/L", "kg", "N6"),
    Factor("w22001", "石油类", "080", "mg/L", "kg", "N3.2"),
    Factor("w23002", "挥发酚", "110", "mg/L", "kg", "N3.4"),
    Factor("w25043", "苯并[α]芘", "540", "µg/L", "g", "N3.1"),
    Factor("w33001", "六六六", "350", "ng/L", "mg", "N4"),
    Factor("w33007", "滴滴涕", "351", "ng/L", "mg", "N4"),
    Factor("w99001", "有机氮", "061", "mg/L", "kg", "N3.1"),
)


# HJ 212-2017 Table B.2, air: flue gas and ambient (HJ 524-2009) [HJ212-2017].
AIR_FACTORS: tuple[Factor, ...] = (
    Factor("a00000", "废气", "B02", "m³/s", "m³", "N6.1"),
    Factor("a01001", "温度", None, "°C", None, "N3.1"),
    Factor("a01002", "湿度", None, "%", None, "N3.1"),
    Factor("a01006", "气压", None, "kPa", None, "N5.3"),
    Factor("a01007", "风速", None, "m/s", None, "N4.1"),
    Factor("a01008", "风向", None, "°", None, "N4"),
    Factor("a01010", "林格曼黑度", "37", None, None, "N1"),
    Factor("a01011", "烟气流速", "S02", "m/s", None, "N5.2"),
    Factor("a01012", "烟气温度", "S03", "°C", None, "N3.1"),
    Factor("a01013", "烟气压力", "S08", "kPa", None, "N5.3"),
    Factor("a01014", "烟气湿度", "S05", "%", None, "N3.1"),
    Factor("a01015", "制冷温度", "S06", "°C", None, "N3.1"),
    Factor("a01016", "烟道截面积", "S07", "m²", None, "N4.2"),
    Factor("a01017", "烟气动压", "S04", "kPa", None, "N5.3"),
    Factor("a01901", "垃圾焚烧炉膛内焚烧平均温度", None, "°C", None, "N4.1"),
    Factor("a01902", "垃圾焚烧炉膛内 DCS 温度", None, "°C", None, "N4.1"),
    Factor("a05001", "二氧化碳", "30", "mg/m³", "kg", "N3.3"),
    Factor("a05002", "甲烷", None, "ng/m³", "g", "N4.1", doubtful_unit=True),
    Factor("a05008", "三氯一氟甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a05009", "二氯二氟甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a05013", "三氯三氟乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a19001", "氧气含量", "S01", "%", None, "N3.1"),
    Factor("a20007", "砷", None, "ng/m³", "g", "N1.6", doubtful_unit=True),
    Factor("a20016", "铍及其化合物", "36", "mg/m³", "kg", "N4.4"),
    Factor("a20025", "镉及其化合物", "33", "mg/m³", "kg", "N3.4"),
    Factor("a20026", "镉", None, "ng/m³", "g", "N3.3", doubtful_unit=True),
    Factor("a20043", "铅及其化合物", "32", "mg/m³", "kg", "N2.4"),
    Factor("a20044", "铅", None, "ng/m³", "g", "N3.3", doubtful_unit=True),
    Factor("a20057", "汞及其化合物", "31", "mg/m³", "kg", "N4.4"),
    Factor("a20058", "汞", None, "ng/m³", "g", "N3.2", doubtful_unit=True),
    Factor("a20063", "镍及其化合物", "35", "mg/m³", "kg", "N3.3"),
    Factor("a20091", "锡及其化合物", "34", "mg/m³", "kg", "N4.3"),
    Factor("a21001", "氨（氨气）", "10", "ng/m³", "g", "N4.3", doubtful_unit=True),
    Factor("a21002", "氮氧化物", "03", "mg/m³", "kg", "N5.1"),
    Factor("a21003", "一氧化氮", None, "mg/m³", "kg", "N4.1"),
    Factor("a21004", "二氧化氮", None, "mg/m³", "kg", "N4.1"),
    Factor("a21005", "一氧化碳", "04", "mg/m³", "kg", "N3.3"),
    Factor("a21017", "氰化物", "07", "mg/m³", "kg", "N3.3"),
    Factor("a21018", "氟化物", "06", "mg/m³", "kg", "N2.3"),
    Factor("a21022", "氯气", "11", "mg/m³", "kg", "N4.3"),
    Factor("a21024", "氯化氢", "08", "mg/m³", "kg", "N4.3"),
    Factor("a21026", "二氧化硫", "02", "mg/m³", "kg", "N5.2"),
    Factor("a21028", "硫化氢", "05", "mg/m³", "kg", "N3.2"),
    Factor("a23001", "酚类", "27", "mg/m³", "kg", "N3.3"),
    Factor("a24003", "二氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24004", "三氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24005", "四氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24006", "二溴一氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24007", "一溴二氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24008", "溴甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24009", "三溴甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24015", "氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24016", "1,1-二氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24017", "1,2-二氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24018", "1,1,1-三氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24019", "1,1,2-三氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24020", "1,1,2,2-四氯乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24027", "1,2-二氯丙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24034", "1,2-二溴乙烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24036", "环己烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24042", "正己烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24043", "正庚烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24046", "氯乙烯", "29", "mg/m³", "kg", "N4.3"),
    Factor("a24047", "1,1-二氯乙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24049", "三氯乙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24050", "四氯乙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24053", "丙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24054", "1,3-二氯丙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24072", "1,4-二恶烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24078", "1,3-丁二烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24087", "碳氢化合物", "25", "mg/m³", "kg", "N5.2"),
    Factor("a24088", "非甲烷总烃", None, "mg/m³", "kg", "N7.3"),
    Factor("a24099", "氯甲烷", None, "mg/m³", "kg", "N7.3"),
    Factor("a24110", "反式-1,2-二氯乙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24111", "顺式-1,2-二氯乙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24112", "反式-1,3-二氯丙烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a24113", "六氯-1,3-丁二烯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25002", "苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25003", "甲苯", "17", "mg/m³", "kg", "N4.2"),
    Factor("a25004", "乙苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25005", "二甲苯", "18", "mg/m³", "kg", "N4.2"),
    Factor("a25006", "1,2-二甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25007", "1,3-二甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25008", "1,4-二甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25010", "氯苯", "23", "mg/m³", "kg", "N4.3"),
    Factor("a25011", "1,2-二氯苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25012", "1,3-二氯苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25013", "1,4-二氯苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25014", "1-乙基-4-甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25015", "1,2,4-三氯苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25019", "1,2,4-三甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25020", "1,2,3-三甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25021", "1,3,5-三甲基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25023", "硝基苯", "22", "mg/m³", "kg", "N3.4"),
    Factor("a25038", "乙烯基苯", None, "mg/m³", "kg", "N7.3"),
    Factor("a25044", "苯并[a]芘", "20", "mg/m³", "kg", "N4.3"),
    Factor("a25072", "四氢呋喃", None, "mg/m³", "kg", "N7.3"),
    Factor("a26001", "苯胺类", "21", "mg/m³", "kg", "N4.3"),
    Factor("a29017", "乙酸乙酯", None, "mg/m³", "kg", "N7.3"),
    Factor("a29026", "乙酸乙烯酯", None, "mg/m³", "kg", "N7.3"),
    Factor("a30001", "甲醇", "28", "mg/m³", "kg", "N4.3"),
    Factor("a30008", "异丙醇", None, "mg/m³", "kg", "N7.3"),
    Factor("a30022", "硫醇", "13", "mg/m³", "kg", "N4.3"),
    Factor("a31001", "甲醛", "19", "mg/m³", "kg", "N3.3"),
    Factor("a31002", "乙醛", "26", "mg/m³", "kg", "N3.4"),
    Factor("a31024", "丙酮", None, "mg/m³", "kg", "N7.3"),
    Factor("a31025", "2-丁酮", None, "mg/m³", "kg", "N7.3"),
    Factor("a31030", "甲基异丁基甲酮", None, "mg/m³", "kg", "N7.3"),
    Factor("a34001", "总悬浮颗粒物 TSP", None, "ng/m³", "g", "N4.3", doubtful_unit=True),
    Factor("a34002", "可吸入颗粒物 PM10", None, "ng/m³", "g", "N3.3", doubtful_unit=True),
    Factor("a34004", "细微颗粒物 PM2.5", None, "ng/m³", "g", "N3.3", doubtful_unit=True),
    Factor("a34005", "亚微米颗粒物 PM1.0", None, "ng/m³", "g", "N3.3", doubtful_unit=True),
    Factor("a34011", "降尘", None, "t/(km²·month)", None, None),
    Factor("a34013", "烟尘", "01", "mg/m³", "kg", "N4"),
    Factor("a34017", "炭黑尘", None, "mg/m³", "kg", "N4"),
    Factor("a34038", "沥青烟", "09", "mg/m³", "kg", "N4.3"),
    Factor("a34039", "硫酸雾", "14", "mg/m³", "kg", "N4.3"),
    Factor("a34040", "铬酸雾", "15", "mg/m³", "kg", "N2.3"),
    Factor("a99010", "丙烯腈", None, "mg/m³", "kg", "N7.3"),
    Factor("a99049", "光气", "24", "mg/m³", "kg", "N3.3"),
    Factor("a99051", "二硫化碳", "12", "mg/m³", "kg", "N4.3"),
)

# HJ 212-2017 Table B.3, noise (GB 3096-2008 mnemonics), unit dB, type N3.1 [HJ212-2017].
NOISE_FACTORS: tuple[Factor, ...] = (
    Factor("LA", "A 权声级", None, "dB", None, "N3.1"),
    Factor("L5", "累计百分声级 L5", None, "dB", None, "N3.1"),
    Factor("L10", "累计百分声级 L10", None, "dB", None, "N3.1"),
    Factor("L50", "累计百分声级 L50", None, "dB", None, "N3.1"),
    Factor("L90", "累计百分声级 L90", None, "dB", None, "N3.1"),
    Factor("L95", "累计百分声级 L95", None, "dB", None, "N3.1"),
    Factor("Leq", "等效声级", None, "dB", None, "N3.1"),
    Factor("LMx", "最大瞬时声级", None, "dB", None, "N3.1"),
    Factor("LMn", "最小瞬时声级", None, "dB", None, "N3.1"),
    Factor("Ldn", "昼夜等效声级", None, "dB", None, "N3.1"),
    Factor("Ld", "昼间等效声级", None, "dB", None, "N3.1"),
    Factor("Ln", "夜间等效声级", None, "dB", None, "N3.1"),
)

FACTORS: dict[str, Factor] = {f.code: f for f in (*WATER_FACTORS, *AIR_FACTORS, *NOISE_FACTORS)}

# 原编码 -> HJ 212-2017 code, walked from the tables (water codes are 3 characters, air codes 2 or
# S0x/B02, so the two families do not collide) [HJ212-2017] Tables B.1, B.2.
LEGACY_2005_CODES: dict[str, str] = {
    f.legacy_code: f.code for f in (*WATER_FACTORS, *AIR_FACTORS) if f.legacy_code is not None
}
