"""HJ 212 code tables: editions, system codes (ST), commands (CN), ExeRtn, QnRtn, data flags.

Enums whose values are the standard's codes, with English member names and Chinese labels
(``label`` property). Codes a device sends that are not listed here are kept verbatim as data,
never refused for being unknown (reference §7 consequences, §8 rows 10-11).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Version(StrEnum):
    """Standard edition of a frame, from the Flag version bits V5..V0 (reference §3.2)."""

    HJ212_2005 = "2005"
    HJ212_2017 = "2017"
    HJ212_2025 = "2025"

    @property
    def flag_bits(self) -> int:
        """The version number written into Flag bits 7..2: 0, 1 or 2."""
        return _VERSION_BITS[self]

    @property
    def label(self) -> str:
        """Title of the edition."""
        return _VERSION_LABELS[self]


_VERSION_BITS = {Version.HJ212_2005: 0, Version.HJ212_2017: 1, Version.HJ212_2025: 2}
VERSION_BY_BITS: dict[int, Version] = {bits: v for v, bits in _VERSION_BITS.items()}
_VERSION_LABELS = {
    Version.HJ212_2005: "HJ/T 212-2005 污染源在线自动监控（监测）系统数据传输标准",
    Version.HJ212_2017: "HJ 212-2017 污染物在线监控（监测）系统数据传输标准",
    Version.HJ212_2025: "HJ 212-2025 污染物自动监测监控系统数据传输技术要求",
}


class Dialect(StrEnum):
    """Which edition to read a device's packets as: from the Flag bits, or fixed per device."""

    AUTO = "auto"
    HJ212_2005 = "2005"
    HJ212_2017 = "2017"
    HJ212_2025 = "2025"


class SystemCode(StrEnum):
    """System codes ST, HJ 212-2017 §6.6.1 Table 5 [HJ212-2017]; 44 and 45 from [HJ212-2025]."""

    SURFACE_WATER = "21"
    AMBIENT_AIR = "22"
    ACOUSTIC_ENVIRONMENT = "23"
    GROUNDWATER = "24"
    SOIL = "25"
    SEAWATER = "26"
    VOLATILE_ORGANICS = "27"
    AIR_POLLUTION_SOURCE = "31"
    SURFACE_WATER_POLLUTION_SOURCE = "32"
    GROUNDWATER_POLLUTION_SOURCE = "33"
    MARINE_POLLUTION_SOURCE = "34"
    SOIL_POLLUTION_SOURCE = "35"
    NOISE_SOURCE = "36"
    VIBRATION_SOURCE = "37"
    RADIOACTIVE_SOURCE = "38"
    CONSTRUCTION_DUST_SOURCE = "39"
    ELECTROMAGNETIC_SOURCE = "41"
    ELECTRICITY_MONITORING = "44"  # [HJ212-2025], unconfirmed
    KEY_PRODUCTION_CONDITIONS = "45"  # [HJ212-2025], unconfirmed
    FLUE_GAS_PROCESS = "51"
    WASTEWATER_PROCESS = "52"
    SYSTEM_INTERACTION = "91"

    @property
    def label(self) -> str:
        """Chinese name from Table 5."""
        return _ST_LABELS[self.value]


_ST_LABELS = {
    "21": "地表水质量监测",
    "22": "空气质量监测",
    "23": "声环境质量监测",
    "24": "地下水质量监测",
    "25": "土壤质量监测",
    "26": "海水质量监测",
    "27": "挥发性有机物监测",
    "31": "大气环境污染源",
    "32": "地表水体环境污染源",
    "33": "地下水体环境污染源",
    "34": "海洋环境污染源",
    "35": "土壤环境污染源",
    "36": "声环境污染源",
    "37": "振动环境污染源",
    "38": "放射性环境污染源",
    "39": "工地扬尘污染源",
    "41": "电磁环境污染源",
    "44": "用电监控",
    "45": "关键生产工况监控",
    "51": "烟气排放过程监控",
    "52": "污水排放过程监控",
    "91": "系统交互",
}


class Command(IntEnum):
    """Command codes CN, HJ 212-2017 §6.6.5 Table 9 [HJ212-2017], with the 2025 additions
    [HJ212-2025] (9015 confirmed; 1001, 1002, 2013, 2052, 2062, 2111, 3022, 3024 unconfirmed)
    and the 9021/9022 login extension used by several provinces [secondary]."""

    SET_TIMEOUT_RETRIES = 1000
    UPLOAD_HARDWARE_IDS = 1001  # 2025
    SET_MN = 1002  # 2025
    GET_TIME = 1011
    SET_TIME = 1012
    TIME_CALIBRATION_REQUEST = 1013
    KEY_UPDATE = 1014  # 2025
    GET_REALTIME_INTERVAL = 1061
    SET_REALTIME_INTERVAL = 1062
    GET_MINUTE_INTERVAL = 1063
    SET_MINUTE_INTERVAL = 1064
    SET_PASSWORD = 1072
    REALTIME_DATA = 2011
    STOP_REALTIME_DATA = 2012
    RAW_ANALYSER_DATA = 2013  # 2025
    FACILITY_STATE = 2021
    STOP_FACILITY_STATE = 2022
    DAILY_DATA = 2031
    FACILITY_RUNTIME_DAILY = 2041
    MINUTE_DATA = 2051
    SINGLE_NOISE_MEASUREMENT = 2052  # 2025
    HOURLY_DATA = 2061
    STANDARD_SAMPLE_CHECK_DATA = 2062  # 2025
    RESTART_TIME = 2081
    FURNACE_TEMPERATURE_5MIN = 2111  # 2025
    CALIBRATE = 3011
    SAMPLE_NOW = 3012
    CLEAN_BLOWBACK = 3013
    COMPARISON_SAMPLING = 3014
    OVERLIMIT_SAMPLE_RETENTION = 3015
    SET_SAMPLING_PERIOD = 3016
    GET_SAMPLING_PERIOD = 3017
    GET_SAMPLE_OUTPUT_TIME = 3018
    GET_INSTRUMENT_ID = 3019
    FIELD_MACHINE_INFO = 3020
    SET_FIELD_MACHINE_PARAMETER = 3021
    SAMPLE_RETENTION_TASK = 3022  # 2025
    START_STANDARD_SAMPLE_CHECK = 3024  # 2025
    REQUEST_ANSWER = 9011
    EXECUTION_RESULT = 9012
    NOTIFICATION_ANSWER = 9013
    DATA_ANSWER = 9014
    HEARTBEAT = 9015  # 2025
    LOGIN = 9021  # provincial / vendor extension
    LOGIN_ANSWER = 9022  # provincial / vendor extension

    @property
    def label(self) -> str:
        """Chinese name (Table 9; 2025 and extension names as summarised in the reference)."""
        return _CN_LABELS[self.value]


_CN_LABELS = {
    1000: "设置超时时间及重发次数",
    1001: "上传数采仪硬件标识",
    1002: "设置数采仪入网编码",
    1011: "提取现场机时间",
    1012: "设置现场机时间",
    1013: "现场机时间校准请求",
    1014: "密钥更新",
    1061: "提取实时数据间隔",
    1062: "设置实时数据间隔",
    1063: "提取分钟数据间隔",
    1064: "设置分钟数据间隔",
    1072: "设置现场机访问密码",
    2011: "实时数据",
    2012: "停止察看实时数据",
    2013: "周期性分析仪原始监测数据",
    2021: "设备运行状态数据",
    2022: "停止察看设备运行状态",
    2031: "日数据",
    2041: "设备运行时间日历史数据",
    2051: "分钟数据",
    2052: "噪声单次测量数据",
    2061: "小时数据",
    2062: "自动标样核查数据",
    2081: "数采仪开机时间",
    2111: "炉膛温度五分钟均值",
    3011: "零点校准量程校准",
    3012: "即时采样",
    3013: "启动清洗/反吹",
    3014: "比对采样",
    3015: "超标留样",
    3016: "设置采样时间周期",
    3017: "提取采样时间周期",
    3018: "提取出样时间",
    3019: "提取设备唯一标识",
    3020: "现场机信息",
    3021: "设置现场机参数",
    3022: "即时留样任务",
    3024: "启动标样核查",
    9011: "请求应答",
    9012: "执行结果",
    9013: "通知应答",
    9014: "数据应答",
    9015: "心跳",
    9021: "现场机登录",
    9022: "登录应答",
}


class QnRtn(IntEnum):
    """Request answer codes QnRtn, HJ 212-2017 Table 7 [HJ212-2017]."""

    READY = 1
    REFUSED = 2
    BAD_PW = 3
    BAD_MN = 4
    BAD_ST = 5
    BAD_FLAG = 6
    BAD_QN = 7
    BAD_CN = 8
    BAD_CRC = 9
    UNKNOWN_ERROR = 100

    @property
    def label(self) -> str:
        """Chinese text of Table 7."""
        return _QN_RTN_LABELS[self.value]


_QN_RTN_LABELS = {
    1: "准备执行请求",
    2: "请求被拒绝",
    3: "PW 错误",
    4: "MN 错误",
    5: "ST 错误",
    6: "Flag 错误",
    7: "QN 错误",
    8: "CN 错误",
    9: "CRC 校验错误",
    100: "未知错误",
}


class ExeRtn(IntEnum):
    """Execution result codes ExeRtn, HJ 212-2017 Table 6 [HJ212-2017]."""

    SUCCESS = 1
    FAILED_UNKNOWN_REASON = 2
    BAD_REQUEST_CONDITION = 3
    TIMEOUT = 4
    BUSY = 5
    SYSTEM_FAULT = 6
    NO_DATA = 100

    @property
    def label(self) -> str:
        """Chinese text of Table 6."""
        return _EXE_RTN_LABELS[self.value]


_EXE_RTN_LABELS = {
    1: "执行成功",
    2: "执行失败，但不知道原因",
    3: "命令请求条件错误",
    4: "通讯超时",
    5: "系统繁忙不能执行",
    6: "系统故障",
    100: "没有数据",
}


class DataFlag(StrEnum):
    """Instrument data flags ``xxxxxx-Flag``, HJ 212-2017 §4.4 Table 8 [HJ212-2017].

    Devices also send 2005 and CEMS-practice flags (P, St, Sd, Md …); readings keep the flag text
    verbatim, so an unlisted flag is data, not an error.
    """

    NORMAL = "N"
    OVER_RANGE = "T"
    MANUAL_SETTING = "S"
    STOPPED = "F"
    MAINTENANCE = "M"
    FAULT = "D"
    CALIBRATION = "C"
    COMMUNICATION_FAULT = "B"

    @property
    def label(self) -> str:
        """Chinese text of Table 8."""
        return _FLAG_LABELS[self.value]


_FLAG_LABELS = {
    "N": "仪器工作正常",
    "T": "采样数值超过测量上限",
    "S": "手工输入的设定值",
    "F": "仪器停运",
    "M": "维护期间产生的数据",
    "D": "仪器故障",
    "C": "校准状态",
    "B": "仪器与数采仪通讯异常",
}


class Period(StrEnum):
    """Reading period of a data upload (DESIGN §2), from its command code."""

    REALTIME = "realtime"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


# Data uploads and their period; DataTime is the sampling moment for 2011 and the start of the
# period for 2051/2061/2031 (Table 4, DataTime) [HJ212-2017].
PERIOD_BY_COMMAND: dict[Command, Period] = {
    Command.REALTIME_DATA: Period.REALTIME,
    Command.MINUTE_DATA: Period.MINUTE,
    Command.HOURLY_DATA: Period.HOUR,
    Command.DAILY_DATA: Period.DAY,
}

# Device-initiated uploads that get a 9014 when the answer bit is set (reference §6.3).
DATA_UPLOAD_COMMANDS: frozenset[int] = frozenset(
    {2011, 2013, 2021, 2031, 2041, 2051, 2052, 2061, 2062, 2081, 2111, 3015, 3019, 3020}
)

# Notices answered with 9013 (Table 9 "通知"; 9015 heartbeat per two implementers, unconfirmed).
NOTICE_COMMANDS: frozenset[int] = frozenset({1013, 2012, 2022, 9015})


def is_encrypted_command(cn: int) -> bool:
    """Whether HJ 212-2025 §6.4.4 lists ``cn`` for SM4 encryption: 2000-2999, 1014 and 3020.

    [HJ212-2025]
    """
    return 2000 <= cn <= 2999 or cn in (1014, 3020)
