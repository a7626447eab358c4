"""Non-deep baselines as scikit-learn transformers: MiniRocket and statistical features.

sktime 1.2 estimators call ``reset()`` at the start of ``fit``, which deletes every
attribute set since construction, including the ``_parent_callback_ctx`` that
scikit-learn 1.9's ``Pipeline`` attaches to a step before fitting it and deletes
afterwards; the pipeline then fails with ``AttributeError``. :class:`SktimeAdapter`
keeps the sktime object out of scikit-learn's reach: it is a plain scikit-learn
transformer that holds a *clone* of the sktime transformer as a fitted attribute and
calls sktime's own ``fit``/``transform`` on it.

MiniRocket also sets numba's thread count, which shares the OpenMP runtime with
torch; the adapter restores torch's thread count after each call.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
from scipy import stats
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from tsfm.utils.validation import check_panel


@contextmanager
def _keep_torch_threads():
    threads = torch.get_num_threads()
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class SktimeAdapter(TransformerMixin, BaseEstimator):
    """Use an sktime panel transformer as a step of a scikit-learn ``Pipeline``.

    Parameters
    ----------
    transformer : sktime transformer
        For example ``MiniRocketMultivariate(random_state=0)``. It is cloned in
        ``fit``, never fitted in place.

    Attributes
    ----------
    transformer_ : sktime transformer
        The fitted clone.
    n_features_out_ : int
    """

    def __init__(self, transformer=None):
        self.transformer = transformer

    def fit(self, X, y=None):
        """Fit a clone of ``transformer`` on X of shape (n_series, n_channels, n_timepoints)."""
        if self.transformer is None:
            raise ValueError("transformer is required, e.g. MiniRocketMultivariate()")
        X = check_panel(X)
        with _keep_torch_threads():
            self.transformer_ = clone(self.transformer).fit(X)
            self.n_features_out_ = int(np.asarray(self.transformer_.transform(X[:1])).shape[1])
        return self

    def transform(self, X) -> np.ndarray:
        """Features of shape (n_series, n_features_out_), float32."""
        check_is_fitted(self, "transformer_")
        with _keep_torch_threads():
            return np.asarray(self.transformer_.transform(check_panel(X)), dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _spectral(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dominant frequency bin (as a fraction of Nyquist), its power share, spectral entropy."""
    power = np.abs(np.fft.rfft(x - x.mean(axis=-1, keepdims=True), axis=-1))[..., 1:] ** 2
    total = power.sum(axis=-1) + 1e-12
    share = power / total[..., None]
    peak = np.argmax(power, axis=-1)
    dominant = (peak + 1) / power.shape[-1]
    entropy = -(share * np.log(share + 1e-12)).sum(axis=-1) / np.log(power.shape[-1])
    return dominant, np.take_along_axis(share, peak[..., None], -1)[..., 0], entropy


def _lag1_autocorrelation(x: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    denominator = (centred**2).sum(axis=-1) + 1e-12
    return (centred[..., 1:] * centred[..., :-1]).sum(axis=-1) / denominator


class StatisticalFeatures(TransformerMixin, BaseEstimator):
    """Hand-crafted per-channel statistics of each window (a classic HAR feature set).

    For every channel and for the magnitude across channels: mean, standard deviation,
    min, max, 10/25/50/75/90th percentiles, skewness, kurtosis, mean absolute
    first difference, lag-1 autocorrelation, dominant frequency, its power share and
    spectral entropy; plus the pairwise correlations between channels.

    Attributes
    ----------
    n_features_out_ : int
        ``16 * (n_channels + 1) + n_channels * (n_channels - 1) / 2``.
    """

    def fit(self, X, y=None):
        """Record the input shape of X (n_series, n_channels, n_timepoints)."""
        X = check_panel(X)
        self.n_channels_ = X.shape[1]
        self.n_features_out_ = self.transform(X[:1]).shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        """Features of shape (n_series, n_features_out_), float32."""
        check_is_fitted(self, "n_channels_")
        X = check_panel(X).astype(np.float64)
        if X.shape[1] != self.n_channels_:
            raise ValueError(f"X has {X.shape[1]} channels, but fit saw {self.n_channels_}")
        series = np.concatenate([X, np.linalg.norm(X, axis=1, keepdims=True)], axis=1)
        dominant, peak_share, entropy = _spectral(series)
        with np.errstate(all="ignore"):
            skew = np.nan_to_num(stats.skew(series, axis=-1))
            kurt = np.nan_to_num(stats.kurtosis(series, axis=-1))
        blocks = [
            series.mean(-1), series.std(-1), series.min(-1), series.max(-1),
            *np.percentile(series, [10, 25, 50, 75, 90], axis=-1),
            skew, kurt, np.abs(np.diff(series, axis=-1)).mean(-1),
            _lag1_autocorrelation(series), dominant, peak_share, entropy,
        ]
        rows, cols = np.triu_indices(X.shape[1], k=1)
        centred = X - X.mean(-1, keepdims=True)
        norms = np.sqrt((centred**2).sum(-1)) + 1e-12
        corr = (centred[:, rows] * centred[:, cols]).sum(-1) / (norms[:, rows] * norms[:, cols])
        return np.concatenate([*blocks, corr], axis=1).astype(np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
