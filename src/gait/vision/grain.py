"""How grainy a frame is: the standard deviation of its noise, in grey levels (0-255).

Immerkaer's estimator (Fast noise variance estimation, Computer Vision and Image
Understanding 64:300-302, 1996): the mask [[1,-2,1],[-2,4,-2],[1,-2,1]], the difference of two
Laplacians, cancels a picture's shading up to its curvature and leaves the noise, whose SD is
sqrt(pi/2)/6 times the mean of its absolute response. Edges and texture leak through, so
the frame is cut into BLOCK_PX squares and the estimate read on its flattest ones, a low
percentile of the blocks' (weak-textured patches, as Liu, Tanaka & Okutomi 2013 pick them,
IEEE Trans Image Process 22:5226-5237): the wall, the floor, a plain shirt.
"""

from __future__ import annotations

import cv2
import numpy as np

MASK = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
# Blocks of 16 px: 196 responses each, so a flat block's estimate scatters by ~5 % about
# the true SD, while a 640x480 frame still holds 1200 of them.
BLOCK_PX = 16
# The 20th percentile of the blocks: a walker fills under a fifth of a full-body frame, and the
# rest of a room is mostly flat; it reads white noise ~5 % low (the blocks' scatter).
FLAT_PERCENTILE = 20.0


def noise_sd(image: np.ndarray) -> float:
    """Noise SD of a BGR (or grey) frame in grey levels, from its flattest blocks; NaN when
    the frame is smaller than a block."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    response = np.abs(cv2.filter2D(grey.astype(np.float32), -1, MASK, borderType=cv2.BORDER_REFLECT))
    h, w = (s // BLOCK_PX * BLOCK_PX for s in response.shape)
    if h == 0 or w == 0:
        return float("nan")
    blocks = response[:h, :w].reshape(h // BLOCK_PX, BLOCK_PX, w // BLOCK_PX, BLOCK_PX).mean(axis=(1, 3))
    return float(np.sqrt(np.pi / 2) / 6 * np.percentile(blocks, FLAT_PERCENTILE))
