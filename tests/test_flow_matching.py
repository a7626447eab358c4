"""The flow-matching time convention: noise at t=0, data at t=1, target x1 - x0."""

from __future__ import annotations

import pytest
import torch
from tsfm_builtins.flow_matching import FlowMatchingGenerator, interpolate, target_velocity

from tsfm.exceptions import NonFiniteError


def test_path_starts_at_noise_and_ends_at_data():
    x0, x1 = torch.randn(4, 2, 8), torch.randn(4, 2, 8)
    assert torch.equal(interpolate(x0, x1, torch.zeros(4)), x0)
    assert torch.equal(interpolate(x0, x1, torch.ones(4)), x1)
    mid = interpolate(x0, x1, torch.full((4,), 0.25))
    torch.testing.assert_close(mid, 0.75 * x0 + 0.25 * x1)


def test_target_is_data_minus_noise():
    x0, x1 = torch.randn(3, 1, 5), torch.randn(3, 1, 5)
    torch.testing.assert_close(target_velocity(x0, x1), x1 - x0)


def test_training_example_is_consistent_with_its_target():
    torch.manual_seed(0)
    x1 = torch.randn(64, 2, 8)
    x_t, t, target = FlowMatchingGenerator().training_example(x1)
    assert ((t >= 0) & (t <= 1)).all()
    # x_t = (1 - t) x0 + t x1 and u = x1 - x0  =>  x_t + (1 - t) u = x1
    torch.testing.assert_close(x_t + (1 - t)[:, None, None] * target, x1)


@pytest.mark.parametrize("solver", ["euler", "midpoint", "rk4", "dopri5"])
def test_sampler_transports_noise_along_exact_straight_field(solver):
    # The ideal field of one noise-data pair is the constant x1 - x0: integrating it
    # from the noise at t=0 must land exactly on the data at t=1, for every solver.
    x0, x1 = torch.randn(2, 1, 6), torch.randn(2, 1, 6)
    calls = []

    def predict(x, t):
        calls.append(t)
        return target_velocity(x0, x1)

    out = FlowMatchingGenerator().sample(predict, x0, solver=solver, steps=4)
    torch.testing.assert_close(out, x1, atol=1e-5, rtol=0)
    times = torch.cat(calls)
    assert times.min() == 0
    if solver != "dopri5":  # adaptive steps may probe past t=1 and interpolate back
        assert times.max() <= 1


def test_unknown_solver_lists_valid_ones():
    valid = r"valid solvers: \['euler', 'midpoint', 'rk4', 'dopri5'\]"
    with pytest.raises(ValueError, match=valid):
        FlowMatchingGenerator().sample(lambda x, t: x, torch.randn(1, 1, 4), solver="heun")


@pytest.mark.parametrize("scale", [float("nan"), 1e30])
def test_dopri5_on_a_non_finite_field_raises_a_tsfm_error(scale):
    """torchdiffeq only asserts that its step stays positive; that becomes a NonFiniteError."""
    with pytest.raises(NonFiniteError, match="dopri5's adaptive step size shrank to zero.*"
                                             "fixed-step solver"):
        FlowMatchingGenerator().sample(lambda x, t: x * scale, torch.randn(2, 1, 4),
                                       solver="dopri5")


def test_sampler_accepts_an_rng_and_stays_deterministic():
    noise = torch.randn(2, 1, 4)
    a = FlowMatchingGenerator().sample(lambda x, t: -x, noise, solver="euler", steps=2)
    b = FlowMatchingGenerator().sample(lambda x, t: -x, noise, solver="euler", steps=2,
                                       rng=torch.Generator().manual_seed(1))
    torch.testing.assert_close(a, b)
