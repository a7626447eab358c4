"""Log-likelihood from the flow's ODE with Hutchinson's trace estimator; the detector option."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from tsfm import FlowFMSignalGenerator
from tsfm.estimators._likelihood import (
    draw_probes,
    flow_log_likelihood,
    hutchinson_divergence,
    window_log_likelihood,
)
from tsfm.sktime import FlowFMAnomalyDetector

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 2}
TINY = {"model": "tiny", "encoder": ARCH, "velocity": ARCH, "max_epochs": 1,
        "batch_size": 16, "device": "cpu", "random_state": 0, "solver": "euler", "steps": 2,
        "window_length": 20}


def _normal_logpdf(x: torch.Tensor) -> torch.Tensor:
    return torch.distributions.Normal(0.0, 1.0).log_prob(x).flatten(1).sum(1)


def test_a_zero_field_gives_the_standard_normal_log_density_exactly():
    x = torch.randn(5, 2, 7, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    logp = flow_log_likelihood(lambda x, t: 0.0 * x, x, solver="euler", steps=3,
                               rng=torch.Generator().manual_seed(1))
    torch.testing.assert_close(logp, _normal_logpdf(x), rtol=0, atol=1e-12)


def test_a_diagonal_linear_field_matches_its_closed_form():
    # v = a x carries N(0, I) to N(0, diag(exp(2a))): z0 = x exp(-a), log p = log N(z0) - sum(a).
    # Rademacher probes give the exact divergence of a diagonal field; rk4 the exact flow.
    a = torch.tensor([[0.5], [-0.3]], dtype=torch.float64)  # per channel, shape (2, 1)
    x = torch.randn(4, 2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    logp = flow_log_likelihood(lambda x, t: a * x, x, solver="rk4", steps=20,
                               rng=torch.Generator().manual_seed(0))
    expected = _normal_logpdf(x * torch.exp(-a)) - 3 * a.sum()
    torch.testing.assert_close(logp, expected, rtol=0, atol=1e-7)


@pytest.mark.parametrize("probe", ["rademacher", "gaussian"])
def test_hutchinson_is_unbiased_on_a_dense_linear_field(probe):
    A = torch.randn(6, 6, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    n = 20000  # independent single-probe estimates, one per sample
    x = torch.zeros(n, 6, dtype=torch.float64, requires_grad=True)
    probes = draw_probes((n, 6), 1, probe, torch.Generator().manual_seed(4)).double()
    estimates = hutchinson_divergence(x @ A.T, x, probes)
    # the estimator's variance: 2 ||A_sym||_F^2, less the squared diagonal for Rademacher
    sym = (A + A.T) / 2
    var = 2 * (sym ** 2).sum() - 2 * (torch.diagonal(A) ** 2).sum() * (probe == "rademacher")
    assert estimates.std() > 0.5  # one probe does not give the exact trace
    assert abs(estimates.mean() - torch.trace(A)) < 4 * torch.sqrt(var / n)


def test_more_probes_average_their_estimates():
    A = torch.randn(4, 4, generator=torch.Generator().manual_seed(0))
    x = torch.zeros(3, 4, requires_grad=True)
    probes = draw_probes((3, 4), 2, "gaussian", torch.Generator().manual_seed(0))
    both = hutchinson_divergence(x @ A.T, x, probes)
    each = [hutchinson_divergence(x @ A.T, x, p[None]) for p in probes]
    torch.testing.assert_close(both, (each[0] + each[1]) / 2)


def test_bad_probe_and_solver_are_refused():
    x = torch.zeros(1, 2)
    with pytest.raises(ValueError, match="probe must be one of"):
        draw_probes((1, 2), 1, "uniform")
    with pytest.raises(ValueError, match="fixed-step solver"):
        flow_log_likelihood(lambda x, t: x, x, solver="dopri5")


@pytest.fixture(scope="module")
def normal() -> pd.DataFrame:
    t = np.arange(200.0)
    return pd.DataFrame({"x": np.sin(t / 4), "y": 0.5 * np.cos(t / 4)})


@pytest.fixture(scope="module")
def detector(normal) -> FlowFMAnomalyDetector:
    return FlowFMAnomalyDetector(score="likelihood", n_probes=2, **TINY).fit(normal)


def test_the_likelihood_score_is_the_negative_log_likelihood_per_dimension(detector, normal):
    windows, _ = detector._cut(normal.to_numpy(np.float32), 20)
    loglik = window_log_likelihood(detector.generator_, windows, solver="euler", steps=2,
                                   n_probes=2, random_state=0)
    np.testing.assert_allclose(detector.score_windows(windows), -loglik)
    assert detector.threshold_ == pytest.approx(np.quantile(-loglik, 0.99))


def test_likelihood_scores_repeat_with_the_seed_and_change_with_it(detector, normal):
    windows, _ = detector._cut(normal.to_numpy(np.float32), 20)
    first = detector.score_windows(windows)
    np.testing.assert_array_equal(first, detector.score_windows(windows))
    other = detector.clone().set_params(random_state=1)
    other.fit(normal)
    assert not np.array_equal(first, other.score_windows(windows))


def test_an_unknown_score_and_a_bad_probe_count_are_refused(normal):
    with pytest.raises(ValueError, match=r"score must be one of \['regeneration', 'likelihood'\]"):
        FlowFMAnomalyDetector(score="density", **TINY).fit(normal)
    with pytest.raises(ValueError, match="n_probes"):
        FlowFMAnomalyDetector(score="likelihood", n_probes=0, **TINY).fit(normal)


def test_a_diffusion_model_is_refused_with_the_fix(normal):
    windows = np.stack([normal.to_numpy(np.float32)[s:s + 20].T for s in range(0, 180, 10)])
    gen = FlowFMSignalGenerator(model="tiny", objective="diffusion", encoder=ARCH,
                                velocity=ARCH, max_epochs=1, batch_size=16, device="cpu",
                                random_state=0).fit(windows)
    with pytest.raises(ValueError, match="'diffusion', which is not supported.*regeneration"):
        window_log_likelihood(gen, windows)
