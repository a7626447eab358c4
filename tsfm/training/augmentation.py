"""Training-time augmentation of the pretraining windows.

FlowFM learns its encoder only through the generator's loss, so on a small corpus
(a UEA problem has a few hundred windows) the velocity network soon memorises the
windows and the representation stops improving. Augmenting each batch enlarges the
corpus the generator must model. The encoder is *not* asked to be invariant to the
augmentation: it sees the augmented window and the generator reconstructs that same
augmented window, so nothing is removed from what ``r`` may encode.

Off by default (the paper uses none). ``benchmarks/uea_train_cv.py`` holds the
evidence for turning it on for small corpora.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

#: keys of the ``augmentation`` parameter (see :class:`Augmentation`)
AUGMENTATION_KEYS = ("crop_scale", "jitter")


def check_augmentation(augmentation: dict[str, Any] | None) -> dict[str, float]:
    """Validate the ``augmentation`` parameter of the pretraining estimators.

    Parameters
    ----------
    augmentation : dict or None
        ``{"crop_scale": float in (0, 1], "jitter": float >= 0}``; both keys are
        optional. None or ``{}`` means no augmentation.

    Returns
    -------
    dict
        JSON-serialisable copy with float values, stored in the model configuration.
    """
    if augmentation is None:
        return {}
    if not isinstance(augmentation, dict):
        raise TypeError(
            "augmentation must be None or a dict such as {'crop_scale': 0.7, 'jitter': 0.1}, "
            f"got {type(augmentation).__name__}"
        )
    unknown = set(augmentation) - set(AUGMENTATION_KEYS)
    if unknown:
        raise ValueError(
            f"unknown augmentation key(s) {sorted(unknown)}; "
            f"valid keys: {sorted(AUGMENTATION_KEYS)}"
        )
    checked = {}
    for key, value in augmentation.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value
        ):
            raise ValueError(f"augmentation {key!r} must be a finite number, got {value!r}")
        checked[key] = float(value)
    if "crop_scale" in checked and not 0.0 < checked["crop_scale"] <= 1.0:
        raise ValueError(
            f"augmentation 'crop_scale' must be in (0, 1] (the smallest kept fraction of "
            f"the window), got {checked['crop_scale']!r}"
        )
    if checked.get("jitter", 0.0) < 0.0:
        raise ValueError(f"augmentation 'jitter' must be >= 0, got {checked['jitter']!r}")
    return checked


def random_resized_crop(x: torch.Tensor, min_scale: float) -> torch.Tensor:
    """Resample each series from a random sub-window back to its full length.

    Each series keeps a contiguous span of ``s * (T - 1)`` sample intervals, with
    ``s ~ U(min_scale, 1)`` and a uniform start, read at ``T`` equally spaced points
    by linear interpolation: a random crop plus a time stretch of factor ``1 / s``.

    Parameters
    ----------
    x : tensor of shape (n, C, T)
    min_scale : float in (0, 1]

    Returns
    -------
    tensor of shape (n, C, T)
    """
    n, n_channels, n_timepoints = x.shape
    if n_timepoints < 2:
        return x
    last = n_timepoints - 1
    span = last * torch.empty(n, device=x.device, dtype=x.dtype).uniform_(min_scale, 1.0)
    start = torch.rand(n, device=x.device, dtype=x.dtype) * (last - span)
    grid = torch.linspace(0.0, 1.0, n_timepoints, device=x.device, dtype=x.dtype)
    position = (start[:, None] + span[:, None] * grid).clamp(0.0, last)
    left = position.floor().long().clamp(max=last - 1)
    weight = (position - left.to(x.dtype)).unsqueeze(1)
    index = left.unsqueeze(1).expand(-1, n_channels, -1)
    lower = x.gather(2, index)
    upper = x.gather(2, index + 1)
    return lower + weight * (upper - lower)


class Augmentation(nn.Module):
    """Augment a training batch; the identity in eval mode or with no settings.

    Parameters
    ----------
    crop_scale : float, optional
        See :func:`random_resized_crop`.
    jitter : float, default=0.0
        Standard deviation of added Gaussian noise.
    """

    def __init__(self, crop_scale: float | None = None, jitter: float = 0.0):
        super().__init__()
        self.crop_scale = crop_scale
        self.jitter = jitter

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Augmented ``x`` of shape (n, C, T) in training mode, ``x`` itself otherwise."""
        if not self.training:
            return x
        if self.crop_scale is not None and self.crop_scale < 1.0:
            x = random_resized_crop(x, self.crop_scale)
        if self.jitter > 0:
            x = x + self.jitter * torch.randn_like(x)
        return x
