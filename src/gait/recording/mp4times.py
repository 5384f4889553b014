"""Each frame's own presentation time in an mp4 written by OpenCV.

OpenCV's `VideoWriter` gives every frame the same duration, 1/fps. A webcam that delivers
fewer frames than it reports (15 a second for a stated 30, as many do in dim light) then
plays back at twice the pace, and so does an overlay drawn on a phone's variable-frame-rate
video. `set_frame_times` writes the times the frames were really taken into the file's
sample table (ISO/IEC 14496-12: one duration per frame in the 'stts' box, and the media,
track, movie and edit durations to match), as phones store theirs. No frame is re-encoded:
only the 'moov' box changes, which OpenCV writes after the media data, so it can grow in
place without moving any frame's offset.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np


def _boxes(read: Callable[[int], bytes], start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """The boxes between `start` and `end`, (kind, start, end, header length); `read(at)`
    gives the (up to) 16 bytes from `at`, so only headers are read."""
    found = []
    while start + 8 <= end:
        head = read(start)
        size, kind = struct.unpack(">I4s", head[:8])
        header = 8
        if size == 1:  # a 64-bit size follows the kind
            size, header = struct.unpack(">Q", head[8:16])[0], 16
        elif size == 0:  # to the end of the file
            size = end - start
        if size < header or start + size > end:
            raise ValueError("not an ISO base media (mp4) file")
        found.append((kind, start, start + size, header))
        start += size
    return found


def _in(data: bytes | bytearray) -> Callable[[int], bytes]:
    return lambda at: bytes(data[at : at + 16])


def find_box(data: bytes | bytearray, path: tuple[bytes, ...]) -> tuple[int, int]:
    """(start, end) of the box at `path` (header included), each kind the first of its name
    among its parent's children; ValueError if there is none or it has a 64-bit size."""
    start, end, header = 0, len(data), 0
    for kind in path:
        box = next((b for b in _boxes(_in(data), start + header, end) if b[0] == kind), None)
        if box is None:
            raise ValueError(f"no {kind.decode()} box")
        _, start, end, header = box
        if header != 8:
            raise ValueError(f"a 64-bit size on the {kind.decode()} box")
    return start, end


def set_frame_times(path: str | os.PathLike, times: np.ndarray) -> None:
    """Make frame i of the one-track mp4 `path` start at times[i] - times[0] (seconds).

    The last frame lasts the median frame interval. Only the index ('moov', the last box) is
    read and rewritten, in place (its size grows with the frame count, not the pixels).
    ValueError, with the file unchanged, if its layout is not OpenCV's (one track, 32-bit
    headers, the index last) or `times` do not fit it (at least two frames).
    """
    path = Path(path)
    with open(path, "r+b") as f:

        def read(at: int) -> bytes:
            f.seek(at)
            return f.read(16)

        top = _boxes(read, 0, path.stat().st_size)
        if not top or top[-1][0] != b"moov" or top[-1][3] != 8:
            raise ValueError(f"{path}: the mp4's index is not its last box, so its frame times are not rewritten here")
        start, end = top[-1][1:3]
        f.seek(start)
        moov = _retimed(bytearray(f.read(end - start)), np.asarray(times, dtype=np.float64), path)
        f.seek(start)
        f.write(moov)
        f.truncate()


def _retimed(data: bytearray, times: np.ndarray, path: Path) -> bytearray:
    """The 'moov' box `data` with one duration per frame from `times` (see `set_frame_times`)."""
    if sum(kind == b"trak" for kind, *_ in _boxes(_in(data), 8, len(data))) != 1:
        raise ValueError(f"{path}: not one video track")
    stbl = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
    mdhd = find_box(data, (b"moov", b"trak", b"mdia", b"mdhd"))[0] + 8
    mvhd = find_box(data, (b"moov", b"mvhd"))[0] + 8
    tkhd = find_box(data, (b"moov", b"trak", b"tkhd"))[0] + 8
    if data[mdhd] != 0 or data[mvhd] != 0 or data[tkhd] != 0:
        raise ValueError(f"{path}: 64-bit (version 1) headers are not rewritten here")
    stsz = find_box(data, (*stbl, b"stsz"))[0] + 8  # version and flags, one size for all, the count
    count = struct.unpack(">I", data[stsz + 8 : stsz + 12])[0]
    if len(times) != count or count < 2:
        raise ValueError(f"{path}: {count} frames but {len(times)} frame times")
    scale, movie_scale = (struct.unpack(">I", data[at + 12 : at + 16])[0] for at in (mdhd, mvhd))
    ticks = np.rint((times - times[0]) * scale).astype(np.int64)
    deltas = np.diff(ticks)
    if not np.all(deltas > 0):
        raise ValueError(f"{path}: frame times must increase (by at least 1/{scale} s)")
    deltas = np.r_[deltas, int(np.median(deltas))]
    total = int(deltas.sum())
    if total >= 2**32:
        raise ValueError(f"{path}: too long for 32-bit headers")
    movie_total = round(total * movie_scale / scale)
    # Durations: the media header's in the media's time scale; the movie's, the track's and
    # the edit's in the movie's.
    struct.pack_into(">I", data, mdhd + 16, total)
    struct.pack_into(">I", data, mvhd + 16, movie_total)
    struct.pack_into(">I", data, tkhd + 20, movie_total)
    try:  # an edit list, where there is one, shows the whole track
        elst = find_box(data, (b"moov", b"trak", b"edts", b"elst"))[0] + 8
    except ValueError:
        elst = None
    if elst is not None and data[elst] == 0:
        struct.pack_into(">I", data, elst + 8, movie_total)
    elif elst is not None:
        raise ValueError(f"{path}: 64-bit (version 1) headers are not rewritten here")
    # One (count, duration) entry per run of equal durations.
    starts = np.flatnonzero(np.r_[True, deltas[1:] != deltas[:-1]])
    runs = np.diff(np.r_[starts, len(deltas)])
    table = np.stack([runs, deltas[starts]], axis=1).astype(">u4").tobytes()
    body = struct.pack(">4sII", b"stts", 0, len(starts)) + table
    old = find_box(data, (*stbl, b"stts"))
    grow = 4 + len(body) - (old[1] - old[0])
    for start in [find_box(data, stbl[: depth + 1])[0] for depth in range(len(stbl))]:  # each holds the table
        struct.pack_into(">I", data, start, struct.unpack(">I", data[start : start + 4])[0] + grow)
    data[old[0] : old[1]] = struct.pack(">I", 4 + len(body)) + body
    return data
