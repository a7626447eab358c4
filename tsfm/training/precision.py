"""Mixed precision of the skorch nets: bfloat16 or float16 autocast, the latter scaled.

``precision="bf16"`` runs the forward under ``torch.autocast`` with bfloat16;
bfloat16 has float32's exponent range, so gradients need no scaling. ``"fp16"`` runs
it with float16, whose range is small enough for gradients to underflow, so the loss
is multiplied by torch's own :class:`torch.amp.GradScaler` before the backward pass
and the gradients are unscaled before any callback (gradient clipping) sees them; a
step whose gradients overflowed is skipped and the scale lowered, as the scaler
decides. The weights, the optimizer state and the loss stay float32 in both cases.

The scaler's state is part of the net (``grad_scaler_``); run checkpoints save it
and resume restores it (:mod:`tsfm.training.checkpoints`).
"""

from __future__ import annotations

import warnings

import torch
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator

from tsfm.exceptions import ConfigError

#: autocast dtype of each ``precision`` value (None: no autocast)
AUTOCAST_DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def device_type(device) -> str:
    """The torch device type (``"cpu"``, ``"cuda"``…) of a net's ``device`` parameter."""
    return torch.device(device).type if device else "cpu"


def check_autocast(precision: str, device) -> None:
    """Refuse a ``precision`` whose autocast this device does not support.

    torch silently disables an autocast it cannot run (with a warning); this turns that
    into an error before training starts.

    Raises
    ------
    tsfm.exceptions.ConfigError
        Naming the device and the precision, and suggesting ``precision="fp32"``.
    """
    dtype = AUTOCAST_DTYPES[precision]
    if dtype is None:
        return
    kind = device_type(device)
    supported = torch.amp.is_autocast_available(kind)
    if supported:
        with warnings.catch_warnings():  # torch warns, then disables the autocast
            warnings.simplefilter("ignore")
            supported = torch.autocast(device_type=kind, dtype=dtype)._enabled
    if not supported:
        raise ConfigError(
            f"precision={precision!r} needs {dtype} autocast, which torch "
            f"{torch.__version__} does not support on device {kind!r}; use precision='fp32'"
        )


class MixedPrecisionMixin:
    """Mix into a skorch net (before it) for its ``precision`` parameter.

    Parameters
    ----------
    precision : {"fp32", "bf16", "fp16"}, default="fp32"
        ``"bf16"``/``"fp16"`` run the module's forward under that autocast; ``"fp16"``
        also scales the loss with :class:`torch.amp.GradScaler` (``grad_scaler_``).
    """

    def __init__(self, *args, precision="fp32", **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = precision

    def initialize_optimizer(self, *args, **kwargs):
        """skorch's optimizer, and a gradient scaler (enabled for ``"fp16"`` only)."""
        super().initialize_optimizer(*args, **kwargs)
        check_autocast(self.precision, self.device)
        self.grad_scaler_ = torch.amp.GradScaler(device_type(self.device),
                                                 enabled=self.precision == "fp16")
        return self

    def autocast(self) -> torch.autocast:
        """The autocast of ``precision`` (a disabled one for ``"fp32"``)."""
        dtype = AUTOCAST_DTYPES[self.precision]
        return torch.autocast(device_type=device_type(self.device),
                              dtype=dtype or torch.bfloat16, enabled=dtype is not None)

    def infer(self, x, **fit_params):
        """The module's forward, under the autocast of ``precision``."""
        with self.autocast():
            return super().infer(x, **fit_params)

    def _scaling(self) -> bool:
        scaler = getattr(self, "grad_scaler_", None)
        return scaler is not None and scaler.is_enabled()

    def train_step_single(self, batch, **fit_params):
        """skorch's step, with the backward pass of the scaled loss under ``"fp16"``."""
        if not self._scaling():
            return super().train_step_single(batch, **fit_params)
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        self.grad_scaler_.scale(loss).backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        """One optimisation step; under ``"fp16"`` the scaler's unscale/step/update.

        The gradients are unscaled before ``on_grad_computed``, so that gradient
        clipping sees their true norm. The optimizer is stepped without a closure
        (the scaler does not support one).
        """
        if not self._scaling():
            return super().train_step(batch, **fit_params)
        scaler = self.grad_scaler_
        optimizers = [getattr(self, name + "_") for name in self._optimizers]
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        self.notify("on_grad_computed",
                    named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch, training=True)
        for optimizer in optimizers:
            scaler.step(optimizer)
        scaler.update()
        return step
