"""The objective plugin was once called a "generator"; the old names still work, with a warning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tsfm import FlowFMPretrainer, FlowFMTransformer
from tsfm.exceptions import ConfigError
from tsfm.plugins import get_plugin, list_plugins

TINY = {"model": "tiny", "max_epochs": 1, "batch_size": 8, "device": "cpu", "random_state": 0,
        "encoder": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4},
        "velocity": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4}}


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(12, 3, 32)).astype(np.float32)


def test_generator_parameter_still_selects_the_objective_with_a_future_warning(X):
    with pytest.warns(FutureWarning, match=r"generator= was renamed objective=; pass "
                                           r"objective='diffusion'"):
        pre = FlowFMPretrainer(generator="diffusion", **TINY).fit(X)
    assert pre.config_.objective == "diffusion" and pre.settings_.objective == "diffusion"


def test_generator_and_a_different_objective_together_are_an_error(X):
    with pytest.raises(ConfigError, match="generator='diffusion' and objective='cosine' were"):
        FlowFMPretrainer(generator="diffusion", objective="cosine", **TINY).fit(X)


def test_transformer_passes_the_alias_to_its_pretrainer(X):
    with pytest.warns(FutureWarning, match="generator= was renamed"):
        emb = FlowFMTransformer(generator="diffusion", **TINY).fit(X)
    assert emb.config_.objective == "diffusion"


def test_objective_is_the_parameter_and_the_plugin_kind(X):
    pre = FlowFMPretrainer(objective="diffusion", **TINY).fit(X)
    assert pre.config_.objective == "diffusion"
    assert {p.kind for p in list_plugins()} == {"objective", "conditioner", "conditional_sampler",
                                                "dataset"}


def test_generator_plugin_kind_is_a_deprecated_alias():
    with pytest.warns(FutureWarning, match="plugin kind 'generator' was renamed 'objective'"):
        names = [p.name for p in list_plugins("generator")]
    assert names == [p.name for p in list_plugins("objective")]
    with pytest.warns(FutureWarning):
        assert get_plugin("generator", "flow_matching") is get_plugin("objective", "flow_matching")


def test_a_version_2_model_directory_with_estimator_params_generator_loads(X, tmp_path):
    pre = FlowFMPretrainer(objective="diffusion", **TINY).fit(X)
    path = pre.save_pretrained(tmp_path / "m")
    config = json.loads((path / "config.json").read_text())
    assert config["format_version"] == 6 and config["estimator_params"]["objective"] == "diffusion"
    params = config["estimator_params"]
    params["generator"] = params.pop("objective")
    del config["plugins"]  # a version 5 section
    (path / "config.json").write_text(json.dumps({**config, "format_version": 2}))
    loaded = FlowFMPretrainer.from_pretrained(path, device="cpu")
    assert loaded.settings_.objective == "diffusion" and loaded.objective == "diffusion"
    np.testing.assert_array_equal(loaded.embed(X), pre.embed(X))
