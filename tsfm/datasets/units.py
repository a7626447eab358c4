"""Conversion of accelerometer channels to g (standard gravity)."""

from __future__ import annotations

import numpy as np

#: standard gravity in m/s^2 (CGPM 1901), used by every m/s^2 -> g conversion
STANDARD_GRAVITY = 9.80665

#: unit as stored -> function mapping the stored values to g
_TO_G = {
    "g": lambda x: x,
    "m/s^2": lambda x: x / STANDARD_GRAVITY,
    "milli-g": lambda x: x / 1000.0,
    # HMP (ADL) 6-bit codes 0..63 for -1.5 g .. +1.5 g (dataset MANUAL.txt, Sec. 4.2)
    "hmp-code": lambda x: -1.5 + 3.0 * x / 63.0,
}

ACCELERATION_UNITS = tuple(_TO_G)


def to_g(values: np.ndarray, unit: str) -> np.ndarray:
    """Convert accelerometer values from ``unit`` to g.

    Parameters
    ----------
    values : ndarray of any shape
        Values as stored in the dataset's files.
    unit : {"g", "m/s^2", "milli-g", "hmp-code"}
        Unit of ``values``; ``"hmp-code"`` is the 6-bit 0..63 code of the HMP
        dataset, ``real = -1.5 + 3 * code / 63``.

    Returns
    -------
    ndarray of the same shape, float64, in g.

    Raises
    ------
    ValueError
        If ``unit`` is not an acceleration unit.
    """
    try:
        convert = _TO_G[unit]
    except KeyError:
        raise ValueError(
            f"cannot convert {unit!r} to g; known acceleration units: {ACCELERATION_UNITS}"
        ) from None
    return convert(np.asarray(values, dtype=np.float64))


def channels_to_g(
    signals: np.ndarray, channel_names: list[str], units: list[str]
) -> tuple[np.ndarray, list[str]]:
    """Convert every accelerometer channel (name starting with ``acc``) to g.

    Parameters
    ----------
    signals : ndarray of shape (n_channels, n_samples)
    channel_names : list of str, length n_channels
    units : list of str, length n_channels

    Returns
    -------
    signals : ndarray of shape (n_channels, n_samples), float64
        Accelerometer channels in g, the other channels unchanged.
    units : list of str
        The units after conversion.
    """
    out = np.asarray(signals, dtype=np.float64).copy()
    new_units = list(units)
    for i, (name, unit) in enumerate(zip(channel_names, units, strict=True)):
        if name.startswith("acc"):
            out[i] = to_g(out[i], unit)
            new_units[i] = "g"
    return out, new_units
