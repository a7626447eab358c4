"""Shared machinery of the FlowFM estimators: the input-checking template, routed
parameters, devices and skorch net arguments."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from tsfm.config.model_config import ModelConfig
from tsfm.config.settings import TrainingSettings
from tsfm.exceptions import ConfigError
from tsfm.training.divergence import DivergenceGuard
from tsfm.training.progress import progress_callbacks
from tsfm.training.streaming import is_stream
from tsfm.utils.device import resolve_device
from tsfm.utils.validation import check_panel

__all__ = [
    "FlowFMEstimator",
    "check_compatible",
    "check_positive_float",
    "check_positive_int",
    "resolve_device",
]


def check_positive_int(value, name: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class RoutedParamsMixin:
    """Route ``encoder__*`` and ``velocity__*`` parameters into the architecture dicts.

    The estimators take architecture overrides as two dict parameters, ``encoder``
    and ``velocity``. ``set_params(encoder__depth=2)`` replaces ``encoder`` by a new
    dict with that entry, and ``get_params(deep=True)`` reports each entry as
    ``encoder__<field>``, so that ``GridSearchCV`` tunes them skorch-style
    (``{"emb__encoder__depth": [2, 4]}``). Values are validated in ``fit``.
    """

    _routed_parts: tuple[str, ...] = ("encoder", "velocity")

    def _prefixes(self) -> tuple[str, ...]:
        return tuple(f"{part}__" for part in self._routed_parts)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params = super().get_params(deep=deep)
        if deep:
            for prefix in self._prefixes():
                part = params.get(prefix[:-2])
                if isinstance(part, dict):
                    params.update({f"{prefix}{key}": value for key, value in part.items()})
        return params

    def set_params(self, **params):
        """Set parameters; ``encoder__depth=2``-style keys update the ``encoder`` dict.

        Direct parameters are set first, as scikit-learn does for nested estimators,
        so ``set_params(encoder={"depth": 2}, encoder__width=32)`` keeps both.
        """
        routed = {}
        for prefix in self._prefixes():
            keys = [key for key in params if key.startswith(prefix)]
            routed[prefix[:-2]] = {key[len(prefix) :]: params.pop(key) for key in keys}
        if params:
            super().set_params(**params)
        for name, fields in routed.items():
            if fields:
                setattr(self, name, {**(getattr(self, name) or {}), **fields})
        return self


class TorchEstimatorMixin:
    """Training settings common to all estimators and the skorch net they build."""

    def _common_net_kwargs(self, settings: TrainingSettings, device: str) -> dict[str, Any]:
        """skorch arguments from the validated settings and the machine parameters."""
        callbacks = [("divergence_guard", DivergenceGuard()), *(self.callbacks or [])]
        callbacks += progress_callbacks(self.verbose)
        return {
            "optimizer": torch.optim.AdamW,
            "lr": settings.lr,
            "optimizer__weight_decay": settings.weight_decay,
            "batch_size": settings.batch_size,
            "max_epochs": settings.max_epochs,
            "iterator_train__shuffle": True,
            "train_split": self.train_split,
            "callbacks": callbacks,
            "callbacks__print_log": None,  # replaced by progress_callbacks' epoch_log
            "device": device,
            "verbose": int(self.verbose),
        }


def resolve_objective(estimator) -> str:
    """The estimator's ``objective``, or its deprecated ``generator`` alias with a warning.

    Raises
    ------
    tsfm.exceptions.ConfigError
        When both are set to different names.
    """
    alias = getattr(estimator, "generator", None)
    if alias is None:
        return estimator.objective
    if estimator.objective not in ("flow_matching", alias):
        raise ConfigError(
            f"generator={alias!r} and objective={estimator.objective!r} were both given; "
            "generator is the deprecated name of objective: pass only objective"
        )
    warnings.warn(
        f"the parameter generator= was renamed objective=; pass objective={alias!r} "
        "(generator= will stop working in tsfm 0.3)", FutureWarning, stacklevel=4)
    return alias


def describe_stated_input(stated: dict | None) -> str:
    """One sentence on the input a model directory says it expects, or ``""``.

    Parameters
    ----------
    stated : dict or None
        The free-form ``input`` section of its ``config.json`` (``channels``, ``units``,
        ``rate``, ``n_timepoints``), as written by :mod:`tsfm.zoo` exporters.
    """
    if not isinstance(stated, dict) or not stated:
        return ""

    def short(value) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        return text if len(text) <= 80 else text[:77] + "..."

    words = [short(stated["channels"]) if "channels" in stated else "data"]
    if "units" in stated:
        words.append(f"in {short(stated['units'])}")
    if "rate" in stated:
        words.append(f"at {short(stated['rate'])} Hz")
    if "n_timepoints" in stated:
        words[-1] += f", {short(stated['n_timepoints'])} points per window"
    if words == ["data"]:
        return ""
    what = " ".join(words)
    return (f" It expects {what}; bring other rates and units to that with "
            "tsfm.datasets.to_model_input(X, rate=...).")


def check_compatible(X: np.ndarray, config: ModelConfig, *, name: str = "X",
                     stated_input: dict | None = None) -> None:
    """Check that ``X`` of shape (n, C, T) fits a model's configuration.

    The channel count must match. The length may differ from the pretraining length:
    the learned positional embeddings are linearly interpolated to the new number of
    patches, so any length of at least one patch of the encoder and of the velocity
    network is accepted. ``stated_input`` (the model directory's ``input`` section)
    adds what the model expects to the error.
    """
    n_channels, n_timepoints = X.shape[1], X.shape[2]
    expected = describe_stated_input(stated_input)
    if n_channels != config.n_channels:
        raise ValueError(
            f"{name} has {n_channels} channels but the pretrained model expects "
            f"{config.n_channels}; select or reorder channels to match the pretraining "
            f"data, or pretrain a new model.{expected}"
        )
    patch = config.largest_patch()
    if n_timepoints < patch:
        raise ValueError(
            f"{name} has {n_timepoints} timepoints, fewer than one patch ({patch}) of the "
            f"pretrained model (trained on {config.n_timepoints}); other lengths are "
            f"accepted by interpolating positional embeddings, but only from {patch} "
            f"timepoints up.{expected}"
        )


class FlowFMEstimator(RoutedParamsMixin, TorchEstimatorMixin, BaseEstimator):
    """Base of the public estimators (not part of the public API).

    A template in sktime's manner: the public methods validate their input here,
    once, and then call a private method that subclasses implement.

    - :meth:`fit` checks ``X`` with :func:`tsfm.utils.validation.check_panel` (or
      passes a shard directory or torch Dataset through where :meth:`_accepts_stream`
      allows streaming) and calls ``_fit(X, y)``.
    - ``transform``, ``predict_proba`` and ``embed`` (the mixins below) check that the
      estimator is fitted and that ``X`` is a panel its model accepts
      (:meth:`_check_input`), then call ``_transform``, ``_predict_proba`` or
      ``_embed``.

    Subclasses set ``config_`` (the fitted :class:`~tsfm.config.model_config.ModelConfig`)
    in ``_fit``.
    """

    def fit(self, X, y=None):
        """Fit on series ``X`` (and labels ``y`` where the estimator needs them).

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)
            A numpy array, a 2-D array of univariate series, or an sktime Panel
            DataFrame; where the class documentation says so, also a shard directory
            or a ``torch.utils.data.Dataset``, which is streamed.
        y : array-like of shape (n_series,) or None
            Labels, for a classifier; ignored otherwise.

        Returns
        -------
        self
        """
        X = self._check_fit_input(X)
        self._fit(X, y)
        return self

    def _accepts_stream(self) -> bool:
        """Whether ``fit`` may stream ``X`` from a shard directory or torch Dataset."""
        return False

    def _check_fit_input(self, X):
        if self._accepts_stream() and is_stream(X):
            return X
        return check_panel(X)

    def _fit(self, X, y) -> None:
        raise NotImplementedError

    def _check_input(self, X, *, name: str = "X") -> np.ndarray:
        """``X`` as a float32 panel of shape (n, C, T) that the fitted model accepts."""
        check_is_fitted(self, "config_")
        X = check_panel(X, name=name)
        source = getattr(self, "pretrainer_", self)
        check_compatible(X, self.config_, name=name,
                         stated_input=getattr(source, "stated_input_", None))
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        return tags


class EmbedTemplateMixin:
    """Public ``embed``: checked input, then the subclass's ``_embed``."""

    def embed(self, X, *, batch_size: int = 256) -> np.ndarray:
        """Representations of series in the data's units.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)
        batch_size : int, default=256
            Series embedded per forward pass.

        Returns
        -------
        ndarray of shape (n_series, embedding_dim), float32
        """
        batch_size = check_positive_int(batch_size, "batch_size")
        return self._embed(self._check_input(X), batch_size=batch_size)


class TransformTemplateMixin(TransformerMixin):
    """Public ``transform``: checked input, then the subclass's ``_transform``."""

    def transform(self, X) -> np.ndarray:
        """Transform series into features.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)

        Returns
        -------
        ndarray of shape (n_series, n_features), float32
        """
        return self._transform(self._check_input(X))


class PredictTemplateMixin(ClassifierMixin):
    """Public ``predict_proba``/``predict``: checked input, then ``_predict_proba``."""

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints)

        Returns
        -------
        ndarray of shape (n_series, n_classes)
        """
        return self._predict_proba(self._check_input(X))

    def predict(self, X) -> np.ndarray:
        """Most probable class of each series, shape (n_series,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
