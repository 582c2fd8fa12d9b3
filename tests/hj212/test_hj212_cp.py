"""CP command field: grammar, tolerances, refusals (HJ 212-2017 §6.3.3, reference §3.4, §8)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.hj212.cp import _parse_tolerant, format_cp, group_items, parse_cp
from ecowarden.hj212.errors import MalformedCP


def parse(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    return parse_cp(text.encode(), text)


def test_standard_minute_item() -> None:
    fields, warnings = parse(
        "DataTime=20160801084000;w01018-Min=50.0,w01018-Avg=51.2,w01018-Flag=N"
    )
    assert fields == {
        "DataTime": "20160801084000",
        "w01018-Min": "50.0",
        "w01018-Avg": "51.2",
        "w01018-Flag": "N",
    }
    assert warnings == ()


def test_values_are_kept_as_text() -> None:
    # chada-2051-lf-qn-after-cn: 27.299999 stays 27.299999; negatives and long decimals too
    fields, _ = parse("w01018-Max=27.299999,w01018-Min=-0.000000000001")
    assert fields["w01018-Max"] == "27.299999"
    assert fields["w01018-Min"] == "-0.000000000001"


@pytest.mark.parametrize(
    ("text", "fields", "warning"),
    [
        # misc-2051-trailing-comma: ",;" before &&
        (
            "DataTime=20180517154200;025-Rtd=2,025-Flag=N,;",
            {"DataTime": "20180517154200", "025-Rtd": "2", "025-Flag": "N"},
            "empty_cp_item",
        ),
        ("a-Rtd=1;;b-Rtd=2", {"a-Rtd": "1", "b-Rtd": "2"}, "empty_cp_item"),
        (" ", {}, "cp_whitespace"),  # "&& &&" of the standard's own 9013 examples (C.4, C.13)
        ("DataTime=1; a-Rtd=2", {"DataTime": "1", "a-Rtd": "2"}, "cp_whitespace"),  # C.25
        ("a-Rtd=1,a-Rtd=1", {"a-Rtd": "1"}, "duplicate_cp_field"),
    ],
)
def test_tolerated_deviations_warn(text: str, fields: dict[str, str], warning: str) -> None:
    got, warnings = parse(text)
    assert got == fields
    assert warning in warnings


def test_bare_flag_item_is_a_cp_field_not_the_header_flag() -> None:
    fields, _ = parse("Flag=N;a-Rtd=1")
    assert fields["Flag"] == "N"


def test_log_values_may_hold_separators() -> None:
    # note to Table C.40: logs between '//' may hold any text
    fields, _ = parse("DataTime=20100301145000;i11001-Info=//a=1;b,c//;PolId=w01018")
    assert fields["i11001-Info"] == "//a=1;b,c//"
    assert fields["PolId"] == "w01018"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a-Rtd=1;b-Rtd", "cp_field_without_value"),
        ("=1", "cp_empty_name"),
        ("a=1;=2", "cp_empty_name"),
        ("a-Rtd=1=2", "cp_ambiguous_value"),
        ("i1-Info=//open", "cp_unterminated_log"),
        ("i1-Info=//log//x;a=1", "cp_text_after_log"),
        ("a-Rtd=1;a-Rtd=2", "cp_conflicting_field"),
    ],
)
def test_ambiguous_content_is_refused(text: str, reason: str) -> None:
    with pytest.raises(MalformedCP) as info:
        parse(text)
    assert info.value.reason == reason


def test_group_items_by_code() -> None:
    fields = {"DataTime": "1", "a21026-Avg": "6", "a21026-Flag": "N", "SB1-RS": "1"}
    assert group_items(fields) == {"a21026": {"Avg": "6", "Flag": "N"}, "SB1": {"RS": "1"}}


def test_format_cp_joins_fields_of_one_code_with_commas() -> None:
    fields = {"DataTime": "1", "a-Rtd": "1", "a-Flag": "N", "b-Rtd": "2"}
    assert format_cp(fields) == "DataTime=1;a-Rtd=1,a-Flag=N;b-Rtd=2"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("a;b", "1"),
        ("a", "1;2"),
        ("a", "x=y"),
        ("a", "&&"),
        ("", "1"),
        ("a", " 1"),
        ("i-Info", "//a//b//"),
    ],
)
def test_format_cp_refuses_what_cannot_be_read_back(name: str, value: str) -> None:
    with pytest.raises(ValidationError):
        format_cp({name: value})


_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}(-[A-Z][A-Za-z]{1,5})?", fullmatch=True)
_VALUES = st.from_regex(r"[-A-Za-z0-9.]{0,10}", fullmatch=True)


@settings(max_examples=150)
@given(st.dictionaries(_NAMES, _VALUES, min_size=1, max_size=12))
def test_format_then_parse_gives_the_fields(fields: dict[str, str]) -> None:
    text = format_cp(fields)
    assert parse(text) == (fields, ())


_CP_CHARS = st.sampled_from(list("ab1-=;,/ \t.&N"))


@settings(max_examples=400)
@given(st.lists(_CP_CHARS, max_size=40).map("".join))
def test_fast_path_agrees_with_the_tolerant_scanner(text: str) -> None:
    # the fast path may only take what the tolerant scanner reads the same way, without warning
    try:
        expected: tuple[dict[str, str], tuple[str, ...]] | str = _parse_tolerant(text)
    except MalformedCP as exc:
        expected = exc.reason
    try:
        got: tuple[dict[str, str], tuple[str, ...]] | str = parse(text)
    except MalformedCP as exc:
        got = exc.reason
    assert got == expected
