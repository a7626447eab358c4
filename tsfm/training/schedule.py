"""Linear warm-up then cosine decay of the learning rate, stepped every batch.

skorch's :class:`~skorch.callbacks.LRScheduler` rebuilds its torch scheduler at the
start of every ``fit`` and counts the batches already trained from the net's history.
:class:`WarmupCosineLR` uses that count as an offset, so a resumed run continues the
schedule exactly where the interrupted one stopped.
"""

from __future__ import annotations

import functools
import math

from skorch.callbacks import LRScheduler
from torch.optim.lr_scheduler import LambdaLR

from tsfm.training.distributed import world_size


def warmup_cosine_factor(
    step: int, *, warmup_steps: int, total_steps: int, final_factor: float = 0.0, offset: int = 0
) -> float:
    """Multiplier of the base learning rate after ``offset + step`` optimizer steps.

    Rises linearly from ``1 / warmup_steps`` to 1 over the first ``warmup_steps`` steps,
    then follows half a cosine down to ``final_factor`` at ``total_steps``, and stays
    there.
    """
    step = step + offset
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / span)
    return final_factor + (1.0 - final_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))


class WarmupCosineLR(LRScheduler):
    """skorch callback: per-batch linear warm-up then cosine decay over a whole run.

    Parameters
    ----------
    total_epochs : int
        Epochs of the whole run, including those of earlier, interrupted fits.
    warmup_epochs : float, default=1.0
        Length of the linear warm-up, in epochs (fractions allowed).
    final_factor : float, default=0.0
        Learning rate at the end, as a fraction of the base learning rate.
    batch_size : int
        The net's batch size, to count steps per epoch from the training data.

    Notes
    -----
    Steps per epoch are ``ceil(ceil(len(X) / world_size) / batch_size)`` (``world_size``
    is 1 outside data-parallel training), read from the training data when training
    begins. The learning rate of each batch is recorded in the history under
    ``"lr"``.
    """

    def __init__(
        self,
        *,
        total_epochs: int,
        batch_size: int,
        warmup_epochs: float = 1.0,
        final_factor: float = 0.0,
    ):
        super().__init__(policy=LambdaLR, step_every="batch", event_name="lr")
        self.total_epochs = total_epochs
        self.batch_size = batch_size
        self.warmup_epochs = warmup_epochs
        self.final_factor = final_factor

    @property
    def kwargs(self):  # nothing of ours is a LambdaLR argument
        return {}

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # data-parallel: each rank steps through its 1/world_size share of the epoch
        per_rank = math.ceil(len(X) / world_size())
        steps_per_epoch = max(1, math.ceil(per_rank / self.batch_size))
        self.total_steps_ = steps_per_epoch * self.total_epochs
        self.warmup_steps_ = max(1, round(self.warmup_epochs * steps_per_epoch))
        super().on_train_begin(net, X=X, y=y, **kwargs)

    def _get_scheduler(self, net, policy, **scheduler_kwargs):
        factor = functools.partial(
            warmup_cosine_factor,
            warmup_steps=self.warmup_steps_,
            total_steps=self.total_steps_,
            final_factor=self.final_factor,
            offset=self.batch_idx_,
        )
        return LambdaLR(net.optimizer_, lr_lambda=factor)
