"""Bring windows to a pretrained model's rate (and length) with the anti-aliased resampler."""

from __future__ import annotations

import numbers

import numpy as np

from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.resampling import resample


def _positive_finite(value, name: str) -> float:
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not np.isfinite(value) or value <= 0):
        raise DatasetParameterError(f"{name} must be a positive finite number of Hz, got "
                                    f"{value!r}")
    return float(value)


def to_model_input(
    X,
    rate: float,
    *,
    model_rate: float = 30.0,
    n_timepoints: int | None = None,
) -> np.ndarray:
    """Resample windows recorded at ``rate`` Hz to a model's rate, optionally to its length.

    Parameters
    ----------
    X : array-like of shape (n_windows, n_channels, n_timepoints_in)
        Windows in the model's units (g for the wrist models) and channel order.
    rate : float
        Sampling rate of ``X`` in Hz.
    model_rate : float, default=30.0
        The model's rate (30 Hz for ``flowfm-wrist-small``).
    n_timepoints : int, optional
        The model's window length (300 for ``flowfm-wrist-small``). If given, the
        centre ``n_timepoints`` points of each resampled window are kept; a window that
        is shorter after resampling raises. If None, the resampled length is kept (the
        model accepts other lengths by interpolating its positional embeddings).

    Returns
    -------
    ndarray of shape (n_windows, n_channels, n_out), float32

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((4, 3, 1000))           # 10 s at 100 Hz
    >>> to_model_input(X, rate=100).shape
    (4, 3, 300)
    """
    X = np.asarray(X)
    if X.ndim != 3:
        raise DatasetParameterError(
            f"X must have shape (n_windows, n_channels, n_timepoints), got {X.ndim} dimensions"
        )
    if not np.issubdtype(X.dtype, np.number) or np.iscomplexobj(X):
        raise DatasetParameterError(f"X must hold real numbers, got dtype {X.dtype}")
    rate = _positive_finite(rate, "rate")
    model_rate = _positive_finite(model_rate, "model_rate")
    out = resample(X.reshape(-1, X.shape[-1]), rate, model_rate)
    out = out.reshape(X.shape[0], X.shape[1], -1)
    if n_timepoints is not None:
        length = out.shape[-1]
        if length < n_timepoints:
            raise DatasetParameterError(
                f"windows of {X.shape[-1]} points at {rate:g} Hz give {length} points at "
                f"{model_rate:g} Hz, fewer than the {n_timepoints} the model expects; use "
                f"windows of at least {n_timepoints / model_rate:g} s, or pass "
                "n_timepoints=None to keep the shorter length"
            )
        start = (length - n_timepoints) // 2
        out = out[..., start:start + n_timepoints]
    return out.astype(np.float32)
