"""MediaPipe Pose's 33 landmarks: names, indices and the left/right mirror map.

Left and right are the subject's. Even indices above 10 are the right side.
"""

import numpy as np

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip
N_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32

LEFT_LEG = np.array([LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX])
RIGHT_LEG = np.array([RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX])
LEG_ENDS = np.array([LEFT_ANKLE, RIGHT_ANKLE, LEFT_HEEL, RIGHT_HEEL])  # the feet, as far as gait needs them in view


def _mirror() -> np.ndarray:
    """Permutation that exchanges every left landmark with its right counterpart."""
    perm = np.arange(N_LANDMARKS)
    for i, name in enumerate(NAMES):
        if name.startswith("left_"):
            j = INDEX["right_" + name[5:]]
        elif name.startswith("right_"):
            j = INDEX["left_" + name[6:]]
        elif name == "mouth_left":
            j = INDEX["mouth_right"]
        elif name == "mouth_right":
            j = INDEX["mouth_left"]
        else:
            continue
        perm[i] = j
    return perm


MIRROR: np.ndarray = _mirror()
