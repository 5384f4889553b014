"""The shapes of the rendered mannequin: capsules, ellipsoids, a belt and shoe boxes, each
attached to a segment frame of the walker, in lab coordinates for one frame.

Dressed for a posterior gait video as a clinician would ask: short sleeves and shorts, bare
lower legs, white ankle socks, shoes with a contrasting heel counter and a white vertical
stripe bisecting it (so the counter's tilt is the rearfoot's tilt), and a light belt on the
pelvis segment between shirt and shorts, which tilts with the pelvis. A face (eyes, nose,
mouth, ears) and hair let the person detector fire from the front and the side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.simulate.params import SIDES
from gait.simulate.walker import FACE, MTP_HINGE, SIDE_SIGN, SUBTALAR_DROP, Body, Kinematics

# BGR colours
SKIN = (120, 150, 205)
HAIR = (30, 45, 70)
SHIRT = (150, 95, 40)
SHORTS = (55, 50, 50)
BELT = (110, 170, 215)
SOCK = (235, 235, 235)
SHOE = (70, 65, 60)
SOLE = (215, 215, 210)
COUNTER = (40, 40, 190)
STRIPE = (245, 245, 245)
EYE_WHITE = (235, 235, 235)
PUPIL = (40, 30, 30)
LIPS = (90, 90, 170)


@dataclass(frozen=True)
class Outfit:
    """Colours (BGR) of skin, clothes and shoes; the defaults are the module's constants, so
    a test can dress the walker differently and check that a measurement does not hang on one."""

    skin: tuple[int, int, int] = SKIN
    hair: tuple[int, int, int] = HAIR
    shirt: tuple[int, int, int] = SHIRT
    shorts: tuple[int, int, int] = SHORTS
    belt: tuple[int, int, int] = BELT
    sock: tuple[int, int, int] = SOCK
    shoe: tuple[int, int, int] = SHOE
    sole: tuple[int, int, int] = SOLE
    counter: tuple[int, int, int] = COUNTER
    stripe: tuple[int, int, int] = STRIPE


@dataclass(frozen=True)
class Shape:
    """One primitive in lab coordinates.

    kind: "capsule" (a, b: ends, radius), "ellipsoid" (centre, axes, radii), "cylinder"
    (elliptic, axis = axes[:, 2], radii x, y and half-height), "box" (centre, axes, half sizes).
    """

    kind: str
    colour: tuple[int, int, int]
    centre: np.ndarray
    axes: np.ndarray | None = None  # (3, 3) columns = local x, y, z in lab coordinates
    size: np.ndarray | None = None  # radii / half extents
    a: np.ndarray | None = None
    b: np.ndarray | None = None
    radius: float = 0.0


def capsule(a: np.ndarray, b: np.ndarray, radius: float, colour: tuple[int, int, int]) -> Shape:
    return Shape("capsule", colour, (a + b) / 2, a=a, b=b, radius=radius)


def ellipsoid(origin: np.ndarray, axes: np.ndarray, offset: tuple[float, float, float],
              radii: tuple[float, float, float], colour: tuple[int, int, int]) -> Shape:  # fmt: skip
    """An ellipsoid at `offset` in the frame (origin, axes), aligned with it."""
    return Shape("ellipsoid", colour, origin + axes @ np.asarray(offset), axes, np.asarray(radii, float))


def box(origin: np.ndarray, axes: np.ndarray, offset: tuple[float, float, float],
        half: tuple[float, float, float], colour: tuple[int, int, int]) -> Shape:  # fmt: skip
    return Shape("box", colour, origin + axes @ np.asarray(offset), axes, np.asarray(half, float))


def figure(k: Kinematics, i: int, body: Body, outfit: Outfit = Outfit()) -> list[Shape]:
    """The mannequin's shapes in frame `i` of the kinematics `k`, dressed in `outfit`."""
    s = body.height / 1.75  # shapes are sized for a 1.75 m person
    fr = {name: (o[i], r[i]) for name, (o, r) in k.frames.items()}
    pt = {name: v[i] for name, v in k.points.items()}
    shapes: list[Shape] = []
    add = shapes.append

    o, r = fr["pelvis"]
    add(ellipsoid(o, r, (-0.01 * s, 0, 0.02 * s), (0.105 * s, 0.165 * s, 0.11 * s), outfit.shorts))
    add(Shape("cylinder", outfit.belt, o + r @ np.array([0, 0, 0.10 * s]), r, np.array([0.112 * s, 0.162 * s, 0.022 * s])))
    o, r = fr["torso"]
    add(ellipsoid(o, r, (0, 0, 0.19 * s), (0.105 * s, 0.152 * s, 0.11 * s), outfit.shirt))
    add(ellipsoid(o, r, (0, 0, 0.34 * s), (0.115 * s, 0.175 * s, 0.19 * s), outfit.shirt))
    add(capsule(pt["left_shoulder"], pt["right_shoulder"], 0.055 * s, outfit.shirt))
    o, r = fr["neck"]
    head_c, r_head = fr["head"]
    add(capsule(o, head_c - r_head @ np.array([0.02, 0, 0.07]) * s, 0.05 * s, outfit.skin))
    add(ellipsoid(head_c, r_head, (0, 0, 0), (0.10 * s, 0.08 * s, 0.115 * s), outfit.skin))
    add(ellipsoid(head_c, r_head, (-0.018 * s, 0, 0.02 * s), (0.098 * s, 0.084 * s, 0.112 * s), outfit.hair))
    for side in ("left", "right"):
        y = SIDE_SIGN[side]
        eye = np.asarray(FACE[f"{side}_eye"])
        add(ellipsoid(head_c, r_head, tuple(eye * s), (0.008 * s, 0.012 * s, 0.007 * s), EYE_WHITE))
        add(ellipsoid(head_c, r_head, tuple((eye + (0.006, 0, 0)) * s), (0.004 * s, 0.006 * s, 0.006 * s), PUPIL))
        add(ellipsoid(head_c, r_head, tuple((eye + (0.006, 0, 0.018)) * s), (0.004 * s, 0.016 * s, 0.003 * s), outfit.hair))
        add(ellipsoid(head_c, r_head, (-0.005 * s, y * 0.078 * s, 0.004 * s), (0.016 * s, 0.012 * s, 0.03 * s), outfit.skin))
    add(ellipsoid(head_c, r_head, (0.096 * s, 0, -0.008 * s), (0.018 * s, 0.012 * s, 0.022 * s), outfit.skin))
    add(ellipsoid(head_c, r_head, (0.084 * s, 0, -0.045 * s), (0.01 * s, 0.024 * s, 0.006 * s), LIPS))

    for side in SIDES:
        lat = SIDE_SIGN[side]
        shoulder, elbow, wrist = pt[f"{side}_shoulder"], pt[f"{side}_elbow"], pt[f"{side}_wrist"]
        add(capsule(shoulder, shoulder + 0.5 * (elbow - shoulder), 0.05 * s, outfit.shirt))
        add(capsule(shoulder, elbow, 0.04 * s, outfit.skin))
        add(capsule(elbow, wrist, 0.033 * s, outfit.skin))
        r = fr[f"{side}_forearm"][1]
        add(ellipsoid(wrist, r, (0.004 * s, 0, -0.075 * s), (0.045 * s, 0.02 * s, 0.085 * s), outfit.skin))

        hip, knee, ankle = pt[f"{side}_hip"], pt[f"{side}_knee"], pt[f"{side}_ankle"]
        add(capsule(hip, knee, 0.064 * s, outfit.skin))
        add(capsule(hip + (0, lat * 0.01 * s, 0), hip + 0.55 * (knee - hip), 0.08 * s, outfit.shorts))
        o, r = fr[f"{side}_shank"]
        add(capsule(knee, ankle, 0.043 * s, outfit.skin))
        add(ellipsoid(knee, r, (-0.014 * s, 0, -0.13 * s), (0.052 * s, 0.05 * s, 0.11 * s), outfit.skin))
        add(capsule(ankle - r[:, 2] * 0.01 * s, ankle + r[:, 2] * 0.075 * s, 0.037 * s, outfit.sock))

        # The shoe in two parts: heel to the metatarsal heads on the rearfoot frame (pivot under
        # the ankle, everts with the heel), the toe box on the toe frame (hinged at the
        # metatarsal heads, level on the floor while the heel rises).
        o, r = fr[f"{side}_foot"]
        lf, hw = body.foot_length, body.foot_width / 2
        back, sole = -0.25 * lf, -(body.ankle_height - SUBTALAR_DROP)
        hinge = back + MTP_HINGE * lf
        rear = hinge - back + 0.008  # sole length behind the hinge, with the heel's overhang
        add(box(o, r, (hinge - rear / 2, 0, sole + 0.011), (rear / 2, hw + 0.006, 0.011), outfit.sole))
        add(ellipsoid(o, r, ((back + hinge) / 2 + 0.0115, lat * 0.004, sole + 0.045),
                      ((hinge - back) / 2 + 0.0055, hw + 0.002, 0.04), outfit.shoe))  # fmt: skip
        add(box(o, r, (back + 0.028, 0, sole + 0.05), (0.03, hw - 0.004, 0.034), outfit.counter))
        add(box(o, r, (back + 0.0, 0, sole + 0.05), (0.003, 0.006, 0.032), outfit.stripe))
        o, r = fr[f"{side}_toes"]  # origin: the hinge on the sole
        front = (1.0 - MTP_HINGE) * lf + 0.008  # toe box length ahead of the hinge
        add(box(o, r, (front / 2, 0, 0.011), (front / 2, hw + 0.006, 0.011), outfit.sole))
        add(ellipsoid(o, r, (front / 2 - 0.006, lat * 0.004, 0.03), (front / 2 + 0.002, hw + 0.002, 0.026), outfit.shoe))
    return shapes
