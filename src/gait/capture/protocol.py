"""The insole's wire protocol, version 1 (byte layout in firmware/PROTOCOL.md).

Each frame is COBS-encoded and ends with one 0x00 byte, so a receiver that joins mid-stream
or loses bytes resynchronises at the next 0x00. Inside: version, type, sensor counts, a
32-bit frame counter, the device clock in microseconds, uint16 readings (left foot first)
and a CRC-16/CCITT-FALSE, all little-endian. The same encoder/decoder exists in plain C in
firmware/gait_frame.c; tests prove the two write identical bytes.

Host commands are single ASCII bytes (see COMMANDS below).
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass

VERSION = 1
TYPE_DATA = 0x01
TYPE_IDENT = 0x02
MAX_SENSORS = 64  # per foot, as in gait_frame.h
IDENT_TEXT_MAX = 64
DATA_HEADER = struct.Struct("<BBBBII")  # version, type, n_left, n_right, seq, t_us
IDENT_HEADER = struct.Struct("<BBBBHBB")  # version, type, n_left, n_right, rate_hz, adc_bits, k
MAX_PAYLOAD = DATA_HEADER.size + 2 * 2 * MAX_SENSORS + 2
MAX_ENCODED = MAX_PAYLOAD + MAX_PAYLOAD // 254 + 1  # without the 0x00 delimiter

# Host -> board commands (one byte each; `r` takes decimal digits and a newline).
CMD_IDENT = b"?"
CMD_START = b"g"
CMD_STOP = b"s"
CMD_BINARY = b"b"
CMD_TEXT = b"t"
CMD_RATE = b"r"


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor)."""
    return binascii.crc_hqx(data, 0xFFFF)


def cobs_encode(data: bytes) -> bytes:
    """Consistent Overhead Byte Stuffing (Cheshire & Baker 1999), without the delimiter."""
    out = bytearray()
    for piece in data.split(b"\x00"):
        while len(piece) >= 254:
            out += b"\xff" + piece[:254]
            piece = piece[254:]
        out.append(len(piece) + 1)
        out += piece
    return bytes(out)


def cobs_decode(enc: bytes) -> bytes | None:
    """Inverse of cobs_encode; None when `enc` is not valid COBS."""
    if not enc or 0 in enc:
        return None
    out = bytearray()
    i, n = 0, len(enc)
    while i < n:
        code = enc[i]
        j = i + code
        if j > n:
            return None
        out += enc[i + 1 : j]
        i = j
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


@dataclass(frozen=True, slots=True)
class DataFrame:
    """One sample of every sensor: counts of the left foot's sensors, then the right's."""

    seq: int
    t_us: int
    left: tuple[int, ...]
    right: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class IdentFrame:
    """The board's answer to `?`: what it is and what it sends."""

    n_left: int
    n_right: int
    rate_hz: int
    adc_bits: int
    text: str


Frame = DataFrame | IdentFrame


def _seal(payload: bytes) -> bytes:
    body = payload + struct.pack("<H", crc16(payload))
    return cobs_encode(body) + b"\x00"


def encode_data(frame: DataFrame) -> bytes:
    """Wire bytes of a data frame, delimiter included."""
    nl, nr = len(frame.left), len(frame.right)
    if nl > MAX_SENSORS or nr > MAX_SENSORS:
        raise ValueError(f"at most {MAX_SENSORS} sensors per foot")
    head = DATA_HEADER.pack(VERSION, TYPE_DATA, nl, nr, frame.seq, frame.t_us)
    return _seal(head + struct.pack(f"<{nl + nr}H", *frame.left, *frame.right))


def encode_ident(ident: IdentFrame) -> bytes:
    """Wire bytes of an ident frame, delimiter included."""
    text = ident.text.encode("ascii")
    if len(text) > IDENT_TEXT_MAX:
        raise ValueError(f"ident text longer than {IDENT_TEXT_MAX} bytes")
    head = IDENT_HEADER.pack(
        VERSION, TYPE_IDENT, ident.n_left, ident.n_right, ident.rate_hz, ident.adc_bits, len(text)
    )
    return _seal(head + text)


class FrameError(ValueError):
    """Why a frame was dropped: kind is 'cobs', 'crc' or 'format'."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def decode(enc: bytes) -> Frame:
    """Decode the bytes between two delimiters; raises FrameError."""
    if len(enc) > MAX_ENCODED:
        raise FrameError("cobs")
    p = cobs_decode(enc)
    if p is None:
        raise FrameError("cobs")
    if len(p) < 6:
        raise FrameError("format")
    body = p[:-2]
    if crc16(body) != int.from_bytes(p[-2:], "little"):
        raise FrameError("crc")
    if body[0] != VERSION:
        raise FrameError("format")
    if body[1] == TYPE_DATA:
        if len(body) < DATA_HEADER.size:
            raise FrameError("format")
        _, _, nl, nr, seq, t_us = DATA_HEADER.unpack_from(body)
        if nl > MAX_SENSORS or nr > MAX_SENSORS or len(body) != DATA_HEADER.size + 2 * (nl + nr):
            raise FrameError("format")
        values = struct.unpack_from(f"<{nl + nr}H", body, DATA_HEADER.size)
        return DataFrame(seq, t_us, values[:nl], values[nl:])
    if body[1] == TYPE_IDENT:
        if len(body) < IDENT_HEADER.size:
            raise FrameError("format")
        _, _, nl, nr, rate, bits, k = IDENT_HEADER.unpack_from(body)
        if k > IDENT_TEXT_MAX or len(body) != IDENT_HEADER.size + k:
            raise FrameError("format")
        text = body[IDENT_HEADER.size :].decode("ascii", errors="replace")
        return IdentFrame(nl, nr, rate, bits, text)
    raise FrameError("format")


class StreamDecoder:
    """Turns arbitrary byte chunks into frames, counting what it had to drop.

    Bytes accumulate until a 0x00 delimiter. A chunk that does not decode is retried from
    each later start byte, so garbage that arrived just before a frame (line noise, a
    partial frame after a reconnect) costs only the garbage, not the frame behind it.
    Never raises on input; every dropped chunk counts as one CRC or framing error.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.frames = 0
        self.crc_errors = 0
        self.framing_errors = 0
        self.garbage_bytes = 0

    def feed(self, chunk: bytes) -> list[Frame]:
        self._buf += chunk
        if 0 not in chunk:
            if len(self._buf) > MAX_ENCODED:  # no delimiter for longer than any frame
                self.garbage_bytes += len(self._buf) - MAX_ENCODED
                del self._buf[: len(self._buf) - MAX_ENCODED]
            return []
        *parts, rest = bytes(self._buf).split(b"\x00")
        self._buf = bytearray(rest[-MAX_ENCODED:])
        self.garbage_bytes += len(rest) - len(self._buf)
        out: list[Frame] = []
        for part in parts:
            if part:
                frame = self._decode_part(part)
                if frame is not None:
                    out.append(frame)
        self.frames += len(out)
        return out

    def _decode_part(self, part: bytes) -> Frame | None:
        try:
            return decode(part)
        except FrameError as exc:
            first = exc
        for start in range(max(1, len(part) - MAX_ENCODED), len(part)):
            try:
                frame = decode(part[start:])
            except FrameError:
                continue
            self.garbage_bytes += start
            return frame
        self.garbage_bytes += len(part)
        if first.kind == "crc":
            self.crc_errors += 1
        else:
            self.framing_errors += 1
        return None
