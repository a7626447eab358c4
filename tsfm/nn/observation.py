"""The observation conditioner: the masked observed points as a per-token input.

Mechanism 2 of conditional sampling (see ``docs/tasks.md``): the velocity network is
tuned with the observed part of the window as an extra input, so that it learns
``p(unknown | observed)`` directly instead of being steered towards the observed
points by replacement (guided inpainting). The observation ``[x_obs * mask ; mask]``
of shape (n, 2C, T) is patch-embedded with the velocity network's own patching and
added to its input tokens. The output projection starts at zero, so a model with a
fresh observation conditioner is exactly the model it was added to.
"""

from __future__ import annotations

import torch
from torch import nn

from tsfm.nn.patching import PatchEmbed1d


class ObservationConditioner(nn.Module):
    """Embed the masked observation into one token per velocity-network patch.

    Parameters
    ----------
    n_channels : int
        Channels of the windows (C).
    width : int
        The velocity network's token width.
    patch_size : int
        The velocity network's patch size, so that token ``i`` covers the same points.

    Notes
    -----
    Patch embedding (a Conv1d of kernel and stride ``patch_size`` over the 2C channels
    ``[x_obs * mask ; mask]``), GELU, then a Linear that is zero-initialised: an untuned
    conditioner adds exactly zero.
    """

    def __init__(self, n_channels: int, width: int, patch_size: int):
        super().__init__()
        self.n_channels = n_channels
        self.width = width
        self.patch_size = patch_size
        self.embed = PatchEmbed1d(2 * n_channels, width, patch_size)
        self.act = nn.GELU(approximate="tanh")
        self.out = nn.Linear(width, width)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, observed: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Tokens of shape (n, ceil(T / patch_size), width).

        Parameters
        ----------
        observed : tensor of shape (n, C, T)
            Standardised values; only the points where ``mask`` is True are used.
        mask : bool tensor of shape (n, C, T)
            True at the observed points.
        """
        m = mask.to(observed.dtype)
        masked = torch.where(mask.to(torch.bool), observed, torch.zeros_like(observed))
        return self.out(self.act(self.embed(torch.cat([masked, m], dim=1))))
