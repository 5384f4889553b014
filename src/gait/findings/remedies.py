"""What can be done about each finding, in plain words, from the source material in DESIGN.md.

The remedies are the ones the source names (motion-control shoes, a foam-rubber heel lift,
stretching and strengthening, heat, ice and massage, less strain, a physician) matched to
the finding they answer; the self-check and the pain types help a reader judge their own
case. Nothing here diagnoses: every report carries `DISCLAIMER`.
"""

from __future__ import annotations

DISCLAIMER = (
    "This tool screens movement patterns from video and pressure data; it does not diagnose. "
    "Each finding says how confident it is. Persistent pain needs a physician."
)

HEEL_LIFT_MM = 12.7  # about 1/2 inch of foam rubber, the heel lift the source names

SELF_CHECK = (
    "Self-check: walk for a few minutes consciously on the outer edges of your feet, with the "
    "legs turned outward. If that eases the pain, the cause is likely muscular and tied to "
    "over-pronation, and controlling the pronation is the way to relief."
)
MOTION_CONTROL = (
    "Motion-control shoes, built to limit how far the foot rolls in, are the usual answer to "
    "over-pronation; re-check with this tool in the new shoes."
)
STRETCH_HIP = "Stretch and strengthen the hip, hamstring and lower-back muscles."
CORE = "Strengthen the abdomen and lower back."
HEAT = (
    "For aching muscles over or behind the hip or in the lower back: damp heat, a hot bath or "
    "steam room, or a heat rub, and less physical strain while it settles."
)
PIRIFORMIS = (
    "A tender knot deep in the buttock (the piriformis muscle, which can press on the sciatic "
    "nerve) may ease with ice and massage of the knot; the source also names anti-inflammatory "
    "medicine - ask a pharmacist or physician whether it suits you. Tight back or hamstring "
    "muscles make it worse, so keep stretching them."
)
PHYSICIAN = (
    "If pain persists, see a physician: an orthopaedist can tell joint pain from soft-tissue pain."
)

PAIN_TYPES = (
    ("Joint (arthritic) pain", "felt in the joint itself, with movement and under load."),
    ("Ligament pain", "felt at the point where the ligament attaches, when that spot is pressed."),
    ("Nerve pain", "may travel down the leg and does not depend on position."),
    ("Muscle pain", "may ease with heat or rest."),
)
PAIN_TYPES_NOTE = (
    "Mechanical sources of hip and lower-back pain include a foot that over-pronates (it turns "
    "the leg and hip inward, and one hip drops), one leg shorter than the other, an uneven "
    "pelvis, a curve in the spine, disc wear, weak abdominal or lower-back muscles and "
    "relentless strain in athletes. " + PHYSICIAN
)


def hyperpronation(side: str) -> list[str]:
    return [MOTION_CONTROL, SELF_CHECK, STRETCH_HIP, PHYSICIAN]


def internal_leg_rotation(side: str, with_pronation: bool) -> list[str]:
    first = (
        "The leg turning in goes with the foot rolling in on the same side: controlling the "
        "pronation (motion-control shoes) addresses the cause."
        if with_pronation
        else "Have the foot checked for over-pronation, a common cause of the leg turning in "
        "(an insole recording shows how the load rolls across the foot)."
    )
    return [first, SELF_CHECK, STRETCH_HIP, PHYSICIAN]


def pelvic_drop(side: str, related: list[str]) -> list[str]:
    lead = (
        f"Strengthen the hip muscles of the {side} leg (the abductors on the outside of the hip "
        "hold the pelvis level while you stand on that leg), and stretch the hip, hamstring and "
        "lower-back muscles."
    )
    out = [lead, CORE]
    if related:
        out.append("Deal with what tilts the pelvis: " + "; ".join(related) + ".")
    return out + [HEAT, PIRIFORMIS, PHYSICIAN]


def leg_length_difference(shorter: str, measured: bool) -> list[str]:
    lift = (
        f"a heel lift of about 1/2 inch ({HEEL_LIFT_MM:g} mm) of foam rubber in the {shorter} shoe "
        "(the shorter leg) is the named remedy"
    )
    first = (
        f"Your standing measurement supports the difference: {lift}; ask whoever measured how "
        "high the lift should be for your difference, and re-check your walk with it."
        if measured
        else "Have your leg lengths measured standing by a clinician: from video this is only a "
        f"possible difference. If a difference is confirmed, {lift}."
    )
    return [first, STRETCH_HIP, CORE, PHYSICIAN]


def asymmetric_loading(side: str) -> list[str]:
    return [
        "Uneven loading is often a way of sparing a painful leg: if one side hurts, see a "
        "physician rather than training through it.",
        "Check the other findings: a shorter leg or a foot that rolls in can shift the load.",
        "Less physical strain while it settles; re-check with this tool after a change of shoes "
        "or a heel lift.",
    ]
