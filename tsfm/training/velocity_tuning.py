"""The loop shared by the tunings of a pretrained velocity network with a new input.

Text tuning (:mod:`tsfm.text.tuning`) and observation tuning
(:mod:`tsfm.training.observation_tuning`) differ only in the loss of a batch: both keep
the encoder and the representation conditioner frozen (and in eval mode), train the
velocity network plus one added module with AdamW and gradient-norm clipping at 1, and
stop with an error when the loss stops being finite.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from tsfm.exceptions import NonFiniteError
from tsfm.nn.flowfm import FlowFMModule


def tune_velocity(
    module: FlowFMModule,
    added: nn.Module,
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    n: int,
    *,
    what: str,
    max_epochs: int,
    batch_size: int,
    lr: float,
    weight_decay: float,
    generator: torch.Generator,
) -> list[float]:
    """Train ``module.velocity`` and ``added`` in place on ``batch_loss``.

    Parameters
    ----------
    module : FlowFMModule
        Its encoder and representation conditioner stay frozen.
    added : torch.nn.Module
        The added input module (a text projection, an observation conditioner), trained
        with the velocity network.
    batch_loss : callable
        ``batch_loss(index)`` with ``index`` a tensor of shape (b,) of window indices
        returns the scalar loss of that batch.
    n : int
        Number of training windows.
    what : str
        Name of the tuning, for the error message (``"text"``, ``"observation"``).
    max_epochs, batch_size : int
    lr, weight_decay : float
        AdamW settings.
    generator : torch.Generator
        A CPU generator; seeds the order of the windows in each epoch.

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
    frozen = (module.encoder, module.conditioner)
    module.eval()  # the frozen parts stay in eval mode
    for part in frozen:
        part.requires_grad_(False)
    trained = [*module.velocity.parameters(), *added.parameters()]
    optimizer = torch.optim.AdamW(trained, lr=lr, weight_decay=weight_decay)
    module.velocity.train()
    added.train()
    losses = []
    try:
        for epoch in range(max_epochs):
            order = torch.randperm(n, generator=generator).to(device)
            total = 0.0
            for start in range(0, n, batch_size):
                index = order[start : start + batch_size]
                loss = batch_loss(index)
                if not torch.isfinite(loss):
                    raise NonFiniteError(
                        f"the {what}-tuning loss became {loss.item()} in epoch {epoch}; "
                        "tune again with a lower lr"
                    )
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trained, 1.0)
                optimizer.step()
                total += loss.item() * len(index)
            losses.append(total / n)
    finally:
        module.eval()
        added.eval()
        for part in frozen:
            part.requires_grad_(True)
    return losses
