"""Inception score (Salimans et al. 2016) from a classifier's class probabilities."""

from __future__ import annotations

import numpy as np


def inception_score(probabilities: np.ndarray, eps: float = 1e-12) -> float:
    """``exp(E_x KL(p(y|x) || p(y)))`` for predicted class probabilities.

    High when each sample is classified confidently (sharp ``p(y|x)``) and the
    samples cover the classes evenly (flat ``p(y)``). It ranges from 1 to the
    number of classes.

    Parameters
    ----------
    probabilities : array of shape (n_samples, n_classes)
        Rows of class probabilities, e.g. :meth:`FeatureExtractor.predict_proba` of
        the generated series.
    eps : float, default=1e-12
        Guards the logarithm of zero probabilities.

    Returns
    -------
    float
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(
            f"probabilities must have shape (n_samples, n_classes), got {p.shape}"
        )
    if (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("each row of probabilities must be non-negative and sum to 1")
    marginal = p.mean(axis=0, keepdims=True)
    kl = (p * (np.log(p + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))
