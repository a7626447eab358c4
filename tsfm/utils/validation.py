"""Input checks and conversion of panel data to a float32 array (n, C, T).

All public estimators route their input through :func:`check_panel`, so that every
format and every kind of bad input is handled in one place, and their outputs
through :func:`check_finite_output`, so that none of them returns NaN.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from scipy import sparse
from torch.utils.data import Dataset

from tsfm.exceptions import NonFiniteError

SUPPORTED_FORMATS = (
    "numpy array of shape (n_series, n_channels, n_timepoints)",
    "2-D numpy array of shape (n_series, n_timepoints) (univariate, sktime's numpyflat)",
    "pandas DataFrame in sktime's pd-multiindex or nested_univ Panel format",
    "plain pandas DataFrame with one univariate series per row (like numpyflat)",
)


def _is_panel_frame(X: pd.DataFrame) -> bool:
    """A MultiIndex frame (pd-multiindex) or one holding Series in its cells (nested_univ)."""
    if isinstance(X.index, pd.MultiIndex):
        return True
    return len(X) > 0 and X.shape[1] > 0 and isinstance(X.iat[0, 0], pd.Series)


def _from_dataframe(X: pd.DataFrame) -> np.ndarray:
    from sktime.datatypes import check_is_mtype, convert_to, mtype

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
    _, _, facts = check_is_mtype(X, kind, "Panel", return_metadata=["is_equal_length"])
    if not facts["is_equal_length"]:
        raise ValueError(
            f"X is a {kind} Panel of series of unequal lengths, which is not supported: all "
            "series need the same number of timepoints. Resample them to one length with "
            "sktime's TSInterpolator, pad them with sktime's PaddingTransformer, or cut "
            "equal windows from the recordings with tsfm.datasets.load_dataset"
        )
    return np.asarray(convert_to(X, to_type="numpy3D"))


def _check_dtype(X: np.ndarray, name: str) -> np.ndarray:
    if X.dtype.kind in "biuf":
        return X
    if X.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {X.dtype}; pass the real part, "
            "the magnitude, or both as separate channels"
        )
    if X.dtype.kind == "O":
        if any(isinstance(value, str | bytes) for value in X.flat):
            raise TypeError(
                f"{name} must be numeric, but its object array holds strings; parse them "
                "into numbers first, e.g. X.astype(np.float64)"
            )
        try:
            return X.astype(np.float64)
        except OverflowError:
            raise ValueError(
                f"{name} holds integers too large for a float; rescale the data"
            ) from None
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must be numeric, but its object array holds non-numeric values "
                f"({exc}); convert them to numbers first"
            ) from None
    raise TypeError(
        f"{name} must be numeric (int or float), got dtype {X.dtype}; convert it, e.g. "
        "X.astype(np.float32)"
    )


def _sklearn_empty_wording(shape: tuple[int, ...]) -> str:
    if len(shape) == 2 and shape[1] == 0:
        return f"0 feature(s) (shape={shape}) while a minimum of 1 is required"
    return f"{shape[0]} sample(s) (shape={shape}) while a minimum of 1 is required"


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
        On complex data.
    TypeError
        On sparse matrices and non-numeric data (strings included). Booleans are
        numeric (0 and 1), as in scikit-learn.
    """
    if isinstance(X, str | os.PathLike | Dataset):
        raise TypeError(
            f"{name} is a {type(X).__name__}, but an in-memory panel is needed here. Shard "
            "directories and torch Datasets are streamed only when pretraining "
            "(FlowFMPretrainer.fit, or FlowFMTransformer.fit without a pretrained model); "
            "load the windows as an array, e.g. with tsfm.datasets.load_dataset"
        )
    if sparse.issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix, but sparse input is not supported; pass a dense "
            "array of shape (n_series, n_channels, n_timepoints), e.g. X.toarray()"
        )
    if isinstance(X, pd.DataFrame):
        X = _from_dataframe(X) if _is_panel_frame(X) else X.to_numpy()
    try:
        X = np.asarray(X)
    except ValueError as exc:
        raise ValueError(
            f"{name} could not be read as an array ({exc}); all series need the same number "
            "of channels and timepoints: pad, crop or resample them to a common length"
        ) from None
    X = _check_dtype(X, name)
    given_shape = X.shape
    if X.ndim == 2:
        X = X[:, np.newaxis, :]
    if X.ndim != 3:
        raise ValueError(
            f"{name} must have 3 dimensions (n_series, n_channels, n_timepoints), got "
            f"{X.ndim} with shape {X.shape}. Reshape your data to one of the supported "
            f"inputs: {'; '.join(SUPPORTED_FORMATS)}"
        )
    if 0 in X.shape:
        raise ValueError(
            f"{name} is empty: found an array with shape {given_shape}; series need at least "
            "one channel and one timepoint and there must be at least one series "
            f"({_sklearn_empty_wording(given_shape)})"
        )
    if X.dtype.kind == "f" and not np.isfinite(X).all():
        bad = ~np.isfinite(X)
        series = np.unique(np.nonzero(bad)[0])
        raise ValueError(
            f"{name} contains NaN or inf values ({int(bad.sum())} values in "
            f"{len(series)} series, first at series {int(series[0])}); impute or drop them "
            "before fitting, e.g. with interpolation or by removing those series"
        )
    if X.dtype == np.float32:  # finite (checked above): no copy unless it is strided
        return np.ascontiguousarray(X)
    with np.errstate(over="ignore"):  # overflow is reported just below
        X32 = X.astype(np.float32)
    if not np.isfinite(X32).all():
        raise ValueError(
            f"{name} has values beyond the float32 range (max |x| = {np.abs(X).max():.3g}); "
            "rescale the data"
        )
    return X32


def check_finite_output(values: np.ndarray, *, what: str, fix: str) -> np.ndarray:
    """Return ``values`` unchanged if all are finite; otherwise raise.

    The last check on every public output (embeddings, probabilities, samples), so
    that no estimator returns NaN silently.

    Parameters
    ----------
    values : ndarray of any shape
    what : str
        What the values are, e.g. ``"embeddings"``; used in the message.
    fix : str
        The cause and what to do about it, appended to the message.

    Returns
    -------
    ndarray
        ``values``.

    Raises
    ------
    tsfm.exceptions.NonFiniteError
        If any value is NaN or infinite.
    """
    finite = np.isfinite(values)
    if not finite.all():
        rows = np.unique(np.nonzero(~finite)[0]) if values.ndim else np.zeros(1, dtype=int)
        raise NonFiniteError(
            f"the {what} contain NaN or inf ({int((~finite).sum())} values in {len(rows)} "
            f"rows, first at row {int(rows[0])}); {fix}"
        )
    return values
