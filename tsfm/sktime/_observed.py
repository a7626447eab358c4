"""What the forecaster, imputer and anomaly detector share: a generator that draws
the unknown points of windows given the observed ones."""

from __future__ import annotations

import numpy as np

from tsfm.estimators._pretrained import is_fitted_pretrainer
from tsfm.estimators.generator import FlowFMSignalGenerator
from tsfm.estimators.pretrainer import FlowFMPretrainer
from tsfm.training.seeding import resolve_seed

__all__ = ["ObservedSamplingMixin"]


class ObservedSamplingMixin:
    """Fits ``generator_`` and samples it given observed points (not public API).

    The estimator has the parameters ``pretrained``, ``n_samples``, ``method``,
    ``condition``, ``solver``, ``steps``, ``sample_batch_size``, ``window_length``,
    ``device``, ``random_state`` and those of :class:`tsfm.sktime._model.FlowFMModelMixin`.

    Pretraining (sktime's ``pretrain``) works on series, not windows: the series are
    cut into sliding windows of the model's length by :meth:`_pretrain_windows` and
    handed to the pretraining of :class:`~tsfm.sktime._model.FlowFMModelMixin`, the
    one code path that the classifier and transformer use too.
    """

    def _pretrain_epochs(self) -> int:
        return self.max_epochs

    # -- pretraining on series ----------------------------------------------------------
    def _pretrain_series(self, series: list[np.ndarray]) -> None:
        """First ``pretrain`` call: set ``pretrainer_`` from series (T_i, C) each."""
        loaded = self._fitted_model_named()
        length = self.window_length if loaded is None else loaded.n_timepoints_
        self._pretrain_panel(self._pretrain_windows(series, length), loaded=loaded)

    def _pretrain_series_further(self, series: list[np.ndarray]) -> None:
        """A later ``pretrain`` call: pretrain ``pretrainer_`` further on the series."""
        if getattr(self, "pretrainer_", None) is None:  # fitted, never pretrained
            self._pretrain_series(series)
            return
        windows = self._pretrain_windows(series, self.pretrainer_.n_timepoints_)
        self._pretrain_update_panel(windows)

    def _fitted_model_named(self) -> FlowFMPretrainer | None:
        """The fitted model ``pretrained`` names, loaded once (its length sets the
        windows); None for a new model or an unfitted pretrainer."""
        if self.pretrained is None or (isinstance(self.pretrained, FlowFMPretrainer) and
                                       not is_fitted_pretrainer(self.pretrained)):
            return None
        return self._load_pretrained()

    def _pretrain_windows(self, series: list[np.ndarray], length: int) -> np.ndarray:
        """Every NaN-free sliding window of ``length`` points of the series.

        Parameters
        ----------
        series : list of ndarray of shape (n_timepoints_i, n_channels)
        length : int
            The model's window.

        Returns
        -------
        ndarray of shape (n_windows, n_channels, length), float32

        Raises
        ------
        ValueError
            When no series holds a whole window without NaN; the message says how
            many points are needed.
        """
        name = type(self).__name__
        parts = [np.lib.stride_tricks.sliding_window_view(values, length, axis=0)
                 for values in series if len(values) >= length]
        if not parts:
            longest = max((len(values) for values in series), default=0)
            raise ValueError(
                f"{name}.pretrain needs series of at least {length} points (the model's "
                f"window), but the longest of the {len(series)} series has {longest}; pass "
                "longer series" + (", or a smaller window_length" if
                                   self.pretrained is None else "")
            )
        windows = np.concatenate(parts)
        windows = windows[np.isfinite(windows).all(axis=(1, 2))]
        if len(windows) == 0:
            raise ValueError(f"{name}.pretrain found no window of {length} points without "
                             "missing values; pass series with fewer gaps")
        return np.ascontiguousarray(windows, dtype=np.float32)

    # -- the generator of fit -----------------------------------------------------------
    def _fit_generator(self, windows: np.ndarray | None) -> None:
        """Set ``generator_`` from the pretrained state or ``pretrained`` (see
        :meth:`~tsfm.sktime._model.FlowFMModelMixin._starting_pretrainer`), or
        pretrain a new model on ``windows`` (n, C, T)."""
        start = self._starting_pretrainer()
        if start is None:
            if windows is None:
                raise ValueError("a new model needs windows to pretrain on")
            gen = FlowFMSignalGenerator(**self._pretraining_params(), solver=self.solver,
                                        steps=self.steps,
                                        sample_batch_size=self.sample_batch_size)
            self.generator_ = gen.fit(windows)
        else:
            self.generator_ = FlowFMSignalGenerator(
                pretrained=start, device=self.device,
                solver=self.solver, steps=self.steps,
                sample_batch_size=self.sample_batch_size).fit()
        self.n_timepoints_ = self.generator_.n_timepoints_
        self._check_method()

    def _check_method(self) -> None:
        """Refuse a conditional sampler that needs tuning the model never had.

        The anomaly detector has no ``method`` (it regenerates, see
        :mod:`tsfm.estimators._regenerate`); nothing to check there.
        """
        from tsfm.plugins import get_plugin

        if not hasattr(self, "method"):
            return
        sampler = get_plugin("conditional_sampler", self.method)
        if not sampler.training_free and not self.generator_.supports_observed_:
            raise ValueError(
                f"{type(self).__name__}: method={self.method!r} needs a model tuned for it, "
                "and this one never was; tune it with FlowFMSignalGenerator.fit_observed(X) "
                "and pass the saved directory as pretrained=, or use "
                "method='guided_inpainting'"
            )

    def _check_channels(self, n_channels: int) -> None:
        expected = self.generator_.n_channels_
        if n_channels != expected:
            raise ValueError(
                f"{type(self).__name__}: the model has {expected} channels but the data has "
                f"{n_channels}; pass data with {expected} channels (columns) in the model's "
                "order, or a model of this many channels"
            )

    def _seed(self) -> int:
        """The seed of this call's draws: fixed by ``random_state`` (derandomized)."""
        return resolve_seed(self.random_state)

    def _sample(self, windows: np.ndarray, n_draws: int, seed: int) -> np.ndarray:
        """Draws (n_draws, n, C, T) of ``windows`` (n, C, T) whose NaN points are unknown."""
        return self.generator_.sample_observed(windows, n_draws=n_draws, method=self.method,
                                               condition=self.condition, random_state=seed)

    @staticmethod
    def _series_values(y) -> np.ndarray:
        """The values (T, C) of a DataFrame ``y`` (a Series is one channel), float32.

        Raises
        ------
        ValueError
            For ±inf or values beyond float32's range: only NaN marks a missing point.
        """
        values = np.asarray(y, dtype=np.float64)
        values = values.reshape(len(values), -1)
        bad = np.isinf(values) | (np.abs(np.nan_to_num(values)) > np.finfo(np.float32).max)
        if bad.any():
            t, c = np.argwhere(bad)[0]
            raise ValueError(
                f"the series holds {int(bad.sum())} infinite or out-of-range value(s), the "
                f"first at row {t}, column {c}; only NaN marks a missing point, so replace "
                "them (e.g. with NaN) first"
            )
        return values.astype(np.float32)
