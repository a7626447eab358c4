"""The plugin registry: built-ins via entry points, third-party packages, broken plugins."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from plugin_env import on_sys_path, write_distribution

from tsfm import FlowFMPretrainer
from tsfm.plugins import PluginLoadError, PluginLoadWarning, get_plugin, list_plugins

EXAMPLE_PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "example_plugin"


def test_builtins_are_registered_through_entry_points():
    generators = {p.name: p for p in list_plugins("generator")}
    conditioners = {p.name: p for p in list_plugins("conditioner")}
    assert generators["flow_matching"].distribution == "tsfm"
    assert generators["flow_matching"].cls.__module__ == "tsfm_builtins.flow_matching"
    assert {"representation", "dgs"} <= set(conditioners)


def test_unknown_plugin_name_lists_available_names():
    with pytest.raises(ValueError, match=r"unknown generator 'nope'.*'flow_matching'"):
        get_plugin("generator", "nope")


def test_unknown_plugin_kind_lists_valid_kinds():
    valid = r"valid kinds: \['conditioner', 'dataset', 'generator'\]"
    with pytest.raises(ValueError, match=valid):
        list_plugins("solver")


def test_estimator_reports_unknown_generator_with_available_names(panel):
    with pytest.raises(ValueError, match="available generators: .*'flow_matching'"):
        FlowFMPretrainer(generator="nope", model="tiny", max_epochs=1).fit(panel)


@pytest.fixture
def example_plugin_installed(tmp_path):
    """Register the example package's distribution metadata from its own pyproject.toml."""
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")
    project = tomllib.loads((EXAMPLE_PLUGIN / "pyproject.toml").read_text())["project"]
    write_distribution(
        tmp_path, project["name"], project["version"], project["entry-points"]["tsfm"]
    )
    with on_sys_path(tmp_path, EXAMPLE_PLUGIN):
        yield


def test_third_party_generator_is_found_and_used_by_name(example_plugin_installed, panel):
    info = {p.name: p for p in list_plugins("generator")}["cosine_flow"]
    assert info.distribution == "tsfm-example-plugin"
    pre = FlowFMPretrainer(
        generator="cosine_flow", model="tiny", max_epochs=2, device="cpu", random_state=0
    ).fit(panel)
    assert type(pre.net_.module_.generator).__name__ == "CosineFlowGenerator"
    assert np.isfinite(pre.history_[:, "train_loss"]).all()


@pytest.fixture
def broken_plugin_installed(tmp_path):
    write_distribution(tmp_path, "tsfm-broken", "1.0", {"broken": "tsfm_no_such_module_xyz"})
    with on_sys_path(tmp_path):
        yield


def test_broken_plugin_warns_with_its_name_and_host_keeps_working(
    broken_plugin_installed, monkeypatch
):
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with pytest.warns(PluginLoadWarning, match=r"plugin 'broken'.*tsfm-broken.*skipped"):
        names = [p.name for p in list_plugins("generator")]
    assert "flow_matching" in names


def test_strict_mode_turns_a_broken_plugin_into_an_error(broken_plugin_installed, monkeypatch):
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PluginLoadError, match="plugin 'broken'.*tsfm_no_such_module_xyz"):
            list_plugins("generator")


def test_third_party_generator_samples_through_the_signal_generator(
    example_plugin_installed, panel
):
    from tsfm import FlowFMSignalGenerator

    pre = FlowFMPretrainer(
        generator="cosine_flow", model="tiny", max_epochs=1, device="cpu", random_state=0
    ).fit(panel)
    gen = FlowFMSignalGenerator(pretrained=pre, steps=3).fit()
    assert gen.sample(2, random_state=0).shape == (2, 3, 40)
    assert gen.nfe_ == 3
