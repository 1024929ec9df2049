"""Straightening a scanned page: a scanner feeds paper a little askew.

On a ruled page the long table borders give the angle precisely: the median slope of the
runs of ink long enough to be borders. A page without them (prose) takes the angle that
makes its ink rows sharpest: rotated right, text lines fall into pixel rows and the row
sums peak; searched on a reduced copy, coarse then fine, within what a feeder skews.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

MAX_ANGLE = 3.0


def _sharpness(small: Any, angle: float) -> float:
    h, w = small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float((np.diff(rows) ** 2).sum())


def skew_angle(ink: Any) -> float:
    """The rotation (degrees, counter-clockwise) that straightens a binary ink image."""
    by_borders = _border_angle(ink)
    return by_borders if by_borders is not None else _profile_angle(ink)


def _border_angle(ink: Any) -> float | None:
    w = ink.shape[1]
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(20, w // 15)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    slopes = []
    for i in range(1, count):
        x, y, cw, ch, _area = stats[i]
        if cw < w // 4:
            continue
        ys, xs = np.nonzero(labels[y : y + ch, x : x + cw] == i)
        if xs.size > 50:
            slopes.append(np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0])
    if len(slopes) < 2:
        return None
    return float(np.degrees(np.arctan(np.median(slopes))))


def _profile_angle(ink: Any) -> float:
    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    small = small.astype(np.float32)
    coarse = [float(a) for a in np.arange(-MAX_ANGLE, MAX_ANGLE + 1e-9, 0.25)]
    best = max(coarse, key=lambda a: _sharpness(small, a))
    fine = [float(a) for a in np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)]
    return max(fine, key=lambda a: _sharpness(small, a))


def rotate(image: Any, angle: float, fill: int) -> Any:
    if abs(angle) < 0.02:
        return image
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)
