"""Signal conditioning and stride bookkeeping on small analytic signals."""

import numpy as np
import pytest

from gait.analysis import cycles, signals
from gait.analysis.events import Events, _extrema, event_quality


def test_short_gaps_are_bridged_long_gaps_and_ends_are_not():
    t = np.arange(100) / 30.0
    x = 2.0 * t + 1.0
    y = x.copy()
    y[10:14] = np.nan  # 4 frames: bounded by valid samples 5/30 s apart -> bridged
    y[40:50] = np.nan  # 10 frames: 11/30 s -> stays missing
    y[:2] = np.nan  # leading gap: nothing to interpolate from on one side
    out = signals.bridge_gaps(y, t, max_gap_s=0.2)
    np.testing.assert_allclose(out[10:14], x[10:14])
    assert np.isnan(out[40:50]).all()
    assert np.isnan(out[:2]).all()
    np.testing.assert_array_equal(out[20:30], x[20:30])


def test_bridge_gaps_works_column_by_column():
    t = np.arange(50) / 30.0
    y = np.stack([np.sin(t), np.cos(t)], axis=1)
    y[5:7, 0] = np.nan
    y[20:40, 1] = np.nan
    out = signals.bridge_gaps(y, t)
    assert np.isfinite(out[:, 0]).all()
    assert np.isnan(out[20:40, 1]).all()


def test_a_steady_clock_is_kept_and_an_unsteady_one_made_regular():
    steady = np.arange(90) / 30.0
    assert signals.regular_clock(steady) is steady
    # Whole milliseconds (Matroska/WebM): 33 and 34 ms intervals are a steady 30 fps.
    rounded = np.round(steady, 3)
    assert signals.regular_clock(rounded) is rounded
    dropped = np.delete(steady, [10, 40, 41])
    clock = signals.regular_clock(dropped)
    np.testing.assert_allclose(clock, steady, atol=1e-9)


def test_resample_is_linear_in_time_and_leaves_long_gaps_and_the_outside_missing():
    t = np.array([0.0, 0.1, 0.3, 0.4, 0.9, 1.0])
    y = np.stack([2.0 * t + 1.0, 3.0 * t], axis=1)
    y[3, 1] = np.nan
    clock = np.array([-0.05, 0.0, 0.05, 0.2, 0.35, 0.6, 1.0, 1.05])
    out = signals.resample(y, t, clock, max_gap_s=0.2)
    np.testing.assert_allclose(out[1:5, 0], 2.0 * clock[1:5] + 1.0)  # on frames and between them
    assert out[1, 1] == 0.0 and np.isnan(out[4, 1])  # a NaN frame beside: NaN
    assert np.isnan(out[5]).all()  # 0.4-0.9 s: a gap longer than 0.2 s
    assert out[6, 0] == 3.0 and np.isnan(out[[0, 7]]).all()  # the last frame; outside the frames


def test_lowpass_is_zero_phase_and_removes_noise():
    fs = 30.0
    t = np.arange(300) / fs
    slow = np.sin(2 * np.pi * 1.0 * t)
    noisy = slow + 0.3 * np.sin(2 * np.pi * 12.0 * t)
    out = signals.lowpass(noisy, fs, 6.0)
    inner = slice(30, -30)
    assert np.max(np.abs(out[inner] - slow[inner])) < 0.02
    # no phase lag: the 1 Hz component's phase is unchanged
    def phase(y):
        return np.angle(np.sum(y[inner] * np.exp(-2j * np.pi * 1.0 * t[inner])))

    assert phase(out) == pytest.approx(phase(slow), abs=1e-3)


def test_lowpass_filters_between_gaps_and_keeps_them():
    fs = 30.0
    x = np.sin(np.arange(200) / fs)
    x[100:130] = np.nan
    out = signals.lowpass(x, fs)
    assert np.isnan(out[100:130]).all()
    assert np.isfinite(out[:100]).all() and np.isfinite(out[130:]).all()


def test_sub_frame_extremum_of_a_parabola():
    t = np.arange(20) / 30.0
    y = -((t - 0.3123) ** 2)
    i = np.array([int(np.argmax(y))])
    pos = signals.refine_extremum(y, i)
    assert signals.index_to_time(t, pos)[0] == pytest.approx(0.3123, abs=1e-9)


def test_extrema_finds_periodic_peaks_to_sub_frame_precision():
    fs = 30.0
    t = np.arange(int(10 * fs)) / fs
    period, phase = 1.1, 0.137
    y = np.cos(2 * np.pi * (t - phase) / period)
    found = _extrema(y, t, fs, maxima=True)
    expected = phase + period * np.arange(10)
    expected = expected[(expected > 0.5) & (expected < t[-1] - 0.5)]  # edge peaks lack a base
    found = found[(found > 0.5) & (found < t[-1] - 0.5)]
    np.testing.assert_allclose(found, expected, atol=0.004)


def test_normalise_cycles_of_a_linear_signal():
    t = np.arange(100) / 30.0
    x = 3.0 * t
    c = signals.normalise_cycles(t, x, np.array([0.5, 1.0]), np.array([1.5, 2.2]))
    assert c.shape == (2, 101)
    np.testing.assert_allclose(c[0], 3.0 * np.linspace(0.5, 1.5, 101))
    np.testing.assert_allclose(c[1], 3.0 * np.linspace(1.0, 2.2, 101))


def test_window_reduce():
    t = np.arange(10.0)
    x = t**2
    w = np.array([[2, 4], [5, 9]])
    np.testing.assert_allclose(cycles.window_reduce(t, x, w, "max"), [16, 81])
    np.testing.assert_allclose(cycles.window_reduce(t, x, w, "mean"), [np.mean([4, 9, 16]), np.mean([25, 36, 49, 64, 81])])


def test_curve_peak_reads_a_noisy_peak_without_the_maximums_lift():
    """A stance-long bump of 8 deg plus noise of 0.8 deg a point (a ten-stride mean of the
    walker's 1 px rearfoot): the maximum reads high by about the noise (+1.1 +- 0.4 here),
    the vertex does not (-0.05 +- 0.2)."""
    u = np.arange(60.0)
    bump = 8.0 * np.exp(-0.5 * ((u - 25.3) / 15.0) ** 2)
    rng = np.random.default_rng(7)
    noisy = bump + rng.normal(0.0, 0.8, (400, 60))
    peaks = np.array([cycles.curve_peak(c, np.ones(60, bool)) for c in noisy])
    vertex, maximum = peaks[:, 1] - 8.0, noisy.max(axis=1) - 8.0
    assert abs(np.mean(vertex)) < 0.1 and np.mean(maximum) > 0.8
    assert np.std(vertex) < 0.6 * np.std(maximum)
    np.testing.assert_array_equal(peaks[:, 0], noisy.argmax(axis=1))  # where: the maximum's own point


def test_curve_peak_keeps_the_maximum_where_no_parabola_fits():
    x = np.array([0.0, 1.0, 5.0, 2.0, 1.0, 0.0, 9.0, 0.0])
    assert cycles.curve_peak(x, np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)) == (2, 5.0)  # four points only
    valley = np.abs(np.arange(-10.0, 11.0)) * 0.1  # curving up: its edge is its maximum
    assert cycles.curve_peak(valley, np.ones(21, bool)) == (0, 1.0)
    dent = np.where(np.arange(21) == 10, 1.0, 0.0)  # only the invalid middle point is high
    valid = np.ones(21, bool)
    valid[10] = False
    assert cycles.curve_peak(dent, valid)[1] <= 0.0 + 1e-12


def _events(period: float = 1.0, n: int = 8, drop_left: int | None = None) -> Events:
    """Textbook alternation: left HS at k, right HS at k+0.5, toe offs at +0.6 of a stride."""
    k = np.arange(n) * period
    hs = {"left": k + 0.0, "right": k + 0.5 * period}
    to = {"left": k + 0.6 * period, "right": k + 0.1 * period}
    if drop_left is not None:
        hs["left"] = np.delete(hs["left"], drop_left)
    return Events(hs, to, "test", event_quality(hs, to))


def test_strides_of_textbook_events_are_all_valid():
    strides = cycles.segment_strides(_events())
    valid = [s for s in strides if s.valid]
    assert len(valid) == len(strides) == 14
    assert all(s.stance_fraction == pytest.approx(0.6) for s in valid)
    assert all(s.opposite_toe_off - s.start == pytest.approx(0.1) for s in valid)


def test_a_missed_heel_strike_rejects_the_long_stride_instead_of_averaging_it():
    strides = cycles.segment_strides(_events(drop_left=4))
    bad = [s for s in strides if not s.valid]
    # the 2-s left stride, and the right stride that now has no left heel strike within
    assert [(s.side, s.start) for s in bad] == [("left", 3.0), ("right", 3.5)]
    assert "median" in bad[0].reason
    assert "alternate" in bad[1].reason
    from gait.analysis.spatiotemporal import timing

    assert timing(strides).stride_time_s["left"] == pytest.approx(1.0)


def test_strides_without_alternation_are_rejected():
    ev = _events()
    hs = dict(ev.heel_strike)
    hs["right"] = np.delete(hs["right"], 3)  # two left heel strikes with no right one between
    strides = cycles.segment_strides(Events(hs, ev.toe_off, "test"))
    bad = [s for s in strides if not s.valid]
    assert any("alternate" in s.reason for s in bad) or any("median" in s.reason for s in bad)
    assert all(s.valid for s in strides if s.side == "left" and not (s.start < 3.5 < s.end))


def test_implausible_stride_durations_are_rejected():
    strides = cycles.segment_strides(_events(period=3.0, n=5))
    assert strides and not any(s.valid for s in strides)
    assert "outside" in strides[0].reason
