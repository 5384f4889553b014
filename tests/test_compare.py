"""`gait compare`: deltas, findings that appeared or went away, overlaid curves, bad input."""

from __future__ import annotations

import argparse
import json
import re

import pytest

from gait.cli import compare as cli_compare
from gait.errors import GaitError
from gait.findings import evaluate
from gait.report import write_report
from gait.report.compare import finding_changes, load_sessions, numeric_rows, write_compare
from gait.simulate import SideParams, WalkParams
from walk_report import walk_report


def session(folder, params: WalkParams, with_insole: bool = True):
    metrics, data = walk_report(params, with_insole=with_insole)
    metrics["findings"] = evaluate(metrics)
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps(metrics))
    write_report(folder, metrics, data)
    return folder


@pytest.fixture(scope="module")
def before_after(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    barefoot = session(root / "barefoot", WalkParams(right=SideParams(eversion_peak_deg=14, pelvic_drop_deg=9)))
    shoe = session(root / "shoe", WalkParams(left=SideParams(hip_internal_rotation_deg=15)))
    return barefoot, shoe


def test_compare_shows_deltas_and_finding_changes(before_after, tmp_path):
    sessions = load_sessions(before_after)
    ch = finding_changes(*sessions)
    assert {(f["code"], f["side"]) for f in ch["gone"]} == {("hyperpronation", "right"), ("pelvic_drop", "right")}
    assert {(f["code"], f["side"]) for f in ch["appeared"]} == {("internal_leg_rotation", "left")}
    rows = dict(numeric_rows(sessions))
    assert rows["rearfoot_eversion_deg.right.peak"] == pytest.approx([14.0, 6.0], abs=0.01)
    text = write_compare(sessions, tmp_path / "compare.html").read_text()
    assert text.count('data-change="gone"') == 2 and text.count('data-change="appeared"') == 1
    row = re.search(r"<tr><td>rearfoot_eversion_deg\.right\.peak</td>(.*?)</tr>", text).group(1)
    assert "<td class=\"num\">-8</td>" in row
    assert text.count('src="data:image/png;base64,') == 1 and "does not diagnose" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)


def compare_cli(*argv: str) -> int:
    """Run `gait compare` in-process through its own parser (independent of COMMANDS)."""
    parser = argparse.ArgumentParser(prog="gait")
    cli_compare.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["compare", *argv])
    return args.func(args)


def test_compare_cli_accepts_metrics_files_and_folders(before_after, tmp_path, capsys):
    barefoot, shoe = before_after
    out = tmp_path / "c.html"
    assert compare_cli(str(barefoot / "metrics.json"), str(shoe), "-o", str(out), "--label", "bare", "--label", "shoe") == 0
    printed = capsys.readouterr().out
    assert "shoe vs bare: findings 1 appeared, 2 gone" in printed and f"wrote {out}" in printed
    assert "Walk comparison: bare vs shoe" in out.read_text()


def test_bad_inputs_are_one_line_errors(before_after, tmp_path):
    barefoot, _ = before_after
    (tmp_path / "empty").mkdir()
    (tmp_path / "junk.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"schema": "something/1"}))
    cases = {
        (str(barefoot),): "at least two sessions",
        (str(barefoot), str(tmp_path / "missing")): "no such file or folder",
        (str(barefoot), str(tmp_path / "empty")): "no metrics.json",
        (str(barefoot), str(tmp_path / "junk.json")): "not a readable metrics file",
        (str(barefoot), str(tmp_path / "other.json")): "not a metrics file",
    }
    for inputs, message in cases.items():
        with pytest.raises(GaitError, match=message) as err:
            load_sessions(inputs)
        assert "\n" not in str(err.value)
