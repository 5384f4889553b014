"""Readers for public insole recordings, returning `InsoleRecording` in our conventions.

PhysioNet "Gait in Parkinson's Disease" (gaitpdb 1.0.0; Hausdorff et al.; Goldberger et al.,
Circulation 101(23):e215-e220, 2000; ODC-By 1.0): 19 tab-separated columns at 100 Hz, time,
8 sensors per foot in newtons, the two foot totals. format.txt places the sensors in
arbitrary units, origin between the feet, subject facing +Y: left foot X -700 (lateral) ..
-300 (medial), Y -800 (heel) .. +800 (toe); the right foot mirrored. We centre each foot on
X = -/+500 and Y = -800 and scale by GAITPDB_MM_PER_UNIT, an assumption (the dataset gives
no size): 0.125 mm per unit puts the heel sensor 30 mm and the toe sensor 230 mm from the
back of a 260 mm foot and the medial/lateral rows 25 mm either side of its axis, where an
8-cell insole has them.

Moticon OpenGo text export (Apache-2.0 test data of Moticon's `moticon-opengo` library):
`#` header lines, tab-separated at 100 Hz; per foot 16 pressure cells (N/cm²), IMU, total
force (N) and centre of pressure normalised to -0.5..0.5. The cell layout is not published,
so we keep total force and COP and represent each foot by four virtual sensors at the
corners of the insole (heel medial/lateral, toe medial/lateral) carrying the bilinear
split of the total force: their sum is the total force and their force-weighted centre is
exactly the exported COP. Assumptions, stated: COP X runs heel (-0.5) to toe (+0.5) and COP
Y is mediolateral with + medial on both insoles (the exported gait lines start at negative
Y under the heel and end at positive Y under the forefoot, the lateral-heel to medial-
forefoot roll of normal walking); insole length MOTICON_LENGTH_MM and width
MOTICON_WIDTH_MM (the export names a size, not its dimensions). Rows where either insole
has no data are left out; their frame numbers stay as gaps in `seq`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.recording.insole import SCHEMA, InsoleLayout, InsoleRecording, read_insole_csv

GAITPDB_RATE_HZ = 100.0
GAITPDB_MM_PER_UNIT = 0.125
GAITPDB_FOOT_LENGTH_MM = 260.0
GAITPDB_HEEL_OFFSET_MM = 30.0
# format.txt, left foot (X, Y) of sensors 1..8; the right foot mirrors X.
_GAITPDB_LEFT_XY = np.array(
    [[-500, -800], [-700, -400], [-300, -400], [-700, 0], [-300, 0], [-700, 400], [-300, 400], [-500, 800]],
    dtype=np.float64,
)

MOTICON_LENGTH_MM = 270.0
MOTICON_WIDTH_MM = 0.38 * MOTICON_LENGTH_MM  # breadth/length ratio as in analysis.pressure
MOTICON_RATE_HZ = 100.0

FORMATS = ("gaitpdb", "moticon")


def gaitpdb_layout() -> InsoleLayout:
    """The 8+8 sensor centres of format.txt in mm, per-foot convention (x lateral +)."""
    x_lateral = -(_GAITPDB_LEFT_XY[:, 0] + 500.0) * GAITPDB_MM_PER_UNIT
    y = (_GAITPDB_LEFT_XY[:, 1] + 800.0) * GAITPDB_MM_PER_UNIT + GAITPDB_HEEL_OFFSET_MM
    xy = np.column_stack([x_lateral, y])
    return InsoleLayout(GAITPDB_FOOT_LENGTH_MM, xy, xy.copy())


def moticon_layout() -> InsoleLayout:
    """Four virtual corner sensors per foot: heel medial, heel lateral, toe medial, toe lateral."""
    w, length = MOTICON_WIDTH_MM / 2, MOTICON_LENGTH_MM
    xy = np.array([[-w, 0.0], [w, 0.0], [-w, length], [w, length]])
    return InsoleLayout(MOTICON_LENGTH_MM, xy, xy.copy())


def read_physionet_gaitpdb(path: str | os.PathLike) -> InsoleRecording:
    """A gaitpdb walk (e.g. GaCo01_01.txt) with the layout of `gaitpdb_layout()`."""
    path = Path(path)
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise GaitError(f"{path}: not a PhysioNet gaitpdb walk ({exc})") from None
    if table.shape[1] != 19 or len(table) < 2:
        raise GaitError(f"{path}: not a PhysioNet gaitpdb walk (expected 19 columns)")
    return InsoleRecording(
        t=table[:, 0],
        seq=np.arange(len(table)),
        left=table[:, 1:9],
        right=table[:, 9:17],
        rate_hz=GAITPDB_RATE_HZ,
        units="newton",
        layout=gaitpdb_layout(),
        device=f"PhysioNet gaitpdb 1.0.0 {path.name}",
        meta={"source": "Hausdorff et al., PhysioNet gaitpdb 1.0.0, ODC-By 1.0"},
    )


def _moticon_table(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise GaitError(f"{path}: cannot read ({exc.strerror})") from None
    header = [ln for ln in lines if ln.startswith("#")]
    if not header or "left total force" not in header[-1]:
        raise GaitError(f"{path}: not a Moticon OpenGo text export")
    columns = [c.strip() for c in header[-1].lstrip("#").split("\t")]
    rows = [ln.split("\t") for ln in lines if ln and not ln.startswith("#")]
    return columns, rows


def read_moticon_opengo(path: str | os.PathLike) -> InsoleRecording:
    """A Moticon OpenGo text export as 4+4 virtual sensors (see the module docstring)."""
    path = Path(path)
    columns, rows = _moticon_table(path)

    def column(name: str) -> np.ndarray:
        matches = [i for i, c in enumerate(columns) if c.startswith(name)]
        if not matches:
            raise GaitError(f"{path}: Moticon export without a '{name}' column")
        i = matches[0]
        return np.array([float(r[i]) if i < len(r) and r[i].strip() else np.nan for r in rows])

    try:
        t = column("time")
        feet = {
            side: (
                column(f"{side} total force"),
                column(f"{side} center of pressure X"),
                column(f"{side} center of pressure Y"),
            )
            for side in ("left", "right")
        }
    except ValueError as exc:
        raise GaitError(f"{path}: malformed Moticon export ({exc})") from None
    ok = np.isfinite(t)
    for values in feet.values():
        ok &= np.all(np.isfinite(np.column_stack(values)), axis=1)
    if ok.sum() < 2:
        raise GaitError(f"{path}: Moticon export without rows carrying both insoles")
    forces = {}
    for side, (force, cop_ap, cop_ml) in feet.items():
        u = np.clip(cop_ap[ok] + 0.5, 0.0, 1.0)  # heel 0 -> toe 1
        s = np.clip(0.5 - cop_ml[ok], 0.0, 1.0)  # medial 0 -> lateral 1 (Moticon Y + = medial)
        f = np.clip(force[ok], 0.0, None)
        forces[side] = f[:, None] * np.column_stack([(1 - u) * (1 - s), (1 - u) * s, u * (1 - s), u * s])
    return InsoleRecording(
        t=t[ok],
        seq=np.flatnonzero(ok),
        left=forces["left"],
        right=forces["right"],
        rate_hz=MOTICON_RATE_HZ,
        units="newton",
        layout=moticon_layout(),
        device=f"Moticon OpenGo export {path.name}",
        meta={
            "source": "Moticon moticon-opengo test data, Apache-2.0",
            "sensors": "4 virtual sensors per foot carrying total force at the exported COP",
        },
    )


def detect_format(path: str | os.PathLike) -> str:
    """'insole' (our CSV), 'gaitpdb' or 'moticon', from the first lines of the file."""
    path = Path(path)
    if not path.is_file():
        raise GaitError(f"{path}: no such file")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = [fh.readline() for _ in range(12)]
    except OSError as exc:
        raise GaitError(f"{path}: cannot read ({exc.strerror})") from None
    if head[0].startswith("#") and SCHEMA in head[0]:
        return "insole"
    if any(ln.startswith("#") and "left total force" in ln for ln in head):
        return "moticon"
    first = head[0].split()
    if len(first) == 19 and all(_is_number(c) for c in first):
        return "gaitpdb"
    raise GaitError(f"{path}: unknown insole format (expected a gait.insole CSV, gaitpdb or Moticon)")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_any_insole(path: str | os.PathLike, fmt: str | None = None) -> InsoleRecording:
    """Read our CSV or a public format; `fmt` forces 'gaitpdb' or 'moticon'."""
    fmt = fmt or detect_format(path)
    if fmt == "insole":
        return read_insole_csv(path)
    if fmt == "gaitpdb":
        return read_physionet_gaitpdb(path)
    if fmt == "moticon":
        return read_moticon_opengo(path)
    raise GaitError(f"unknown insole format {fmt!r} (one of {', '.join(FORMATS)})")
