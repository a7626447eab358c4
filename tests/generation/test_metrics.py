"""Generative metrics on cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm.metrics import (
    discriminative_score,
    fid,
    frechet_distance,
    gaussian_fit,
    inception_score,
    precision_recall,
)


@pytest.fixture
def features() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(300, 5))


def test_identical_sets_have_zero_fid(features):
    assert fid(features, features) == pytest.approx(0.0, abs=1e-8)


def test_identical_sets_have_precision_and_recall_one(features):
    assert precision_recall(features, features) == (1.0, 1.0)


def test_frechet_distance_of_two_gaussians_has_the_closed_form():
    """For commuting covariances: ||Δμ||² + Σ (sqrt(λ1) - sqrt(λ2))²."""
    mean1, mean2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    var1, var2 = np.array([4.0, 1.0, 0.25]), np.array([1.0, 9.0, 0.25])
    expected = 1 + 4 + (2 - 1) ** 2 + (1 - 3) ** 2 + 0
    assert frechet_distance(mean1, np.diag(var1), mean2, np.diag(var2)) == pytest.approx(expected)


def test_frechet_distance_with_non_commuting_covariances():
    """Rotating one covariance: C1 = diag(4, 1), C2 = R diag(4, 1) R^T at 90° = diag(1, 4)."""
    c1 = np.diag([4.0, 1.0])
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    c2 = rotation @ c1 @ rotation.T
    assert frechet_distance(np.zeros(2), c1, np.zeros(2), c2) == pytest.approx(2 * (2 - 1) ** 2)
    # and a general case against the matrix square root of the definition
    from scipy.linalg import sqrtm

    a = np.array([[2.0, 0.6], [0.6, 1.0]])
    b = np.array([[1.0, -0.3], [-0.3, 0.5]])
    expected = np.trace(a + b - 2 * np.real(sqrtm(a @ b)))
    assert frechet_distance(np.zeros(2), a, np.zeros(2), b) == pytest.approx(expected)


def test_fid_of_gaussian_samples_approaches_the_closed_form():
    rng = np.random.default_rng(1)
    real = rng.normal(0.0, 1.0, size=(20000, 2))
    generated = rng.normal([1.0, 0.0], [2.0, 1.0], size=(20000, 2))
    assert fid(real, generated) == pytest.approx(1.0 + (2.0 - 1.0) ** 2, abs=0.05)


def test_gaussian_fit_is_mean_and_unbiased_covariance(features):
    mean, cov = gaussian_fit(features)
    np.testing.assert_allclose(mean, features.mean(0))
    np.testing.assert_allclose(cov, np.cov(features.T))


def test_disjoint_supports_have_zero_precision_and_recall(features):
    assert precision_recall(features, features + 100.0) == (0.0, 0.0)


def test_a_collapsed_generator_has_high_precision_but_low_recall(features):
    """All generated samples near one real point: realistic, but no variety."""
    generated = features[:1] + 1e-3 * np.random.default_rng(2).normal(size=(300, 5))
    precision, recall = precision_recall(features, generated)
    assert precision == 1.0 and recall < 0.05


def test_precision_recall_rejects_mismatched_features(features):
    with pytest.raises(ValueError, match="same extractor"):
        precision_recall(features, features[:, :3])


def test_inception_score_of_confident_balanced_predictions_is_the_class_count():
    assert inception_score(np.eye(4)[np.arange(40) % 4]) == pytest.approx(4.0)


def test_inception_score_of_uniform_predictions_is_one():
    assert inception_score(np.full((10, 5), 0.2)) == pytest.approx(1.0)


def test_inception_score_of_one_confident_class_is_one():
    assert inception_score(np.tile([1.0, 0.0, 0.0], (8, 1))) == pytest.approx(1.0)


def test_inception_score_rejects_rows_that_are_not_distributions():
    with pytest.raises(ValueError, match="sum to 1"):
        inception_score(np.ones((3, 2)))


def test_discriminative_score_is_near_zero_for_the_same_distribution():
    rng = np.random.default_rng(3)
    score = discriminative_score(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)),
                                 random_state=0)
    assert score < 0.06


def test_discriminative_score_is_one_half_for_separable_sets(features):
    assert discriminative_score(features, features + 10.0, random_state=0) == 0.5


def test_discriminative_score_flattens_series():
    rng = np.random.default_rng(4)
    real = rng.normal(size=(200, 3, 10))
    assert discriminative_score(real, real + 5.0, random_state=0) == 0.5


def test_fid_rejects_series_instead_of_features():
    with pytest.raises(ValueError, match="extract features first"):
        fid(np.zeros((4, 3, 10)), np.zeros((4, 3, 10)))


@pytest.mark.parametrize(
    ("real", "match"),
    [(np.zeros(6), r"must have shape \(n, d\)"), (np.full((6, 3), np.nan), "NaN or inf")],
    ids=["1d", "nan"],
)
def test_discriminative_score_rejects_bad_input(real, match):
    from tsfm.metrics import discriminative_score

    with pytest.raises(ValueError, match=match):
        discriminative_score(real, np.zeros((6, 3)) if real.ndim == 2 else np.zeros(6))
