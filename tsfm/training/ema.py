"""An exponential moving average (EMA) of the weights, as a skorch callback.

The average is torch's own :class:`~torch.optim.swa_utils.AveragedModel` with
:func:`~torch.optim.swa_utils.get_ema_multi_avg_fn`; this module only ties it to
skorch's training events and swaps the averaged weights into the net when training ends.
"""

from __future__ import annotations

import torch
from skorch.callbacks import Callback
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn


class EMAWeights(Callback):
    """Keep an EMA of the module's weights and use it as the final model.

    Parameters
    ----------
    decay : float, default=0.999
        Weight of the old average at each optimizer step, in (0, 1).
    use_at_end : bool, default=True
        Copy the averaged weights into ``net.module_`` when training ends, so that the
        fitted estimator (and anything it saves) holds the EMA model.

    Attributes
    ----------
    averaged_ : torch.optim.swa_utils.AveragedModel
        The running average (its ``module`` has the module's architecture).
    """

    def __init__(self, decay: float = 0.999, use_at_end: bool = True):
        self.decay = decay
        self.use_at_end = use_at_end

    def initialize(self):
        if not 0.0 < float(self.decay) < 1.0:
            raise ValueError(f"EMA decay must be in (0, 1), got {self.decay!r}")
        self.averaged_ = None
        return self

    def _ensure(self, net) -> AveragedModel:
        if self.averaged_ is None:
            self.averaged_ = AveragedModel(
                net.module_, multi_avg_fn=get_ema_multi_avg_fn(float(self.decay)), use_buffers=True
            )
        return self.averaged_

    def on_train_begin(self, net, **kwargs):
        self._ensure(net)

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self._ensure(net).update_parameters(net.module_)

    def on_train_end(self, net, **kwargs):
        if self.use_at_end and self.averaged_ is not None:
            with torch.no_grad():
                net.module_.load_state_dict(self.averaged_.module.state_dict())

    # -- checkpointing ---------------------------------------------------------------
    def state_dict(self) -> dict[str, torch.Tensor]:
        """The averaged weights plus ``n_averaged``, ready for safetensors."""
        if self.averaged_ is None:
            raise RuntimeError("the EMA has not started; call it after training began")
        return {key: value.detach().cpu() for key, value in self.averaged_.state_dict().items()}

    def load_state_dict(self, net, state: dict[str, torch.Tensor]) -> None:
        """Restore a state written by :meth:`state_dict` (used when resuming)."""
        self._ensure(net).load_state_dict(state)
