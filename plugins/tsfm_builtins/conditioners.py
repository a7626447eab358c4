"""Representation conditioning, with and without Dynamic Guidance Switching (DGS)."""

from __future__ import annotations

import torch

from tsfm.generative.conditioner import Conditioner
from tsfm.plugins.hookspecs import hookimpl


class RepresentationConditioner(Conditioner):
    """Linear projection of the encoder's representation r, always present."""

    name = "representation"
    supports_masking = False


class DGSConditioner(Conditioner):
    """Representation conditioning with Dynamic Guidance Switching (paper Sec. 4.1.1).

    During training each sample's representation is replaced by the zero vector with
    probability ``mask_prob``, so one network learns both the conditional and the
    unconditional (null-condition) field. The null condition is what classifier-free
    guidance contrasts against.
    """

    name = "dgs"
    supports_masking = True

    def keep_mask(self, n: int, device: torch.device | None = None) -> torch.Tensor:
        """Bernoulli(1 - mask_prob) draws of shape (n,): 1 keeps r, 0 masks it."""
        return (torch.rand(n, device=device) >= self.mask_prob).float()

    def forward(self, value: torch.Tensor | None, n: int | None = None) -> torch.Tensor:
        if value is not None and self.training and self.mask_prob > 0:
            value = value * self.keep_mask(len(value), value.device).unsqueeze(1).to(value.dtype)
        return super().forward(value, n=n)


@hookimpl
def tsfm_register_conditioners() -> list[type]:
    return [RepresentationConditioner, DGSConditioner]
