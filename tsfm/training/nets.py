"""skorch networks behind the estimators.

skorch owns the training loop, device placement, callbacks, history and progress
bar; these subclasses only override the narrow methods the pretraining objective
needs.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet
from skorch.utils import to_tensor


class PretrainingNet(NeuralNet):
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
    **kwargs
        Any other :class:`skorch.NeuralNet` argument except ``criterion``.
    """

    def __init__(self, module, *args, criterion=None, **kwargs):
        super().__init__(module, *args, criterion=criterion, **kwargs)

    def initialize_criterion(self):
        """Use the module's objective as the criterion (it holds the loss)."""
        self.criterion_ = self.module_.objective
        return self

    def get_loss(self, y_pred, y_true, X=None, training=False):
        prediction, target = y_pred
        return self.criterion_.loss(prediction, target)

    def evaluation_step(self, batch, training=False):
        self.check_is_fitted()
        Xi = batch[0] if isinstance(batch, list | tuple) else batch
        with torch.set_grad_enabled(training):
            self._set_training(training)
            return self.module_.encode(to_tensor(Xi, device=self.device))

    def embed(self, X: np.ndarray, *, batch_size: int) -> np.ndarray:
        """Representations of shape (n, d) for standardised ``X`` of shape (n, C, T)."""
        with torch.inference_mode():
            chunks = [
                self.evaluation_step((X[i : i + batch_size],)).float().cpu().numpy()
                for i in range(0, len(X), batch_size)
            ]
        return np.concatenate(chunks)
