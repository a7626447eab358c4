"""FlowFMSignalGenerator: sampling, conditioning, guidance, NFE and bad input."""

from __future__ import annotations

import copy
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from tsfm import FlowFMSignalGenerator, FlowFMTransformer
from tsfm.exceptions import NonFiniteError


def generator_for(pretrainer, **params) -> FlowFMSignalGenerator:
    return FlowFMSignalGenerator(pretrained=pretrainer, **params).fit()


def test_unconditional_samples_have_the_data_shape(flowfm, series):
    S = generator_for(flowfm).sample(5, random_state=0)
    assert S.shape == (5, *series.shape[1:]) and S.dtype == np.float32


def test_samples_are_in_the_data_units(flowfm):
    """The trajectory starts at standard noise mapped through the data's normalisation."""
    gen = generator_for(flowfm, solver="euler", steps=4)
    S, trajectory = gen.sample(400, random_state=0, return_trajectory=True)
    standardizer = flowfm.standardizer_
    noise = (trajectory[0] - standardizer.mean[:, None]) / standardizer.scale[:, None]
    assert abs(noise.mean()) < 0.02 and noise.std() == pytest.approx(1.0, abs=0.02)
    np.testing.assert_allclose(trajectory[-1], S)


def test_same_random_state_gives_the_same_samples(flowfm):
    gen = generator_for(flowfm)
    np.testing.assert_array_equal(gen.sample(3, random_state=7), gen.sample(3, random_state=7))
    assert not np.allclose(gen.sample(3, random_state=7), gen.sample(3, random_state=8))


@pytest.mark.parametrize(("pretrainer", "solver", "conditioned"), [
    ("flowfm", "euler", True), ("flowfm", "euler", False), ("difffm", "ddpm", True),
])
def test_seeded_samples_are_the_same_from_eight_threads(request, series, pretrainer, solver,
                                                        conditioned):
    """Each call seeds its own generator: threads neither share noise nor switch modes."""
    model = request.getfixturevalue(pretrainer)
    model.net_.module_.train()  # as after fit: sampling must switch to eval mode itself
    gen = generator_for(model, solver=solver, steps=3)
    condition = series[:2] if conditioned else None
    seeds = list(range(64))

    def draw(seed):
        return gen.sample(2, condition=condition, random_state=seed)

    expected = [draw(seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(draw, seeds))
    different = [s for s, a, b in zip(seeds, expected, threaded, strict=True)
                 if not np.array_equal(a, b)]
    assert different == []
    assert model.net_.module_.training


def test_overlapping_eval_mode_blocks_restore_the_mode_only_when_the_last_one_leaves():
    from tsfm.nn.eval_mode import shared_eval_mode

    module = torch.nn.Dropout(0.5).train()
    first, second = shared_eval_mode(module), shared_eval_mode(module)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # another thread is still sampling
    assert not module.training
    second.__exit__(None, None, None)
    assert module.training


def test_sampling_leaves_torch_global_generator_alone(flowfm):
    state = torch.get_rng_state()
    generator_for(flowfm, solver="euler", steps=1).sample(2, random_state=0)
    assert torch.equal(torch.get_rng_state(), state)


def test_ddpm_noise_follows_the_seed(difffm):
    """DDPM draws fresh noise at every step from the call's seeded generator."""
    gen = generator_for(difffm, solver="ddpm", steps=4)
    torch.manual_seed(123)
    a = gen.sample(2, random_state=5)
    torch.manual_seed(456)  # the global generator must not matter
    np.testing.assert_array_equal(gen.sample(2, random_state=5), a)
    assert not np.allclose(gen.sample(2, random_state=6), a)


def test_a_plugin_sampler_without_rng_is_seeded_through_the_global_generator(flowfm):
    """Samplers written before ``rng`` existed stay reproducible (in one thread)."""
    model = copy.deepcopy(flowfm)
    solve = model.net_.module_.objective.sample

    def sample_without_rng(predict, noise, *, solver, steps, return_trajectory):
        return solve(predict, noise + torch.randn_like(noise), solver=solver, steps=steps,
                     return_trajectory=return_trajectory)

    model.net_.module_.objective.sample = sample_without_rng
    gen = generator_for(model, solver="euler", steps=1)
    state = torch.get_rng_state()
    a = gen.sample(2, random_state=4)
    np.testing.assert_array_equal(gen.sample(2, random_state=4), a)
    assert not np.allclose(gen.sample(2, random_state=5), a)
    assert torch.equal(torch.get_rng_state(), state)


def test_batching_does_not_change_the_samples(flowfm):
    one_batch = generator_for(flowfm).sample(5, random_state=1)
    many = generator_for(flowfm, sample_batch_size=2).sample(5, random_state=1)
    np.testing.assert_allclose(one_batch, many, atol=1e-5)


@pytest.mark.parametrize(("solver", "steps", "nfe"), [
    ("euler", 4, 4), ("midpoint", 4, 8), ("rk4", 4, 16), ("midpoint", None, 20),
])
def test_nfe_counts_the_solver_evaluations(flowfm, solver, steps, nfe):
    gen = generator_for(flowfm, solver=solver, steps=steps)
    gen.sample(2, random_state=0)
    assert gen.nfe_ == nfe


def test_dopri5_reports_its_adaptive_nfe(flowfm):
    gen = generator_for(flowfm, solver="dopri5", rtol=1e-3, atol=1e-3)
    gen.sample(2, random_state=0)
    assert gen.steps_ is None
    assert gen.nfe_ >= 8 and (gen.nfe_ - 2) % 6 == 0  # dopri5: 2 to start, 6 per step


def test_guidance_doubles_the_network_evaluations(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=3)
    gen.sample(2, condition=series[:2], guidance_scale=2.0, random_state=0)
    assert gen.nfe_ == 6


def test_guidance_is_one_batched_network_call_per_step(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=3)
    sizes = []
    velocity = gen.pretrainer_.net_.module_.velocity
    hook = velocity.register_forward_pre_hook(lambda module, args: sizes.append(len(args[0])))
    try:
        gen.sample(2, condition=series[:2], guidance_scale=2.0, random_state=0)
    finally:
        hook.remove()
    assert sizes == [4, 4, 4]  # conditional and unconditional stacked, once per step
    assert gen.network_calls_ == 3
    gen.sample(2, random_state=0)
    assert gen.network_calls_ == gen.nfe_ == 3


def test_guidance_scale_one_is_plain_conditional_sampling(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=5)
    conditional = gen.sample(4, condition=series[:4], random_state=3)
    guided = gen.sample(4, condition=series[:4], guidance_scale=1.0, random_state=3)
    np.testing.assert_allclose(guided, conditional, atol=1e-4)


def test_guidance_scale_zero_is_unconditional_sampling(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=5)
    unconditional = gen.sample(4, random_state=3)
    guided = gen.sample(4, condition=series[:4], guidance_scale=0.0, random_state=3)
    np.testing.assert_allclose(guided, unconditional, atol=1e-4)


def test_guidance_extrapolates_linearly_in_w(flowfm, series):
    """One Euler step from the same noise: x1 = x0 + v, and v is affine in w."""
    gen = generator_for(flowfm, solver="euler", steps=1)
    w0, w1, w3 = (
        gen.sample(3, condition=series[:3], guidance_scale=w, random_state=0) for w in (0, 1, 3)
    )
    np.testing.assert_allclose(w3, w0 + 3 * (w1 - w0), rtol=1e-4, atol=1e-3)


def test_condition_changes_the_samples(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=5)
    a = gen.sample(2, condition=series[[0, 0]], random_state=0)
    b = gen.sample(2, condition=series[[20, 20]], random_state=0)
    assert not np.allclose(a, b)


def test_a_single_condition_series_conditions_every_sample(flowfm, series):
    gen = generator_for(flowfm, solver="euler", steps=5)
    shared = gen.sample(3, condition=series[:1], random_state=0)
    repeated = gen.sample(3, condition=np.repeat(series[:1], 3, axis=0), random_state=0)
    np.testing.assert_allclose(shared, repeated, atol=1e-5)


def test_trajectory_has_one_state_per_step(flowfm):
    gen = generator_for(flowfm, solver="midpoint", steps=4)
    S, trajectory = gen.sample(3, random_state=0, return_trajectory=True)
    assert trajectory.shape == (5, *S.shape)
    np.testing.assert_allclose(gen.trajectory_times_, [0, 0.25, 0.5, 0.75, 1.0])


def test_the_model_stays_in_its_training_mode(flowfm):
    module = flowfm.net_.module_
    module.train()
    generator_for(flowfm, solver="euler", steps=1).sample(1, random_state=0)
    assert module.training
    module.eval()


# -- the diffusion twin ---------------------------------------------------------------
def test_difffm_samples_with_ddim_by_default(difffm, series):
    gen = generator_for(difffm)
    S = gen.sample(3, random_state=0)
    assert (gen.objective_, gen.solver_, gen.steps_) == ("diffusion", "ddim", 50)
    assert gen.nfe_ == 50
    assert S.shape == (3, *series.shape[1:])


def test_difffm_ddpm_uses_all_1000_steps(difffm):
    gen = generator_for(difffm, solver="ddpm")
    gen.sample(1, random_state=0)
    assert gen.nfe_ == 1000


def test_difffm_supports_guidance(difffm, series):
    gen = generator_for(difffm, solver="ddim", steps=4)
    gen.sample(2, condition=series[:2], guidance_scale=2.0, random_state=0)
    assert gen.nfe_ == 8


def test_difffm_guidance_scale_one_is_plain_conditional_ddim(difffm, series):
    gen = generator_for(difffm, solver="ddim", steps=5)
    conditional = gen.sample(3, condition=series[:3], random_state=2)
    guided = gen.sample(3, condition=series[:3], guidance_scale=1.0, random_state=2)
    np.testing.assert_allclose(guided, conditional, rtol=1e-4, atol=1e-3)


def test_difffm_trajectory_has_one_state_per_denoising_step(difffm):
    gen = generator_for(difffm, solver="ddim", steps=4)
    S, trajectory = gen.sample(2, random_state=0, return_trajectory=True)
    assert trajectory.shape == (5, *S.shape)
    np.testing.assert_allclose(gen.trajectory_times_, [0.0, 1 / 3, 2 / 3, 0.999, 1.0], atol=1e-3)


def test_difffm_encoder_works_with_the_transformer(difffm, series):
    Z = FlowFMTransformer(pretrained=difffm).fit(series).transform(series)
    assert Z.shape == (len(series), difffm.net_.module_.encoder.out_features)


def test_a_saved_difffm_loads_and_samples(difffm, tmp_path):
    difffm.save_pretrained(tmp_path / "difffm")
    gen = FlowFMSignalGenerator(pretrained=tmp_path / "difffm", solver="ddim", steps=5).fit()
    np.testing.assert_allclose(
        gen.sample(2, random_state=0), generator_for(difffm, solver="ddim", steps=5).sample(
            2, random_state=0
        ), atol=1e-5,
    )


# -- estimator contract ---------------------------------------------------------------
def test_fit_pretrains_when_no_model_is_given(series):
    gen = FlowFMSignalGenerator(
        model="tiny", encoder={"patch_size": 8}, velocity={"patch_size": 8}, max_epochs=1,
        random_state=0,
    ).fit(series)
    assert gen.pretrainer_.history_[-1, "epoch"] == 1
    assert gen.sample(2, random_state=0).shape == (2, *series.shape[1:])


def test_clone_keeps_the_parameters():
    gen = FlowFMSignalGenerator(solver="rk4", steps=3, encoder={"depth": 1})
    assert clone(gen).get_params() == gen.get_params()
    assert gen.get_params()["encoder__depth"] == 1


# -- bad input ------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_rejects_a_non_positive_number_of_samples(flowfm, n):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        generator_for(flowfm).sample(n)


def test_rejects_a_condition_with_the_wrong_channel_count(flowfm, series):
    with pytest.raises(ValueError, match="condition has 2 channels but the pretrained model"):
        generator_for(flowfm).sample(2, condition=series[:2, :2])


def test_rejects_a_condition_with_the_wrong_number_of_series(flowfm, series):
    with pytest.raises(ValueError, match="condition has 3 series but n_samples=2"):
        generator_for(flowfm).sample(2, condition=series[:3])


def test_rejects_a_condition_with_the_wrong_dimensions(flowfm, series):
    with pytest.raises(ValueError, match="condition must have 3 dimensions"):
        generator_for(flowfm).sample(2, condition=series[:2, :, :, None])


def test_guidance_without_dgs_says_the_model_has_no_null_condition(flowfm_without_dgs, series):
    gen = generator_for(flowfm_without_dgs)
    with pytest.raises(ValueError, match="trained without DGS masking"):
        gen.sample(2, condition=series[:2], guidance_scale=2.0)


def test_unconditional_sampling_without_dgs_asks_for_a_condition(flowfm_without_dgs, series):
    gen = generator_for(flowfm_without_dgs, solver="euler", steps=2)
    with pytest.raises(ValueError, match="pass condition="):
        gen.sample(2)
    assert gen.sample(2, condition=series[:2]).shape == (2, *series.shape[1:])


@pytest.mark.parametrize("w", [1e25, -0.5, 100.5, float("nan"), float("inf"), "2", True])
def test_guidance_scale_outside_its_range_is_rejected(flowfm, series, w):
    with pytest.raises(ValueError, match=r"guidance_scale must be a number in \[0, 100\]"):
        generator_for(flowfm).sample(2, condition=series[:2], guidance_scale=w)


def test_the_largest_guidance_scale_gives_finite_samples(flowfm, series):
    S = generator_for(flowfm, solver="euler", steps=4).sample(
        2, condition=series[:2], guidance_scale=100.0, random_state=0
    )
    assert np.isfinite(S).all()


@pytest.mark.parametrize("seed", [2**32, -1])
def test_out_of_range_seed_is_rejected(flowfm, seed):
    with pytest.raises(ValueError, match=r"outside the valid seed range \[0, 2\*\*32 - 1\]"):
        generator_for(flowfm).sample(2, random_state=seed)


def test_a_condition_far_outside_the_training_range_is_rejected(flowfm, series):
    with pytest.raises(NonFiniteError, match=r"condition has values up to .* standard "
                                             r"deviations.*convert it to those units"):
        generator_for(flowfm).sample(2, condition=series[:2] * 1e20, random_state=0)


def test_samples_from_a_model_with_nan_weights_raise(flowfm):
    broken = copy.deepcopy(flowfm)
    with torch.no_grad():
        broken.net_.module_.velocity.final.linear.bias.fill_(float("nan"))
    gen = generator_for(broken, solver="euler", steps=2)
    with pytest.raises(NonFiniteError, match="samples contain NaN.*weights are NaN or inf.*"
                                             "lower learning rate"):
        gen.sample(2, random_state=0)


def test_guidance_needs_a_condition(flowfm):
    with pytest.raises(ValueError, match="guidance_scale needs a condition"):
        generator_for(flowfm).sample(2, guidance_scale=2.0)


@pytest.mark.parametrize(("pretrainer", "valid"), [
    ("flowfm", "['euler', 'midpoint', 'rk4', 'dopri5']"), ("difffm", "['ddpm', 'ddim']"),
])
def test_unknown_solver_lists_the_valid_ones(request, pretrainer, valid):
    model = request.getfixturevalue(pretrainer)
    with pytest.raises(ValueError, match=re.escape(f"valid solvers: {valid}")):
        FlowFMSignalGenerator(pretrained=model, solver="heun").fit()


def test_sampling_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        FlowFMSignalGenerator().sample(2)


def test_fit_without_data_or_model_explains_what_is_missing():
    with pytest.raises(ValueError, match="fit needs X to pretrain a model"):
        FlowFMSignalGenerator().fit()
