"""FlowFMForecaster: probabilistic forecasts by drawing a window's end given its start."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster

from tsfm.sktime._empirical import empirical
from tsfm.sktime._input import instance_values
from tsfm.sktime._model import AUTHORS, PYTHON_DEPENDENCIES, TEST_ARCHITECTURE, FlowFMModelMixin
from tsfm.sktime._observed import ObservedSamplingMixin

__all__ = ["FlowFMForecaster"]


class FlowFMForecaster(ObservedSamplingMixin, FlowFMModelMixin, BaseForecaster):
    """Forecast by conditional generation: the model draws the future given the past.

    One model window (``n_timepoints_`` points) holds the most recent
    ``n_timepoints_ - horizon_step`` observations and the next ``horizon_step`` points,
    which are drawn ``n_samples`` times by conditional sampling
    (:meth:`tsfm.FlowFMSignalGenerator.sample_observed`). Context longer than that
    is not used: only the most recent part enters the window. Horizons beyond
    ``horizon_step`` are rolled forward autoregressively: each draw continues from
    its own drawn points, so every draw is a whole path. ``predict`` is the median of
    the draws, ``predict_quantiles`` their empirical quantiles (sktime derives
    ``predict_interval`` from them).

    The model is, in this order: the one of a preceding :meth:`pretrain` call on a
    panel of unlabelled series (sktime's pretraining lifecycle, ``state`` ``"new"``
    -> ``"pretrained"`` -> ``"fitted"``; ``fit`` then keeps it as it is), the one
    ``pretrained`` names, or a new one pretrained in ``fit`` on ``y``.

    With the shipped ``"flowfm-wrist-small"`` (3 axes in g, 300 points at 30 Hz) and
    the default ``horizon_step`` (a fifth of the window), 8 s of context give the
    next 2 s in one window.

    Parameters
    ----------
    pretrained : str, PathLike, FlowFMPretrainer or None, default=None
        A shipped model name, a directory written by ``save_pretrained``, a Hub id or
        a pretrainer. None pretrains a new model in ``fit`` on the sliding windows of
        length ``window_length`` of ``y``.
    n_samples : int, default=100
        Draws per forecast.
    horizon_step : int or None, default=None
        Points drawn per window; None is a fifth of the window (at least 1).
    min_context : int or None, default=None
        Fewest observations ``predict`` needs; None is a full context,
        ``n_timepoints_ - horizon_step``. A shorter context is placed at the end of
        the window's context part and the points before it are drawn too.
    method : str, default="guided_inpainting"
        The conditional sampler (a plugin of kind ``"conditional_sampler"``).
    condition : {"observed", "none"}, default="observed"
        Condition the network on the encoder's representation of the window (with
        its unknown points linearly interpolated), or on the null condition.
    solver : str or None, default=None
        A fixed-step solver of the model's objective (None: its default).
    steps : int or None, default=None
        Solver steps (None: the objective's default).
    sample_batch_size : int, default=256
    window_length : int, default=300
        Window of a new model (``pretrained=None``); ignored otherwise.
    model, max_epochs, batch_size, lr, weight_decay, mask_prob, encoder, velocity
        Pretraining of a new model, see :class:`tsfm.FlowFMPretrainer`.
    device : str, default="auto"
    random_state : int or None, default=None
        Seeds pretraining and every draw: equal seeds give equal forecasts.
    verbose : int, default=0

    Attributes
    ----------
    pretrainer_ : FlowFMPretrainer
        Set by :meth:`pretrain` (a pretrained attribute, kept by ``fit`` and ``clone``).
    generator_ : FlowFMSignalGenerator
        The fitted generator that draws.
    n_timepoints_ : int
        The model's window length.
    horizon_step_, min_context_ : int
        The resolved ``horizon_step`` and ``min_context``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsfm.sktime import FlowFMForecaster
    >>> y = pd.DataFrame(np.sin(np.arange(120.0) / 4)[:, None] * [1.0, 0.5])
    >>> f = FlowFMForecaster(window_length=20, n_samples=8, model="tiny", max_epochs=1,
    ...                      device="cpu", random_state=0).fit(y)
    >>> f.predict(fh=[1, 2, 3]).shape
    (3, 2)
    >>> f.predict_quantiles(fh=[1, 2], alpha=[0.1, 0.9]).shape
    (2, 4)
    """

    _tags = {
        "authors": AUTHORS,
        "maintainers": AUTHORS,
        "python_dependencies": PYTHON_DEPENDENCIES,
        "object_type": "forecaster",
        "capability:multivariate": True,
        "y_inner_mtype": "pd.DataFrame",
        "X_inner_mtype": "pd.DataFrame",
        "capability:exogenous": False,
        "capability:update": True,
        "requires-fh-in-fit": False,
        "capability:insample": False,
        "capability:pred_int": True,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "capability:pretrain": True,
        "pretrain:fitted_params": ["pretrainer_"],
    }

    _PRETRAINING_PARAMS = ("model", "batch_size", "lr", "weight_decay", "mask_prob",
                           "encoder", "velocity")

    def __init__(self, pretrained=None, n_samples=100, horizon_step=None, min_context=None,
                 method="guided_inpainting", condition="observed", solver=None, steps=None,
                 sample_batch_size=256, window_length=300, model="small", max_epochs=50,
                 batch_size=64, lr=1e-3, weight_decay=0.01, mask_prob=0.5, encoder=None,
                 velocity=None, device="auto", random_state=None, verbose=0):
        self.pretrained = pretrained
        self.n_samples = n_samples
        self.horizon_step = horizon_step
        self.min_context = min_context
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

    # -- pretraining ------------------------------------------------------------------
    def _pretrain(self, y: pd.DataFrame, X=None, fh=None):
        """Set ``pretrainer_`` from the series of the panel ``y`` (pd-multiindex or
        pd_multiindex_hier, n_channels columns); ``X`` and ``fh`` are not used."""
        self._pretrain_series(instance_values(y))
        return self

    def _pretrain_update(self, y: pd.DataFrame, X=None, fh=None):
        """Pretrain ``pretrainer_`` further on the series of the panel ``y``."""
        self._pretrain_series_further(instance_values(y))
        return self

    # -- fitting --------------------------------------------------------------------
    def _fit(self, y: pd.DataFrame, X=None, fh=None):
        """Take the pretrained or named model (else pretrain one on ``y``) and keep the
        context ``y`` (T_y, C)."""
        values = self._series_values(y)
        new = self._starting_pretrainer() is None
        self._fit_generator(self._windows(values) if new else None)
        self._check_channels(values.shape[1])
        self.horizon_step_, self.min_context_ = self._resolve_steps()
        self._columns = y.columns
        self._context = values
        return self

    def _update(self, y: pd.DataFrame, X=None, update_params=True):
        """Append the new observations to the context; the model is not changed."""
        values = self._series_values(y)
        self._check_channels(values.shape[1])
        self._context = np.concatenate([self._context, values])[-self.n_timepoints_:]
        return self

    def _windows(self, values: np.ndarray) -> np.ndarray:
        """Sliding windows (n, C, window_length) of ``values`` (T_y, C) for a new model."""
        W = self.window_length
        if len(values) < W:
            raise ValueError(
                f"pretraining a new model needs y of at least window_length={W} points, "
                f"got {len(values)}; pass a longer y, a smaller window_length, or pretrained="
            )
        windows = np.lib.stride_tricks.sliding_window_view(values, W, axis=0)
        return np.ascontiguousarray(windows, dtype=np.float32)

    def _resolve_steps(self) -> tuple[int, int]:
        W = self.n_timepoints_
        step = max(1, W // 5) if self.horizon_step is None else self.horizon_step
        if not isinstance(step, int | np.integer) or not 0 < step < W:
            raise ValueError(f"horizon_step must be an integer in [1, {W - 1}] (the model's "
                             f"window is {W} points), got {self.horizon_step!r}")
        need = W - step if self.min_context is None else self.min_context
        if not isinstance(need, int | np.integer) or not 0 < need <= W - step:
            raise ValueError(f"min_context must be an integer in [1, {W - step}], got "
                             f"{self.min_context!r}")
        return int(step), int(need)

    # -- predicting -----------------------------------------------------------------
    def _steps_ahead(self, fh) -> np.ndarray:
        steps = np.asarray(fh.to_relative(self.cutoff), dtype=int)
        if (steps <= 0).any():
            raise ValueError(
                f"FlowFMForecaster forecasts the future only: every horizon must be >= 1 "
                f"step after the last observation, got {steps.tolist()}"
            )
        return steps

    def paths(self, horizon: int) -> np.ndarray:
        """Draws of the next ``horizon`` points after the context.

        Parameters
        ----------
        horizon : int
            Points ahead, >= 1.

        Returns
        -------
        ndarray of shape (n_samples, n_channels, horizon), float32
            Seeded by ``random_state``: with it set, every call draws the same paths,
            so ``predict``, ``predict_interval`` and ``predict_quantiles`` of one
            cutoff describe the same draws (each call samples them again: sktime
            forbids predict methods to change the estimator's state).
        """
        self.check_is_fitted()
        if not isinstance(horizon, int | np.integer) or horizon < 1:
            raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}")
        return self._draw_paths(int(horizon))

    def _draw_paths(self, horizon: int) -> np.ndarray:
        context = self._context.T  # (C, L)
        if context.shape[1] < self.min_context_:
            raise ValueError(
                f"FlowFMForecaster needs at least {self.min_context_} observations of "
                f"context (the model's window is {self.n_timepoints_} points, "
                f"{self.horizon_step_} of them forecast), got {context.shape[1]}; pass a "
                "longer y, or set min_context lower to let the model draw the rest"
            )
        W, S = self.n_timepoints_, self.n_samples
        paths = np.repeat(context[None], S, axis=0)
        seeds = np.random.SeedSequence(self._seed()).spawn(int(np.ceil(horizon /
                                                                       self.horizon_step_)))
        done = 0
        for seed in seeds:
            h = min(self.horizon_step_, horizon - done)
            c = min(W - h, paths.shape[-1])
            windows = np.full((S, paths.shape[1], W), np.nan, dtype=np.float32)
            windows[..., W - h - c: W - h] = paths[..., -c:]
            state = int(seed.generate_state(1)[0])
            if done == 0:  # every draw starts from the same observed context
                draws = self._sample(windows[:1], S, state)[:, 0]
            else:
                draws = self._sample(windows, 1, state)[0]
            paths = np.concatenate([paths, draws[..., W - h:]], axis=-1)
            done += h
        return paths[..., context.shape[1]:]

    def _predict(self, fh, X=None) -> pd.DataFrame:
        steps = self._steps_ahead(fh)
        median = np.median(self.paths(int(steps.max()))[..., steps - 1], axis=0)
        return pd.DataFrame(median.T, index=fh.to_absolute_index(self.cutoff),
                            columns=self._columns)

    def _predict_quantiles(self, fh, X, alpha) -> pd.DataFrame:
        steps = self._steps_ahead(fh)
        draws = self.paths(int(steps.max()))[..., steps - 1]  # (S, C, len(fh))
        q = np.quantile(draws, alpha, axis=0)  # (A, C, len(fh))
        columns = pd.MultiIndex.from_product([self._columns, alpha])
        values = q.transpose(2, 1, 0).reshape(len(steps), -1)
        return pd.DataFrame(values, index=fh.to_absolute_index(self.cutoff), columns=columns)

    def _predict_proba(self, fh, X=None, marginal=True):
        """The draws as an skpro ``Empirical`` distribution (needs skpro installed).

        Each of the ``n_samples`` draws is a whole path, so the distribution is the
        joint one over the horizon; with ``marginal=True`` its marginals are the
        same draws per time point.
        """
        steps = self._steps_ahead(fh)
        draws = self.paths(int(steps.max()))[..., steps - 1]  # (S, C, len(fh))
        return empirical(draws, fh.to_absolute_index(self.cutoff), self._columns,
                         marginal=marginal)

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Tiny, fast configurations for sktime's ``check_estimator``.

        Returns
        -------
        list of dict
        """
        arch = dict(TEST_ARCHITECTURE)
        common = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 16,
                  "max_epochs": 1, "encoder": arch, "velocity": arch, "window_length": 6,
                  "n_samples": 5, "solver": "euler", "steps": 2}
        return [common, {**common, "horizon_step": 2, "condition": "none", "min_context": 2}]
