"""Input checks and conversion of panel data to a float32 array (n, C, T).

All public estimators route their input through :func:`check_panel`, so that every
format and every kind of bad input is handled in one place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPORTED_FORMATS = (
    "numpy array of shape (n_series, n_channels, n_timepoints)",
    "2-D numpy array of shape (n_series, n_timepoints) (univariate, sktime's numpyflat)",
    "pandas DataFrame in sktime's pd-multiindex or nested_univ Panel format",
)


def _from_dataframe(X: pd.DataFrame) -> np.ndarray:
    from sktime.datatypes import convert_to, mtype

    try:
        kind = mtype(X, as_scitype="Panel")
    except Exception as exc:
        raise ValueError(
            "X is a DataFrame but not a valid sktime Panel (pd-multiindex with an "
            "(instance, timepoint) MultiIndex, or nested_univ with one pd.Series per cell); "
            f"sktime says: {exc}"
        ) from None
    if kind not in ("pd-multiindex", "nested_univ"):
        raise ValueError(f"unsupported DataFrame Panel format {kind!r}; use one of: "
                         f"{'; '.join(SUPPORTED_FORMATS)}")
    return np.asarray(convert_to(X, to_type="numpy3D"))


def check_panel(X, *, name: str = "X") -> np.ndarray:
    """Validate panel data and return it as a float32 array of shape (n, C, T).

    Parameters
    ----------
    X : array-like or DataFrame
        One of :data:`SUPPORTED_FORMATS`. A 2-D array is read as univariate series,
        following sktime's ``numpyflat`` convention.
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    ndarray of shape (n_series, n_channels, n_timepoints), dtype float32

    Raises
    ------
    ValueError
        On a wrong number of dimensions, an empty array, NaN or inf values, or
        values outside the float32 range.
    TypeError
        On non-numeric data.
    """
    if isinstance(X, pd.DataFrame):
        X = _from_dataframe(X)
    try:
        X = np.asarray(X)
    except Exception as exc:
        raise TypeError(f"{name} could not be read as an array: {exc}") from None
    if X.dtype.kind not in "biuf":
        if X.dtype.kind == "O":
            try:
                X = X.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{name} must be numeric, but its object array holds non-numeric "
                    "values; convert them to numbers first"
                ) from None
        else:
            raise TypeError(
                f"{name} must be numeric (int or float), got dtype {X.dtype}; "
                "convert it, e.g. X.astype(np.float32)"
            )
    if X.ndim == 2:
        X = X[:, np.newaxis, :]
    if X.ndim != 3:
        raise ValueError(
            f"{name} must have 3 dimensions (n_series, n_channels, n_timepoints), got "
            f"{X.ndim} with shape {X.shape}; supported inputs: {'; '.join(SUPPORTED_FORMATS)}"
        )
    if 0 in X.shape:
        raise ValueError(
            f"{name} is empty (shape {X.shape}); it needs at least one series, one channel "
            "and one timepoint"
        )
    if X.dtype.kind == "f" and not np.isfinite(X).all():
        bad = ~np.isfinite(X)
        series = np.unique(np.nonzero(bad)[0])
        raise ValueError(
            f"{name} contains NaN or inf values ({int(bad.sum())} values in "
            f"{len(series)} series, first at series {int(series[0])}); impute or drop them "
            "before fitting, e.g. with interpolation or by removing those series"
        )
    X32 = X.astype(np.float32)
    if not np.isfinite(X32).all():
        raise ValueError(
            f"{name} has values beyond the float32 range (max |x| = {np.abs(X).max():.3g}); "
            "rescale the data"
        )
    return X32
