"""The frozen model configuration: its schema, parameter count, patch rule and settings."""

from __future__ import annotations

import json
from unittest import mock

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMTransformer
from tsfm.config.model_config import EncoderConfig, VelocityConfig
from tsfm.config.param_count import encoder_parameters, velocity_parameters
from tsfm.config.patch_size import auto_patch_size
from tsfm.exceptions import ConfigError, TsfmError
from tsfm.nn.dit1d import DiT1D
from tsfm.nn.flowfm import FlowFMModule
from tsfm.nn.vit1d import ViT1D

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0}


def _n_parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# -- the parameter count of the schema is exact ---------------------------------------
@pytest.mark.parametrize(
    ("arch", "n_channels", "n_timepoints"),
    [
        ({"depth": 2, "width": 64, "heads": 4, "patch_size": 10}, 3, 40),
        ({"depth": 1, "width": 24, "heads": 3, "patch_size": 7, "mlp_ratio": 2.5}, 5, 23),
        ({"depth": 3, "width": 16, "heads": 2, "patch_size": 1, "mlp_ratio": 0.3}, 1, 9),
    ],
)
@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_parameter_count_formulas_match_the_built_networks(
    arch, n_channels, n_timepoints, pooling
):
    shape = {"n_channels": n_channels, "n_timepoints": n_timepoints}
    encoder = EncoderConfig(**arch, pooling=pooling)
    velocity = VelocityConfig(**arch)
    assert encoder_parameters(encoder, **shape) == _n_parameters(
        ViT1D(**shape, **encoder.model_dump())
    )
    assert velocity_parameters(velocity, **shape) == _n_parameters(
        DiT1D(**shape, **velocity.model_dump())
    )


def test_an_oversized_model_is_refused_in_fit_before_anything_is_built():
    never_built = mock.patch.object(
        FlowFMModule, "__init__", side_effect=AssertionError("built an oversized network")
    )
    with never_built, pytest.raises(
        ConfigError, match=r"implies [\d,]+ parameters, more than the 200,000,000"
    ):
        FlowFMPretrainer(encoder={"depth": 128, "width": 8192, "heads": 8}, **TINY).fit(
            np.zeros((4, 3, 40))
        )


def test_estimator_errors_name_the_routed_parameter():
    with pytest.raises(ConfigError, match=r"encoder__depth=1000000 is invalid.*\[1, 128\]"):
        FlowFMPretrainer(encoder={"depth": 10**6}, **TINY).fit(np.zeros((4, 3, 40)))


def test_config_error_is_a_value_error_a_type_error_and_a_tsfm_error():
    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, TypeError)
    assert issubclass(ConfigError, TsfmError)


# -- patch_size="auto" ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n_timepoints", "patch"), [(1, 1), (9, 1), (23, 1), (24, 2), (30, 2), (40, 3), (300, 19)]
)
def test_auto_patch_size_aims_at_sixteen_tokens(n_timepoints, patch):
    assert auto_patch_size(n_timepoints) == patch


def test_auto_patch_size_keeps_10_to_30_tokens_wherever_the_length_allows():
    for n_timepoints in range(1, 5001):
        patch = auto_patch_size(n_timepoints)
        tokens = -(-n_timepoints // patch)
        assert min(n_timepoints, 10) <= tokens <= 30, n_timepoints


def test_default_patch_size_gives_a_short_series_enough_tokens_and_is_recorded():
    # RacketSports is 30 samples long; the paper's patch of 10 gave 3 tokens
    X = np.random.default_rng(0).normal(size=(8, 6, 30)).astype(np.float32)
    pre = FlowFMPretrainer(**TINY).fit(X)
    assert pre.config_.encoder.patch_size == pre.config_.velocity.patch_size == 2
    assert pre.net_.module_.encoder.pos_embed.weight.shape[1] == 15
    assert pre.encoder is None  # the parameter itself is left as given


def test_presets_keep_their_depth_width_and_heads():
    X = np.zeros((4, 3, 40), dtype=np.float32)
    encoder = FlowFMPretrainer(model="base", device="cpu", max_epochs=0).fit(X).config_.encoder
    assert (encoder.depth, encoder.width, encoder.heads) == (8, 256, 8)


def test_an_explicit_patch_size_still_wins():
    pre = FlowFMPretrainer(encoder={"patch_size": 5}, **TINY).fit(np.zeros((4, 3, 40)))
    assert (pre.config_.encoder.patch_size, pre.config_.velocity.patch_size) == (5, 3)


# -- numpy scalars and strictness -------------------------------------------------------
def test_numpy_scalar_settings_train_and_save_as_python_numbers(tmp_path, panel):
    pre = FlowFMPretrainer(
        model="tiny", device="cpu", random_state=np.int64(0), max_epochs=np.int64(1),
        batch_size=np.int64(8), mask_prob=np.float32(0.5), lr=np.float64(1e-3),
        encoder={"depth": np.int64(1)},
    ).fit(panel)
    assert pre.net_.batch_size == 8 and type(pre.net_.batch_size) is int
    params = json.loads((pre.save_pretrained(tmp_path / "m") / "config.json").read_text())[
        "estimator_params"
    ]
    assert params["batch_size"] == 8 and params["mask_prob"] == 0.5
    assert params["lr"] == 1e-3 and params["encoder"] == {"depth": 1}
    loaded = FlowFMPretrainer.from_pretrained(tmp_path / "m", device="cpu")
    assert type(loaded.batch_size) is int and loaded.random_state == 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"batch_size": 1.5}, r"batch_size=1.5 is invalid \(input should be a valid integer\)"),
        ({"batch_size": np.float64(8.0)}, r"batch_size=8.0 is invalid"),
        ({"batch_size": True}, r"batch_size=True is invalid"),
        ({"lr": "0.01"}, r"lr='0.01' is invalid \(input should be a valid number\)"),
        ({"weight_decay": float("nan")}, r"weight_decay=nan is invalid"),
    ],
)
def test_settings_are_not_coerced(params, match):
    with pytest.raises(ConfigError, match=match):
        FlowFMPretrainer(**(TINY | params)).fit(np.zeros((4, 3, 40)))


def test_classifier_settings_accept_numpy_scalars(panel, labels):
    clf = FlowFMClassifier(
        model="tiny", device="cpu", random_state=0, max_epochs=np.int64(1),
        batch_size=np.int32(8), head_dropout=np.float32(0.25),
    ).fit(panel, labels)
    assert clf.net_.module_.dropout.p == 0.25 and clf.net_.batch_size == 8


# -- the frozen object --------------------------------------------------------------
def test_model_config_is_frozen(panel):
    config = FlowFMPretrainer(**TINY).fit(panel).config_
    with pytest.raises(ValidationError, match="frozen"):
        config.mask_prob = 0.0
    with pytest.raises(ValidationError, match="frozen"):
        config.encoder.depth = 100


def test_the_module_gets_the_validated_config_and_plugin_classes(panel):
    from tsfm_builtins.conditioners import DGSConditioner
    from tsfm_builtins.flow_matching import FlowMatchingGenerator

    pre = FlowFMPretrainer(**TINY).fit(panel)
    assert pre.net_.module_.config is pre.config_
    assert pre.net_.module__objective is FlowMatchingGenerator
    assert pre.net_.module__conditioner is DGSConditioner


# -- routed parameters --------------------------------------------------------------
def test_set_params_sets_direct_parameters_before_routed_ones():
    emb = FlowFMTransformer()
    emb.set_params(encoder={"depth": 2}, encoder__width=32)
    assert emb.encoder == {"depth": 2, "width": 32}
    emb.set_params(encoder__heads=2, encoder=None)
    assert emb.encoder == {"heads": 2}


# -- dead code is gone --------------------------------------------------------------
def test_removed_dead_code_stays_removed():
    from tsfm.benchmarking.config import BenchmarkConfig
    from tsfm.benchmarking.protocol import BenchmarkResult
    from tsfm.config import presets
    from tsfm.generative.conditioner import Conditioner

    assert not hasattr(presets, "ROUTED_PREFIXES")
    assert not hasattr(Conditioner, "input_name")
    assert "extra" not in BenchmarkConfig.__dataclass_fields__
    assert "extra" not in BenchmarkResult.__dataclass_fields__
