"""The HTML report and its figures: files that open, content that renders in a real browser."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from gait.errors import GaitError
from gait.report import CycleCurves, load_curves, write_report
from gait.simulate import SideParams, WalkParams
from walk_report import walk_report

FIGURES = {"cycle_curves", "pelvic_drop", "events", "cop_paths", "pressure_map", "symmetry"}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    metrics, data = walk_report(WalkParams(right=SideParams(eversion_peak_deg=14, pelvic_drop_deg=9)))
    metrics["knee_frontal_deg"]["left"] = None
    metrics["missing"] = {"knee_frontal_deg.left": "knee hidden by the other leg"}
    folder = tmp_path_factory.mktemp("session")
    return write_report(folder, metrics, data), metrics


def test_report_files_and_figures_open(report):
    path, _ = report
    assert path.name == "report.html"
    pngs = {p.stem: p for p in (path.parent / "figures").glob("*.png")}
    assert set(pngs) == FIGURES
    for png in pngs.values():
        image = imread(png)
        assert image.shape[0] > 200 and image.shape[1] > 400
        assert float(np.std(image[..., :3])) > 0.02  # not blank
    assert load_curves(path.parent / "curves.json").curves.keys() >= {"rearfoot_eversion_deg", "pelvic_obliquity_deg"}


def test_report_content_is_self_contained_and_in_order(report):
    path, _ = report
    text = path.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text) and "<script" not in text
    order = [text.index(s) for s in ('id="disclaimer"', 'id="findings"', 'id="figures"', 'id="metrics"')]
    assert order == sorted(order)
    assert "does not diagnose" in text and "Persistent pain needs a physician" in text
    assert 'data-code="hyperpronation"' in text and 'data-code="pelvic_drop"' in text
    assert "Confidence: <strong>high</strong>" in text
    assert text.count('src="data:image/png;base64,') == len(FIGURES)
    assert "not measured — knee hidden by the other leg" in text
    assert "Nerve pain" in text and "Cornwall &amp; McPoil 1999" in text


def test_report_from_metrics_alone(tmp_path):
    metrics = {"schema": "gait.metrics/1", "view": "unknown", "pressure": None, "findings": []}
    text = write_report(tmp_path, metrics).read_text()
    assert 'id="no-findings"' in text and "not measured — no insole recording" in text
    assert not (tmp_path / "curves.json").exists()


def test_curves_from_the_analysis_form():
    mean = np.linspace(0, 10, 101)
    curves = CycleCurves.from_mapping({"knee_frontal_deg": {"left": {"mean": mean, "sd": np.ones(101), "n": 4},
                                                            "right": None}}, {"left": 61.0})  # fmt: skip
    assert set(curves.curves["knee_frontal_deg"]) == {"left"} and curves.toe_off_pct == {"left": 61.0}
    again = CycleCurves.from_json(curves.to_json())
    assert np.allclose(again.curves["knee_frontal_deg"]["left"][0], mean)


def test_curves_are_validated():
    with pytest.raises(GaitError, match="101 points"):
        CycleCurves({"knee_frontal_deg": {"left": (np.zeros(50), np.zeros(50))}})
    with pytest.raises(GaitError, match="not left or right"):
        CycleCurves({"knee_frontal_deg": {"middle": (np.zeros(101), np.zeros(101))}})


CHECK = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images].map(i => i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0);
  const out = document.createElement("pre");
  out.id = "check";
  out.textContent = JSON.stringify({images: imgs, findings: document.querySelectorAll(".finding").length});
  document.body.appendChild(out);
});
</script></body>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=10000", *args, page.as_uri()],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_report_renders_in_chromium(report, tmp_path):
    path, _ = report
    probe = tmp_path / "probe.html"
    probe.write_text(path.read_text().replace("</body>", CHECK))
    dom = browse(probe, "--dump-dom").stdout
    found = re.search(r'<pre id="check">(.*?)</pre>', dom)
    assert found, dom[-2000:]
    result = json.loads(html.unescape(found.group(1)))
    assert len(result["images"]) == len(FIGURES) and all(w > 400 for w in result["images"])
    assert result["findings"] == 2
    shot = tmp_path / "shot.png"
    browse(path, f"--screenshot={shot}", "--window-size=1000,1400", "--hide-scrollbars")
    image = imread(shot)
    assert image.shape[:2] == (1400, 1000) and float(np.std(image[..., :3])) > 0.05
