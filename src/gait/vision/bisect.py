"""Lines from image edges: the midline of a limb between its outlines, and the common
direction of a heel counter's edges.

A clinician draws a bisection line on a posterior video by marking the midpoint between the
outlines of the calf (or of the heel counter) at several heights and joining them.
`bisect_rows` does the same on a band of image rows: in each row the pair of colour edges,
a plausible width apart and near a prior centre, that are both strongest (the weaker of the
two counts, so one strong edge cannot pair with noise, and an edge inside the pair counts
against it); a straight line through the midpoints, robustly; then each outline re-read
within a pixel or two of its own fitted line, to sub-pixel precision.

A heel counter is too short for that (~12 rows on a 720p full-body frame) and its outline
mixes with the shoe's body, but every edge on its back face (its sides, a seam or stripe)
turns with the heel: `parallel_edges` finds the direction most of them share.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.ndimage import maximum_filter1d
from scipy.signal import find_peaks

# Gaussian blur before differentiating: sigma 1 px keeps a 1-2 px outline sharp while
# averaging away compression noise (mp4v blocks are 8 px).
BLUR_SIGMA = 1.0
# A row's pair may sit off the prior centre; at `tolerance` px away it loses this share of
# its score (soft: pose-model ankles are 11-13 px off on 720p frames, DESIGN.md).
CENTRE_PENALTY = 0.25
# Robust line fit: residuals beyond max(MIN_RESIDUAL_PX, 3 x 1.4826 x MAD) are outliers
# (3 robust SDs of the midpoints' scatter; 0.75 px keeps sub-pixel scatter in).
MIN_RESIDUAL_PX, FIT_ROUNDS = 0.75, 3
# Pairs whose width is off the band's median width by more than this share are another
# object's edges (a straight limb or counter changes width by far less over a band).
WIDTH_SPREAD = 0.2
# Second pass: each edge is re-read within this many pixels of its fitted line.
REFINE_PX = 2
# Edge chains: column-profile peaks of at least this share of the strongest (and rows where a
# chain is at least this share of its own median), read within +-2 px of the chain's line
# (a staircase step of an aliased edge plus the blur).
CHAIN_SHARE, CHAIN_REACH_PX = 0.3, 2
# Read-and-refit rounds of a chain: the first reads a vertical line, the next ones its fit.
CHAIN_ROUNDS = 3
# Chains started along tilted lines (`edge_chains(..., max_slope)`): along one edge the
# sub-pixel position steps from row to row by the edge's slope and less than 0.4 px more in
# 99 % of rows (over 1 px in 0.15 %, at a chain's ends where the edge meets the body's
# outline; waistband boxes of the walker's 640x480 and 1280x720 videos, issue 8), while two
# edges the blur (BLUR_SIGMA) keeps apart are >= 2 px apart (a line across the waistband's
# two edges steps 3-10 px): a larger step is onto another edge.
CHAIN_JUMP_PX = 1.0
# Two different edges come within CHAIN_JUMP_PX of each other only near where they cross (a
# level hem and a band tilted 10 deg over ~11 of an 80 px box's rows): a chain with at least
# half its rows on a stronger chain's is that edge again.
CHAIN_SAME = 0.5
# One chain's own slope over a heel counter's ~12 rows (720p, full body) scatters by ~2 deg
# (the two edges of the walker's heel stripe differ by up to ~3 deg): the consensus width.
CONSENSUS_DEG = 2.0
# A heel patch holds about three kinds of edges (the counter's outline, a seam or stripe,
# the shoe's body past the counter): a slope that half the edge strength agrees on is as
# agreed as it gets; below that the quality falls in proportion.
FULL_AGREEMENT = 0.5
# Quality: the slope's standard error is judged against SE_REF_DEG (half of the 4-degree
# accuracy the rearfoot angle must reach), times the share of rows consistent with the line.
SE_REF_DEG = 2.0


@dataclass(frozen=True)
class Bisection:
    """A midline x = x0 + slope (y - y0) in frame pixels, with its outlines' mean width."""

    x0: float
    y0: float
    slope: float  # dx/dy: + = the line's lower end lies to image right
    width: float
    rows: int  # rows with a consistent edge pair
    se_deg: float  # standard error of the line's angle
    quality: float  # 0..1

    @property
    def angle_deg(self) -> float:
        """Angle from image vertical, + = lower end to image right."""
        return float(np.degrees(np.arctan(self.slope)))

    def x_at(self, y: np.ndarray | float) -> np.ndarray:
        return self.x0 + self.slope * (np.asarray(y, dtype=np.float64) - self.y0)


def colour_gradient_x(bgr: np.ndarray) -> np.ndarray:
    """(H, W) magnitude of the horizontal colour derivative (all three channels)."""
    img = cv2.GaussianBlur(bgr.astype(np.float32), (0, 0), BLUR_SIGMA)
    d = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    return np.sqrt(np.sum(d * d, axis=2))


def colour_gradient_y(bgr: np.ndarray) -> np.ndarray:
    """(H, W) magnitude of the vertical colour derivative (all three channels)."""
    img = cv2.GaussianBlur(bgr.astype(np.float32), (0, 0), BLUR_SIGMA)
    d = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    return np.sqrt(np.sum(d * d, axis=2))


def _subpixel(g: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Peak positions refined by a parabola through the gradient at col-1, col, col+1."""
    w = g.shape[1]
    c = np.clip(cols, 1, w - 2)
    a, b, d = g[rows, c - 1], g[rows, c], g[rows, c + 1]
    den = a - 2 * b + d
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(den < 0, 0.5 * (a - d) / den, 0.0)
    return c + np.clip(off, -0.5, 0.5)


def edge_pairs(g: np.ndarray, centre: np.ndarray, widths: tuple[float, float],
               tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Per row of `g` (R, W): the best edge pair (left, right columns, score).

    Score = the weaker edge of the pair, minus the strongest edge inside it, minus the
    off-centre penalty; widths in pixels.
    """
    rows, w = g.shape
    lo, hi = max(int(np.floor(widths[0])), 2), min(int(np.ceil(widths[1])), w - 1)
    scale = float(np.percentile(g, 95)) + 1e-6
    best = np.full(rows, -np.inf)
    left = np.zeros(rows, int)
    width = np.zeros(rows, int)
    x = np.arange(w)
    # The strongest edge strictly inside the pair (2 px in from each outline, which the blur
    # widens): one limb or one counter encloses none, two objects side by side do. run[:, j]
    # is the maximum of g[:, j : j + k], widened by a column each time the pair is.
    k = max(lo - 4, 1)
    run = maximum_filter1d(g, size=k, axis=1, origin=-(k // 2))[:, : w - k + 1]
    for d in range(lo, hi + 1):
        if d - 4 > k:
            k += 1
            run = np.maximum(run[:, :-1], g[:, k - 1 :])
        s = np.minimum(g[:, : w - d], g[:, d:])
        inner = run[:, 2 : 2 + w - d] if d >= 4 else g[:, d // 2 : d // 2 + w - d]
        off = (x[: w - d] + d / 2.0)[None, :] - centre[:, None]
        s = s - inner - CENTRE_PENALTY * scale * (off / tolerance) ** 2
        j = np.argmax(s, axis=1)
        v = s[np.arange(rows), j]
        better = v > best
        best = np.where(better, v, best)
        left = np.where(better, j, left)
        width = np.where(better, d, width)
    return left, left + width, best


def robust_line(y: np.ndarray, x: np.ndarray, slope0: float = 0.0) -> tuple[float, float, np.ndarray, float]:
    """x = a + b (y - mean y) fitted in outlier rounds; returns a, b, inlier mask, inlier RMS.

    The first round takes the prior slope `slope0` and the median intercept, so when the
    points fall in two clusters the line starts on the larger one instead of between them.
    """
    yc = y - y.mean()
    keep = np.isfinite(x)
    if keep.sum() < 3:
        return np.nan, np.nan, keep, np.inf
    b = slope0
    a = float(np.median(x[keep] - b * yc[keep]))
    rms = np.inf
    for _ in range(FIT_ROUNDS):
        res = x - (a + b * yc)
        mad = 1.4826 * np.median(np.abs(res[keep]))
        keep = np.isfinite(res) & (np.abs(res) <= max(MIN_RESIDUAL_PX, 3.0 * mad))
        if keep.sum() < 3:
            return np.nan, np.nan, keep, np.inf
        yk, xk = yc[keep], x[keep]  # least squares in closed form (np.polyfit's, 10x cheaper)
        dy = yk - yk.mean()
        if not np.any(dy):
            return np.nan, np.nan, keep, np.inf
        b = float(dy @ (xk - xk.mean()) / (dy @ dy))
        a = float(xk.mean() - b * yk.mean())
        res = x - (a + b * yc)
        rms = float(np.sqrt(np.mean(res[keep] ** 2)))
    return float(a), float(b), keep, rms


def bisect_rows(g: np.ndarray, y0: int, centre: np.ndarray, widths: tuple[float, float],
                tolerance: float, x_offset: int = 0) -> Bisection | None:  # fmt: skip
    """Bisection of the outline pair in the rows of `g` (a crop's gradient rows y0..y0+R).

    `centre` is the prior midline per row (crop columns; its slope seeds the fit); returned
    coordinates are frame pixels (crop + x_offset, y0). None when fewer than 3 rows hold a
    consistent pair.
    """
    rows = g.shape[0]
    if rows < 3:
        return None
    left, right, score = edge_pairs(g, centre, widths, tolerance)
    r = np.arange(rows)
    yy = r.astype(np.float64)
    prior_slope = float(np.polyfit(yy, centre, 1)[0])
    xl, xr = _subpixel(g, r, left), _subpixel(g, r, right)
    # A pair much wider or narrower than the band's median is another object's edge.
    span = xr - xl
    plausible = (score > 0) & (np.abs(span - np.median(span[score > 0] if (score > 0).any() else span)) <= WIDTH_SPREAD * np.median(span))
    _, b, keep, _ = robust_line(yy, np.where(plausible, 0.5 * (xl + xr), np.nan), prior_slope)
    if not np.isfinite(b):
        return None
    # Second pass: each outline on its own line, re-read near it, sub-pixel.
    predicted = []
    for edge in (xl, xr):
        a_e, b_e, _, _ = robust_line(yy[keep], edge[keep], b)
        predicted.append(a_e + b_e * (yy - yy[keep].mean()))
    if not np.isfinite(predicted).all():  # an outline that no line fits (too few of its rows kept)
        return None
    xl, xr = _reread(g, predicted[0]), _reread(g, predicted[1])
    a, b, keep, rms = robust_line(yy, 0.5 * (xl + xr), b)
    if not np.isfinite(b):
        return None
    spread = np.sqrt(np.sum((yy[keep] - yy[keep].mean()) ** 2))
    # The residual RMS is floored at 0.3 px: edges rendered or filmed are not sharper.
    se = float(np.degrees(max(rms, 0.3) / spread)) if spread > 0 else np.inf
    quality = float(keep.mean() * np.exp(-0.5 * (se / SE_REF_DEG) ** 2))
    width = float(np.median((xr - xl)[keep]))
    # The re-read outlines may have crossed or closed in (another object's edges, read apart
    # from each other): a pair narrower than the narrowest searched is no limb. The search
    # starts at the whole pixel below widths[0] and each outline's sub-pixel peak may move
    # half a pixel: 2 px of slack.
    if not width >= widths[0] - 2.0:
        return None
    return Bisection(a + x_offset, y0 + yy.mean(), b, width, int(keep.sum()), se, quality)


def _reread(g: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Per row, the sub-pixel gradient peak within REFINE_PX of the predicted column."""
    rows, w = g.shape
    base = np.clip(np.round(predicted).astype(int), REFINE_PX, w - 1 - REFINE_PX)
    offsets = np.arange(-REFINE_PX, REFINE_PX + 1)
    cols = base[:, None] + offsets[None, :]
    j = np.argmax(g[np.arange(rows)[:, None], cols], axis=1)
    return _subpixel(g, np.arange(rows), base + offsets[j])


@dataclass(frozen=True)
class Orientation:
    """Common direction of the parallel near-vertical edges in a patch."""

    angle_deg: float  # from image vertical, + = lower end to image right
    se_deg: float  # standard error of the angle
    chains: int  # edges that carried it
    quality: float  # 0..1, as for `Bisection`


def edge_chains(g: np.ndarray, max_slope: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Near-vertical edge chains of a gradient patch `g` (R, W): start columns at the middle
    row (K,), sub-pixel x per row (K, R), where each chain is strong enough to count (K, R),
    and each chain's fitted slope (K,).

    Chains start at the peaks of the column profile (>= CHAIN_SHARE of the strongest). Each
    is read row by row within CHAIN_REACH_PX of a line, which starts vertical and is then
    refitted to the chain (CHAIN_ROUNDS), so a tilted edge is followed, not clipped. A row
    counts where the chain reaches CHAIN_SHARE of its own median strength.

    A vertical start follows an edge only as far as the edge stays within CHAIN_REACH_PX of
    it. With `max_slope` > 0 (dx/dy) chains also start along tilted lines, at the peaks of
    the profile summed along each, their slopes 4 CHAIN_REACH_PX / R apart so that every
    edge within `max_slope` is within CHAIN_REACH_PX of one of them over the whole patch. A
    tilted line can cross two edges, and the chain read along it then steps from one to the
    other with every row strong; so each round keeps only a chain's longest run of rows that
    follow the line within CHAIN_JUMP_PX from one to the next, and refits the line to that
    run, which the next round reads further along its one edge. Chains from several starts
    that end on one edge are kept once (CHAIN_SAME, the strongest). `max_slope` 0 (default):
    the vertical start alone.
    """
    rows, w = g.shape
    if rows < 3 or w < 2 * CHAIN_REACH_PX + 3:
        return None
    r = np.arange(rows)
    rc = r - r.mean()
    tilted = max_slope > 0
    if not tilted:
        profile = g.sum(axis=0)
        peaks, _ = find_peaks(profile, height=CHAIN_SHARE * profile.max(), distance=CHAIN_REACH_PX + 1)
        if len(peaks) == 0:
            return None
        line = np.broadcast_to(peaks[:, None].astype(np.float64), (len(peaks), rows))
    else:
        # Between two start slopes 4 CHAIN_REACH_PX / R apart an edge is at most CHAIN_REACH_PX
        # off the nearer one at the patch's ends, R / 2 rows from the middle.
        n = int(np.ceil(max_slope * rows / (4 * CHAIN_REACH_PX)))
        slopes = np.linspace(-max_slope, max_slope, 2 * n + 1)
        # Profiles (S, W): g summed along x = c + s rc, interpolated, zero outside the patch.
        xs = np.arange(w)[None, None, :] + slopes[:, None, None] * rc[None, :, None]  # (S, R, W)
        i0 = np.floor(xs).astype(int)
        frac = xs - i0
        rr = np.broadcast_to(r[None, :, None], xs.shape)
        at = lambda i: np.where((i >= 0) & (i < w), g[rr, np.clip(i, 0, w - 1)], 0.0)  # noqa: E731
        profile = (at(i0) * (1 - frac) + at(i0 + 1) * frac).sum(axis=1)
        # Peaks: the largest value within CHAIN_REACH_PX either side along each profile.
        top = maximum_filter1d(profile, 2 * CHAIN_REACH_PX + 1, axis=1, mode="constant", cval=-np.inf)
        si, peaks = np.nonzero((profile == top) & (profile >= CHAIN_SHARE * profile.max()) & (profile > 0))
        if len(peaks) == 0:
            return None
        line = peaks[:, None] + slopes[si][:, None] * rc[None, :]
    offsets = np.arange(-CHAIN_REACH_PX, CHAIN_REACH_PX + 1)
    for _ in range(CHAIN_ROUNDS):
        base = np.clip(np.round(line).astype(int), CHAIN_REACH_PX, w - 1 - CHAIN_REACH_PX)  # (K, R)
        vals = g[r[None, :, None], base[..., None] + offsets]  # (K, R, O)
        j = np.argmax(vals, axis=2)
        best = np.take_along_axis(vals, j[..., None], axis=2)[..., 0]
        x = _subpixel(g, np.broadcast_to(r, base.shape), base + offsets[j])
        keep = best >= CHAIN_SHARE * np.median(best, axis=1, keepdims=True)
        if tilted:
            keep = _longest_run(x, keep, line)
        n = np.maximum(keep.sum(axis=1), 1)
        xm = np.where(keep, x, 0).sum(axis=1) / n
        ym = np.where(keep, rc, 0).sum(axis=1) / n
        dy = np.where(keep, rc - ym[:, None], 0)
        slope = (dy * np.where(keep, x - xm[:, None], 0)).sum(axis=1) / np.maximum((dy * dy).sum(axis=1), 1e-9)
        line = xm[:, None] + slope[:, None] * (rc[None, :] - ym[:, None])
    if tilted:
        one = _distinct(x, keep, np.where(keep, best, 0.0).sum(axis=1))
        peaks, x, keep, slope = peaks[one], x[one], keep[one], slope[one]
    return peaks, x, keep, slope


def _longest_run(x: np.ndarray, keep: np.ndarray, line: np.ndarray) -> np.ndarray:
    """`keep` (K, R) cut to each chain's longest run of kept rows whose positions `x` (K, R),
    taken against the `line` read along (K, R), move by at most CHAIN_JUMP_PX from one kept
    row to the next."""
    k, rows = keep.shape
    idx = np.where(keep, np.arange(rows), -1)
    prev = np.maximum.accumulate(np.concatenate([np.full((k, 1), -1), idx[:, :-1]], axis=1), axis=1)
    off = x - line
    step = off - np.take_along_axis(off, np.maximum(prev, 0), axis=1)  # from the last kept row
    run = np.cumsum(keep & (prev >= 0) & (np.abs(step) > CHAIN_JUMP_PX), axis=1)  # (K, R)
    count = np.zeros((k, rows + 1))
    np.add.at(count, (np.repeat(np.arange(k), rows), run.ravel()), keep.ravel())
    return keep & (run == np.argmax(count, axis=1)[:, None])


def _distinct(x: np.ndarray, keep: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Indices of the chains (K, R) that are not the same edge as a stronger chain: at least
    CHAIN_SAME of their kept rows within CHAIN_JUMP_PX of its kept rows."""
    near = keep[:, None, :] & keep[None, :, :] & (np.abs(x[:, None, :] - x[None, :, :]) <= CHAIN_JUMP_PX)
    share = near.sum(axis=2) / np.maximum(keep.sum(axis=1), 1)[:, None]  # (K, K): of k's rows, on m's
    rank = np.argsort(np.argsort(-strength, kind="stable"), kind="stable")  # 0 = the strongest
    return np.flatnonzero(~((share >= CHAIN_SAME) & (rank[None, :] < rank[:, None])).any(axis=1))


def parallel_edges(g: np.ndarray, around_deg: float = 0.0, within_deg: float = 90.0) -> Orientation | None:
    """One slope shared by every near-vertical edge chain of a gradient patch `g` (R, W).

    On a heel counter's back face its sides and a seam or stripe on it all rotate with the
    heel, so they share a slope; a shoe's bulging side or its sole's long side seen past the
    counter, or the other foot, do not. So the slope that most edge strength agrees on is found first
    (each chain votes with its own slope, weighted by its strength, Gaussian of width
    CONSENSUS_DEG; only chains within `within_deg` of `around_deg` vote), then x = a_k + b y
    is fitted with one b over the chains that agree with it, outliers dropped in rounds. The
    quality carries the share of edge strength that agreed. Per-row sub-pixel positions, unlike a structure tensor,
    are not pulled toward vertical by a staircase (aliased) edge.

    Chains start along lines as tilted as the slopes that may vote (`edge_chains` with
    `max_slope`): a counter's edges (its outlines, a stripe's two sides) lie 2-4 px apart on a
    720p frame, and a chain read from a vertical start along a heel everted 10-15 deg steps
    onto its neighbour within the ~14 rows, or two starts end on one edge and it votes twice
    (issue 8, 16 walks at 720p: heel lines > 3 deg off in 13 % of the peak-eversion frames
    from vertical starts, 7 % from tilted ones).
    """
    tilt = abs(around_deg) + within_deg
    found = edge_chains(g, float(np.tan(np.radians(tilt))) if tilt < 90.0 else 0.0)
    if found is None:
        return None
    _, x, keep, slopes = found
    rows = np.arange(g.shape[0])
    cols = np.clip(np.round(x).astype(int), 0, g.shape[1] - 1)
    weight = np.where(keep, g[rows[None, :], cols], 0.0).sum(axis=1)
    theta = np.degrees(np.arctan(slopes))
    weight = np.where(np.abs(theta - around_deg) <= within_deg, weight, 0.0)
    if weight.sum() <= 0:
        return None
    votes = (weight[None, :] * np.exp(-0.5 * ((theta[:, None] - theta[None, :]) / CONSENSUS_DEG) ** 2)).sum(axis=1)
    agree = (np.abs(theta - theta[np.argmax(votes)]) <= 2.0 * CONSENSUS_DEG) & (weight > 0)
    share = min(float(weight[agree].sum() / weight.sum()) / FULL_AGREEMENT, 1.0)
    keep = keep & agree[:, None]
    y = np.broadcast_to(np.arange(g.shape[0], dtype=np.float64), x.shape)
    b = 0.0
    rms = sy = np.inf
    for _ in range(FIT_ROUNDS):
        n = keep.sum(axis=1)
        keep &= (n >= 3)[:, None]
        if not keep.any():
            return None
        n = np.maximum(keep.sum(axis=1), 1)
        ym = np.where(keep, y, 0).sum(axis=1) / n
        xm = np.where(keep, x, 0).sum(axis=1) / n
        dy, dx = np.where(keep, y - ym[:, None], 0), np.where(keep, x - xm[:, None], 0)
        sy = float((dy * dy).sum())
        if sy <= 0:
            return None
        b = float((dy * dx).sum() / sy)
        res = np.where(keep, dx - b * dy, np.nan)
        rms = float(np.sqrt(np.nanmean(res**2)))
        mad = 1.4826 * float(np.nanmedian(np.abs(res)))
        keep &= np.abs(np.nan_to_num(res)) <= max(MIN_RESIDUAL_PX, 3.0 * mad)
    se = float(np.degrees(max(rms, 0.3) / np.sqrt(sy)))
    chains = int((keep.sum(axis=1) >= 3).sum())
    quality = float(share * keep.any(axis=0).mean() * np.exp(-0.5 * (se / SE_REF_DEG) ** 2))
    return Orientation(float(np.degrees(np.arctan(b))), se, chains, quality)
