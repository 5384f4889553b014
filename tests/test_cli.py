"""The command line: help everywhere, outputs written, one clear line for bad input."""

import json
import subprocess
import sys
from dataclasses import replace

import cv2
import numpy as np
import pytest

from conftest import draw_figure, write_video
from gait.recording.insole import read_insole_csv, write_insole_csv
from gait.recording.posetrack import load_posetrack, read_csv


def gait(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gait", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("command", [[], ["pose"], ["analyze"]])
def test_help(command):
    result = gait(*command, "--help")
    assert result.returncode == 0 and "usage: gait" in result.stdout


def assert_one_line_error(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gait: error:") and text in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_bad_inputs_fail_with_one_line(tmp_path):
    (tmp_path / "notes.mp4").write_text("not a video at all\n" * 20)
    (tmp_path / "empty.mp4").write_bytes(b"")
    write_video(tmp_path / "nobody.mp4", [np.full((120, 160, 3), 128, np.uint8)] * 5)
    out = str(tmp_path / "x.npz")
    assert_one_line_error(gait("pose", str(tmp_path / "missing.mp4"), "-o", out), "no such file")
    assert_one_line_error(gait("pose", str(tmp_path / "notes.mp4"), "-o", out), "not a video file")
    assert_one_line_error(gait("pose", str(tmp_path / "empty.mp4"), "-o", out), "empty file")
    assert_one_line_error(gait("pose", str(tmp_path / "nobody.mp4"), "-o", out), "no person found")
    assert_one_line_error(gait("analyze", str(tmp_path / "missing")), "no such file or folder")
    assert_one_line_error(gait("analyze", str(tmp_path)), "not a session folder")


def test_a_still_picture_is_not_a_walk(tmp_path):
    # OpenCV opens a JPEG as a one-frame video, and the pose model finds the person in it.
    picture = tmp_path / "walker.jpg"
    cv2.imwrite(str(picture), draw_figure(0))
    for framing in ("body", "legs"):
        result = gait("analyze", str(picture), "--framing", framing, "-o", str(tmp_path / framing))
        assert_one_line_error(result, "one frame only (a still picture?)")
    # `gait pose` makes it a one-frame track, which holds no walk either.
    assert gait("pose", str(picture), "-o", str(tmp_path / "one.npz")).returncode == 0
    assert_one_line_error(gait("analyze", str(tmp_path / "one.npz")), "one frame only")


def test_pose_writes_track_and_csv_and_analyze_reads_them(figure_video, tmp_path):
    npz, csv = tmp_path / "t.npz", tmp_path / "t.csv"
    result = gait("pose", str(figure_video), "-o", str(npz), "--csv", str(csv))
    assert result.returncode == 0, result.stderr
    assert "view anterior" in result.stdout
    assert "INFO:" not in result.stderr and "W0000" not in result.stderr  # MediaPipe's own logs stay out
    track = load_posetrack(npz)
    assert len(track) == 60 and track.view == "anterior"
    np.testing.assert_array_equal(read_csv(csv).image, track.image)

    result = gait("analyze", str(npz), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "m.json"))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["schema"] == "gait.metrics/1" and metrics["view"] == "anterior"
    for name in ("metrics.json", "frames.csv", "strides.csv", "report.html"):
        assert (tmp_path / "out" / name).is_file(), name


def test_a_model_file_that_is_missing_or_not_a_pose_model_is_one_line(figure_video, tmp_path):
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"not a model")
    out = str(tmp_path / "x.npz")
    assert_one_line_error(gait("pose", str(figure_video), "-o", out, "--model", str(tmp_path / "no.task")), "no such model file")
    assert_one_line_error(gait("pose", str(figure_video), "-o", out, "--model", str(junk)), "not a MediaPipe pose landmarker model")


def test_an_insole_alone_is_analysed_and_a_measured_leg_length_brings_the_heel_lift(tmp_path):
    from gait.cli.demo import SAMPLE_DATA

    insole = SAMPLE_DATA / "right_hyperpronation_pelvic_drop" / "insole.csv"
    out = tmp_path / "out"
    result = gait("analyze", str(insole), "-o", str(out), "--measured-leg-length-difference", "-14")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["view"] is None and metrics["rearfoot_eversion_deg"] is None
    assert "no video" in metrics["missing"]["rearfoot_eversion_deg"]
    assert abs(metrics["cadence_spm"] - 110) < 2  # from the insole's contacts
    assert metrics["pressure"]["cpei_pct"]["right"] < metrics["pressure"]["cpei_pct"]["left"]
    found = {f["code"]: f for f in metrics["findings"]}
    assert found["hyperpronation"]["side"] == "right"
    lld = found["leg_length_difference"]
    assert lld["side"] == "right" and any("heel lift" in r for r in lld["remedies"])
    assert (out / "report.html").is_file()


def test_an_insole_given_apart_is_brought_onto_the_videos_clock(tmp_path):
    """`--insole` with a pose track: recorded apart (a phone's video, an insole started 2.3 s
    later on its own clock), its heel strikes are shifted to meet the track's and the strides
    measured as on one clock; a session's own insole shares its clock and is never shifted."""
    folder = tmp_path / "walk"
    assert gait("simulate", "-o", str(folder), "--duration", "12", "--insole", "8", "--eversion-right", "14").returncode == 0
    rec = read_insole_csv(folder / "insole.csv")
    apart = write_insole_csv(replace(rec, t=rec.t + 2.3), tmp_path / "apart.csv")
    result = gait("analyze", str(folder / "pose.npz"), "--insole", str(apart), "--true-landmarks", "-o", str(tmp_path / "out"),
                  "--json", str(tmp_path / "m.json"), "--no-overlay")  # fmt: skip
    assert result.returncode == 0, result.stderr
    m, truth = json.loads((tmp_path / "m.json").read_text()), json.loads((folder / "truth.json").read_text())
    assert "shifted by -2.3" in m["notes"]["contacts_clock"] and min(m["strides"].values()) >= 6
    assert "note: the insole's heel strikes met the video's own when shifted by -2.3" in result.stdout
    assert m["rearfoot_eversion_deg"]["right"]["peak"] == pytest.approx(truth["rearfoot_eversion_deg"]["right"]["peak"], abs=2.0)
    result = gait("analyze", str(folder), "--true-landmarks", "--json", str(tmp_path / "s.json"), "--no-overlay")
    assert result.returncode == 0, result.stderr
    assert "contacts_clock" not in json.loads((tmp_path / "s.json").read_text())["notes"]


def test_a_slow_motion_clip_says_so_and_is_measured_at_its_real_pace(tmp_path, capsys):
    """A phone's slow-motion clip saved at a normal frame rate: the walk plays 4x slower, every
    stride is longer than any walk's and rejected. The legs' alternation (4.4 s a stride) says
    why; `--slow-motion 4` puts the track on life's clock."""
    from gait.cli import main
    from gait.recording.posetrack import save_posetrack
    from gait.simulate import WalkParams, simulate_walk

    walk = simulate_walk(WalkParams(duration_s=10.0, cadence_spm=110.0), seed=1)
    track = walk.posetrack("posterior", (640, 480), noise_px=1.0)
    slow = save_posetrack(replace(track, t=4.0 * track.t), tmp_path / "slow.npz")
    assert main(["analyze", str(slow), "-o", str(tmp_path / "as_is"), "--json", str(tmp_path / "a.json")]) == 0
    m = json.loads((tmp_path / "a.json").read_text())
    assert m["cadence_spm"] is None and "once every 4.4 s" in m["notes"]["slow_motion"]
    assert "--slow-motion N" in capsys.readouterr().out
    assert main(["analyze", str(slow), "--slow-motion", "4", "-o", str(tmp_path / "real"), "--json",
                 str(tmp_path / "b.json")]) == 0  # fmt: skip
    m = json.loads((tmp_path / "b.json").read_text())
    assert m["cadence_spm"] == pytest.approx(110.0, rel=0.01) and "slow_motion" not in m["notes"]
    assert_one_line_error(gait("analyze", str(slow), "--slow-motion", "0.5"), "--slow-motion must be 1 or more")
    from gait.cli.demo import SAMPLE_DATA

    session = SAMPLE_DATA / "right_hyperpronation_pelvic_drop"  # recorded on the walk's own clock
    for path, what in ((session, "a recorded session"), (session / "insole.csv", "an insole recording")):
        capsys.readouterr()
        assert main(["analyze", str(path), "--slow-motion", "4", "-o", str(tmp_path / "no")]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"{what} is timed as it happened" in err[0], err
    assert not (tmp_path / "no").exists()
