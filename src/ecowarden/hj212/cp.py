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
"""

from __future__ import annotations

from collections.abc import Mapping

from ecowarden.errors import ValidationError
from ecowarden.hj212.errors import MalformedCP

# Separators, and the bytes that send a CP to the tolerant scanner (whitespace, '/' of logs).
_NOT_SPECIAL = bytes(b for b in range(256) if b not in b";,= \t\r\n/")
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
    special = body.translate(None, _NOT_SPECIAL)
    pairs = (len(special) + 1) // 2
    if (
        len(special) % 2
        and special[::2] == b"=" * pairs
        and not special[1::2].translate(None, b";,")
    ):
        tokens = iter(text.replace(";", ",").replace("=", ",").split(","))
        fields = dict(zip(tokens, tokens, strict=True))
        if len(fields) == pairs and "" not in fields:
            return fields, ()
    return _parse_tolerant(text)


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
