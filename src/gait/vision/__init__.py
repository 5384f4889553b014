"""Measurements from the pixels themselves, where landmarks cannot carry them: rearfoot
angle by lower-leg and heel-counter bisection, pelvic obliquity from the waistband line, legs
found in a close-up without a body (`frontal.measure_video` runs them over a video)."""
