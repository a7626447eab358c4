"""Anti-aliased resampling from any rate to any rate."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly


def rate_ratio(from_rate: float, to_rate: float) -> tuple[int, int]:
    """Return ``(up, down)``, the smallest integers with ``to_rate / from_rate = up / down``.

    Rates are rounded to 1/1000 Hz first, so 29.97 Hz and 50 Hz work as well as 32 Hz
    and 30 Hz.
    """
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError(f"rates must be positive, got {from_rate} Hz -> {to_rate} Hz")
    ratio = Fraction(to_rate).limit_denominator(1000) / Fraction(from_rate).limit_denominator(1000)
    return ratio.numerator, ratio.denominator


def resampled_length(n_samples: int, from_rate: float, to_rate: float) -> int:
    """Length of a signal of ``n_samples`` after :func:`resample`."""
    up, down = rate_ratio(from_rate, to_rate)
    return -(-n_samples * up // down)


def resample(signals: np.ndarray, from_rate: float, to_rate: float) -> np.ndarray:
    """Resample along the last axis with a polyphase anti-aliasing FIR filter.

    Uses :func:`scipy.signal.resample_poly` (Kaiser-window low-pass at the lower of
    the two Nyquist frequencies), with the signal extended linearly at both ends
    (``padtype="line"``) so that a gravity offset does not droop at the edges.

    Parameters
    ----------
    signals : ndarray of shape (n_channels, n_samples)
    from_rate, to_rate : float
        Rates in Hz.

    Returns
    -------
    ndarray of shape (n_channels, ceil(n_samples * to_rate / from_rate)), float64
    """
    signals = np.asarray(signals, dtype=np.float64)
    up, down = rate_ratio(from_rate, to_rate)
    if up == down:
        return signals.copy()
    if signals.shape[-1] < 2:
        return np.repeat(signals, resampled_length(signals.shape[-1], from_rate, to_rate), -1)
    return resample_poly(signals, up, down, axis=-1, padtype="line")
