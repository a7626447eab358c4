"""Tuning a pretrained FlowFM velocity network with an observation conditioner.

Mechanism 2 of conditional sampling (``docs/tasks.md``). The encoder and the
representation conditioner stay frozen; the velocity network and the observation
conditioner learn from the objective's own loss (flow matching or diffusion alike),
with the masked window ``[x * mask ; mask]`` as an extra input. Masks are drawn per
window by :func:`tsfm.generative.observation_masks.random_masks` (futures, gaps,
scattered points). The representation condition is the frozen encoder's
representation of the window with its hidden points linearly interpolated, which is
what :meth:`tsfm.FlowFMSignalGenerator.sample_observed` computes with
``condition="observed"``.
"""

from __future__ import annotations

import numpy as np
import torch

from tsfm.config.observation_config import ObservationConfig
from tsfm.generative.observation_masks import random_masks
from tsfm.nn.flowfm import FlowFMModule
from tsfm.training.velocity_tuning import tune_velocity


def filled_representations(module: FlowFMModule, x: torch.Tensor,
                           mask: torch.Tensor) -> torch.Tensor:
    """Encoder representations (n, d) of ``x`` (n, C, T) with its hidden points interpolated."""
    from tsfm.estimators._observed import fill_unknown

    filled = fill_unknown(x.detach().cpu().numpy(), mask.cpu().numpy())
    with torch.inference_mode():
        r = module.encode(torch.as_tensor(filled, device=x.device, dtype=x.dtype))
    return r.clone()


def observation_loss(module: FlowFMModule, x1: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The objective's loss on one batch with its observation as input (a scalar)."""
    r = filled_representations(module, x1, mask)
    x_t, t, target = module.objective.training_example(x1)
    prediction = module.field(x_t, t, r, observation=(x1, mask.to(x1.device)))
    return module.objective.loss(prediction.float(), target.float())


def tune_observed(
    module: FlowFMModule,
    X: np.ndarray,
    config: ObservationConfig,
    *,
    max_epochs: int,
    batch_size: int,
    lr: float,
    weight_decay: float,
    generator: torch.Generator,
) -> list[float]:
    """Tune ``module`` (which has an observation conditioner) in place.

    Parameters
    ----------
    module : FlowFMModule
        With :attr:`~FlowFMModule.observation_conditioner` set.
    X : ndarray of shape (n, C, T)
        Standardised training windows.
    config : ObservationConfig
        The random masks.
    max_epochs, batch_size : int
    lr, weight_decay : float
        AdamW settings.
    generator : torch.Generator
        A CPU generator; seeds the shuffling and the masks (the objective's noise and
        times come from torch's global generator, seeded by the caller).

    Returns
    -------
    list of float
        Mean training loss of each epoch.

    Raises
    ------
    tsfm.exceptions.NonFiniteError
        If the loss becomes NaN or inf.
    """
    device = next(module.parameters()).device
    data = torch.as_tensor(X, device=device)
    n, n_channels, n_timepoints = data.shape

    def batch_loss(index: torch.Tensor) -> torch.Tensor:
        mask = random_masks(len(index), n_channels, n_timepoints, config, generator)
        return observation_loss(module, data[index], mask)

    return tune_velocity(module, module.observation_conditioner, batch_loss, n,
                         what="observation", max_epochs=max_epochs, batch_size=batch_size,
                         lr=lr, weight_decay=weight_decay, generator=generator)
