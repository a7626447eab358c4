"""Each generator's time convention, checked against closed-form oracles.

Data ``x1 ~ N(m, s² I)`` has known optimal networks for both objectives. Sampling
with them must turn noise ``z`` into ``m + s z`` (flow matching, exactly; the
straight path is the optimal transport map) or into draws of ``N(m, s² I)``
(diffusion). A mix-up of the time direction or of the network-time mapping breaks
these identities.
"""

from __future__ import annotations

import pytest
import torch
from tsfm_builtins.diffusion import DiffusionGenerator
from tsfm_builtins.flow_matching import FlowMatchingGenerator

MEAN, STD = 2.0, 0.5


def gaussian_velocity(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Marginal velocity of the straight path for x1 ~ N(MEAN, STD²), x0 ~ N(0, 1).

    x_t = t MEAN + sigma_t z with sigma_t² = (1 - t)² + t² STD², so
    v = MEAN + sigma_t'/sigma_t (x - t MEAN).
    """
    t = t.reshape(-1, 1, 1)
    var = (1 - t) ** 2 + (t * STD) ** 2
    return MEAN + (t * STD**2 - (1 - t)) / var * (x - t * MEAN)


def gaussian_noise_predictor(generator: DiffusionGenerator):
    """Optimal ε-prediction E[ε | x_k] for x1 ~ N(MEAN, STD²), given the network time."""

    def predict(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        assert torch.all(t == t[0])  # the sampler evaluates one time per call
        k = round((1 - t[0].item()) * generator.n_train_steps)  # inverse of network_time
        a = generator.alphas_cumprod[k]
        return (1 - a).sqrt() * (x - a.sqrt() * MEAN) / (a * STD**2 + 1 - a)

    return predict


def test_flow_network_time_is_the_flow_time():
    t = torch.tensor([0.0, 0.25, 1.0])
    assert torch.equal(FlowMatchingGenerator().network_time(t), t)


def test_flow_training_example_lies_on_the_straight_path():
    torch.manual_seed(0)
    x1 = torch.randn(64, 2, 8)
    x_t, t, target = FlowMatchingGenerator().training_example(x1)
    x0 = x1 - target  # u = x1 - x0
    expected = (1 - t.reshape(-1, 1, 1)) * x0 + t.reshape(-1, 1, 1) * x1
    assert torch.allclose(x_t, expected, atol=1e-6)
    assert t.min() >= 0 and t.max() <= 1


@pytest.mark.parametrize(("solver", "steps", "atol"), [
    ("euler", 200, 2e-2), ("midpoint", 20, 1e-3), ("rk4", 10, 1e-4), ("dopri5", None, 1e-4),
])
def test_flow_sampling_with_the_exact_field_transports_noise_to_data(solver, steps, atol):
    torch.manual_seed(0)
    noise = torch.randn(16, 2, 8, dtype=torch.float64)
    x1 = FlowMatchingGenerator().sample(gaussian_velocity, noise, solver=solver, steps=steps)
    assert torch.allclose(x1, MEAN + STD * noise, atol=atol)


def test_flow_trajectory_starts_at_noise_and_ends_at_the_sample():
    noise = torch.randn(4, 1, 6, dtype=torch.float64)
    x1, trajectory, times = FlowMatchingGenerator().sample(
        gaussian_velocity, noise, solver="euler", steps=5, return_trajectory=True
    )
    assert trajectory.shape == (6, 4, 1, 6)
    assert torch.equal(trajectory[0], noise) and torch.equal(trajectory[-1], x1)
    assert torch.allclose(times, torch.linspace(0, 1, 6, dtype=torch.float64))


def test_diffusion_network_time_puts_noise_at_zero_and_data_at_one():
    generator = DiffusionGenerator()
    t = generator.network_time(torch.tensor([0, 500, 1000]))
    assert torch.allclose(t, torch.tensor([1.0, 0.5, 0.0]))


def test_diffusion_schedule_is_ddpm_linear():
    generator = DiffusionGenerator()
    a = generator.alphas_cumprod.double()
    assert a[0] == 1.0 and len(a) == 1001
    assert a[1] == pytest.approx(1 - 1e-4, rel=1e-6)
    # ᾱ_K of the 1e-4 … 0.02 schedule: almost no signal left
    assert a[-1] == pytest.approx(4.04e-5, rel=0.02)


def test_diffusion_training_example_noises_the_data_at_the_network_time():
    torch.manual_seed(0)
    generator = DiffusionGenerator()
    x1 = torch.randn(64, 2, 8)
    x_t, t, noise = generator.training_example(x1)
    k = torch.round((1 - t) * 1000).long()
    assert k.min() >= 1 and k.max() <= 1000
    assert torch.allclose((1 - t) * 1000, k.float(), atol=1e-3)  # t sits on the step grid
    assert torch.allclose(x_t, generator.add_noise(x1, noise, k), atol=1e-6)


def test_ddim_over_all_steps_with_the_exact_noise_predictor_transports_noise_to_data():
    torch.manual_seed(0)
    generator = DiffusionGenerator().double()
    noise = torch.randn(16, 2, 8, dtype=torch.float64)
    x1 = generator.sample(gaussian_noise_predictor(generator), noise, solver="ddim", steps=1000)
    # deterministic DDIM is Euler on the probability-flow ODE: x1 ≈ MEAN + STD * noise
    assert torch.allclose(x1, MEAN + STD * noise, atol=0.02)


@pytest.mark.parametrize("solver", ["ddim", "ddpm"])
@pytest.mark.parametrize("steps", [1000, 50, 7, 1])
def test_diffusion_sampling_recovers_a_single_data_point_at_any_step_count(solver, steps):
    """For data concentrated on one point x*, the exact ε makes every x̂1 equal x*."""
    torch.manual_seed(0)
    generator = DiffusionGenerator().double()
    target = torch.linspace(-1, 1, 8, dtype=torch.float64).reshape(1, 1, 8)

    def predict(x, t):
        k = round((1 - t[0].item()) * generator.n_train_steps)  # inverse of network_time
        a = generator.alphas_cumprod[k]
        return (x - a.sqrt() * target) / (1 - a).sqrt()

    noise = torch.randn(5, 1, 8, dtype=torch.float64)
    x1 = generator.sample(predict, noise, solver=solver, steps=steps)
    assert torch.allclose(x1, target.expand_as(x1), atol=1e-8)


def test_ddpm_with_the_exact_noise_predictor_samples_the_data_distribution():
    torch.manual_seed(0)
    generator = DiffusionGenerator().double()
    noise = torch.randn(4000, 1, 1, dtype=torch.float64)
    x1 = generator.sample(gaussian_noise_predictor(generator), noise, solver="ddpm")
    assert x1.mean().item() == pytest.approx(MEAN, abs=0.03)
    assert x1.std().item() == pytest.approx(STD, abs=0.02)
    # ancestral sampling is stochastic: the result is not the deterministic map
    assert not torch.allclose(x1, MEAN + STD * noise, atol=0.05)


def test_first_ddpm_step_has_ho_et_al_posterior_mean_and_variance():
    """With η = 1 over all K steps, x_K -> x_{K-1} is N(μ̃, β̃_K) of DDPM."""
    torch.manual_seed(0)
    generator = DiffusionGenerator().double()
    a = generator.alphas_cumprod
    K = generator.n_train_steps
    x = torch.randn(20000, 1, 1, dtype=torch.float64)
    eps = torch.full_like(x, 0.3)
    beta = 1 - a[K] / a[K - 1]
    mean = (x - beta / (1 - a[K]).sqrt() * eps) / (1 - beta).sqrt()
    var = (1 - a[K - 1]) / (1 - a[K]) * beta
    _, trajectory, times = generator.sample(
        lambda x_t, t: eps, x, solver="ddpm", return_trajectory=True
    )
    assert times[0] == 0 and times[1] == pytest.approx(1 / K)
    residual = trajectory[1] - mean
    assert residual.mean().item() == pytest.approx(0.0, abs=0.01)
    assert residual.var().item() == pytest.approx(var.item(), rel=0.05)


def test_diffusion_timesteps_are_evenly_spaced_and_decreasing():
    ks = DiffusionGenerator().timesteps(4)
    assert ks.tolist() == [1000, 667, 334, 1]


@pytest.mark.parametrize("steps", [0, 1001, 2.5])
def test_diffusion_rejects_step_counts_outside_the_schedule(steps):
    with pytest.raises(ValueError, match="steps must be an integer from 1 to n_train_steps=1000"):
        DiffusionGenerator().timesteps(steps)
