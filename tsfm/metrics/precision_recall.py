"""Improved precision and recall of generative models (Kynkäänniemi et al. 2019)."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

from tsfm.metrics.fid import _check_features


def manifold_radii(features: np.ndarray, k: int = 3) -> np.ndarray:
    """Distance of each sample to its k-th nearest other sample, shape (n,).

    The union of the balls of these radii around the samples is the k-NN estimate of
    the support (manifold) of their distribution.
    """
    if len(features) <= k:
        raise ValueError(f"the k-NN manifold needs more than k={k} samples, got {len(features)}")
    # the nearest neighbour of a sample in its own set is itself, at distance 0
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(features).kneighbors(features)
    return distances[:, k]


def _coverage(support: np.ndarray, radii: np.ndarray, queries: np.ndarray) -> float:
    """Fraction of ``queries`` inside at least one ball (center in ``support``)."""
    nn = NearestNeighbors().fit(support)
    inside = np.zeros(len(queries), dtype=bool)
    # a query is covered if some support point lies within that point's radius;
    # only support points within the largest radius can cover it
    neighbors = nn.radius_neighbors(queries, radius=radii.max(), return_distance=True)
    for i, (dist, idx) in enumerate(zip(*neighbors, strict=True)):
        inside[i] = bool((dist <= radii[idx]).any())
    return float(inside.mean())


def precision_recall(
    real_features: np.ndarray, generated_features: np.ndarray, *, k: int = 3
) -> tuple[float, float]:
    """Precision and recall from k-NN manifolds of real and generated features.

    Precision is the fraction of generated samples inside the real manifold (how
    realistic they are); recall the fraction of real samples inside the generated
    manifold (how much of the data's variety is covered).

    Parameters
    ----------
    real_features : array of shape (n_real, d)
    generated_features : array of shape (n_generated, d)
    k : int, default=3
        Neighbourhood size of the manifolds (the paper's recommended 3).

    Returns
    -------
    precision, recall : float
        In [0, 1]; both 1 for identical sets.
    """
    real = _check_features(real_features, "real_features")
    generated = _check_features(generated_features, "generated_features")
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real features have {real.shape[1]} dimensions but generated ones "
            f"{generated.shape[1]}; compute both with the same extractor"
        )
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    precision = _coverage(real, manifold_radii(real, k), generated)
    recall = _coverage(generated, manifold_radii(generated, k), real)
    return precision, recall
