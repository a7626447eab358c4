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

    The module's forward returns ``(prediction, target)`` from the generator's
    training example; the loss is the criterion (MSE) between the two (paper Eq. 5).
    Evaluation (``forward``/``predict``) returns the encoder's representations.
    """

    def get_loss(self, y_pred, y_true, X=None, training=False):
        prediction, target = y_pred
        return self.criterion_(prediction, target)

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
