"""The interface every conditioner plugin implements.

A conditioner turns one input of the model (the representation ``r``, a text
embedding…) into a vector of the velocity network's width. The network adds all
condition vectors element-wise to its time embedding (paper Sec. 4.1.1) and feeds
the sum to every adaLN-Zero block.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn


class Conditioner(nn.Module):
    """Base class of conditioner plugins.

    Parameters
    ----------
    in_features : int
        Width of the conditioning input, e.g. the representation dimension.
    width : int
        Width of the velocity network.
    mask_prob : float, default=0.0
        Probability that a sample's input is replaced by the null (zero) input
        during training. Only conditioners with ``supports_masking = True`` accept a
        non-zero value.

    Attributes
    ----------
    name : str
        Registry name (class attribute).
    supports_masking : bool
        Whether the conditioner learns a null condition (class attribute). Only such
        a model supports classifier-free guidance.
    input : str
        What it conditions on (class attribute): ``"representation"`` (the encoder's
        ``r``; usable as a model's ``conditioner``) or ``"text"`` (a text embedding,
        added by ``FlowFMSignalGenerator.fit_text``).
    """

    name: ClassVar[str]
    supports_masking: ClassVar[bool] = False
    input: ClassVar[str] = "representation"

    def __init__(self, *, in_features: int, width: int, mask_prob: float = 0.0):
        super().__init__()
        if not 0.0 <= mask_prob < 1.0:
            raise ValueError(f"mask_prob must be in [0, 1), got {mask_prob!r}")
        if mask_prob > 0 and not self.supports_masking:
            raise ValueError(
                f"conditioner {self.name!r} does not mask its input, but mask_prob="
                f"{mask_prob} was given; use conditioner='dgs' or mask_prob=0.0"
            )
        self.in_features = in_features
        self.width = width
        self.mask_prob = mask_prob
        self.projection = nn.Linear(in_features, width)

    def forward(self, value: torch.Tensor | None, n: int | None = None) -> torch.Tensor:
        """Project the input to a condition vector.

        Parameters
        ----------
        value : tensor of shape (n, in_features) or None
            The input. ``None`` asks for the null condition (masked conditioners only).
        n : int, optional
            Batch size; required when ``value`` is None.

        Returns
        -------
        tensor of shape (n, width)
        """
        if value is None:
            if not self.supports_masking:
                raise ValueError(
                    f"conditioner {self.name!r} was trained without masking and has no "
                    "null condition; train with conditioner='dgs' and mask_prob > 0"
                )
            if n is None:
                raise ValueError("n is required for the null condition")
            value = self.projection.weight.new_zeros(n, self.in_features)
        return self.projection(value)
