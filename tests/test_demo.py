"""`gait demo`: the README's main command, on the bundled sample sessions."""

import json
import subprocess
import sys

from gait.cli.demo import SAMPLE_DATA


def test_demo_analyses_every_sample_and_finds_what_was_planted(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gait", "demo", "-o", str(tmp_path)],
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in SAMPLE_DATA.iterdir() if (p / "session.json").is_file())
    assert len(names) >= 3
    for name in names:
        folder = tmp_path / name
        for output in ("pose.npz", "metrics.json", "frames.csv", "strides.csv", "report.html", "overlay.mp4"):
            assert (folder / output).is_file(), f"{name}/{output}"
        metrics = json.loads((folder / "metrics.json").read_text())
        truth = json.loads((SAMPLE_DATA / name / "truth.json").read_text())
        assert metrics["view"] == "posterior"
        # Timing from the video segmented by the insole's contacts: as the walker walked.
        assert abs(metrics["cadence_spm"] - truth["cadence_spm"]) < 2
        assert metrics["pressure"] is not None
        # The leg-length screen from the image: the waistband's standing tilt against the shoe
        # collars' line, times an adult's hip-joint distance (measured: -12.2 of -15 mm, -0.5
        # and +3.1 of 0).
        assert abs(metrics["leg_length_difference_mm"] - truth["leg_length_difference_mm"]) < 5.0
    findings = {n: {(f["code"], f["side"]) for f in json.loads((tmp_path / n / "metrics.json").read_text())["findings"]} for n in names}
    assert findings["normal"] == set()
    assert findings["leg_length_difference"] == {("leg_length_difference", "right")}  # the shorter leg
    # The right foot over-pronates; standing on the left leg the right (swing) hip drops 9 deg,
    # which the waistband line on the video shows (pelvic_drop on the left stance side).
    assert {("hyperpronation", "right"), ("pelvic_drop", "left")} <= findings["right_hyperpronation_pelvic_drop"]
    assert ("hyperpronation", "left") not in findings["right_hyperpronation_pelvic_drop"]
    assert (tmp_path / "compare.html").is_file()
