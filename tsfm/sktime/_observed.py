"""What the forecaster, imputer and anomaly detector share: a generator that draws
the unknown points of windows given the observed ones."""

from __future__ import annotations

import numpy as np

from tsfm.estimators.generator import FlowFMSignalGenerator
from tsfm.training.seeding import resolve_seed

__all__ = ["ObservedSamplingMixin"]


class ObservedSamplingMixin:
    """Fits ``generator_`` and samples it given observed points (not public API).

    The estimator has the parameters ``pretrained``, ``n_samples``, ``method``,
    ``condition``, ``solver``, ``steps``, ``sample_batch_size``, ``device``,
    ``random_state`` and those of :class:`tsfm.sktime._model.FlowFMModelMixin`.
    """

    def _pretrain_epochs(self) -> int:
        return self.max_epochs

    def _fit_generator(self, windows: np.ndarray | None) -> None:
        """Set ``generator_`` from ``pretrained``, or pretrain on ``windows`` (n, C, T)."""
        if self.pretrained is None:
            if windows is None:
                raise ValueError("a new model needs windows to pretrain on")
            gen = FlowFMSignalGenerator(**self._pretraining_params(), solver=self.solver,
                                        steps=self.steps,
                                        sample_batch_size=self.sample_batch_size)
            self.generator_ = gen.fit(windows)
        else:
            self.generator_ = FlowFMSignalGenerator(
                pretrained=self._starting_pretrainer(), device=self.device,
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
        """The values (T, C) of a DataFrame ``y`` (a Series is one channel), float32."""
        values = np.asarray(y, dtype=np.float32)
        return values.reshape(len(values), -1)
