"""Resolving the ``pretrained`` parameter and checking data against a pretrained model."""

from __future__ import annotations

import os

import numpy as np
from sklearn.base import clone

from tsfm.estimators._base import check_compatible, resolve_device
from tsfm.estimators.pretrainer import FlowFMPretrainer

__all__ = ["check_compatible", "is_fitted_pretrainer", "pretrainer_for", "resolve_pretrained"]


def _fitted(pretrainer: FlowFMPretrainer, X) -> FlowFMPretrainer:
    """Pretrain on ``X``, which the calling estimator's ``fit`` has already checked."""
    pretrainer._fit(X)
    return pretrainer


def is_fitted_pretrainer(obj) -> bool:
    return isinstance(obj, FlowFMPretrainer) and hasattr(obj, "net_")


def resolve_pretrained(pretrained, X: np.ndarray, *, device: str) -> FlowFMPretrainer:
    """Return a fitted pretrainer for ``pretrained``.

    Parameters
    ----------
    pretrained : str, PathLike or FlowFMPretrainer
        A directory written by ``save_pretrained`` is loaded. A fitted pretrainer is
        used as it is; an unfitted one (for example the copy that ``clone`` makes
        inside cross-validation) is cloned and fitted on ``X``.
    X : ndarray of shape (n, C, T)
    device : str
    """
    if isinstance(pretrained, str | os.PathLike):
        return FlowFMPretrainer.from_pretrained(pretrained, device=device)
    if isinstance(pretrained, FlowFMPretrainer):
        return pretrained if is_fitted_pretrainer(pretrained) else _fitted(clone(pretrained), X)
    raise TypeError(
        "pretrained must be None, a directory written by save_pretrained, or a "
        f"FlowFMPretrainer, got {type(pretrained).__name__}"
    )


def pretrainer_for(estimator, X) -> FlowFMPretrainer:
    """The fitted pretrainer an estimator works from.

    With ``estimator.pretrained`` None, a new model is pretrained on ``X`` with the
    estimator's own pretraining parameters (those of :class:`FlowFMPretrainer`).
    Otherwise ``pretrained`` is resolved (see :func:`resolve_pretrained`) and ``X``, if
    given, is checked against it; architecture overrides are then an error.

    Parameters
    ----------
    estimator : FlowFMTransformer, FlowFMClassifier or FlowFMSignalGenerator
    X : ndarray of shape (n, C, T), shard directory, torch Dataset or None
        Already validated by the caller.
    """
    if estimator.pretrained is None:
        names = FlowFMPretrainer().get_params(deep=False)
        return _fitted(FlowFMPretrainer(**{key: getattr(estimator, key) for key in names}), X)
    overrides = [
        f"{part}__{key}"
        for part in estimator._routed_parts
        for key in (getattr(estimator, part, None) or {})
    ]
    if overrides:
        raise ValueError(
            f"architecture overrides {sorted(overrides)} cannot be combined with a "
            "pretrained model; drop them or set pretrained=None"
        )
    pre = resolve_pretrained(estimator.pretrained, X, device=resolve_device(estimator.device))
    if X is not None:
        check_compatible(X, pre.config_, stated_input=getattr(pre, "stated_input_", None))
    return pre
