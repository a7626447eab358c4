"""Resolving the ``pretrained`` parameter and checking data against a pretrained model."""

from __future__ import annotations

import os

import numpy as np
from sklearn.base import clone

from tsfm.estimators._base import resolve_device
from tsfm.estimators.pretrainer import FlowFMPretrainer


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
        return pretrained if is_fitted_pretrainer(pretrained) else clone(pretrained).fit(X)
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
        return FlowFMPretrainer(**{key: getattr(estimator, key) for key in names}).fit(X)
    overrides = estimator._routed_params()
    if overrides:
        raise ValueError(
            f"architecture overrides {sorted(overrides)} cannot be combined with a "
            "pretrained model; drop them or set pretrained=None"
        )
    pre = resolve_pretrained(estimator.pretrained, X, device=resolve_device(estimator.device))
    if X is not None:
        check_compatible(X, pre.config_)
    return pre


def check_compatible(X: np.ndarray, config: dict, *, name: str = "X") -> None:
    """Check that ``X`` of shape (n, C, T) fits a model's configuration.

    The channel count must match. The length may differ from the pretraining length:
    the learned positional embeddings are linearly interpolated to the new number of
    patches, so any length of at least one patch of the encoder and of the velocity
    network is accepted.
    """
    n_channels, n_timepoints = X.shape[1], X.shape[2]
    if n_channels != config["n_channels"]:
        raise ValueError(
            f"{name} has {n_channels} channels but the pretrained model expects "
            f"{config['n_channels']}; select or reorder channels to match the pretraining "
            "data, or pretrain a new model"
        )
    patch = max(config[part]["patch_size"] for part in ("encoder", "velocity") if part in config)
    if n_timepoints < patch:
        raise ValueError(
            f"{name} has {n_timepoints} timepoints, fewer than one patch ({patch}) of the "
            f"pretrained model (trained on {config['n_timepoints']}); other lengths are "
            f"accepted by interpolating positional embeddings, but only from {patch} "
            "timepoints up"
        )
