"""A squarified treemap (Bruls, Huizing, van Wijk) laid out in SVG user units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """One laid-out rectangle; ``index`` points into the weights given to :func:`squarify`."""

    index: int
    x: float
    y: float
    w: float
    h: float


def _worst(row: Sequence[float], side: float) -> float:
    """The worst aspect ratio of ``row`` laid along a side of length ``side``."""
    total = sum(row)
    return max(max(row) * side * side / (total * total), total * total / (side * side * min(row)))


def squarify(weights: Sequence[float], width: float, height: float) -> list[Rect]:
    """Rectangles filling ``width`` x ``height`` with areas proportional to ``weights``.

    Weights must be positive. Larger weights are placed first (top left); every input
    index appears exactly once in the result.
    """
    if not weights:
        return []
    if min(weights) <= 0:
        raise ValueError("treemap weights must be positive")
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    scale = width * height / sum(weights)
    areas = [weights[i] * scale for i in order]
    x, y, w, h = 0.0, 0.0, float(width), float(height)
    out: list[Rect] = []
    start = 0
    while start < len(areas):
        side = min(w, h)
        end = start + 1
        while end < len(areas) and _worst(areas[start : end + 1], side) <= _worst(
            areas[start:end], side
        ):
            end += 1
        row = areas[start:end]
        total = sum(row)
        if w >= h:  # a column along the left edge
            thick = total / h if h else 0.0
            offset = y
            for k, area in enumerate(row):
                length = area / thick if thick else 0.0
                out.append(Rect(order[start + k], x, offset, thick, length))
                offset += length
            x, w = x + thick, w - thick
        else:  # a row along the top edge
            thick = total / w if w else 0.0
            offset = x
            for k, area in enumerate(row):
                length = area / thick if thick else 0.0
                out.append(Rect(order[start + k], offset, y, length, thick))
                offset += length
            y, h = y + thick, h - thick
        start = end
    return out
