"""skorch networks behind the estimators.

skorch owns the training loop, device placement, callbacks, history and progress
bar; these subclasses only override the narrow methods the pretraining objective
needs.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet, NeuralNetClassifier
from skorch.utils import to_tensor

from tsfm.training.distributed import DataParallelMixin
from tsfm.training.precision import MixedPrecisionMixin


class PretrainingNet(MixedPrecisionMixin, NeuralNet):
    """skorch net for the FlowFM objective; ``module_`` is a :class:`tsfm.nn.FlowFMModule`.

    The module's forward returns ``(prediction, target)`` from the objective's
    training example, and the loss is the objective's own
    :meth:`~tsfm.generative.objective.Objective.loss` of the two (the mean squared
    error of paper Eq. 5 unless a plugin overrides it). skorch's criterion is
    therefore the objective itself: ``criterion_`` is ``module_.objective``, which
    lives in the module and moves with it. Evaluation (``forward``/``predict``)
    returns the encoder's representations.

    Parameters
    ----------
    module : type
        :class:`tsfm.nn.FlowFMModule`; its arguments are passed as ``module__config``,
        ``module__objective`` and ``module__conditioner``.
    precision : {"fp32", "bf16", "fp16"}, default="fp32"
        ``"bf16"``/``"fp16"`` run the module's forward under ``torch.autocast`` with
        bfloat16/float16 (meant for CUDA; CPU autocast works too but is rarely faster);
        the loss and the weights stay in float32. ``"fp16"`` scales the loss with
        :class:`torch.amp.GradScaler` (see :mod:`tsfm.training.precision`).
    **kwargs
        Any other :class:`skorch.NeuralNet` argument except ``criterion``. With
        skorch's ``compile=True`` the module is compiled *in place*
        (:meth:`torch.nn.Module.compile`), so its ``state_dict`` keys, and therefore
        checkpoints and saved models, are the same as without compiling.
    """

    def __init__(self, module, *args, criterion=None, precision="fp32", **kwargs):
        super().__init__(module, *args, criterion=criterion, precision=precision, **kwargs)

    def torch_compile(self, module, name):
        """Compile ``module`` in place when ``compile=True``; keep its parameter names."""
        if not self.compile:
            return module
        module.compile(**self.get_params_for("compile"))
        return module

    def initialize_criterion(self):
        """Use the module's objective as the criterion (it holds the loss)."""
        self.criterion_ = self.module_.objective
        return self

    def get_loss(self, y_pred, y_true, X=None, training=False):
        prediction, target = y_pred
        return self.criterion_.loss(prediction.float(), target.float())

    def evaluation_step(self, batch, training=False, features="representation"):
        self.check_is_fitted()
        Xi = batch[0] if isinstance(batch, list | tuple) else batch
        with torch.set_grad_enabled(training):
            self._set_training(training)
            return self.module_.encode(to_tensor(Xi, device=self.device), features=features)

    def embed(self, X: np.ndarray, *, batch_size: int,
              features: str = "representation") -> np.ndarray:
        """Representations of shape (n, d) for standardised ``X`` of shape (n, C, T).

        ``features="layers"`` gives every encoder block's pooled tokens too, shape
        (n, (depth + 1) d).
        """
        self.check_is_fitted()
        # eval mode once, and only if needed: train(False) visits every module through
        # nn.Module.__setattr__, about 1 % of embedding a batch of tiny
        if any(module.training for module in self.module_.modules()):
            self._set_training(False)
        with torch.inference_mode():
            chunks = [
                self.module_.encode(to_tensor(X[i : i + batch_size], device=self.device),
                                    features=features).float().cpu().numpy()
                for i in range(0, len(X), batch_size)
            ]
        return np.concatenate(chunks)


class DataParallelPretrainingNet(DataParallelMixin, PretrainingNet):
    """:class:`PretrainingNet` trained data-parallel across a ``torch.distributed`` group.

    See :class:`tsfm.training.distributed.DataParallelMixin`; the autocast of
    ``precision`` (:meth:`PretrainingNet.autocast`) wraps the DDP forward.
    """


class ClassifierNet(MixedPrecisionMixin, NeuralNetClassifier):
    """skorch's ``NeuralNetClassifier`` with a ``precision`` parameter.

    See :class:`tsfm.training.precision.MixedPrecisionMixin`. The logits are returned
    as float32 whatever the autocast, so that the loss and ``predict_proba`` are float32.
    """

    def infer(self, x, **fit_params):
        return super().infer(x, **fit_params).float()

    def get_loss(self, y_pred, y_true, *args, **kwargs):
        return super().get_loss(y_pred.float(), y_true, *args, **kwargs)


class DataParallelClassifierNet(DataParallelMixin, ClassifierNet):
    """:class:`ClassifierNet` trained data-parallel across a process group."""
