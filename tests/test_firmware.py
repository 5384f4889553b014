"""The firmware's C frame code and the Python reader agree byte for byte.

Builds firmware/host/frame_tool.c with gcc against firmware/gait_frame.c (the same source
the sketch compiles), then checks both directions: Python parses exactly the bytes the C
encoder writes and encodes identical bytes for the same frames; the C streaming decoder
accepts what Python encodes, garbage and all.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gait.capture.protocol import DataFrame, IdentFrame, StreamDecoder, encode_data, encode_ident

FIRMWARE = Path(__file__).resolve().parents[1] / "firmware"

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")


@pytest.fixture(scope="module")
def frame_tool(tmp_path_factory) -> Path:
    exe = tmp_path_factory.mktemp("fw") / "frame_tool"
    subprocess.run(
        ["gcc", "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{FIRMWARE}", "-o", str(exe),
         str(FIRMWARE / "host" / "frame_tool.c"), str(FIRMWARE / "gait_frame.c")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return exe


def _run(exe: Path, mode: str, text: str) -> list[str]:
    out = subprocess.run([str(exe), mode], input=text, check=True, capture_output=True, text=True)
    return out.stdout.split() if mode == "encode" else out.stdout.splitlines()


def _frames() -> list[DataFrame | IdentFrame]:
    rng = np.random.default_rng(7)
    frames: list[DataFrame | IdentFrame] = [
        IdentFrame(16, 16, 1000, 12, "gait-insole-fw=1.0.0-board=esp32"),
        DataFrame(0, 0, (0,) * 16, (0,) * 16),  # all zeros: the COBS worst case for codes
        DataFrame(2**32 - 1, 2**32 - 1, (65535,) * 64, (65535,) * 64),  # longest frame, 254-byte blocks
        DataFrame(5, 123456, (), (7,)),
    ]
    for _ in range(60):
        nl, nr = (int(v) for v in rng.integers(0, 20, 2))
        values = rng.choice([0, 1, 255, 256, 4095, 65535], nl + nr).tolist() if rng.random() < 0.3 else \
            rng.integers(0, 4096, nl + nr).tolist()  # fmt: skip
        frames.append(DataFrame(int(rng.integers(0, 2**32)), int(rng.integers(0, 2**32)),
                                tuple(values[:nl]), tuple(values[nl:])))  # fmt: skip
    return frames


def _spec(frame: DataFrame | IdentFrame) -> str:
    if isinstance(frame, IdentFrame):
        return f"ident {frame.n_left} {frame.n_right} {frame.rate_hz} {frame.adc_bits} {frame.text}"
    values = " ".join(map(str, frame.left + frame.right))
    return f"data {frame.seq} {frame.t_us} {len(frame.left)} {len(frame.right)} {values}".rstrip()


def _py_encode(frame: DataFrame | IdentFrame) -> bytes:
    return encode_ident(frame) if isinstance(frame, IdentFrame) else encode_data(frame)


def test_c_encoder_writes_the_bytes_python_writes_and_parses(frame_tool):
    frames = _frames()
    c_wire = [bytes.fromhex(h) for h in _run(frame_tool, "encode", "\n".join(map(_spec, frames)) + "\n")]
    assert len(c_wire) == len(frames)
    for frame, wire in zip(frames, c_wire):
        assert wire == _py_encode(frame)
    dec = StreamDecoder()
    assert dec.feed(b"".join(c_wire)) == frames
    assert dec.crc_errors == dec.framing_errors == 0


def test_c_decoder_accepts_what_python_encodes(frame_tool):
    frames = _frames()
    garbage = b"\x00\x13\x37\x00\x00"  # delimited garbage: one dropped chunk, then resync
    wire = garbage + b"".join(_py_encode(f) for f in frames)
    lines = _run(frame_tool, "decode", wire.hex() + "\n")
    assert lines[0].startswith("error")
    assert lines[1:] == [_spec(f) for f in frames]


def test_c_decoder_rejects_a_corrupted_crc(frame_tool):
    wire = bytearray(encode_data(DataFrame(9, 9, (1, 2, 3), (4, 5, 6))))
    wire[5] ^= 0x01
    assert _run(frame_tool, "decode", wire.hex()) == ["error -2"]
