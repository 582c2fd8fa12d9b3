"""The codec's hot path reads every packet exactly as the general path does.

Three shortcuts serve the 60k packets/s target (DESIGN §5, bench/hj212_codec.py): the standard
header read by one regex, a connection's CP layout checked in one pass with the fields built on
first use of ``Frame.cp``, and the six-field header written by one f-string. Each is compared
here with the path it shortcuts, on the packets it takes and on near misses.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    DEFAULT_POLICY,
    DecodePolicy,
    Decoder,
    Frame,
    MalformedCP,
    ProtocolError,
    answer_for,
    crc_text,
    decode,
    encode,
    make_frame,
    parse_cp,
)
from ecowarden.hj212.cp import (
    COMMANDS_NOTED_PER_CONNECTION,
    LAYOUT_MAX_FIELDS,
    LAYOUT_MIN_FIELDS,
    CpLayout,
    CpLayouts,
)
from ecowarden.hj212.frame import open_segment

MN = "010000A8900016F000169DC0"
# An SM4 key function that never gives a key: the general path with the default semantics
# (no key -> CP is plaintext), because the standard path only runs without ``sm4_key``.
GENERAL_PATH = DecodePolicy(sm4_key=lambda mn: None)

# A CEMS minute CP: DataTime, then 4 gases with Min/Avg/Max/Flag (17 fields).
BASE_CP = "DataTime=20240520210600;" + ";".join(
    f"{code}-Min=12.31,{code}-Avg=13.45,{code}-Max=14.52,{code}-Flag=N"
    for code in ("a21002", "a21026", "a34013", "a21005")
)
BASE_HEAD = f"QN=20240520210700000;ST=31;CN=2051;PW=123456;MN={MN};Flag=5;"


def packet(segment: str | bytes, crc: bytes | None = None) -> bytes:
    data = segment.encode() if isinstance(segment, str) else segment
    return b"##%04d%s%s\r\n" % (len(data), data, crc if crc is not None else crc_text(data))


def outcome(data: bytes, policy: DecodePolicy = DEFAULT_POLICY) -> object:
    # Everything a caller can observe: the frame (message equality), its provenance and the
    # types of its fields, or the refusal (type, reason, detail, bytes, MN).
    try:
        frame = decode(data, policy=policy)
    except ProtocolError as exc:
        return exc
    return described(frame)


def described(frame: Frame) -> tuple[object, ...]:
    return (
        frame,
        frame.raw,
        frame.segment,
        frame.warnings,
        frame.crc_variant,
        frame.encrypted,
        frame.data_time,
        type(frame.cn),
        type(frame.cp),
        type(frame.header_extra),
        tuple(frame.cp),
    )


# --- the standard header path ---------------------------------------------------------------

STANDARD_HEADER = ["QN=20240520210700000", "ST=31", "CN=2051", "PW=123456", f"MN={MN}", "Flag=5"]
# (field position, replacement); None drops the field. Near misses of the standard header.
_HEADER_EDITS = st.lists(
    st.sampled_from(
        [(0, v) for v in ("QN=2024052021070000", "QN=", "QN=2024052021070000x", None)]
        + [(1, v) for v in ("ST=91", "ST=99", "ST=3a", "ST=311", "ST=", " ST=31", None)]
        + [(2, v) for v in ("CN=9014", "CN=205", "CN=2O51", None)]
        + [(3, v) for v in ("PW=", "PW=a b", "PW=p&w", "PW=密码", "PW=1=2", None)]
        + [(4, v) for v in ("MN=", "MN=M N", "MN=M\x0bN", "MN=M\tN", None)]
        + [(5, v) for v in ("Flag=4", "Flag=05", "Flag=0005", "Flag=7", "Flag=255")]
        + [(5, v) for v in ("Flag=256", "Flag=13", "Flag=9", "Flag=", None)]
    ),
    max_size=2,
)
_EXTRA = st.sampled_from(["", "", "PNUM=2;PNO=1;", "RF=1;", "RF=0;", "X=1;", ";", "Flag=5;"])
CPS = [
    "",
    BASE_CP,
    "DataTime=20240520210600123;a01-Rtd=1",
    "DataTime=20241320210600;a01-Rtd=1",
    "DataTime=;a01-Rtd=1",
    " a01-Rtd=1",
    "a01-Rtd=1;a01-Rtd=1",
    "a01-Rtd=1;a01-Rtd=2",
    "a01-Rtd=1;;a02-Rtd=2",
    "i11001-Info=//a;b//",
    "{0x12,0x34}",
    "{0abc",
    "温度=1",
    "a01-Rtd=1=2",
    "=1",
    ";".join([BASE_CP] * 5).replace("a21002", "a21003", 4),  # over 1024 bytes, duplicates
    BASE_CP + "".join(f";a{i:05d}-Avg=1.000" for i in range(60)),  # over 1024 bytes
]
_CP = st.sampled_from(CPS)
_CRC = st.sampled_from(["upper", "upper", "lower", "wrong"])


def assert_both_paths_agree(
    edits: list[tuple[int, str | None]], extra: str, swapped: bool, cp: str, crc: str
) -> None:
    head: list[str | None] = list(STANDARD_HEADER)
    for position, replacement in edits:
        head[position] = replacement
    if swapped:
        head[0], head[1] = head[1], head[0]
    text = "".join(f"{field};" for field in head if field is not None) + extra
    segment = (text + "CP=&&" + cp + "&&").encode()
    carried = crc_text(segment)
    if crc == "lower":
        carried = carried.lower()
    elif crc == "wrong":
        carried = b"%04X" % (int(carried, 16) ^ 0x0100)
    data = packet(segment, carried)
    assert outcome(data) == outcome(data, GENERAL_PATH)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_HEADER_EDITS, _EXTRA, st.booleans(), _CP, _CRC)
def test_standard_header_path_reads_as_the_general_path(
    edits: list[tuple[int, str | None]], extra: str, swapped: bool, cp: str, crc: str
) -> None:
    assert_both_paths_agree(edits, extra, swapped, cp, crc)


@pytest.mark.parametrize("cp", CPS)
@pytest.mark.parametrize("crc", ["upper", "lower", "wrong"])
def test_standard_header_with_any_cp_reads_as_the_general_path(cp: str, crc: str) -> None:
    assert_both_paths_agree([], "", False, cp, crc)


@pytest.mark.parametrize("ending", ["CP=&&", "CP=&&&", "CP=&&a01-Rtd=1&", "CP=&", "CP=&&&&&&"])
def test_unclosed_cp_reads_as_the_general_path(ending: str) -> None:
    data = packet(BASE_HEAD + ending)
    assert outcome(data) == outcome(data, GENERAL_PATH)


def test_the_usual_packet_takes_the_standard_path() -> None:
    # Guards the equivalence test above against a standard path that never runs.
    from ecowarden.hj212.frame import _open_standard

    segment = (BASE_HEAD + "CP=&&" + BASE_CP + "&&").encode()
    frame = _open_standard(segment, crc_text(segment), b"", DEFAULT_POLICY, [], None)
    assert frame is not None
    assert (frame.qn, frame.st, frame.cn, frame.flag, frame.needs_ack) == (
        "20240520210700000",
        "31",
        2051,
        5,
        True,
    )


# --- CP layouts ----------------------------------------------------------------------------


def warm_decoder() -> Decoder:
    # The second sight of a layout compiles it; the third packet is read against it.
    decoder = Decoder()
    for _ in range(2):
        decoder.feed(packet(BASE_HEAD + "CP=&&" + BASE_CP + "&&"))
    return decoder


def test_a_learnt_layout_defers_the_fields_to_first_use() -> None:
    data = packet(BASE_HEAD + "CP=&&" + BASE_CP.replace("13.45", "99.5") + "&&")
    (frame,) = warm_decoder().feed(data)
    assert isinstance(frame, Frame)
    assert "cp" not in vars(frame)  # deferred
    expected = decode(data)
    assert frame.data_time == expected.data_time
    assert frame.cp == expected.cp
    assert frame.cp["a21026-Avg"] == "99.5"
    assert "cp" in vars(frame)
    assert "_cp_pending" not in vars(frame)
    assert frame.items == expected.items
    assert described(frame) == described(expected)


def test_deferred_fields_survive_copy_pickle_and_replace() -> None:
    data = packet(BASE_HEAD + "CP=&&" + BASE_CP + "&&")
    expected = decode(data)
    makers: list[Callable[[Frame], Frame]] = [
        copy.copy,
        copy.deepcopy,
        lambda f: pickle.loads(pickle.dumps(f)),
        lambda f: replace(f, warnings=("x",)),
    ]
    for make in makers:
        (frame,) = warm_decoder().feed(data)
        assert isinstance(frame, Frame)
        made = make(frame)
        assert made == expected
        assert made.cp == expected.cp
        assert isinstance(made.cp, dict)


def test_missing_attributes_still_raise_attribute_error() -> None:
    (frame,) = warm_decoder().feed(packet(BASE_HEAD + "CP=&&" + BASE_CP + "&&"))
    with pytest.raises(AttributeError, match="no_such_field"):
        getattr(frame, "no_such_field")  # noqa: B009  (the name must not be a known attribute)


_VALUES = st.sampled_from(
    ["12.31", "", "N", "-0.5", "1 2", " 1", "1 ", "a/b", "//log//", "1=2", "x;y", "1,2", "é"]
)
_NAME_EDITS = st.sampled_from(
    [None, "drop", "duplicate", "rename", "space", "comma-to-semicolon", "empty-name"]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.tuples(st.integers(0, 16), _VALUES), max_size=3),
    _NAME_EDITS,
    st.sampled_from(["20240520210600", "20240520210600123", "20241320210600", ""]),
)
def test_a_learnt_layout_reads_any_cp_as_decode_does(
    value_edits: list[tuple[int, str]], name_edit: str | None, data_time: str
) -> None:
    fields = [field.split("=") for field in BASE_CP.replace(",", ";").split(";")]
    fields[0][1] = data_time
    for index, value in value_edits:
        fields[index][1] = value
    if name_edit == "drop":
        del fields[5]
    elif name_edit == "duplicate":
        fields.append(list(fields[3]))
    elif name_edit == "rename":
        fields[7][0] = "a99999-Avg"
    elif name_edit == "space":
        fields[2][0] = " " + fields[2][0]
    elif name_edit == "empty-name":
        fields[4][0] = ""
    separator = ";" if name_edit == "comma-to-semicolon" else ","
    cp = separator.join("=".join(field) for field in fields)
    data = packet(BASE_HEAD + "CP=&&" + cp + "&&")
    events = warm_decoder().feed(data)
    (event,) = events
    expected = outcome(data)
    assert (described(event) if isinstance(event, Frame) else event) == expected


def test_layout_match_reads_as_parse_cp() -> None:
    # The claim of CpLayout: a CP that matches parses to the layout's names and the groups,
    # without warnings.
    fields, warnings = parse_cp(BASE_CP.encode(), BASE_CP)
    assert warnings == ()
    layout = CpLayout.of(tuple(fields))
    assert layout.data_time == 1  # DataTime is the first field, group 1
    for text in (BASE_CP, BASE_CP.replace(",", ";"), BASE_CP.replace("12.31", "")):
        match = layout.pattern.fullmatch(text)
        assert match is not None
        assert parse_cp(text.encode(), text) == (layout.fields(match), ())
    for text in (BASE_CP + ";x=1", BASE_CP.replace("12.31", "1 2"), BASE_CP.replace("N", "/")):
        assert layout.pattern.fullmatch(text) is None


def test_layouts_are_learnt_on_the_second_sight_per_command() -> None:
    layouts = CpLayouts()
    fields, _ = parse_cp(BASE_CP.encode(), BASE_CP)
    layouts.learn(2051, fields, BASE_CP, 0, len(BASE_CP))
    assert layouts.get(2051) is None
    layouts.learn(2051, fields, BASE_CP, 0, len(BASE_CP))
    layout = layouts.get(2051)
    assert layout is not None
    assert layout.names == tuple(fields)
    assert layouts.get(2061) is None


@pytest.mark.parametrize(
    ("count", "learnt"),
    [
        (LAYOUT_MIN_FIELDS - 1, False),
        (LAYOUT_MIN_FIELDS, True),
        (LAYOUT_MAX_FIELDS, True),
        (LAYOUT_MAX_FIELDS + 1, False),
    ],
)
def test_only_cps_of_bounded_size_are_learnt(count: int, learnt: bool) -> None:
    layouts = CpLayouts()
    text = ";".join(f"a{i:05d}-Rtd=1" for i in range(count))
    fields, _ = parse_cp(text.encode(), text)
    for _ in range(3):
        layouts.learn(2011, fields, text, 0, len(text))
    assert (layouts.get(2011) is not None) == learnt


def test_a_layout_that_does_not_read_its_cp_back_is_dropped() -> None:
    # "1 2" parses without warning by the tolerant scanner, but a layout stands for values
    # without whitespace, so it cannot read this CP back.
    text = BASE_CP.replace("13.45", "1 2")
    fields, warnings = parse_cp(text.encode(), text)
    assert warnings == ()
    layouts = CpLayouts()
    for _ in range(2):
        layouts.learn(2051, fields, text, 0, len(text))
    assert layouts.get(2051) is None


def test_compilations_per_connection_are_capped() -> None:
    layouts = CpLayouts(limit=2)
    for cn in (2011, 2051, 2061):
        fields, _ = parse_cp(BASE_CP.encode(), BASE_CP)
        for _ in range(2):
            layouts.learn(cn, fields, BASE_CP, 0, len(BASE_CP))
    assert [layouts.get(cn) is not None for cn in (2011, 2051, 2061)] == [True, True, False]


def test_noted_names_are_bounded_per_connection() -> None:
    layouts = CpLayouts(limit=100)
    fields, _ = parse_cp(BASE_CP.encode(), BASE_CP)
    commands = range(COMMANDS_NOTED_PER_CONNECTION + 1)
    for _ in range(2):
        for cn in commands:
            layouts.learn(cn, fields, BASE_CP, 0, len(BASE_CP))
    # the names of the first 16 commands are noted, so only they are seen twice
    assert [cn for cn in commands if layouts.get(cn)] == list(range(16))
    interleaved = CpLayouts()
    for cn in (2011, 2011, 2051, 2011, 2051):  # real-time every 30 s, minute data every 60 s
        interleaved.learn(cn, fields, BASE_CP, 0, len(BASE_CP))
    assert interleaved.get(2011) is not None
    assert interleaved.get(2051) is not None


def test_open_segment_with_and_without_layouts_agree() -> None:
    segment = (BASE_HEAD + "CP=&&" + BASE_CP + "&&").encode()
    layouts = CpLayouts()
    frames = [
        open_segment(segment, crc_text(segment), b"raw", DEFAULT_POLICY, [], layouts)
        for _ in range(3)
    ]
    assert "_cp_pending" in vars(frames[2])
    cold = open_segment(segment, crc_text(segment), b"raw", DEFAULT_POLICY, [])
    assert [described(f) for f in frames] == [described(cold)] * 3


def test_bad_data_time_is_refused_on_the_layout_path_too() -> None:
    data = packet(BASE_HEAD + "CP=&&" + BASE_CP.replace("20240520210600", "20240520256000") + "&&")
    (event,) = warm_decoder().feed(data)
    assert isinstance(event, MalformedCP)
    assert event.reason == "bad_time"
    assert event.mn == MN
    with pytest.raises(MalformedCP) as info:
        decode(data)
    assert event == info.value


# --- the six-field header of encode ---------------------------------------------------------


def header_by_list(frame: Frame) -> bytes:
    # The general writer: fields of Table 3 in order, joined by ';', then CP.
    header = [f"ST={frame.st}", f"CN={frame.cn:04d}", f"PW={frame.pw}", f"MN={frame.mn}"]
    if frame.qn is not None:
        header.insert(0, f"QN={frame.qn}")
    if frame.flag is not None:
        header.append(f"Flag={frame.flag}")
    return (";".join(header) + ";CP=&&").encode()


_TEXT = st.sampled_from(["1", "", "20240520210700000", "a;b", "a=b", "a b", "a&b", "é"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_TEXT, _TEXT, _TEXT, _TEXT, st.integers(0, 11))  # version bits 0-2
def test_six_field_header_is_written_as_the_field_list(
    qn: str, system: str, pw: str, mn: str, flag: int
) -> None:
    frame = make_frame(2051, mn, st=system, pw=pw, qn=qn, flag=flag)
    head = header_by_list(frame)
    segment = head + b"&&"
    clean = not any(c in value for value in (qn, system, pw, mn) for c in ";= \t\r\n&")
    if clean:
        assert encode(frame) == b"##%04d%s%s\r\n" % (len(segment), segment, crc_text(segment))
    else:
        with pytest.raises(ValidationError):
            encode(frame)


def test_answer_of_a_deferred_frame_needs_no_cp() -> None:
    (frame,) = warm_decoder().feed(packet(BASE_HEAD + "CP=&&" + BASE_CP + "&&"))
    assert isinstance(frame, Frame)
    answer = answer_for(frame)
    assert answer is not None
    # C.24: QN/PW/MN echoed, ST=91, CN=9014, Flag=4 (version bits of 2017), empty CP
    segment = f"QN=20240520210700000;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&".encode()
    assert encode(answer) == packet(segment)
    assert "cp" not in vars(frame)
