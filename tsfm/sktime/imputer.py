"""FlowFMImputer: fill gaps by drawing them given the rest of the window."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.transformations.base import BaseTransformer

from tsfm.sktime._input import pretrain_series
from tsfm.sktime._lifecycle import PretrainLifecycleMixin
from tsfm.sktime._model import AUTHORS, PYTHON_DEPENDENCIES, TEST_ARCHITECTURE, FlowFMModelMixin
from tsfm.sktime._observed import ObservedSamplingMixin

__all__ = ["FlowFMImputer"]


class FlowFMImputer(PretrainLifecycleMixin, ObservedSamplingMixin, FlowFMModelMixin,
                    BaseTransformer):
    """Impute missing values by conditional generation (an sktime Series transformer).

    The series is cut into consecutive windows of the model's length (the last one
    aligned to the series' end, a series shorter than one window padded with unknown
    points); in each window holding NaN the missing points are drawn ``n_samples``
    times given the observed ones and replaced by the median of the draws. Observed
    values are returned unchanged. Every channel of every window needs one observed
    value: a gap covering a whole window of a channel cannot be drawn honestly.

    The model is, in this order: the one of a preceding :meth:`pretrain` call on a
    panel of unlabelled series (``state`` ``"new"`` -> ``"pretrained"`` ->
    ``"fitted"``; ``fit`` then keeps it as it is), the one ``pretrained`` names, or a
    new one pretrained in ``fit`` on ``X``.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        The model; None pretrains a new one in ``fit`` on the complete (NaN-free)
        sliding windows of length ``window_length`` of ``X``.
    n_samples : int, default=20
        Draws per window; the median fills the gaps.
    method, condition, solver, steps, sample_batch_size, window_length, model, \
max_epochs, batch_size, lr, weight_decay, mask_prob, encoder, velocity, device, \
random_state, verbose
        As for :class:`tsfm.sktime.FlowFMForecaster`.

    Attributes
    ----------
    pretrainer_ : FlowFMPretrainer
        Set by :meth:`pretrain` (a pretrained attribute, kept by ``fit`` and ``clone``).
    generator_ : FlowFMSignalGenerator
    n_timepoints_ : int
        The model's window length.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsfm.sktime import FlowFMImputer
    >>> y = pd.DataFrame(np.sin(np.arange(60.0) / 4)[:, None] * [1.0, 0.5])
    >>> imp = FlowFMImputer(window_length=20, n_samples=4, model="tiny", max_epochs=1,
    ...                     device="cpu", random_state=0).fit(y)
    >>> gappy = y.copy(); gappy.iloc[10:14] = np.nan
    >>> int(imp.transform(gappy).isna().sum().sum())
    0
    """

    _tags = {
        "authors": AUTHORS,
        "maintainers": AUTHORS,
        "python_dependencies": PYTHON_DEPENDENCIES,
        "object_type": "transformer",
        "scitype:transform-input": "Series",
        "scitype:transform-output": "Series",
        "scitype:instancewise": True,
        "X_inner_mtype": "pd.DataFrame",
        "y_inner_mtype": "None",
        "fit_is_empty": False,
        "capability:multivariate": True,
        "capability:missing_values": True,
        "capability:missing_values:removes": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "transform-returns-same-time-index": True,
    }

    _PRETRAINING_PARAMS = ("model", "batch_size", "lr", "weight_decay", "mask_prob",
                           "encoder", "velocity")

    def __init__(self, pretrained=None, n_samples=20, method="guided_inpainting",
                 condition="observed", solver=None, steps=None, sample_batch_size=256,
                 window_length=300, model="small", max_epochs=50, batch_size=64, lr=1e-3,
                 weight_decay=0.01, mask_prob=0.5, encoder=None, velocity=None,
                 device="auto", random_state=None, verbose=0):
        self.pretrained = pretrained
        self.n_samples = n_samples
        self.method = method
        self.condition = condition
        self.solver = solver
        self.steps = steps
        self.sample_batch_size = sample_batch_size
        self.window_length = window_length
        self.model = model
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.mask_prob = mask_prob
        self.encoder = encoder
        self.velocity = velocity
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        super().__init__()

    # -- pretraining (PretrainLifecycleMixin) -------------------------------------------
    def _pretrain_input(self, X) -> list[np.ndarray]:
        """The series (T_i, C) of the Panel or Hierarchical ``X``; NaN allowed."""
        return pretrain_series(self, X)

    def _pretrain(self, X: list[np.ndarray]) -> None:
        """Set ``pretrainer_`` from the NaN-free windows of the series ``X``."""
        self._pretrain_series(X)

    def _pretrain_update(self, X: list[np.ndarray]) -> None:
        self._pretrain_series_further(X)

    # -- fitting ----------------------------------------------------------------------
    def _fit(self, X: pd.DataFrame, y=None):
        """Take the pretrained or named model (else pretrain one) for series ``X`` (T, C)."""
        values = self._series_values(X)
        self._refuse_all_nan(values)
        windows = None
        if self._starting_pretrainer() is None:
            W = self.window_length
            if len(values) < W:
                raise ValueError(f"pretraining a new model needs X of at least window_length="
                                 f"{W} points, got {len(values)}; pass pretrained= or more data")
            windows = np.lib.stride_tricks.sliding_window_view(values, W, axis=0)
            windows = np.ascontiguousarray(windows[np.isfinite(windows).all(axis=(1, 2))])
            if len(windows) == 0:
                raise ValueError(f"X has no window of {W} points without NaN to pretrain a "
                                 "new model on; pass pretrained= or fewer gaps")
        self._fit_generator(windows)
        self._check_channels(values.shape[1])
        return self

    @staticmethod
    def _refuse_all_nan(values: np.ndarray) -> None:
        if values.size and np.isnan(values).all():
            raise ValueError("every value of X is NaN: there is nothing observed to impute "
                             "from; pass a series with observed values")

    def _transform(self, X: pd.DataFrame, y=None) -> pd.DataFrame:
        """``X`` (T, C) with its NaN points replaced by the median of the draws."""
        values = self._series_values(X)
        self._check_channels(values.shape[1])
        self._refuse_all_nan(values)
        if not np.isnan(values).any():
            return X.copy()
        W, T = self.n_timepoints_, len(values)
        starts = list(range(0, max(T - W, 0) + 1, W))
        if T > W and starts[-1] != T - W:
            starts.append(T - W)  # the last window ends at the series' end
        filled = values.copy()
        seeds = np.random.SeedSequence(self._seed()).spawn(len(starts))
        for start, seed in zip(starts, seeds, strict=True):
            part = filled[start:start + W]  # already-filled points count as observed
            if not np.isnan(part).any():
                continue
            window = np.full((1, values.shape[1], W), np.nan, dtype=np.float32)
            window[0, :, :len(part)] = part.T
            self._check_window(window[0], start)
            draws = self._sample(window, self.n_samples, int(seed.generate_state(1)[0]))
            median = np.median(draws[:, 0], axis=0)[:, :len(part)].T
            gaps = np.isnan(part)
            part[gaps] = median[gaps]
        drawn = pd.DataFrame(filled, index=X.index, columns=X.columns)
        return X.where(X.notna(), drawn.astype(X.dtypes.to_dict()))

    def _check_window(self, window: np.ndarray, start: int) -> None:
        empty = np.isnan(window).all(axis=-1)
        if empty.any():
            channel = int(np.argmax(empty))
            raise ValueError(
                f"channel {channel} has no observed value in the window of "
                f"{self.n_timepoints_} points starting at position {start}: a gap as long "
                "as the model's window cannot be drawn from observations; fill it otherwise "
                "(e.g. sktime's Imputer) or use a model with a longer window"
            )

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Tiny, fast configurations for sktime's ``check_estimator``.

        Returns
        -------
        list of dict
        """
        arch = dict(TEST_ARCHITECTURE)
        common = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16,
                  "max_epochs": 1, "encoder": arch, "velocity": arch, "window_length": 5,
                  "n_samples": 3, "solver": "euler", "steps": 2}
        return [common, {**common, "condition": "none", "window_length": 4}]
