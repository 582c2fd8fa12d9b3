"""The CP command field, HJ 212-2017 §6.3.3 [HJ212-2017].

    "字段与其值用'='连接；在数据区中，同一项目的不同分类值间用','来分隔，不同项目之间用';'来分隔"

Grammar (reference §3.4)::

    cp      := '&&' [ field ((';' | ',') field)* ] '&&'
    field   := name '=' value
    name    := code '-' suffix | plain-name          e.g. w01018-Avg, DataTime, QnRtn
    value   := text without ';' ',' | '//' log text '//'   (logs of -Info items, note to C.40)

The parsed form is flat: field name -> value text, in wire order, values byte-exact. Items
(code -> {suffix: value}) are a view over it (:func:`group_items`), so ';' and ',' are not told
apart: a device that separates items with commas (reference §8 row 16) reads the same.

Tolerated, each with a warning code: empty items (``,;``), ASCII whitespace around names and
values (``&& &&``, ``; a01-Rtd``), repeated identical fields. Refused (:class:`MalformedCP`): a
token without '=', an empty name, a value containing '=', an unterminated ``//`` log, one name
with two different values.

Speed: a device sends the same names every minute, so a connection remembers them
(:class:`CpLayouts`) and checks the next CP against them in one regex pass (:class:`CpLayout`);
what such a CP reads as is fixed by that check, and the decoder builds its fields only when
``Frame.cp`` is first used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ecowarden.errors import ValidationError
from ecowarden.hj212.errors import MalformedCP

# Separators, and the bytes that send a CP to the tolerant scanner (whitespace, '/' of logs).
_NOT_SPECIAL = bytes(b for b in range(256) if b not in b";,= \t\r\n/")
_COMMA_AS_SEMICOLON = bytes.maketrans(b",", b";")
# What the special bytes of a well-formed CP read as once ',' is mapped to ';': "=;=;…=". Long
# enough for the largest data segment four length digits allow (9999 bytes).
_ALTERNATION = b"=;" * 5000
_ASCII_WS = " \t\r\n"


def parse_cp(body: bytes, text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Parse the content between ``CP=&&`` and ``&&``.

    Parameters
    ----------
    body : bytes
        The content as bytes (plaintext), used to choose the fast path.
    text : str
        The same content decoded (UTF-8, or GBK by policy).

    Returns
    -------
    fields : dict of str to str
        Field name -> value text, in wire order.
    warnings : tuple of str
        Conformance warning codes (``empty_cp_item``, ``cp_whitespace``, ``duplicate_cp_field``).

    Raises
    ------
    MalformedCP
        When the content cannot be read unambiguously.
    """
    if not body:
        return {}, ()
    # Fast path: the special bytes alternate '=' and ';'/',' (every token is name=value, no
    # whitespace, no log), every name is non-empty and no name repeats. The tolerant scanner
    # would give the same fields and no warning; anything else goes to it.
    special = body.translate(_COMMA_AS_SEMICOLON, _NOT_SPECIAL)
    if len(special) % 2 and _ALTERNATION.startswith(special):
        tokens = iter(text.replace(";", ",").replace("=", ",").split(","))
        # The alternation makes the token count even: names and values pair up exactly.
        fields = dict(zip(tokens, tokens, strict=False))
        if len(fields) == (len(special) + 1) // 2 and "" not in fields:
            return fields, ()
    return _parse_tolerant(text)


# A value of the fast path: no separator, '=', ASCII whitespace or '/' (the special bytes above).
_PLAIN_VALUE = r"=([^;,=/ \t\r\n]*+)"
# Compiling a layout costs about 30 µs per field (2 ms for 67 fields, measured) and saves about
# 0.07 µs per field and packet (4.8 µs for 67 fields), so only a CP of 8 to 128 fields that a
# connection sends again and again gets one. With at most 8 compilations per connection, a device
# that keeps changing its layout costs the gateway at most about 30 ms per connection, and the
# names noted for comparison are bounded by 16 commands of 128 fields.
LAYOUT_MIN_FIELDS = 8
LAYOUT_MAX_FIELDS = 128
LAYOUTS_PER_CONNECTION = 8
COMMANDS_NOTED_PER_CONNECTION = 16


@dataclass(frozen=True)
class CpLayout:
    """The field names of a CP in wire order, with the pattern that reads a CP of exactly them.

    A device sends the same CP names every minute. The pattern checks a new CP against them in
    one pass: each name in turn, ``=``, a value without separator, '=', whitespace or '/', then
    ``;`` or ``,``. :func:`parse_cp` reads a CP that matches as these names with the groups as
    values and no warning (names from a warning-free parse are non-empty, different and hold no
    separator, '=' or surrounding whitespace); one that does not match is parsed as usual.

    Attributes
    ----------
    names : tuple of str
        Field names in wire order, all different and non-empty.
    pattern : re.Pattern
        ``name1=(value)[;,]name2=(value)…``, names escaped.
    data_time : int
        Group number of ``DataTime``; 0 when the layout has none.
    """

    names: tuple[str, ...]
    pattern: re.Pattern[str]
    data_time: int

    @classmethod
    def of(cls, names: tuple[str, ...]) -> CpLayout:
        """The layout of ``names`` (the keys of a fast-path :func:`parse_cp` result)."""
        pattern = re.compile("[;,]".join(re.escape(name) + _PLAIN_VALUE for name in names))
        data_time = names.index("DataTime") + 1 if "DataTime" in names else 0
        return cls(names, pattern, data_time)

    def fields(self, match: re.Match[str]) -> dict[str, str]:
        """Field name -> value text from a match of :attr:`pattern`, as :func:`parse_cp` gives."""
        return dict(zip(self.names, match.groups(), strict=True))


class CpLayouts:
    """The CP layouts one connection has shown, by command code (per-connection memo).

    A layout is learnt when two CPs in a row of one command have the same names, so a device
    whose layout varies does not pay a compilation per packet; at most ``limit`` layouts are
    compiled per connection. The memo only ever decides how fast a CP is read, never what it
    reads as.

    Parameters
    ----------
    limit : int
        Largest number of layouts compiled for this connection.
    """

    def __init__(self, limit: int = LAYOUTS_PER_CONNECTION) -> None:
        self._by_command: dict[int, CpLayout] = {}
        self._last_names: dict[int, tuple[str, ...]] = {}
        self._compiled = 0
        self.limit = limit

    def get(self, cn: int) -> CpLayout | None:
        """The layout learnt for command ``cn``, if any."""
        return self._by_command.get(cn)

    def learn(self, cn: int, fields: Mapping[str, str], text: str, start: int, stop: int) -> None:
        """Note the fields that ``text[start:stop]`` parsed to; compile their layout on a repeat.

        ``fields`` must be a :func:`parse_cp` result without warnings: its names are then
        non-empty, different and free of separators, '=' and surrounding whitespace, so any CP
        the pattern matches reads as ``CpLayout.fields`` gives, without warnings.
        """
        if (
            not LAYOUT_MIN_FIELDS <= len(fields) <= LAYOUT_MAX_FIELDS
            or self._compiled >= self.limit
        ):
            return
        names = tuple(fields)
        if self._last_names.get(cn) != names:
            if cn in self._last_names or len(self._last_names) < COMMANDS_NOTED_PER_CONNECTION:
                self._last_names[cn] = names
            return
        self._compiled += 1
        layout = CpLayout.of(names)
        match = layout.pattern.fullmatch(text, start, stop)
        if match is not None and layout.fields(match) == fields:  # it reads this CP back
            self._by_command[cn] = layout


def _next_separator(text: str, start: int) -> int:
    semi = text.find(";", start)
    comma = text.find(",", start)
    if semi < 0:
        return comma if comma >= 0 else len(text)
    if comma < 0:
        return semi
    return min(semi, comma)


def _parse_tolerant(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    fields: dict[str, str] = {}
    warnings: list[str] = []
    n = len(text)
    pos = 0
    while True:
        stop = _next_separator(text, pos)
        eq = text.find("=", pos, stop)
        if eq < 0:
            token = text[pos:stop]
            if token.strip(_ASCII_WS):
                raise MalformedCP("cp_field_without_value", f"CP token {token!r} has no '='")
            if pos > 0 or stop < n:
                warnings.append("empty_cp_item")
            elif token:
                warnings.append("cp_whitespace")  # the whole CP is blank: "&& &&" (C.4, C.13)
        else:
            raw_name = text[pos:eq]
            name = raw_name.strip(_ASCII_WS)
            if not name:
                raise MalformedCP("cp_empty_name", f"CP token {text[pos:stop]!r} has no name")
            vstart = eq + 1
            while vstart < n and text[vstart] in _ASCII_WS:
                vstart += 1
            if text.startswith("//", vstart):
                close = text.find("//", vstart + 2)
                if close < 0:
                    raise MalformedCP("cp_unterminated_log", f"{name}: log text has no closing //")
                value = text[vstart : close + 2]
                stop = close + 2
                while stop < n and text[stop] in _ASCII_WS:
                    stop += 1
                if stop < n and text[stop] not in ";,":
                    raise MalformedCP(
                        "cp_text_after_log",
                        f"{name}: {text[close + 2 : stop + 8]!r} follows the log",
                    )
                padded = vstart > eq + 1 or stop > close + 2
            else:
                value = text[vstart:stop].rstrip(_ASCII_WS)
                if "=" in value:
                    raise MalformedCP("cp_ambiguous_value", f"{name}={value!r} contains '='")
                padded = vstart > eq + 1 or vstart + len(value) < stop
            if padded or name != raw_name:
                warnings.append("cp_whitespace")
            previous = fields.get(name)
            if previous is None:
                fields[name] = value
            elif previous == value:
                warnings.append("duplicate_cp_field")
            else:
                raise MalformedCP(
                    "cp_conflicting_field", f"{name} given twice: {previous!r} and {value!r}"
                )
        if stop >= n:
            return fields, tuple(dict.fromkeys(warnings))
        pos = stop + 1


def group_items(fields: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Items: parameter code -> {suffix: value}, from the flat fields (``a21026-Avg`` …).

    Fields without a ``-`` (DataTime, QnRtn, a bare ``Flag`` …) are not items. The code is the part
    before the last ``-``, so suffixes never contain one [HJ212-2017] Table 4.
    """
    items: dict[str, dict[str, str]] = {}
    for name, value in fields.items():
        code, dash, suffix = name.rpartition("-")
        if dash and code:
            item = items.get(code)
            if item is None:
                items[code] = {suffix: value}
            else:
                item[suffix] = value
    return items


def format_cp(fields: Mapping[str, str]) -> str:
    """CP content from flat fields: fields of one code joined by ',', items by ';'.

    Raises
    ------
    ValidationError
        For a name or value the grammar cannot carry (separators, '=' or '&&' inside, a log
        value with '//' inside).
    """
    parts: list[str] = []
    previous_code: str | None = None
    for name, value in fields.items():
        _check_cp_text(name, value)
        code, dash, _ = name.rpartition("-")
        code_of_field = code if dash and code else None
        if parts and code_of_field is not None and code_of_field == previous_code:
            parts.append(",")
        elif parts:
            parts.append(";")
        parts.append(f"{name}={value}")
        previous_code = code_of_field
    return "".join(parts)


def _check_cp_text(name: str, value: str) -> None:
    if not name or any(c in name for c in ";,=&/") or name.strip(_ASCII_WS) != name:
        raise ValidationError(f"CP field name {name!r} cannot be sent")
    if "&&" in value or value.strip(_ASCII_WS) != value:
        raise ValidationError(f"CP value {name}={value!r} cannot be sent")
    if value.startswith("//") and len(value) >= 4 and value.endswith("//"):
        if "//" in value[2:-2]:
            raise ValidationError(f"CP log {name}={value!r} contains '//'")
    elif any(c in value for c in ";,="):
        raise ValidationError(f"CP value {name}={value!r} contains a separator")
