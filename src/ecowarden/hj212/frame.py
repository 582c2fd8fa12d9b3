"""One HJ 212 packet: the :class:`Frame`, the decode policy, data-segment parsing and encoding.

Communication packet, HJ 212-2017 §6.3.1 Table 2 [HJ212-2017]::

    ## | LLLL (data-segment length, 4 decimal digits) | data segment | CRC (4 hex) | CR LF

Data segment, §6.3.2 Table 3::

    QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;][RF=1;]CP=&&…&&

The header (everything before ``CP=&&``) and CP are parsed separately and by name, never by
position, so a ``Flag=`` inside CP never overwrites the header Flag (reference §3.4, §8 row 6).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from ecowarden.errors import ValidationError
from ecowarden.hj212.codes import (
    VERSION_BY_BITS,
    Command,
    Dialect,
    SystemCode,
    Version,
    is_encrypted_command,
)
from ecowarden.hj212.cp import CpLayouts, format_cp, group_items, parse_cp
from ecowarden.hj212.crc import CrcVariant, crc16, crc_text
from ecowarden.hj212.errors import (
    CrcMismatch,
    Encrypted,
    MalformedCP,
    MalformedHeader,
    ProtocolError,
)
from ecowarden.hj212.sm4 import CipherForm, decrypt_cp, encrypt_cp, format_braced, parse_braced
from ecowarden.hj212.times import parse_time

# Table 2: data segment 0-1024 characters [HJ212-2017]; real devices send up to 1703 (reference §8).
STANDARD_MAX_SEGMENT = 1024
# Four decimal digits can say no more.
LENGTH_FIELD_MAX = 9999

HEADER_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO", "RF")
_HEADER_RANK = {name: rank for rank, name in enumerate(HEADER_ORDER)}
_SYSTEM_CODES = frozenset(s.value for s in SystemCode)
_ASCII_WS = " \t\r\n"
_NOT_HEADER_SPECIAL = bytes(b for b in range(256) if b not in b";= \t\r\n")


def _no_variants(mn: str) -> tuple[CrcVariant, ...]:
    return ()


@dataclass(frozen=True)
class DecodePolicy:
    """How tolerant decoding is; one policy per device profile (reference §8, per-device profile).

    Attributes
    ----------
    verify_crc : bool
        Refuse a packet whose CRC does not match (default). ``False`` accepts it with the warning
        ``crc_unverified``.
    crc_variants : callable
        MN -> extra CRC variants accepted for that device (MODBUS loggers), never automatic.
    accept_lowercase_crc : bool
        Compare the CRC case-insensitively (reference §2.2; warning ``crc_lowercase``).
    max_segment_length : int
        Largest declared data-segment length accepted [bytes]; 1024 is the standard's limit,
        9999 (default) what four digits can express (reference §2.1, §8 row 5).
    recover_length_anomaly : bool
        When ``&&`` + CRC is not where the length field says, look forward for ``&&`` + 4 hex +
        tail and accept the packet only if that CRC verifies (reference §2.4 step 7).
    recover_bad_length_field : bool
        Same search when the length field is not 4 digits (``##81QN=…``); off by default.
    dialect : Dialect
        Edition to read packets as; ``AUTO`` takes it from the Flag version bits.
    answer_when_flag_absent : bool
        Whether a packet without Flag (2005 dialect) needs an answer (some provinces answer).
    gbk_fallback : bool
        Decode text that is not UTF-8 as GBK, with the warning ``gbk_text`` (reference §8 row 24).
    sm4_key : callable or None
        MN -> 16-byte SM4 key, or ``None`` when that device does not encrypt [HJ212-2025] §6.4.
    cipher_form : CipherForm
        Wire form of SM4 cipher text (unconfirmed; raw bytes by default).
    """

    verify_crc: bool = True
    crc_variants: Callable[[str], tuple[CrcVariant, ...]] = _no_variants
    accept_lowercase_crc: bool = True
    max_segment_length: int = LENGTH_FIELD_MAX
    recover_length_anomaly: bool = True
    recover_bad_length_field: bool = False
    dialect: Dialect = Dialect.AUTO
    answer_when_flag_absent: bool = False
    gbk_fallback: bool = True
    sm4_key: Callable[[str], bytes | None] | None = None
    cipher_form: CipherForm = CipherForm.RAW

    def __post_init__(self) -> None:
        if not 0 <= self.max_segment_length <= LENGTH_FIELD_MAX:
            raise ValidationError(
                f"max_segment_length={self.max_segment_length} outside 0..{LENGTH_FIELD_MAX}"
            )


DEFAULT_POLICY = DecodePolicy()


@dataclass(frozen=True)
class Frame:
    """A decoded packet.

    Equality compares the message (header fields, CP fields and what follows from them); how it
    travelled (``raw``, ``segment``, ``warnings``, ``crc_variant``, ``encrypted``) is provenance
    and does not take part.

    Attributes
    ----------
    qn : str or None
        Request number ``YYYYMMDDhhmmsszzz``; ``None`` when absent (2005 uploads), verbatim else.
    st : str
        System code, verbatim (see :class:`~ecowarden.hj212.codes.SystemCode`).
    cn : int
        Command code (see :class:`~ecowarden.hj212.codes.Command`).
    pw : str
        Access password, verbatim (validated against the registry, not here).
    mn : str
        Device number, verbatim.
    flag : int or None
        Flag, bits ``V5..V0 D A`` [HJ212-2017] §6.3.2; ``None`` when absent.
    cp : Mapping of str to str
        CP fields, name -> value text in wire order (``DataTime``, ``a21026-Avg`` …). A frame
        read against its connection's CP layout builds them on first use (the answer to an
        upload needs none); the value is the same.
    version : Version
        Edition the packet was read as.
    needs_ack : bool
        Whether the sender expects an answer (Flag bit 0, or the policy when Flag is absent).
    data_time : datetime or None
        ``DataTime`` as an aware Asia/Shanghai datetime; ``None`` when absent.
    pnum, pno : int or None
        Sub-packet count and number (拆分包), ``None`` when not split.
    resend : bool
        ``RF=1``: a backfilled (补传) packet [HJ212-2025].
    header_extra : Mapping of str to str
        Header fields the standard does not define, kept verbatim.
    raw : bytes
        The packet as received, ``##`` to CRC (no tail).
    segment : bytes
        The plaintext data segment (decrypted when it travelled encrypted).
    warnings : tuple of str
        Conformance warning codes (accepted deviations).
    crc_variant : CrcVariant
        The CRC algorithm that verified.
    encrypted : bool
        Whether CP travelled SM4-encrypted.
    """

    qn: str | None
    st: str
    cn: int
    pw: str
    mn: str
    flag: int | None
    cp: Mapping[str, str]
    version: Version
    needs_ack: bool
    data_time: dt.datetime | None
    pnum: int | None = None
    pno: int | None = None
    resend: bool = False
    header_extra: Mapping[str, str] = field(default_factory=dict)
    raw: bytes = field(default=b"", compare=False, repr=False)
    segment: bytes = field(default=b"", compare=False, repr=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    crc_variant: CrcVariant = field(default=CrcVariant.HJ212, compare=False)
    encrypted: bool = field(default=False, compare=False)

    if not TYPE_CHECKING:  # type checkers keep reporting unknown attributes of a Frame

        def __getattr__(self, name: str) -> object:
            # Only called for a name the instance does not hold. A frame decoded against a known
            # CP layout holds the layout and its match instead of ``cp`` and builds the fields
            # on first use: an answer needs none of them (67 fields cost 3.4 µs).
            pending = self.__dict__.get("_cp_pending") if name == "cp" else None
            if pending is None:
                raise AttributeError(f"'Frame' object has no attribute {name!r}")
            layout, match = pending
            fields = layout.fields(match)
            self.__dict__["cp"] = fields
            self.__dict__.pop("_cp_pending", None)
            return fields

    def __getstate__(self) -> dict[str, object]:
        # Copies and pickles carry the CP fields, not a regex match.
        state = dict(self.__dict__)
        if "_cp_pending" in state:
            state["cp"] = self.cp
            state.pop("_cp_pending", None)
        return state

    @cached_property
    def items(self) -> Mapping[str, Mapping[str, str]]:
        """Parameter code -> {field suffix: value text}, e.g. ``{"w01018": {"Avg": "27.3"}}``."""
        return group_items(self.cp)

    @property
    def command(self) -> Command | None:
        """``cn`` as a :class:`Command`, ``None`` for a code the tables do not list."""
        try:
            return Command(self.cn)
        except ValueError:
            return None

    @property
    def is_split(self) -> bool:
        """Whether this is one sub-packet of several (PNUM/PNO present)."""
        return self.pnum is not None

    def decimal(self, code: str, suffix: str) -> Decimal | None:
        """The value of ``code-suffix`` (e.g. ``"w01018", "Avg"``) as an exact Decimal.

        Returns ``None`` when the field is absent or empty (missing, never zero).

        Raises
        ------
        MalformedCP
            ``reason="bad_number"`` when the text is not a decimal number.
        """
        text = self.cp.get(f"{code}-{suffix}")
        if text is None or text == "":
            return None
        value = decimal_or_none(text)
        if value is None:
            raise MalformedCP(
                "bad_number", f"{code}-{suffix}={text!r} is not a number", self.raw, self.mn
            )
        return value

    def time(self, name: str) -> dt.datetime | None:
        """A time field of CP (``SystemTime``, ``BeginTime`` …) as an aware datetime, or ``None``.

        Raises
        ------
        MalformedCP
            ``reason="bad_time"`` for a value that is not ``YYYYMMDDhhmmss``.
        """
        text = self.cp.get(name)
        return None if text is None else parse_time(text, name=name)


def new_frame(values: dict[str, object]) -> Frame:
    """A Frame whose fields are ``values`` (all of them, already checked; decoder and builders).

    A frozen dataclass pays ``object.__setattr__`` per field in ``__init__`` (3.9 µs for 19
    fields, measured); handing it ``values`` as its ``__dict__`` costs 0.2 µs. The dict is taken
    over, not copied: pass a fresh one. The instance is as frozen as any other. Callers outside
    the codec use :func:`make_frame`.
    """
    frame = object.__new__(Frame)
    object.__setattr__(frame, "__dict__", values)
    return frame


# The fields of a frame without sub-packet, resend or provenance, except ``cp`` and
# ``header_extra`` (mutable: every frame gets its own). Hot paths copy it and store the rest: a
# dict copy and a few stores cost half of a 19-entry dict literal (0.56 vs 1.0 µs).
PLAIN_FRAME_FIELDS: dict[str, object] = {
    "qn": None,
    "st": "",
    "cn": 0,
    "pw": "",
    "mn": "",
    "flag": None,
    "version": Version.HJ212_2017,
    "needs_ack": False,
    "data_time": None,
    "pnum": None,
    "pno": None,
    "resend": False,
    "raw": b"",
    "segment": b"",
    "warnings": (),
    "crc_variant": CrcVariant.HJ212,
    "encrypted": False,
}


def decimal_or_none(text: str) -> Decimal | None:
    """``text`` as a Decimal if it is a plain decimal number (``-12.50``, ``3``, ``.5``), else None.

    Exponents, NaN, infinities, spaces and underscores are not HJ 212 numbers (Nx.y types,
    §6.3.3.2.2) and give ``None``.
    """
    digits = text[1:] if text[:1] in ("+", "-") else text
    digits = digits.replace(".", "", 1)
    if digits.isdigit() and digits.isascii():
        return Decimal(text)
    return None


def version_for(flag: int | None, *, resend: bool = False, encrypted: bool = False) -> Version:
    """Edition from the Flag version bits (``flag >> 2``; reference §3.2).

    Without Flag the packet is read as 2005, unless it carries 2025 content (RF, encrypted CP).

    Raises
    ------
    MalformedHeader
        ``reason="unknown_version"`` for version bits other than 0, 1, 2.
    """
    if flag is None:
        return Version.HJ212_2025 if resend or encrypted else Version.HJ212_2005
    version = VERSION_BY_BITS.get(flag >> 2)
    if version is None:
        raise MalformedHeader("unknown_version", f"Flag={flag}: version bits {flag >> 2} unknown")
    return version


def make_frame(
    cn: int,
    mn: str,
    *,
    st: str,
    pw: str,
    qn: str | None = None,
    flag: int | None = None,
    cp: Mapping[str, str] | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    resend: bool = False,
    header_extra: Mapping[str, str] | None = None,
) -> Frame:
    """A frame to send (answers, commands, tests), with version, answer bit and DataTime derived.

    Parameters
    ----------
    cn : int
        Command code.
    mn, st, pw : str
        Device number, system code, password.
    qn : str, optional
        Request number (see :func:`~ecowarden.hj212.times.make_qn`).
    flag : int, optional
        Flag; omitted from the packet when ``None``.
    cp : Mapping of str to str, optional
        CP fields in order.
    pnum, pno : int, optional
        Sub-packet fields.
    resend : bool
        Write ``RF=1`` (2025 backfill).
    header_extra : Mapping of str to str, optional
        Non-standard header fields.

    Raises
    ------
    ValidationError
        For values outside the fields' ranges.
    """
    if not 0 <= cn <= 9999:
        raise ValidationError(f"CN={cn} is not a 4-digit command code")
    if flag is not None and not 0 <= flag <= 255:
        raise ValidationError(f"Flag={flag} outside 0..255")
    if (pnum is None) != (pno is None) or (
        pnum is not None and pno is not None and not 1 <= pno <= pnum <= 9999
    ):
        raise ValidationError(f"PNUM={pnum}, PNO={pno}: need 1 <= PNO <= PNUM <= 9999 or neither")
    fields = dict(cp or {})
    try:
        version = version_for(flag, resend=resend)
        data_text = fields.get("DataTime")
        data_time = None if data_text is None else parse_time(data_text)
    except ProtocolError as exc:
        raise ValidationError(exc.detail) from None
    return new_frame(
        {
            "qn": qn,
            "st": st,
            "cn": cn,
            "pw": pw,
            "mn": mn,
            "flag": flag,
            "cp": fields,
            "version": version,
            "needs_ack": flag is not None and bool(flag & 1),
            "data_time": data_time,
            "pnum": pnum,
            "pno": pno,
            "resend": resend,
            "header_extra": dict(header_extra or {}),
            "raw": b"",
            "segment": b"",
            "warnings": (),
            "crc_variant": CrcVariant.HJ212,
            "encrypted": False,
        }
    )


_NOT_ENCODE_SPECIAL = bytes(b for b in range(256) if b not in b";= \t\r\n&")
# The separators of a six-field header (QN ST CN PW MN Flag) and of "CP=&&".
_SIX_FIELD_SPECIALS = b"=;" * 6 + b"=&&"


def encode(
    frame: Frame,
    *,
    tail: bytes = b"\r\n",
    key: bytes | None = None,
    cipher_form: CipherForm = CipherForm.RAW,
) -> bytes:
    """The packet for ``frame``: ``##`` + length + data segment + CRC + tail.

    Parameters
    ----------
    frame : Frame
        What to send; header fields in the order of Table 3, then ``header_extra``, then CP.
    tail : bytes
        Packet tail; CR LF by the standard, per-device for platforms that want another (§6.3).
    key : bytes, optional
        SM4 key: encrypt the CP content after computing the CRC [HJ212-2025] A.2.
    cipher_form : CipherForm
        Wire form of the cipher text.

    Returns
    -------
    bytes
        The packet. The length field counts the bytes of the transmitted data segment.

    Raises
    ------
    ValidationError
        For a field that cannot be carried, or a segment longer than 9999 bytes.
    """
    qn, flag = frame.qn, frame.flag
    if (
        qn is not None
        and flag is not None
        and frame.pnum is None
        and not frame.resend
        and not frame.header_extra
    ):
        # The usual header (answers, commands, uploads): the six fields of Table 3 at once.
        head = (
            f"QN={qn};ST={frame.st};CN={frame.cn:04d};PW={frame.pw};MN={frame.mn};Flag={flag};CP=&&"
        ).encode()
        expected = _SIX_FIELD_SPECIALS
    else:
        header = [f"ST={frame.st}", f"CN={frame.cn:04d}", f"PW={frame.pw}", f"MN={frame.mn}"]
        if qn is not None:
            header.insert(0, f"QN={qn}")
        if flag is not None:
            header.append(f"Flag={flag}")
        if frame.pnum is not None:
            header.append(f"PNUM={frame.pnum}")
            header.append(f"PNO={frame.pno}")
        if frame.resend:
            header.append("RF=1")
        for name, value in frame.header_extra.items():
            if not name or name in _HEADER_RANK or name == "CP":
                raise ValidationError(f"extra header field name {name!r} cannot be sent")
            header.append(f"{name}={value}")
        head = (";".join(header) + ";CP=&&").encode()
        expected = b"=;" * len(header) + b"=&&"
    # One '=' per field, ';' between, no whitespace, no '&' before CP: else a value carries a
    # separator and the packet would not read back.
    if head.translate(None, _NOT_ENCODE_SPECIAL) != expected:
        raise ValidationError(f"header {head[:-5]!r} has a field that cannot be sent")
    body = format_cp(frame.cp).encode() if frame.cp else b""
    segment = head + body + b"&&" if body else head + b"&&"
    crc = b"%04X" % crc16(segment)  # over the plaintext [HJ212-2025] A.2
    if key is not None:
        body = encrypt_cp(body, key)
        if cipher_form is CipherForm.BRACED_HEX:
            body = format_braced(body)
        segment = head + body + b"&&"
    if len(segment) > LENGTH_FIELD_MAX:
        raise ValidationError(f"data segment of {len(segment)} bytes exceeds 9999: split it")
    return b"##%04d%s%s%s" % (len(segment), segment, crc, tail)


def _peek_header(header: bytes, name: bytes) -> str | None:
    for token in header.split(b";"):
        key, sep, value = token.partition(b"=")
        if sep and key.strip() == name:
            return value.strip().decode("utf-8", "replace")
    return None


def _decode_text(data: bytes, policy: DecodePolicy, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if policy.gbk_fallback:
            try:
                text = data.decode("gbk")
            except UnicodeDecodeError:
                pass
            else:
                warnings.append("gbk_text")
                return text
    raise MalformedCP("undecodable_text", f"text is neither UTF-8 nor GBK: {data[:60]!r}")


def _int_field(name: str, value: str, limit: int) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) > limit:
        raise MalformedHeader(f"bad_{name.lower()}", f"{name}={value!r} is not 0..{limit}")
    return int(value)


def open_segment(
    segment: bytes,
    crc_field: bytes,
    raw: bytes,
    policy: DecodePolicy,
    warnings: list[str],
    layouts: CpLayouts | None = None,
) -> Frame:
    """Check and parse one framed data segment (CRC, decryption, header, CP).

    Parameters
    ----------
    segment : bytes
        The data segment as transmitted.
    crc_field : bytes
        The 4 hex characters after it.
    raw : bytes
        The whole packet, for errors and provenance.
    policy : DecodePolicy
        Tolerances.
    warnings : list of str
        Framing warnings so far; extended in place.
    layouts : CpLayouts, optional
        The connection's CP layouts: a CP matching one is checked in one pass and its fields are
        built on first use of ``Frame.cp``; the frame is the same either way.

    Raises
    ------
    ProtocolError
        ``CrcMismatch``, ``Encrypted``, ``MalformedHeader`` or ``MalformedCP``, with ``raw``.
    """
    try:
        frame = _open_standard(segment, crc_field, raw, policy, warnings, layouts)
        if frame is not None:
            return frame
        return _open_general(segment, crc_field, raw, policy, warnings)
    except ProtocolError as exc:
        if not exc.data:
            exc.data = raw
        if exc.mn is None:
            cut = segment.find(b"CP=&&")
            exc.mn = _peek_header(segment[: cut if cut >= 0 else len(segment)], b"MN")
        raise


# Looking an enum member up on its class costs 0.1 µs, a tenth of the header checks.
_AUTO = Dialect.AUTO
# The common packet (Table 3 order, standard field formats, nothing optional in the header):
# "QN=YYYYMMDDhhmmsszzz;ST=..;CN=....;PW=...;MN=...;Flag=...;CP=&&". The value classes leave out
# what the general header parser treats specially (';', '=', ASCII whitespace), so a match reads
# exactly as it would there, and without any header warning.
_STANDARD_HEAD = re.compile(
    r"QN=([0-9]{17});ST=([0-9]{2});CN=([0-9]{4});PW=([^;= \t\r\n]*);MN=([^;= \t\r\n]+);"
    r"Flag=([0-9]{1,3});CP=&&"
)


def _open_standard(
    segment: bytes,
    crc_field: bytes,
    raw: bytes,
    policy: DecodePolicy,
    warnings: list[str],
    layouts: CpLayouts | None,
) -> Frame | None:
    # The hot path: an ASCII plaintext packet with a correct upper-case CRC and the standard
    # header, under a policy whose switches do not matter for it (AUTO dialect, no SM4 key).
    # Returns None, before touching ``warnings``, for anything else: the general path decides.
    # Each check is one that ``_open_general``/``_build`` make, and the warnings come in their
    # order; a test compares both paths.
    if policy.sm4_key is not None or policy.dialect is not _AUTO:
        return None
    if not segment.isascii() or segment[-2:] != b"&&":
        return None
    text = segment.decode("ascii")
    head = _STANDARD_HEAD.match(text)
    if head is None:
        return None
    qn, st, cn_text, pw, mn, flag_text = head.groups()
    body_start = head.end()
    flag = int(flag_text)
    version = VERSION_BY_BITS.get(flag >> 2)
    if (
        version is None  # also for Flag > 255: its version bits exceed 2
        or flag & 2  # split bit without PNUM/PNO: the general path warns
        or st not in _SYSTEM_CODES
        or len(segment) < body_start + 2
        or segment.startswith(b"{0", body_start)  # braced SM4 cipher text
        or not (crc_field.isdigit() or crc_field.isupper())
        or crc16(segment) != int(crc_field, 16)
    ):
        return None
    if len(segment) > STANDARD_MAX_SEGMENT:
        warnings.append("segment_over_1024")
    cn = int(cn_text)
    body_stop = len(text) - 2
    values = PLAIN_FRAME_FIELDS.copy()
    layout = None if layouts is None else layouts.get(cn)
    match = None if layout is None else layout.pattern.fullmatch(text, body_start, body_stop)
    if layout is not None and match is not None:
        # The CP reads as this layout's names with the groups as values, without warnings; the
        # fields are built on first use of ``cp`` (Frame.__getattr__).
        values["_cp_pending"] = (layout, match)
        data_text = match.group(layout.data_time) if layout.data_time else None
    else:
        cp, cp_warnings = parse_cp(segment[body_start:-2], text[body_start:body_stop])
        if cp_warnings:
            warnings.extend(cp_warnings)
        elif layouts is not None:
            layouts.learn(cn, cp, text, body_start, body_stop)
        values["cp"] = cp
        data_text = cp.get("DataTime")
    if data_text is not None:
        values["data_time"] = parse_time(data_text)
        if len(data_text) == 17:
            warnings.append("time_milliseconds")
    values["qn"] = qn
    values["st"] = st
    values["cn"] = cn
    values["pw"] = pw
    values["mn"] = mn
    values["flag"] = flag
    values["version"] = version
    values["needs_ack"] = flag & 1 == 1
    values["header_extra"] = {}
    values["raw"] = raw
    values["segment"] = segment
    if warnings:
        values["warnings"] = tuple(warnings)
    return new_frame(values)


def _open_general(
    segment: bytes,
    crc_field: bytes,
    raw: bytes,
    policy: DecodePolicy,
    warnings: list[str],
) -> Frame:
    if crc_field != crc_field.upper():
        if not policy.accept_lowercase_crc:
            raise CrcMismatch("lowercase_crc", f"CRC {crc_field!r} is not upper-case hex")
        warnings.append("crc_lowercase")
        crc_field = crc_field.upper()
    if segment.startswith(b"CP=&&"):
        cut = 0
    else:
        found = segment.find(b";CP=&&")
        cut = found + 1 if found >= 0 else -1
    has_cp = cut >= 0 and len(segment) >= cut + 7 and segment.endswith(b"&&")
    head = segment[:cut] if cut >= 0 else segment
    body = segment[cut + 5 : -2] if has_cp else b""
    plain_segment = segment
    encrypted = False
    if has_cp and (policy.sm4_key is not None or body.startswith(b"{0")):
        plain_body = _decrypt(head, body, crc_field, policy, warnings)
        if plain_body is not None:
            body = plain_body
            plain_segment = head + b"CP=&&" + body + b"&&"
            encrypted = True
    variant = CrcVariant.HJ212
    if not encrypted and crc16(segment) != int(crc_field, 16):
        variant = _other_variant(segment, head, crc_field, policy, warnings)
    if len(plain_segment) > STANDARD_MAX_SEGMENT:
        warnings.append("segment_over_1024")
    if not has_cp:
        raise MalformedHeader("missing_field", "no CP=&&…&& field ends the data segment")
    try:
        header_text = head.decode()
        body_text = body.decode()
    except UnicodeDecodeError:
        header_text = _decode_text(head, policy, warnings)
        body_text = _decode_text(body, policy, warnings)
    frame_fields = _parse_header(head, header_text, warnings)
    cp, cp_warnings = parse_cp(body, body_text)
    if cp_warnings:
        warnings.extend(cp_warnings)
    return _build(frame_fields, cp, policy, warnings, raw, plain_segment, variant, encrypted)


def _decrypt(
    head: bytes,
    body: bytes,
    crc_field: bytes,
    policy: DecodePolicy,
    warnings: list[str],
) -> bytes | None:
    # Returns the plaintext CP content, or None when CP travelled in clear.
    carried = int(crc_field, 16)
    braced = parse_braced(body) if body.startswith((b"{0x", b"{0X")) else None
    if body.startswith((b"{0x", b"{0X")) and braced is None:
        raise Encrypted("bad_cipher_text", f"CP {body[:40]!r}… is not {{0x..,…}} cipher text")
    mn = _peek_header(head, b"MN") or ""
    key = policy.sm4_key(mn) if policy.sm4_key is not None else None
    if braced is None:
        cn_text = _peek_header(head, b"CN") or ""
        if (
            key is None
            or policy.cipher_form is not CipherForm.RAW
            or not (cn_text.isascii() and cn_text.isdigit())
            or not is_encrypted_command(int(cn_text))
        ):
            return None
        cipher = body
    else:
        if key is None:
            raise Encrypted("no_key", f"MN={mn!r} sent SM4 cipher text and has no key")
        cipher = braced
    try:
        plain = decrypt_cp(cipher, key)
    except ValidationError as exc:
        raise Encrypted("bad_key", f"MN={mn!r}: {exc}") from None
    if crc16(head + b"CP=&&" + plain + b"&&") == carried:
        return plain
    if braced is None and crc16(head + b"CP=&&" + body + b"&&") == carried:
        # A device holding a key may send in clear on a private network (§6.4.1 "宜").
        warnings.append("not_encrypted")
        return None
    raise Encrypted(
        "decryption_failed", f"MN={mn!r}: CRC {crc_field.decode()} fails after SM4 decryption"
    )


def _other_variant(
    segment: bytes,
    head: bytes,
    crc_field: bytes,
    policy: DecodePolicy,
    warnings: list[str],
) -> CrcVariant:
    mn = _peek_header(head, b"MN") or ""
    for variant in policy.crc_variants(mn):
        if crc_text(segment, variant) == crc_field:
            warnings.append(f"crc_{variant.value.replace('-', '_')}")
            return variant
    if policy.verify_crc:
        raise CrcMismatch(
            "crc_mismatch",
            f"carried CRC {crc_field.decode()}, data segment gives {crc16(segment):04X}",
        )
    warnings.append("crc_unverified")
    return CrcVariant.HJ212


_STANDARD_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag")


def _parse_header(head: bytes, text: str, warnings: list[str]) -> dict[str, str]:
    # head/text: the header up to and including the ';' before CP (or empty). Fast path: the
    # separators and whitespace read exactly "=;" per field, no name is empty or repeated.
    n = text.count(";")
    if head.translate(None, _NOT_HEADER_SPECIAL) == b"=;" * n:
        tokens = iter(text.replace(";", "=").split("="))
        fields = dict(zip(tokens, tokens, strict=False))  # the last token is the empty tail
        if len(fields) == n and "" not in fields:
            if tuple(fields)[:6] != _STANDARD_ORDER:
                _check_order(fields, warnings)
            return fields
    return _parse_header_tolerant(text, warnings)


def _check_order(fields: dict[str, str], warnings: list[str]) -> None:
    ranks = [_HEADER_RANK[name] for name in fields if name in _HEADER_RANK]
    if ranks != sorted(ranks):
        warnings.append("header_field_order")


def _parse_header_tolerant(text: str, warnings: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    tokens = text.split(";")
    if tokens and tokens[-1] == "":
        tokens.pop()
    for token in tokens:
        name, sep, value = token.partition("=")
        if not sep:
            if token.strip(_ASCII_WS):
                raise MalformedHeader("bad_header_field", f"header token {token!r} has no '='")
            warnings.append("empty_header_field")
            continue
        if "=" in value:
            raise MalformedHeader("bad_header_field", f"header field {token!r} has two '='")
        if name.strip(_ASCII_WS) != name or value.strip(_ASCII_WS) != value:
            warnings.append("header_whitespace")
            name = name.strip(_ASCII_WS)
            value = value.strip(_ASCII_WS)
        if not name:
            raise MalformedHeader("bad_header_field", f"header field {token!r} has no name")
        if name in fields:
            raise MalformedHeader(
                "duplicate_field", f"{name} given twice: {fields[name]!r} and {value!r}"
            )
        fields[name] = value
    _check_order(fields, warnings)
    return fields


def _build(
    fields: dict[str, str],
    cp: dict[str, str],
    policy: DecodePolicy,
    warnings: list[str],
    raw: bytes,
    segment: bytes,
    variant: CrcVariant,
    encrypted: bool,
) -> Frame:
    pop = fields.pop
    st = pop("ST", None)
    cn_text = pop("CN", None)
    pw = pop("PW", None)
    mn = pop("MN", None)
    if st is None or cn_text is None or pw is None or not mn:
        missing = [name for name, v in (("ST", st), ("CN", cn_text), ("PW", pw)) if v is None]
        raise MalformedHeader("missing_field", f"header has no {', '.join(missing) or 'MN'}")
    if st not in _SYSTEM_CODES:
        if not (2 <= len(st) <= 3 and st.isascii() and st.isalnum()):
            raise MalformedHeader("bad_st", f"ST={st!r} is not 2-3 letters or digits")
        warnings.append("st_nonstandard")
    if not (len(cn_text) == 4 and cn_text.isascii() and cn_text.isdigit()):
        raise MalformedHeader("bad_cn", f"CN={cn_text!r} is not 4 digits")
    qn = pop("QN", None)
    if qn is not None and not (len(qn) == 17 and qn.isascii() and qn.isdigit()):
        warnings.append("qn_format")
    flag_text = pop("Flag", None)
    flag = None if flag_text is None else _int_field("Flag", flag_text, 255)
    pnum_text = pop("PNUM", None)
    pno_text = pop("PNO", None)
    pnum = pno = None
    if pnum_text is not None or pno_text is not None:
        if pnum_text is None or pno_text is None:
            raise MalformedHeader("bad_subpacket", "PNUM and PNO must come together")
        pnum = _int_field("PNUM", pnum_text, 9999)
        pno = _int_field("PNO", pno_text, 9999)
        if not 1 <= pno <= pnum:
            raise MalformedHeader("bad_subpacket", f"PNO={pno} outside 1..PNUM={pnum}")
    if flag is not None and bool(flag & 2) != (pnum is not None):
        warnings.append("split_bit_mismatch")
    rf = pop("RF", None)
    if rf is not None and rf not in ("0", "1"):
        raise MalformedHeader("bad_rf", f"RF={rf!r}: only RF=1 marks a resend")
    if rf == "0":
        warnings.append("rf_zero")  # [HJ212-2025]: "非补传时，无本字段"
    resend = rf == "1"
    if fields:
        warnings.append("unknown_header_field")
    if policy.dialect is Dialect.AUTO:
        version = version_for(flag, resend=resend, encrypted=encrypted)
    else:
        version = Version(policy.dialect.value)
        if flag is not None and VERSION_BY_BITS.get(flag >> 2) is not version:
            warnings.append("version_bits_mismatch")
    data_text = cp.get("DataTime")
    data_time = None
    if data_text is not None:
        data_time = parse_time(data_text)
        if len(data_text) == 17:
            warnings.append("time_milliseconds")
    return new_frame(
        {
            "qn": qn,
            "st": st,
            "cn": int(cn_text),
            "pw": pw,
            "mn": mn,
            "flag": flag,
            "cp": cp,
            "version": version,
            "needs_ack": bool(flag & 1) if flag is not None else policy.answer_when_flag_absent,
            "data_time": data_time,
            "pnum": pnum,
            "pno": pno,
            "resend": resend,
            "header_extra": fields,
            "raw": raw,
            "segment": segment,
            "warnings": tuple(warnings),
            "crc_variant": variant,
            "encrypted": encrypted,
        }
    )
