"""The insole wire protocol in Python: COBS, CRC, frames, the streaming decoder (fuzzed)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gait.capture.insole import HostClock
from gait.capture.protocol import (
    DataFrame,
    IdentFrame,
    StreamDecoder,
    cobs_decode,
    cobs_encode,
    crc16,
    encode_data,
    encode_ident,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

u16 = st.integers(0, 0xFFFF)
data_frames = st.builds(
    DataFrame,
    seq=st.integers(0, 2**32 - 1),
    t_us=st.integers(0, 2**32 - 1),
    left=st.lists(u16, min_size=0, max_size=16).map(tuple),
    right=st.lists(u16, min_size=0, max_size=16).map(tuple),
)


def test_crc_is_ccitt_false():
    assert crc16(b"123456789") == 0x29B1  # the catalogued check value of CRC-16/CCITT-FALSE


def test_cobs_known_vectors():
    # Cheshire & Baker's examples, including the 254-byte block boundary.
    assert cobs_encode(b"\x00") == b"\x01\x01"
    assert cobs_encode(b"\x11\x22\x00\x33") == b"\x03\x11\x22\x02\x33"
    block = bytes(range(1, 255))
    assert cobs_encode(block) == b"\xff" + block + b"\x01"
    for raw in (b"", b"\x00", b"\x11\x22\x00\x33", block, block + b"\x00\x05"):
        assert cobs_decode(cobs_encode(raw)) == raw
    assert cobs_decode(b"\x05\x11") is None  # block runs past the end


def test_frame_has_one_delimiter_at_the_end():
    wire = encode_data(DataFrame(1, 2, (0, 0, 0), (0,)))
    assert wire[-1] == 0 and wire.count(0) == 1


@FUZZ
@given(st.binary(max_size=600), st.lists(st.integers(1, 64), max_size=20))
def test_decoder_never_raises_on_arbitrary_bytes(data, cuts):
    dec = StreamDecoder()
    pos = 0
    for cut in cuts + [len(data)]:
        dec.feed(data[pos : pos + cut])
        pos += cut
    assert dec.frames + dec.crc_errors + dec.framing_errors >= 0


@FUZZ
@given(st.lists(data_frames, min_size=1, max_size=12), st.integers(1, 97))
def test_round_trip_in_any_chunking(frames, chunk):
    wire = b"".join(encode_data(f) for f in frames)
    dec = StreamDecoder()
    out = []
    for i in range(0, len(wire), chunk):
        out += dec.feed(wire[i : i + chunk])
    assert out == frames
    assert dec.crc_errors == dec.framing_errors == 0


@FUZZ
@given(
    st.lists(data_frames, min_size=2, max_size=10),
    st.lists(st.tuples(st.integers(0, 9), st.binary(min_size=1, max_size=40)), max_size=4),
)
def test_garbage_between_frames_loses_at_most_the_frame_behind_it(frames, garbage):
    where = {i % len(frames): g for i, g in garbage}
    wire = b"".join(where.get(i, b"") + encode_data(f) for i, f in enumerate(frames))
    out = StreamDecoder().feed(wire)
    spared = [f for i, f in enumerate(frames) if i not in where]
    it = iter(out)
    assert all(f in it for f in spared)  # every frame not right behind garbage, in order


def test_garbage_without_delimiter_costs_no_frame():
    frames = [DataFrame(i, 1000 * i, (i, 2 * i), (3 * i,)) for i in range(5)]
    wire = encode_data(frames[0]) + b"\x13\x37\xff\x42" + b"".join(encode_data(f) for f in frames[1:])
    dec = StreamDecoder()
    assert dec.feed(wire) == frames
    assert dec.garbage_bytes == 4


def test_dropped_byte_costs_exactly_its_frame():
    frames = [DataFrame(i, 1000 * i, tuple(range(i, i + 16)), tuple(range(16))) for i in range(20)]
    rng = np.random.default_rng(3)
    for victim in range(20):
        wires = [encode_data(f) for f in frames]
        k = int(rng.integers(0, len(wires[victim])))
        wires[victim] = wires[victim][:k] + wires[victim][k + 1 :]
        dec = StreamDecoder()
        out = dec.feed(b"".join(wires))
        assert out == frames[:victim] + frames[victim + 1 :]
        assert dec.crc_errors + dec.framing_errors >= 1


def test_ident_round_trip():
    ident = IdentFrame(16, 16, 1000, 12, "gait-insole fw=1.0.0 board=esp32")
    assert StreamDecoder().feed(encode_ident(ident)) == [ident]


def test_host_clock_follows_a_skewed_device_clock():
    # Device clock 300 ppm fast, transport delay 0.2 ms plus up to 8 ms of jitter.
    rng = np.random.default_rng(1)
    true_offset = 1234.5
    host_true = np.arange(0, 20, 0.001)
    device_s = host_true * (1 + 300e-6)
    t_us = (np.rint(device_s * 1e6).astype(np.int64) + 2**32 - 5_000_000) % 2**32  # wraps at 5 s
    arrival = host_true + true_offset + 0.0002 + rng.exponential(0.002, len(host_true))
    clock = HostClock()
    mapped = []
    for i in range(0, len(host_true), 10):  # chunks of 10 frames, read when the last arrived
        d = clock.device_seconds(t_us[i : i + 10])
        clock.observe(d, float(arrival[i + 9]))
        mapped.append(clock.to_host(d))
    mapped = np.concatenate(mapped)
    assert np.all(np.diff(mapped) > 0)
    error = mapped - (host_true + true_offset)
    settled = host_true > 3
    assert np.abs(error[settled]).max() < 0.002
