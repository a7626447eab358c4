"""The networks: adaLN-Zero identity at init, patching, time embedding, joint gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm.config.model_config import AugmentationConfig
from tsfm.config.settings import build_model_config, resolve_conditioner
from tsfm.nn.dit1d import AdaLNZeroBlock, DiT1D
from tsfm.nn.flowfm import FlowFMModule
from tsfm.nn.patching import PatchEmbed1d, PositionalEmbedding, unpatchify
from tsfm.nn.timestep import TIME_SCALE, sinusoidal_embedding
from tsfm.nn.vit1d import ViT1D


def _config(mask_prob=0.5):
    return build_model_config(
        model="tiny", overrides={"encoder": None, "velocity": None}, n_channels=3,
        n_timepoints=40, objective="flow_matching",
        conditioner=resolve_conditioner("auto", mask_prob), mask_prob=mask_prob,
        augmentation=AugmentationConfig(),
    )


def _module(config):
    return FlowFMModule(
        config, objective=config.objective_class(), conditioner=config.conditioner_class()
    )


def test_adaln_zero_block_is_identity_at_init():
    torch.manual_seed(0)
    block = AdaLNZeroBlock(width=32, heads=4)
    tokens, condition = torch.randn(5, 7, 32), torch.randn(5, 32)
    assert torch.equal(block(tokens, condition), tokens)


def test_velocity_network_outputs_zero_at_init_for_any_input():
    torch.manual_seed(0)
    net = DiT1D(n_channels=3, n_timepoints=40, patch_size=10, width=32, depth=2, heads=4)
    out = net(torch.randn(4, 3, 40), torch.rand(4), torch.randn(4, 32))
    assert out.shape == (4, 3, 40)
    assert torch.count_nonzero(out) == 0


def test_velocity_network_handles_length_not_multiple_of_patch():
    net = DiT1D(n_channels=2, n_timepoints=23, patch_size=5, width=16, depth=1, heads=2)
    assert net(torch.randn(3, 2, 23), torch.rand(3)).shape == (3, 2, 23)


def test_unpatchify_inverts_patching_layout():
    x = torch.arange(2 * 3 * 12, dtype=torch.float32).reshape(2, 3, 12)
    patches = x.reshape(2, 3, 4, 3).permute(0, 2, 1, 3).reshape(2, 4, 9)
    assert torch.equal(unpatchify(patches, n_channels=3, n_timepoints=12), x)


def test_patch_embed_pads_partial_patch():
    embed = PatchEmbed1d(in_channels=2, width=8, patch_size=4)
    assert embed(torch.randn(1, 2, 10)).shape == (1, 3, 8)


def test_positional_embedding_interpolates_to_other_lengths():
    pos = PositionalEmbedding(n_tokens=4, width=8)
    same = pos(torch.zeros(1, 4, 8))
    assert torch.equal(same, pos.weight)
    longer = pos(torch.zeros(1, 8, 8))
    assert longer.shape == (1, 8, 8)
    # linear interpolation stays within the range of the learned embedding
    assert longer.max() <= pos.weight.max() + 1e-6


def test_time_embedding_is_rescaled_for_unit_interval():
    t = torch.tensor([0.0, 0.001, 1.0])
    emb = sinusoidal_embedding(t, dim=8)
    # the first frequency is 1: cos(TIME_SCALE * t)
    np.testing.assert_allclose(emb[:, 0].numpy(), np.cos(TIME_SCALE * t.numpy()), atol=1e-5)
    assert not torch.allclose(emb[0], emb[1])  # t=0 and t=0.001 are distinguishable


def test_encoder_pools_to_one_vector_per_series():
    enc = ViT1D(n_channels=3, n_timepoints=40, patch_size=10, width=32, depth=1, heads=4)
    assert enc(torch.randn(5, 3, 40)).shape == (5, 32)
    cls_enc = ViT1D(
        n_channels=3, n_timepoints=40, patch_size=10, width=32, depth=1, heads=4, pooling="cls"
    )
    assert cls_enc(torch.randn(5, 3, 40)).shape == (5, 32)


def _encoder_grad_norm(module, x1):
    module.zero_grad()
    prediction, target = module(x1)
    torch.mean((prediction - target) ** 2).backward()
    return sum(p.grad.norm() for p in module.encoder.parameters() if p.grad is not None)


def test_flow_matching_loss_sends_gradients_into_the_encoder():
    torch.manual_seed(0)
    module = _module(_config(mask_prob=0.0))
    x1 = torch.randn(16, 3, 40)
    # adaLN-Zero: at init the velocity network ignores its condition entirely
    assert _encoder_grad_norm(module, x1) == 0
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3)
    for _ in range(3):
        optimizer.zero_grad()
        prediction, target = module(x1)
        torch.mean((prediction - target) ** 2).backward()
        optimizer.step()
    # once the modulation layers move, the velocity loss reaches the encoder
    assert _encoder_grad_norm(module, x1) > 0


def test_dgs_masks_about_mask_prob_of_samples():
    torch.manual_seed(0)
    module = _module(_config(mask_prob=0.3))
    keep = module.conditioner.keep_mask(20000)
    assert keep.mean().item() == pytest.approx(0.7, abs=0.01)


def test_dgs_replaces_masked_representations_by_the_null_condition():
    torch.manual_seed(0)
    module = _module(_config(mask_prob=0.5)).train()
    r = torch.randn(400, module.encoder.out_features)
    out = module.conditioner(r)
    null = module.conditioner(None, n=1)
    masked = torch.isclose(out, null).all(dim=1)
    assert 0.4 < masked.float().mean().item() < 0.6
    module.eval()  # no masking at inference
    assert not torch.isclose(module.conditioner(r), null).all(dim=1).any()


def test_plain_representation_conditioner_has_no_null_condition():
    module = _module(_config(mask_prob=0.0))
    assert module.config.conditioner == "representation"
    with pytest.raises(ValueError, match="no null condition"):
        module.conditioner(None, n=2)


def test_objective_interface_keeps_generator_as_a_deprecated_alias():
    from tsfm.generative import objective

    with pytest.warns(DeprecationWarning, match="renamed to Objective"):
        alias = objective.Generator
    assert alias is objective.Objective


def test_module_holds_the_objective_under_its_own_name():
    from tsfm_builtins.flow_matching import FlowMatchingGenerator

    module = _module(_config())
    assert isinstance(module.objective, FlowMatchingGenerator)
    assert "objective" in dict(module.named_children())
    with pytest.warns(DeprecationWarning, match="renamed to FlowFMModule.objective"):
        assert module.generator is module.objective
