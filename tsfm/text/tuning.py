"""Text tuning of a pretrained FlowFM velocity network (paper Sec. 4.2.2, Fig. 2).

The encoder and the representation conditioner stay frozen; the velocity network and
the text projection learn from the objective's loss. The condition is

- ``"text+rep"``: text embedding + the frozen encoder's representation ``r`` of the
  window, with ``r`` replaced by the null condition with probability
  ``rep_drop_prob`` (DGS-style). Because the network also learns text with the null
  representation, sampling from text alone works and needs no reference window.
- ``"text"``: text embedding + the null representation, always (Text-Only).
"""

from __future__ import annotations

import numpy as np
import torch

from tsfm.nn.flowfm import FlowFMModule
from tsfm.training.velocity_tuning import tune_velocity


def _representations(module: FlowFMModule, X: torch.Tensor, batch_size: int) -> torch.Tensor:
    with torch.inference_mode():
        chunks = [module.encode(X[i : i + batch_size]) for i in range(0, len(X), batch_size)]
    return torch.cat(chunks).clone()


def tune_text(
    module: FlowFMModule,
    X: np.ndarray,
    embeddings: np.ndarray,
    *,
    condition: str,
    rep_drop_prob: float,
    max_epochs: int,
    batch_size: int,
    lr: float,
    weight_decay: float,
    generator: torch.Generator,
) -> list[float]:
    """Tune ``module`` (which has a text conditioner) in place.

    Parameters
    ----------
    module : FlowFMModule
        With :attr:`~FlowFMModule.text_conditioner` set and a conditioner that has a
        null condition.
    X : ndarray of shape (n, C, T)
        Standardised training series.
    embeddings : ndarray of shape (n, text_dim)
        Language-model embeddings of each series' prompt.
    condition : {"text+rep", "text"}
    rep_drop_prob : float
        Used with ``"text+rep"`` only.
    max_epochs, batch_size : int
    lr, weight_decay : float
        AdamW settings.
    generator : torch.Generator
        Seeds the shuffling and the representation drops (on the CPU).

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
    text = torch.as_tensor(embeddings, device=device)
    module.eval()  # the encoder computes the representations in eval mode
    rep = _representations(module, data, batch_size) if condition == "text+rep" else None

    def batch_loss(index: torch.Tensor) -> torch.Tensor:
        x_t, t, target = module.objective.training_example(data[index])
        r = None
        if rep is not None:
            keep = torch.rand(len(index), generator=generator) >= rep_drop_prob
            r = rep[index] * keep.to(device=device, dtype=rep.dtype).unsqueeze(1)
        prediction = module.field(x_t, t, r, text=text[index])
        return module.objective.loss(prediction.float(), target.float())

    return tune_velocity(module, module.text_conditioner, batch_loss, len(data), what="text",
                         max_epochs=max_epochs, batch_size=batch_size, lr=lr,
                         weight_decay=weight_decay, generator=generator)
