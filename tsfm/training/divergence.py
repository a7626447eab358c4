"""Stop a diverged training run instead of returning a model with NaN weights."""

from __future__ import annotations

import math

import torch
from skorch.callbacks import Callback

from tsfm.exceptions import NonFiniteError


class DivergenceGuard(Callback):
    """Raise :class:`tsfm.exceptions.NonFiniteError` as soon as training diverges.

    After every batch the loss skorch has just recorded in the history is checked;
    after every epoch, the learnable parameters. Either being NaN or infinite
    stops ``fit`` with an error naming the epoch and suggesting a lower learning
    rate, instead of returning a model that embeds and predicts NaN. Every estimator's
    net includes this callback by default.
    """

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        key = "train_loss" if training else "valid_loss"
        loss = net.history[-1, "batches", -1, key]
        if not math.isfinite(loss):
            n_batch = len(net.history[-1, "batches"])
            stage = "training" if training else "validation"
            self._diverged(net, f"the {stage} loss of batch {n_batch} is {loss}")

    def on_epoch_end(self, net, **kwargs):
        params = [param.detach() for _, param in net.get_all_learnable_params()]
        if params and not bool(torch.stack([p.isfinite().all() for p in params]).all()):
            bad = next(
                name
                for name, param in net.get_all_learnable_params()
                if not bool(param.detach().isfinite().all())
            )
            self._diverged(net, f"the weights {bad!r} are NaN or inf")

    @staticmethod
    def _diverged(net, what: str) -> None:
        epoch = len(net.history)
        lr = net.lr
        raise NonFiniteError(
            f"training diverged in epoch {epoch}: {what}. Lower the learning rate (lr={lr:g}; "
            f"try lr={lr / 10:g}), or clip gradients with the callback "
            "skorch.callbacks.GradientNormClipping"
        )
