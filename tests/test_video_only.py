"""A posterior video with no insole: the strides come from the shoe collars' motion in the
image (`analysis.collar_events`, framing "body"), since the pose model's heels and toes from
behind give no regular strides."""

import json
import subprocess
import sys

import numpy as np

from gait.cli.analyze import summarise
from gait.cli.demo import SAMPLE_DATA

FRAME = 1.0 / 30.0


def test_posterior_video_alone_gives_strides_angles_and_the_planted_findings(tmp_path):
    sample = SAMPLE_DATA / "right_hyperpronation_pelvic_drop"
    result = subprocess.run([sys.executable, "-m", "gait", "analyze", str(sample / "video.mp4"), "-o", str(tmp_path),
                             "--no-overlay"], capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    m = json.loads((tmp_path / "metrics.json").read_text())
    truth = json.loads((sample / "truth.json").read_text())
    assert m["events"]["method"] == "image_collar"
    assert min(m["strides"].values()) >= 3
    assert abs(m["cadence_spm"] - truth["cadence_spm"]) < 1.0
    # Every true heel strike with a heel off after it in the clip, from the first steady stride on.
    for side in ("left", "right"):
        found = np.array(m["events"][side]["heel_strike"])
        for t in truth["events"][side]["heel_strike"]:
            if truth["steady_from_s"] <= t <= truth["duration_s"] - 0.6:
                assert np.min(np.abs(found - t)) <= FRAME, (side, t, found)
    # Toe off is the heel's fastest rise, before the toes leave: no stance fraction.
    assert m["stance_fraction"] == {"left": None, "right": None} and "toes leave" in m["missing"]["stance_fraction"]
    assert abs(m["rearfoot_eversion_deg"]["right"]["peak"] - truth["rearfoot_eversion_deg"]["right"]["peak"]) < 3.0
    assert abs(m["pelvic_drop_deg"]["left_stance"] - truth["pelvic_drop_deg"]["left_stance"]) < 2.0
    assert {(f["code"], f["side"]) for f in m["findings"]} == {("hyperpronation", "right"), ("pelvic_drop", "left")}


def test_summary_says_what_was_not_screened():
    none = {"findings": [], "rearfoot_eversion_deg": {"left": {"peak": None}}, "pressure": None}
    assert "nothing could be screened" in summarise(none)
    some = {"findings": [], "pelvic_drop_deg": {"left_stance": 3.1, "right_stance": None}}
    text = summarise(some)
    assert "none of the screened patterns stands out" in text and "over-pronation" in text and "pelvic drop" not in text
