"""Shared machinery of the FlowFM estimators: routed parameters, devices, skorch nets."""

from __future__ import annotations

import numbers
from typing import Any

import torch
from sklearn.base import BaseEstimator
from skorch.callbacks import ProgressBar


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


def check_non_negative_int(value, name: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
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

    def _routed_params(self) -> dict[str, Any]:
        """The overrides as ``{"encoder__depth": 2, ...}``."""
        routed = {}
        for prefix in self._prefixes():
            part = getattr(self, prefix[:-2], None)
            if part is None:
                continue
            if not isinstance(part, dict):
                raise ValueError(
                    f"{prefix[:-2]} must be a dict of architecture overrides or None, got "
                    f"{type(part).__name__}"
                )
            routed.update({f"{prefix}{key}": value for key, value in part.items()})
        return routed

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params = super().get_params(deep=deep)
        if deep:
            for prefix in self._prefixes():
                part = params.get(prefix[:-2])
                if isinstance(part, dict):
                    params.update({f"{prefix}{key}": value for key, value in part.items()})
        return params

    def set_params(self, **params):
        for prefix in self._prefixes():
            routed = {k[len(prefix):]: params.pop(k) for k in list(params) if k.startswith(prefix)}
            if routed:
                name = prefix[:-2]
                setattr(self, name, {**(getattr(self, name) or {}), **routed})
        return super().set_params(**params) if params else self


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
            "max_epochs": check_non_negative_int(self.max_epochs, "max_epochs"),
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
