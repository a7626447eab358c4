"""Fréchet distance between Gaussian fits of two feature sets (FID, Heusel et al. 2017)."""

from __future__ import annotations

import numpy as np
from scipy import linalg


def gaussian_fit(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of features.

    Parameters
    ----------
    features : array of shape (n_samples, n_features)
        At least two samples.

    Returns
    -------
    mean : ndarray of shape (n_features,)
    cov : ndarray of shape (n_features, n_features)
        Unbiased sample covariance.
    """
    features = _check_features(features, "features")
    if len(features) < 2:
        raise ValueError(f"a Gaussian fit needs at least 2 samples, got {len(features)}")
    return features.mean(axis=0), np.atleast_2d(np.cov(features, rowvar=False))


def frechet_distance(
    mean1: np.ndarray, cov1: np.ndarray, mean2: np.ndarray, cov2: np.ndarray
) -> float:
    """Fréchet (2-Wasserstein) distance between two Gaussians, squared.

    ``||m1 - m2||² + tr(C1 + C2 - 2 (C1 C2)^{1/2})``, computed with symmetric
    eigen-decompositions, which stay real and stable for near-singular covariances.

    Parameters
    ----------
    mean1, mean2 : array of shape (d,)
    cov1, cov2 : array of shape (d, d)
        Symmetric positive semi-definite.

    Returns
    -------
    float
        Non-negative distance.
    """
    mean1, mean2 = np.atleast_1d(mean1).astype(np.float64), np.atleast_1d(mean2).astype(np.float64)
    cov1, cov2 = np.atleast_2d(cov1).astype(np.float64), np.atleast_2d(cov2).astype(np.float64)
    if mean1.shape != mean2.shape or cov1.shape != cov2.shape or cov1.shape != 2 * mean1.shape:
        raise ValueError(
            f"shapes do not match: means {mean1.shape} and {mean2.shape}, covariances "
            f"{cov1.shape} and {cov2.shape}; expected (d,) and (d, d)"
        )
    # tr((C1 C2)^{1/2}) = tr((C1^{1/2} C2 C1^{1/2})^{1/2}), and the inner matrix is
    # symmetric PSD, so its square root's trace is the sum of sqrt(eigenvalues)
    root1 = _psd_sqrt(cov1)
    eigenvalues = linalg.eigvalsh(root1 @ cov2 @ root1)
    trace_covmean = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    diff = mean1 - mean2
    distance = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2 * trace_covmean
    return float(max(distance, 0.0))


def _psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """Symmetric square root of a PSD matrix via its eigen-decomposition."""
    eigenvalues, vectors = linalg.eigh((cov + cov.T) / 2)
    return (vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ vectors.T


def fid(real_features: np.ndarray, generated_features: np.ndarray) -> float:
    """Fréchet distance between Gaussian fits of real and generated features.

    Parameters
    ----------
    real_features : array of shape (n_real, d)
    generated_features : array of shape (n_generated, d)
        Features of the same extractor, e.g. :meth:`FeatureExtractor.transform`.

    Returns
    -------
    float
        0 for identical feature sets; lower is better.
    """
    real_features = _check_features(real_features, "real_features")
    generated_features = _check_features(generated_features, "generated_features")
    if real_features.shape[1] != generated_features.shape[1]:
        raise ValueError(
            f"real features have {real_features.shape[1]} dimensions but generated ones "
            f"{generated_features.shape[1]}; compute both with the same extractor"
        )
    return frechet_distance(*gaussian_fit(real_features), *gaussian_fit(generated_features))


def _check_features(features, name: str) -> np.ndarray:
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got shape "
            f"{features.shape}; extract features first, e.g. FeatureExtractor.transform"
        )
    if not np.isfinite(features).all():
        raise ValueError(f"{name} contains NaN or inf values")
    return features
