"""End-to-end accuracy on rendered video: MediaPipe's landmarks against the walker's truth.

For each sample session: the pose stage on its video, then the kinematics computed from
those landmarks as if they were true positions (`landmarks="true"`), with events from the
landmarks alone and with the insole's contacts. Prints a markdown table of errors
(measured - true) for the README.

    python scripts/rendered_accuracy.py [sample_data]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gait.analysis.events import from_contacts
from gait.analysis.metrics import analyze_track
from gait.analysis.pressure import pressure_metrics
from gait.pose.extract import video_to_track
from gait.recording.insole import read_insole_csv

ROWS = (
    ("cadence (steps/min)", ("cadence_spm",)),
    ("stride time L (s)", ("stride_time_s", "left")),
    ("stance fraction L", ("stance_fraction", "left")),
    ("rearfoot eversion peak L (deg)", ("rearfoot_eversion_deg", "left", "peak")),
    ("rearfoot eversion peak R (deg)", ("rearfoot_eversion_deg", "right", "peak")),
    ("pelvic drop, left stance (deg)", ("pelvic_drop_deg", "left_stance")),
    ("pelvic drop, right stance (deg)", ("pelvic_drop_deg", "right_stance")),
    ("foot progression L (deg)", ("foot_progression_deg", "left")),
    ("foot progression R (deg)", ("foot_progression_deg", "right")),
    ("knee frontal angle R (deg)", ("knee_frontal_deg", "right")),
    ("leg-length difference (mm)", ("leg_length_difference_mm",)),
)


def pick(doc: dict, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc if isinstance(doc, (int, float)) else None


def cell(measured: float | None, true: float | None) -> str:
    if measured is None or true is None:
        return "missing"
    return f"{measured - true:+.2f}"


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")
    sessions = sorted(p for p in data.iterdir() if (p / "truth.json").is_file())
    header = ["metric"] + [f"{s.name}: {kind}" for s in sessions for kind in ("video", "+insole events")]
    table = {label: [] for label, _ in ROWS}
    truths = {label: [] for label, _ in ROWS}
    for folder in sessions:
        truth = json.loads((folder / "truth.json").read_text())
        track, _ = video_to_track(folder / "video.mp4")
        pressure = pressure_metrics(read_insole_csv(folder / "insole.csv"))
        ev = pressure["events"]
        contacts = from_contacts({s: ev[s]["heel_strike_s"] for s in ev}, {s: ev[s]["toe_off_s"] for s in ev}, "insole")
        video_only = analyze_track(track, landmarks="true").metrics()
        with_insole = analyze_track(track, contacts=contacts, landmarks="true").metrics()
        for label, path in ROWS:
            true = pick(truth, path)
            truths[label].append("-" if true is None else f"{true:g}")
            table[label] += [cell(pick(video_only, path), true), cell(pick(with_insole, path), true)]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, _ in ROWS:
        print(f"| {label} (true: {', '.join(truths[label])}) | " + " | ".join(table[label]) + " |")


if __name__ == "__main__":
    main()
