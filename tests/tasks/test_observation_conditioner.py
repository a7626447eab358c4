"""Mechanism 2: the trained observation conditioner (fit_observed and its sampler)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors import safe_open

from tsfm import FlowFMSignalGenerator
from tsfm.config.observation_config import observation_config
from tsfm.estimators.pretrainer import observation_conditioner
from tsfm.generative.observation_masks import random_masks
from tsfm.nn.observation import ObservationConditioner
from tsfm.plugins import get_plugin
from tsfm.sktime import FlowFMForecaster, FlowFMImputer
from tsfm.training.observation_tuning import observation_loss

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 4}
CONFIG = observation_config((0.05, 0.5), (0.05, 0.3), (0.1, 0.9))


def _tiny(objective: str, X: np.ndarray, solver: str, epochs: int = 1) -> FlowFMSignalGenerator:
    return FlowFMSignalGenerator(model="tiny", objective=objective, encoder=ARCH,
                                 velocity=ARCH, max_epochs=epochs, batch_size=16,
                                 device="cpu", random_state=0, solver=solver, steps=4).fit(X)


def _sines(n: int, seed: int) -> np.ndarray:
    """Noisy sines of random phase and amplitude, 2 channels of 32 points."""
    rng = np.random.default_rng(seed)
    t = np.arange(32) / 3
    phase, amplitude = rng.uniform(0, 6, (n, 2, 1)), rng.uniform(0.5, 1.5, (n, 1, 1))
    return (amplitude * np.sin(t + phase) + 0.05 * rng.normal(size=(n, 2, 32))).astype(
        np.float32)


def _with_fresh_conditioner(gen: FlowFMSignalGenerator):
    """A copy of ``gen``'s network with a new (zero-output) observation conditioner."""
    module = copy.deepcopy(gen.pretrainer_.net_.module_)
    module.add_observation_conditioner(observation_conditioner(module))
    return module.eval()


@pytest.fixture(scope="module")
def windows() -> np.ndarray:
    return _sines(96, 0)


@pytest.fixture(scope="module")
def base(windows) -> FlowFMSignalGenerator:
    return _tiny("flow_matching", windows, "midpoint", epochs=3)


@pytest.fixture(scope="module")
def tuned(base, windows) -> FlowFMSignalGenerator:
    gen = FlowFMSignalGenerator(pretrained=base.pretrainer_, device="cpu", solver="midpoint",
                                steps=4).fit()
    return gen.fit_observed(windows, max_epochs=60, batch_size=32, lr=1e-2, random_state=0)


def test_the_sampler_is_registered_and_needs_training():
    sampler = get_plugin("conditional_sampler", "observation_conditioner")
    assert sampler.training_free is False


def test_an_untuned_conditioner_leaves_the_network_exactly_as_it_was(base):
    module = base.pretrainer_.net_.module_
    copy = _with_fresh_conditioner(base)
    g = torch.Generator().manual_seed(0)
    x_t, x = torch.randn(5, 2, 32, generator=g), torch.randn(5, 2, 32, generator=g)
    t, mask = torch.rand(5, generator=g), torch.rand(5, 2, 32, generator=g) > 0.5
    with torch.inference_mode():
        r = module.encode(x)
        assert torch.equal(copy.field(x_t, t, r, observation=(x, mask)), copy.field(x_t, t, r))
    base_weights = module.state_dict()
    for key, value in copy.state_dict().items():
        if not key.startswith("observation_conditioner."):
            assert torch.equal(value, base_weights[key])


def test_tuning_lowers_the_loss_on_unseen_windows(base, tuned):
    X = torch.as_tensor(base.pretrainer_.standardizer_.transform(_sines(64, 1)))
    mask = random_masks(64, 2, 32, CONFIG, torch.Generator().manual_seed(3))

    def loss(gen) -> float:
        module = gen.pretrainer_.net_.module_
        if module.observation_conditioner is None:
            module = _with_fresh_conditioner(gen)
        torch.manual_seed(4)
        with torch.inference_mode():
            return observation_loss(module.eval(), X, mask).item()

    assert tuned.observed_history_[-1] < tuned.observed_history_[0]
    assert base.pretrainer_.net_.module_.observation_conditioner is None  # a copy was tuned
    assert loss(tuned) < 0.8 * loss(base)


def test_the_tuned_conditioner_fills_gaps_better_than_before_tuning(base, tuned):
    untuned = FlowFMSignalGenerator(pretrained=copy.deepcopy(base.pretrainer_), device="cpu",
                                    solver="midpoint", steps=4).fit()
    module = untuned.pretrainer_.net_.module_
    module.add_observation_conditioner(observation_conditioner(module))
    truth = _sines(32, 2)
    X = truth.copy()
    X[..., 12:22] = np.nan
    gap = slice(12, 22)

    def gap_mae(gen, method="observation_conditioner") -> float:
        draws = gen.sample_observed(X, n_draws=8, method=method, random_state=0)
        return float(np.abs(np.median(draws, 0)[..., gap] - truth[..., gap]).mean())

    assert gap_mae(tuned) < 0.85 * gap_mae(untuned)
    assert gap_mae(tuned) < gap_mae(base, "guided_inpainting")


def test_observed_points_are_kept_exactly_and_draws_are_seeded(tuned, windows):
    X = windows[:3].copy()
    X[..., 20:] = np.nan
    a = tuned.sample_observed(X, n_draws=3, method="observation_conditioner", random_state=1)
    np.testing.assert_array_equal(a[..., :20], np.broadcast_to(X[..., :20], (3, 3, 2, 20)))
    np.testing.assert_array_equal(
        a, tuned.sample_observed(X, n_draws=3, method="observation_conditioner",
                                 random_state=1))


def test_save_and_load_round_trip_gives_identical_draws(tuned, windows, tmp_path):
    path = tuned.save_pretrained(tmp_path / "observed")
    config = json.loads((path / "config.json").read_text())
    assert config["format_version"] == 6
    assert config["observation"]["gap"] == {"low": 0.05, "high": 0.3}
    with safe_open(str(path / "model.safetensors"), framework="pt") as f:
        assert any(key.startswith("observation_conditioner.") for key in f.keys())
    loaded = FlowFMSignalGenerator(pretrained=path, device="cpu", solver="midpoint",
                                   steps=4).fit()
    assert loaded.supports_observed_
    X = windows[:2].copy()
    X[..., 5:15] = np.nan
    np.testing.assert_array_equal(
        loaded.sample_observed(X, n_draws=2, method="observation_conditioner", random_state=0),
        tuned.sample_observed(X, n_draws=2, method="observation_conditioner", random_state=0))


def test_adaptive_solvers_work_with_the_trained_conditioner(tuned, windows):
    gen = FlowFMSignalGenerator(pretrained=tuned.pretrainer_, device="cpu", solver="dopri5",
                                rtol=1e-3, atol=1e-3).fit()
    X = windows[:1].copy()
    X[..., 28:] = np.nan
    draws = gen.sample_observed(X, method="observation_conditioner", random_state=0)
    assert np.isfinite(draws).all()


def test_the_diffusion_objective_is_tuned_and_sampled_too(windows):
    gen = _tiny("diffusion", windows, "ddim").fit_observed(windows, max_epochs=1,
                                                            random_state=0)
    assert len(gen.observed_history_) == 1 and np.isfinite(gen.observed_history_[0])
    X = windows[:2].copy()
    X[..., :8] = np.nan
    draws = gen.sample_observed(X, n_draws=2, method="observation_conditioner",
                                random_state=0)
    np.testing.assert_array_equal(draws[..., 8:], np.broadcast_to(X[..., 8:], (2, 2, 2, 24)))
    assert np.isfinite(draws).all()


def test_an_untuned_model_is_refused_with_the_fix(base, windows):
    X = windows[:1].copy()
    X[..., 30:] = np.nan
    with pytest.raises(ValueError, match=r"never was; call FlowFMSignalGenerator.fit_observed"):
        base.sample_observed(X, method="observation_conditioner")
    with pytest.raises(ValueError, match="no observation conditioner; tune it with "
                                         "fit_observed"):
        module = base.pretrainer_.net_.module_
        module.field(torch.zeros(1, 2, 32), torch.zeros(1), None,
                     observation=(torch.zeros(1, 2, 32), torch.ones(1, 2, 32, dtype=bool)))


def test_sktime_estimators_refuse_the_method_on_an_untuned_model_at_fit(base):
    y = pd.DataFrame(_sines(1, 5)[0].T.astype(np.float64))
    for est in (FlowFMForecaster(pretrained=base.pretrainer_, method="observation_conditioner",
                                 device="cpu"),
                FlowFMImputer(pretrained=base.pretrainer_, method="observation_conditioner",
                              device="cpu")):
        with pytest.raises(ValueError, match="needs a model tuned for it.*fit_observed"):
            est.fit(y)


def test_sktime_forecaster_and_imputer_sample_with_the_tuned_model(tuned):
    y = pd.DataFrame(_sines(1, 6)[0].T.astype(np.float64))
    f = FlowFMForecaster(pretrained=tuned.pretrainer_, method="observation_conditioner",
                         n_samples=4, device="cpu", random_state=0).fit(y)
    assert np.isfinite(f.predict(fh=[1, 2, 3]).to_numpy()).all()
    gappy = y.copy()
    gappy.iloc[10:14] = np.nan
    filled = FlowFMImputer(pretrained=tuned.pretrainer_, method="observation_conditioner",
                           n_samples=4, device="cpu", random_state=0).fit_transform(gappy)
    assert np.isfinite(filled.to_numpy()).all()
    np.testing.assert_array_equal(filled.iloc[:10].to_numpy(), y.iloc[:10].to_numpy())


@pytest.mark.parametrize("bad", [(0.3, 0.1), (0.0, 0.5), (0.2, 1.0), (0.5,), "wide"])
def test_bad_fraction_ranges_are_refused_naming_the_parameter(base, windows, bad):
    with pytest.raises(ValueError, match=r"gap_fraction must be a pair \(low, high\)"):
        FlowFMSignalGenerator(pretrained=base.pretrainer_, device="cpu").fit().fit_observed(
            windows, gap_fraction=bad)


def test_a_conditioner_of_another_shape_is_refused(base):
    module = base.pretrainer_.net_.module_
    with pytest.raises(ValueError, match=r"\(channels, width, patch_size\) \(2, 32, 4\)"):
        module.add_observation_conditioner(ObservationConditioner(2, 32, 4))
    assert observation_conditioner(module).width == module.velocity.width


def test_random_masks_cover_futures_gaps_and_points():
    config = observation_config((0.2, 0.4), (0.1, 0.2), (0.5, 0.5))
    mask = random_masks(300, 3, 50, config, torch.Generator().manual_seed(0))
    assert mask.shape == (300, 3, 50) and mask.any(-1).all()
    same = (mask == mask[:, :1]).all(dim=(1, 2))  # futures and gaps hide every channel alike
    hidden = (~mask[:, 0]).sum(-1)
    ends = same & ~mask[:, 0, -1]  # futures (and gaps that happen to reach the end)
    inside = same & mask[:, 0, -1] & (hidden > 0)  # gaps
    assert ((hidden[ends] >= 5) & (hidden[ends] <= 20)).all() and (hidden[ends] > 10).any()
    assert inside.any() and ((hidden[inside] >= 5) & (hidden[inside] <= 10)).all()
    points = ~same
    assert 0.4 < (~mask[points]).float().mean() < 0.6


def test_forecaster_predict_proba_is_the_empirical_distribution_of_the_draws(tuned):
    pytest.importorskip("skpro", reason="predict_proba needs skpro (pip install tsfm[bench])")
    y = pd.DataFrame(_sines(1, 7)[0].T.astype(np.float64), columns=["a", "b"])
    f = FlowFMForecaster(pretrained=tuned.pretrainer_, n_samples=6, device="cpu",
                         random_state=0).fit(y)
    dist = f.predict_proba(fh=[1, 2, 3])
    assert dist.shape == (3, 2) and list(dist.columns) == ["a", "b"]
    paths = f.paths(3)  # the same seeded draws
    np.testing.assert_allclose(dist.mean().to_numpy(), paths.mean(axis=0).T, rtol=1e-5)


def test_forecaster_predict_proba_without_skpro_names_the_extra(tuned, monkeypatch):
    import importlib.util

    from tsfm.sktime._empirical import SkproMissingError

    y = pd.DataFrame(_sines(1, 7)[0].T.astype(np.float64))
    f = FlowFMForecaster(pretrained=tuned.pretrainer_, n_samples=2, device="cpu",
                         random_state=0).fit(y)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "skpro" else find_spec(name, *a))
    with pytest.raises(SkproMissingError, match=r"pip install 'tsfm\[bench\]'") as info:
        f.predict_proba(fh=[1])
    assert isinstance(info.value, NotImplementedError)  # what sktime's checks expect
