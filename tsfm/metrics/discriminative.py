"""Discriminative score: how well a post-hoc classifier tells real from generated."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def discriminative_score(
    real: np.ndarray,
    generated: np.ndarray,
    *,
    classifier=None,
    test_size: float = 0.3,
    random_state=None,
) -> float:
    """``|0.5 - accuracy|`` of a classifier trained to separate real from generated.

    The classifier is fitted on a stratified split of the pooled samples and scored
    on the held-out part. 0 means indistinguishable, 0.5 perfectly separable.

    Parameters
    ----------
    real : array of shape (n_real, d) or (n_real, C, T)
        Features or series; series are flattened.
    generated : array of shape (n_generated, d) or (n_generated, C, T)
    classifier : scikit-learn classifier, optional
        Cloned before fitting. Default: standardisation then logistic regression.
    test_size : float, default=0.3
    random_state : int, RandomState or None, default=None
        Seeds the split (and the classifier, if it takes a ``random_state``).

    Returns
    -------
    float
        In [0, 0.5]; lower is better.
    """
    real, generated = np.asarray(real, dtype=np.float64), np.asarray(generated, dtype=np.float64)
    for name, values in (("real", real), ("generated", generated)):
        if values.ndim not in (2, 3):
            raise ValueError(
                f"{name} must have shape (n, d) (features) or (n, C, T) (series), got "
                f"{values.shape}"
            )
        if not np.isfinite(values).all():
            raise ValueError(f"{name} contains NaN or inf values; drop or repair those samples")
    if real.shape[1:] != generated.shape[1:]:
        raise ValueError(
            f"real samples have shape {real.shape[1:]} but generated ones "
            f"{generated.shape[1:]}; they must match"
        )
    if min(len(real), len(generated)) < 2:
        raise ValueError("need at least 2 real and 2 generated samples")
    X = np.concatenate([real, generated]).reshape(len(real) + len(generated), -1)
    y = np.r_[np.ones(len(real)), np.zeros(len(generated))]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state
    )
    if classifier is None:
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    model = clone(classifier)
    if "random_state" in model.get_params():
        model.set_params(random_state=random_state)
    accuracy = float(model.fit(X_train, y_train).score(X_test, y_test))
    return abs(0.5 - accuracy)
