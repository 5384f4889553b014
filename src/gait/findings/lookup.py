"""Reading a metrics dict (gait.metrics/1) by dotted path, with its optional extras.

Metrics may carry `missing` (path -> why the value is null) and `uncertainty` (path -> one
standard deviation in the metric's unit), either flat with dotted keys or nested like the
metrics themselves; the `pressure` block may carry its own `missing`. None of them is
required: without them a null reads "not measured" and a value gets the norm's default
uncertainty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SIDES = ("left", "right")
GENERIC_REASON = "not measurable from this view or data"


def lookup(tree: Any, path: str) -> Any:
    """The value at `path` ("a.b.c") in nested mappings, or `tree[path]` as a flat key."""
    if not isinstance(tree, Mapping):
        return None
    if path in tree:
        return tree[path]
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def number(metrics: Mapping, path: str) -> float | None:
    """A finite number at `path`, else None (null, missing, NaN or not a number)."""
    value = lookup(metrics, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def uncertainty(metrics: Mapping, path: str) -> float | None:
    """The metric's own uncertainty (one SD, in its unit) when the metrics carry one.

    Looked up under `uncertainty` or `uncertainties`, at `path` or its parent (an entry for
    `rearfoot_eversion_deg.right` covers `.right.peak`); an entry is a number or a mapping
    with "se" (standard error of the reported mean) or "sd".
    """
    parent = path.rsplit(".", 1)[0]
    for key in ("uncertainty", "uncertainties"):
        tree = metrics.get(key)
        for where in (path, parent):
            entry = lookup(tree, where)
            if isinstance(entry, Mapping):
                entry = entry.get("se", entry.get("sd"))
            if isinstance(entry, (int, float)) and not isinstance(entry, bool) and entry == entry and entry:
                return abs(float(entry))
    return None


def missing_reason(metrics: Mapping, path: str) -> str:
    """Why the value at `path` is null, from `missing` entries for it or a parent path."""
    parts = path.split(".")
    prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
    for key in prefixes:
        reason = lookup(metrics.get("missing") or {}, key)
        if isinstance(reason, str):
            return reason
    if parts[0] == "pressure":
        if metrics.get("pressure") is None:
            return "no insole recording"
        inner = ".".join(parts[1:])
        reason = (metrics["pressure"].get("missing") or {}).get(inner)
        if isinstance(reason, str):
            return reason
    return GENERIC_REASON


def other(side: str) -> str:
    return "right" if side == "left" else "left"
