"""Conditional sampling given observed points: the plugin, the objectives' support."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm import FlowFMSignalGenerator
from tsfm.estimators._observed import fill_unknown
from tsfm.plugins import get_plugin, list_plugins

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 4}


def _tiny(objective: str, X: np.ndarray, solver: str) -> FlowFMSignalGenerator:
    return FlowFMSignalGenerator(model="tiny", objective=objective, encoder=ARCH,
                                 velocity=ARCH, max_epochs=1, batch_size=16, device="cpu",
                                 random_state=0, solver=solver, steps=4).fit(X)


@pytest.fixture(scope="module")
def windows() -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(32) / 4
    return (np.sin(t + rng.uniform(0, 6, (24, 2, 1))) + 0.05 * rng.normal(size=(24, 2, 32))
            ).astype(np.float32)


def test_guided_inpainting_is_a_registered_conditional_sampler():
    names = [p.name for p in list_plugins("conditional_sampler")]
    assert "guided_inpainting" in names
    assert get_plugin("conditional_sampler", "guided_inpainting").training_free is True


@pytest.mark.parametrize(("objective", "solver"), [("flow_matching", "midpoint"),
                                                   ("diffusion", "ddim")])
def test_draws_keep_the_observed_points_exactly(windows, objective, solver):
    gen = _tiny(objective, windows, solver)
    X = windows[:3].copy()
    X[:, :, 20:] = np.nan
    draws = gen.sample_observed(X, n_draws=4, random_state=1)
    assert draws.shape == (4, 3, 2, 32)
    np.testing.assert_array_equal(draws[:, :, :, :20], np.broadcast_to(X[:, :, :20],
                                                                       (4, 3, 2, 20)))
    assert np.isfinite(draws).all()
    assert draws[:, :, :, 20:].std(axis=0).mean() > 0  # the unknown points vary by draw


def test_seeded_draws_repeat_and_seeds_differ(windows):
    gen = _tiny("flow_matching", windows, "euler")
    X = windows[:2].copy()
    X[:, :, 10:16] = np.nan
    a = gen.sample_observed(X, n_draws=3, random_state=5)
    np.testing.assert_array_equal(a, gen.sample_observed(X, n_draws=3, random_state=5))
    assert not np.allclose(a, gen.sample_observed(X, n_draws=3, random_state=6))


def test_flow_matching_observed_state_is_the_straight_path():
    fm = get_plugin("objective", "flow_matching")()
    obs, noise = torch.ones(1, 1, 4), torch.full((1, 1, 4), -1.0)
    assert torch.equal(fm.observed_state(obs, noise, torch.tensor(0.0)), noise)
    assert torch.equal(fm.observed_state(obs, noise, torch.tensor(1.0)), obs)
    assert torch.allclose(fm.observed_state(obs, noise, torch.tensor(0.25)),
                          torch.full((1, 1, 4), -0.5))


def test_diffusion_observed_state_reaches_the_observation_at_the_data_end():
    diff = get_plugin("objective", "diffusion")()
    obs, noise = torch.ones(2, 1, 4), torch.zeros(2, 1, 4)
    assert torch.equal(diff.observed_state(obs, noise, torch.tensor(1.0)), obs)
    noised = diff.observed_state(obs, noise, torch.tensor(0.0), rng=torch.Generator())
    assert noised.std() > 0.5  # at the noise end almost nothing of the observation is left


def test_adaptive_solver_is_refused_for_conditional_sampling(windows):
    gen = _tiny("flow_matching", windows, "dopri5")
    X = windows[:1].copy()
    X[..., 30:] = np.nan
    with pytest.raises(ValueError, match="fixed-step solver"):
        gen.sample_observed(X)


def test_a_channel_without_observations_is_refused(windows):
    gen = _tiny("flow_matching", windows, "euler")
    X = windows[:1].copy()
    X[0, 1] = np.nan
    with pytest.raises(ValueError, match="series 0, channel 1 has no observed point"):
        gen.sample_observed(X)
    with pytest.raises(ValueError, match=r"shape \(n, 2, 32\)"):
        gen.sample_observed(windows[:1, :1])


def test_inf_is_an_error_not_a_gap_and_no_window_is_refused(windows):
    gen = _tiny("flow_matching", windows, "euler")
    X = windows[:1].copy()
    X[0, 0, 5] = np.inf
    with pytest.raises(ValueError, match="NaN or inf at points the mask marks observed"):
        gen.sample_observed(X)
    with pytest.raises(ValueError, match="X holds no window"):
        gen.sample_observed(windows[:0])


def test_fill_unknown_interpolates_linearly_and_holds_the_ends():
    X = np.array([[[np.nan, 1.0, np.nan, 3.0, np.nan]]], dtype=np.float32)
    filled = fill_unknown(X, np.isfinite(X))
    np.testing.assert_array_equal(filled, [[[1.0, 1.0, 2.0, 3.0, 3.0]]])


def test_inpainting_with_the_shipped_model_beats_unconditional_draws_on_a_gap():
    gen = FlowFMSignalGenerator(pretrained="flowfm-wrist-small", device="cpu").fit()
    truth = gen.sample(4, random_state=0)  # windows the model finds typical
    X = truth.copy()
    X[..., 140:170] = np.nan  # a 1 s gap
    draws = gen.sample_observed(X, n_draws=8, random_state=0)
    free = gen.sample(32, random_state=1).reshape(8, 4, 3, 300)
    gap = slice(140, 170)
    conditioned = np.abs(np.median(draws, 0)[..., gap] - truth[..., gap]).mean()
    unconditioned = np.abs(np.median(free, 0)[..., gap] - truth[..., gap]).mean()
    assert conditioned < 0.5 * unconditioned
