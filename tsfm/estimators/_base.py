"""Shared machinery of the FlowFM estimators: routed parameters, devices, skorch nets."""

from __future__ import annotations

import numbers
from typing import Any

import torch
from sklearn.base import BaseEstimator
from skorch.callbacks import ProgressBar

from tsfm.presets import ROUTED_PREFIXES


def resolve_device(device: str) -> str:
    """``"auto"`` picks CUDA when available, else the CPU; other values are checked."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}"
        ) from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for but CUDA is not available; "
                         "use device='auto' or 'cpu'")
    return str(parsed)


def check_positive_int(value, name: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class RoutedParamsMixin:
    """Accept ``encoder__*`` and ``velocity__*`` keyword arguments, skorch-style.

    They are stored as attributes under their full name, reported by
    ``get_params`` and settable with ``set_params``, so that ``clone`` and
    ``GridSearchCV`` handle them like ordinary parameters. Their values are
    validated in ``fit``.
    """

    def _set_routed(self, kwargs: dict[str, Any]) -> None:
        for key, value in kwargs.items():
            if not key.startswith(ROUTED_PREFIXES):
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected keyword argument {key!r}; "
                    f"architecture overrides must start with {' or '.join(ROUTED_PREFIXES)}"
                )
            setattr(self, key, value)

    def _routed_params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k.startswith(ROUTED_PREFIXES)}

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params = super().get_params(deep=deep)
        params.update(self._routed_params())
        return params

    def set_params(self, **params):
        routed = {k: v for k, v in params.items() if k.startswith(ROUTED_PREFIXES)}
        self._set_routed(routed)
        rest = {k: v for k, v in params.items() if k not in routed}
        return super().set_params(**rest) if rest else self


class TorchEstimatorMixin:
    """Training settings common to all estimators and the skorch net they build."""

    def _common_net_kwargs(self, device: str) -> dict[str, Any]:
        callbacks = list(self.callbacks or [])
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        return {
            "optimizer": torch.optim.AdamW,
            "lr": check_positive_float(self.lr, "lr"),
            "optimizer__weight_decay": self.weight_decay,
            "batch_size": check_positive_int(self.batch_size, "batch_size"),
            "max_epochs": check_positive_int(self.max_epochs, "max_epochs"),
            "iterator_train__shuffle": True,
            "train_split": self.train_split,
            "callbacks": callbacks,
            "device": device,
            "verbose": int(self.verbose),
        }


class FlowFMEstimator(RoutedParamsMixin, TorchEstimatorMixin, BaseEstimator):
    """Base of the public estimators (not part of the public API)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.non_deterministic = False
        return tags
