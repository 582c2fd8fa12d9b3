"""Stream framing: bytes from a TCP connection in, frames and refusals out (sans-I/O).

Receiver framing of reference §2.4, length-based as HJ 212-2017 Table 2 defines the packet
[HJ212-2017]:

1. Bytes before ``##`` are garbage (reported as one :class:`Garbage` run), except CR/LF right
   after a frame, which are its late tail.
2. The 4 length characters must be ASCII digits, otherwise this ``##`` is refused and the scan
   resumes at the byte after it.
3. A frame is complete once ``##`` + 4 + L + 4 bytes are in: it is emitted at once, without
   waiting for a tail (a device without tail waits for its answer). CR LF, LF or CR that follow
   are counted as the tail; nothing else is required.
4. ``&&`` + 4 hex not where the length says: look forward for ``&&`` + 4 hex + CR/LF/``##`` and
   accept only if that CRC verifies (length anomaly, e.g. a length counted in characters).
5. A refused packet never stops the stream: scanning resumes after its ``##``. A frame's payload
   is never rescanned for ``##`` (logs can embed packets).

The decisions depend only on the bytes, never on how they were cut into reads, so feeding a
stream whole, byte by byte or in any chunks gives the same results (tests check this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ecowarden.errors import ValidationError
from ecowarden.hj212.cp import CpLayouts
from ecowarden.hj212.errors import (
    BadLength,
    CrcMismatch,
    Garbage,
    MalformedHeader,
    Oversize,
    ProtocolError,
)
from ecowarden.hj212.frame import DEFAULT_POLICY, DecodePolicy, Frame, open_segment

DEFAULT_MAX_BUFFER = 64 * 1024  # ≥ 6 + 9999 + 4 + 2 bytes (reference §2.4 step 1)

_HEX = b"0123456789ABCDEFabcdef"
_HEX_BYTES = frozenset(_HEX)
# &&, 4 hex, then a tail or the next packet; \Z only once the stream has ended.
_END_IN_STREAM = re.compile(rb"&&([0-9A-Fa-f]{4})(?=\r|\n|##)")
_END_AT_CLOSE = re.compile(rb"&&([0-9A-Fa-f]{4})(?=\r|\n|##|\Z)")


@dataclass(frozen=True)
class DecoderStats:
    """Counters of one connection, for conformance reports and abuse limits.

    Attributes
    ----------
    frames, refused : int
        Frames emitted and packets refused (``ProtocolError`` other than :class:`Garbage`).
    garbage_bytes, skipped_bytes : int
        Bytes outside packets, and bytes of refused packets passed over while resyncing.
    tail_crlf, tail_lf, tail_cr, tail_missing : int
        How frames ended (reference §8 rows 3-4: LF-only and missing tails are accepted).
    """

    frames: int = 0
    refused: int = 0
    garbage_bytes: int = 0
    skipped_bytes: int = 0
    tail_crlf: int = 0
    tail_lf: int = 0
    tail_cr: int = 0
    tail_missing: int = 0


def _is_hex(data: bytes) -> bool:
    return bool(data) and not data.strip(_HEX)


def _terminated(buf: bytes, at: int, final: bool) -> bool | None:
    # Whether a tail, the next packet or (at close) the end follows position ``at``;
    # None when more bytes are needed to tell.
    if at >= len(buf):
        return True if final else None
    c = buf[at]
    if c in (13, 10):
        return True
    if c == 35:  # '#'
        if at + 1 >= len(buf):
            return True if final else None
        return buf[at + 1] == 35
    return False


def frame_at(
    buf: bytes,
    start: int,
    final: bool,
    policy: DecodePolicy,
    max_buffer: int,
    layouts: CpLayouts | None = None,
) -> tuple[Frame | ProtocolError, int] | None:
    """Frame the packet whose ``##`` is at ``start``.

    Parameters
    ----------
    buf : bytes
        Buffered bytes.
    start : int
        Index of ``##``.
    final : bool
        No more bytes will come (end of stream): decide with what is there.
    policy : DecodePolicy
        Tolerances.
    max_buffer : int
        Largest packet held [bytes].
    layouts : CpLayouts, optional
        The connection's CP layouts (see :func:`~ecowarden.hj212.frame.open_segment`).

    Returns
    -------
    tuple or None
        ``(frame, end)`` or ``(error, resume)``; ``None`` when more bytes are needed.
    """
    n = len(buf)
    if n - start < 6:
        if not final:
            return None
        return BadLength("truncated", "stream ended inside the packet header", buf[start:]), n
    length_field = buf[start + 2 : start + 6]
    if not (length_field.isdigit()):
        if policy.recover_bad_length_field:
            digits = 0
            while digits < 4 and buf[start + 2 + digits : start + 3 + digits].isdigit():
                digits += 1
            return _search_end(buf, start, start + 2 + digits, None, final, policy, max_buffer)
        return (
            BadLength(
                "bad_length_field",
                f"length field {length_field!r} is not 4 digits",
                buf[start : start + 6],
            ),
            start + 2,
        )
    declared = int(length_field)
    if declared > policy.max_segment_length:
        return (
            Oversize(
                "oversize_segment",
                f"declared data segment {declared} > limit {policy.max_segment_length}",
                buf[start : start + 6],
            ),
            start + 2,
        )
    end = start + 6 + declared
    if end + 4 - start > max_buffer:
        return (
            Oversize(
                "buffer_overflow",
                f"packet of {end + 4 - start} bytes > buffer cap {max_buffer}",
                buf[start : start + 6],
            ),
            start + 2,
        )
    if n < end + 4:
        if not final:
            return None
        return _search_end(buf, start, start + 6, declared, final, policy, max_buffer)
    segment = buf[start + 6 : end]
    crc_field = buf[end : end + 4]
    closed = segment[-2:] == b"&&"
    if closed and not crc_field.strip(_HEX):  # 4 bytes are in: the field is 4 hex digits
        try:
            raw = buf[start : end + 4]
            return open_segment(segment, crc_field, raw, policy, [], layouts), end + 4
        except ProtocolError as exc:
            return exc, start + 2
    if closed:
        short = 0
        while short < 3 and buf[end + short] in _HEX_BYTES:
            short += 1
        told = _terminated(buf, end + short, final) if short else False
        if told is None:
            return None
        if told:
            # "880" for "0880": the writer dropped a leading zero (reference §2.3).
            return (
                CrcMismatch(
                    "malformed_crc_field",
                    f"CRC field {buf[end : end + short]!r} is not 4 hex digits",
                    buf[start : end + short],
                ),
                start + 2,
            )
    elif _is_hex(crc_field):
        told = _terminated(buf, end + 4, final)
        if told is None:
            return None
        if told:
            # Length and CRC where declared, but no closing && : let the CRC speak first.
            return _open(buf, start, end, segment, crc_field, [], policy)
    return _search_end(buf, start, start + 6, declared, final, policy, max_buffer)


def _open(
    buf: bytes,
    start: int,
    end: int,
    segment: bytes,
    crc_field: bytes,
    warnings: list[str],
    policy: DecodePolicy,
) -> tuple[Frame | ProtocolError, int]:
    raw = buf[start : end + 4]
    try:
        return open_segment(segment, crc_field, raw, policy, warnings), end + 4
    except ProtocolError as exc:
        return exc, start + 2


def _search_end(
    buf: bytes,
    start: int,
    seg_start: int,
    declared: int | None,
    final: bool,
    policy: DecodePolicy,
    max_buffer: int,
) -> tuple[Frame | ProtocolError, int] | None:
    # §2.4 step 7: the first `&&` + 4 hex + tail after the header; accepted only if its CRC
    # verifies, so a misframed packet never passes as a frame.
    if declared is None:
        reason, what = "bad_length_field", "the length field is not 4 digits"
    else:
        reason, what = "length_mismatch", f"the declared length {declared} does not fit"
    found = None
    if declared is None or policy.recover_length_anomaly:
        bound = min(seg_start + policy.max_segment_length + 4 + 2, start + max_buffer)
        pattern = _END_AT_CLOSE if final else _END_IN_STREAM
        found = pattern.search(buf, seg_start, min(len(buf), bound))
        if found is None and not final and len(buf) < bound:
            return None
    if found is None:
        stop = len(buf) if declared is None else min(len(buf), seg_start + declared + 4)
        if declared is not None and len(buf) < seg_start + declared + 4:
            reason, what = "truncated", f"stream ended inside a {declared}-byte data segment"
        return BadLength(reason, f"{what} and no '&&' + CRC closes the packet", buf[start:stop]), (
            start + 2
        )
    end = found.start() + 2
    segment = buf[seg_start:end]
    if segment.count(b"CP=&&") > 1:
        # The span runs into the next packet (its own closing && was damaged): with only 256
        # CRC values, a chance match must not glue two packets into one frame.
        return BadLength(
            reason, f"{what}; the next '&&' + CRC lies in another packet", buf[start : end + 4]
        ), start + 2
    warnings = ["bad_length_field" if declared is None else "length_anomaly"]
    result, resume = _open(buf, start, end, segment, found.group(1), warnings, policy)
    if isinstance(result, CrcMismatch):
        return BadLength(
            reason, f"{what}; the next '&&' + CRC fails: {result.detail}", result.data, result.mn
        ), resume
    if isinstance(result, Frame) and declared is not None:
        text_length = len(result.segment.decode("utf-8", "replace"))
        if text_length == declared and text_length != len(result.segment):
            # The length counted characters, not bytes (reference §2.2, xiaoyao9184 issue #26).
            result = _rewarn(result, "length_anomaly", "length_counts_characters")
    return result, resume


def _rewarn(frame: Frame, old: str, new: str) -> Frame:
    return replace(frame, warnings=tuple(new if w == old else w for w in frame.warnings))


class Decoder:
    """Per-connection stream decoder: call :meth:`feed` with each read.

    The decoder also remembers the CP layouts the connection sends
    (:class:`~ecowarden.hj212.cp.CpLayouts`), which makes the steady state faster and never
    changes a result.

    Parameters
    ----------
    policy : DecodePolicy
        Tolerances for this device (or the listener's default).
    max_buffer : int
        Largest packet held, and largest garbage run reported at once [bytes].
    """

    def __init__(
        self, policy: DecodePolicy = DEFAULT_POLICY, *, max_buffer: int = DEFAULT_MAX_BUFFER
    ) -> None:
        if max_buffer < 16:
            raise ValidationError(f"max_buffer={max_buffer} is too small to hold a packet")
        self.policy = policy
        self.max_buffer = max_buffer
        self._buf = b""
        self._garbage = bytearray()
        self._tail_pending = False
        self._skipping = False
        self._frames = 0
        self._refused = 0
        self._garbage_bytes = 0
        self._skipped_bytes = 0
        self._tails = [0, 0, 0, 0]  # CRLF, LF, CR, missing
        self._layouts = CpLayouts()

    @property
    def stats(self) -> DecoderStats:
        """Counters so far."""
        crlf, lf, cr, missing = self._tails
        return DecoderStats(
            self._frames,
            self._refused,
            self._garbage_bytes,
            self._skipped_bytes,
            crlf,
            lf,
            cr,
            missing,
        )

    @property
    def pending(self) -> int:
        """Bytes held for an incomplete packet or garbage run [bytes]."""
        return len(self._buf) + len(self._garbage)

    def feed(self, chunk: bytes) -> list[Frame | ProtocolError]:
        """Frames and refusals completed by ``chunk``, in stream order."""
        buf = self._buf + chunk if self._buf else chunk
        out: list[Frame | ProtocolError] = []
        self._buf = buf[self._scan(buf, False, out) :]
        return out

    def end_of_stream(self) -> list[Frame | ProtocolError]:
        """Decide what is held (connection closed or idle timeout) and reset.

        A packet without tail is complete; a cut-off packet is refused as ``truncated``; a
        pending garbage run is reported.
        """
        out: list[Frame | ProtocolError] = []
        buf = self._buf
        self._buf = b""
        self._scan(buf, True, out)
        self._flush_garbage(out)
        if self._tail_pending:
            self._tails[3] += 1
            self._tail_pending = False
        self._skipping = False
        return out

    def _scan(self, buf: bytes, final: bool, out: list[Frame | ProtocolError]) -> int:
        pos = 0
        n = len(buf)
        while pos < n:
            if self._tail_pending:
                c = buf[pos]
                if c == 13:
                    if pos + 1 >= n and not final:
                        return pos
                    if pos + 1 < n and buf[pos + 1] == 10:
                        self._tails[0] += 1
                        pos += 2
                    else:
                        self._tails[2] += 1
                        pos += 1
                elif c == 10:
                    self._tails[1] += 1
                    pos += 1
                else:
                    self._tails[3] += 1
                self._tail_pending = False
                continue
            start = pos if buf.startswith(b"##", pos) else buf.find(b"##", pos)
            if start < 0:
                # Keep a last '#': it may open the next packet.
                stop = n - 1 if not final and buf.endswith(b"#") else n
                self._pass_over(buf[pos:stop], out)
                return stop
            if start > pos:
                self._pass_over(buf[pos:start], out)
            self._skipping = False
            if self._garbage:
                self._flush_garbage(out)
            result = frame_at(buf, start, final, self.policy, self.max_buffer, self._layouts)
            if result is None:
                return start
            event, pos = result
            out.append(event)
            if isinstance(event, Frame):
                self._frames += 1
                self._tail_pending = True
            else:
                self._refused += 1
                self._skipping = True
        return pos

    def _pass_over(self, data: bytes, out: list[Frame | ProtocolError]) -> None:
        if self._skipping:
            self._skipped_bytes += len(data)
            return
        self._garbage += data
        cap = self.max_buffer
        while len(self._garbage) >= cap:
            piece = bytes(self._garbage[:cap])
            del self._garbage[:cap]
            self._report_garbage(piece, out)

    def _flush_garbage(self, out: list[Frame | ProtocolError]) -> None:
        if self._garbage:
            piece = bytes(self._garbage)
            self._garbage.clear()
            self._report_garbage(piece, out)

    def _report_garbage(self, piece: bytes, out: list[Frame | ProtocolError]) -> None:
        self._garbage_bytes += len(piece)
        out.append(Garbage("garbage", f"{len(piece)} bytes outside any packet", piece))


def decode(packet: bytes, *, policy: DecodePolicy = DEFAULT_POLICY) -> Frame:
    """Decode one complete packet (``##`` … CRC, with or without its tail).

    Parameters
    ----------
    packet : bytes
        The packet; CR LF, LF, CR or nothing may follow the CRC.
    policy : DecodePolicy
        Tolerances.

    Returns
    -------
    Frame

    Raises
    ------
    ProtocolError
        The refusal, with its ``reason`` and the offending bytes.
    """
    if not packet.startswith(b"##"):
        raise MalformedHeader("missing_header", "packet does not start with '##'", packet)
    result = frame_at(packet, 0, True, policy, max(DEFAULT_MAX_BUFFER, len(packet)))
    assert result is not None  # final=True always decides
    event, end = result
    if isinstance(event, ProtocolError):
        raise event
    if packet[end:] not in (b"", b"\r\n", b"\n", b"\r"):
        raise BadLength(
            "trailing_bytes", f"{len(packet) - end} bytes after the CRC are not a tail", packet
        )
    return event
