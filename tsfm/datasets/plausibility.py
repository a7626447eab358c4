"""Physical plausibility of accelerometer windows in g.

A wrist or body accelerometer at rest measures gravity, 1 g, and consumer sensors
saturate at 8 or 16 g. A window whose median acceleration magnitude is far from 1 g,
or that holds values beyond any sensor's range, is not acceleration in g: a file in
another unit, another sensor's data under an accelerometer's name, or corrupt values.
SmartFallMM, for example, has MetaMotion "accelerometer" trials of one participant
whose values reach 240, which a pretraining corpus must not take as signal: they
would dominate its per-channel standardisation.
"""

from __future__ import annotations

import numpy as np

#: no consumer wearable accelerometer measures beyond this (in g)
MAX_ABS_G = 16.0
#: the median acceleration magnitude of a window, in g, must lie in this range
GRAVITY_RANGE_G = (0.5, 2.0)


def plausible_acceleration(X: np.ndarray, units) -> np.ndarray:
    """Which windows are plausible acceleration in g.

    Parameters
    ----------
    X : ndarray of shape (n_windows, n_channels, n_timepoints)
    units : sequence of str, length n_channels
        Unit of each channel; only the channels in ``"g"`` are checked, as one
        3-axis group per consecutive triple.

    Returns
    -------
    ndarray of bool, shape (n_windows,)
        False where a checked channel leaves ``[-MAX_ABS_G, MAX_ABS_G]`` or a 3-axis
        group's median magnitude leaves :data:`GRAVITY_RANGE_G`.
    """
    keep = np.ones(len(X), dtype=bool)
    g_channels = [i for i, unit in enumerate(units) if unit == "g"]
    for start in range(0, len(g_channels) - len(g_channels) % 3, 3):
        axes = X[:, g_channels[start:start + 3], :].astype(np.float64)
        magnitude = np.sqrt(np.square(axes).sum(axis=1))
        median = np.median(magnitude, axis=1)
        keep &= np.abs(axes).max(axis=(1, 2)) <= MAX_ABS_G
        keep &= (median >= GRAVITY_RANGE_G[0]) & (median <= GRAVITY_RANGE_G[1])
    return keep
