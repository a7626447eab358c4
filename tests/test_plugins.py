"""The plugin registry: built-ins via entry points, third-party packages, broken plugins."""

from __future__ import annotations

import importlib.metadata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plugin_env import on_sys_path, write_distribution, write_generator_module

from tsfm import FlowFMPretrainer
from tsfm.plugins import (
    PluginLoadError,
    PluginLoadWarning,
    get_plugin,
    list_plugins,
    plugin_provenance,
)

EXAMPLE_PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "example_plugin"


def test_builtins_are_registered_through_entry_points():
    generators = {p.name: p for p in list_plugins("objective")}
    conditioners = {p.name: p for p in list_plugins("conditioner")}
    assert generators["flow_matching"].distribution == "tsfm"
    assert generators["flow_matching"].cls.__module__ == "tsfm_builtins.flow_matching"
    assert {"representation", "dgs", "text"} <= set(conditioners)


def test_unknown_plugin_name_lists_available_names():
    with pytest.raises(ValueError, match=r"unknown objective 'nope'.*'flow_matching'"):
        get_plugin("objective", "nope")


def test_unknown_plugin_kind_lists_valid_kinds():
    valid = r"valid kinds: \['conditional_sampler', 'conditioner', 'dataset', 'objective'\]"
    with pytest.raises(ValueError, match=valid):
        list_plugins("solver")


def test_estimator_reports_unknown_generator_with_available_names(panel):
    with pytest.raises(ValueError, match="available objectives: .*'flow_matching'"):
        FlowFMPretrainer(objective="nope", model="tiny", max_epochs=1).fit(panel)


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
    info = {p.name: p for p in list_plugins("objective")}["cosine_flow"]
    assert info.distribution == "tsfm-example-plugin"
    pre = FlowFMPretrainer(
        objective="cosine_flow", model="tiny", max_epochs=2, device="cpu", random_state=0
    ).fit(panel)
    assert type(pre.net_.module_.objective).__name__ == "CosineFlowGenerator"
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
        names = [p.name for p in list_plugins("objective")]
    assert "flow_matching" in names


def test_strict_mode_turns_a_broken_plugin_into_an_error(broken_plugin_installed, monkeypatch):
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PluginLoadError, match="plugin 'broken'.*tsfm_no_such_module_xyz"):
            list_plugins("objective")


def test_third_party_generator_samples_through_the_signal_generator(
    example_plugin_installed, panel
):
    from tsfm import FlowFMSignalGenerator

    pre = FlowFMPretrainer(
        objective="cosine_flow", model="tiny", max_epochs=1, device="cpu", random_state=0
    ).fit(panel)
    gen = FlowFMSignalGenerator(pretrained=pre, steps=3).fit()
    assert gen.sample(2, random_state=0).shape == (2, 3, 40)
    assert gen.nfe_ == 3


def test_list_plugins_without_a_kind_lists_every_kind_sorted_by_kind_then_name():
    everything = list_plugins()
    keys = [(p.kind, p.name) for p in everything]
    assert keys == sorted(keys)
    assert {p.kind for p in everything} == {"conditional_sampler", "conditioner", "dataset",
                                            "objective"}
    assert [p for p in everything if p.kind == "objective"] == list_plugins("objective")


def test_plugin_listing_is_a_dataframe_with_one_column_per_attribute():
    table = pd.DataFrame(list_plugins("objective")).set_index("name")
    assert table.loc["flow_matching", "distribution"] == "tsfm"
    assert table.loc["flow_matching", "summary"].startswith("Conditional flow matching")
    assert {"kind", "version", "plugin", "cls"} <= set(table.columns)


def test_provenance_of_a_builtin_is_tsfm_and_its_installed_version():
    provenance = plugin_provenance("objective", "flow_matching")
    assert provenance == ("tsfm", importlib.metadata.version("tsfm"))
    assert provenance.distribution == "tsfm"


def test_provenance_of_an_unknown_name_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"unknown conditioner 'nope'.*'dgs'"):
        plugin_provenance("conditioner", "nope")


@pytest.fixture
def shadowing_plugin_installed(tmp_path):
    """A third-party distribution, first on sys.path, registering generator 'flow_matching'."""
    write_generator_module(tmp_path, "tsfm_test_shadow", ["flow_matching", "shadow_extra"])
    write_distribution(tmp_path, "tsfm-shadow", "2.0", {"shadow": "tsfm_test_shadow"})
    with on_sys_path(tmp_path):
        yield


def test_builtin_is_not_shadowed_and_the_warning_names_both_distributions(
    shadowing_plugin_installed, monkeypatch
):
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with pytest.warns(PluginLoadWarning) as record:
        cls = get_plugin("objective", "flow_matching")
    assert cls.__module__ == "tsfm_builtins.flow_matching"
    message = str(record[0].message)
    assert "objective 'flow_matching' is registered by both distribution 'tsfm'" in message
    assert "distribution 'tsfm-shadow' (entry point 'shadow')" in message
    assert "using the one from 'tsfm'" in message
    # the shadowing plugin's other, unique names still work
    assert plugin_provenance("objective", "shadow_extra") == ("tsfm-shadow", "2.0")


def test_builtin_name_collision_is_an_error_in_strict_mode(
    shadowing_plugin_installed, monkeypatch
):
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError, match=r"'flow_matching' is registered by both.*"
                                              r"'tsfm'.*'tsfm-shadow'"):
        get_plugin("objective", "flow_matching")


def test_saved_model_reloads_with_the_builtin_despite_a_shadowing_plugin(
    panel, tmp_path, monkeypatch
):
    pre = FlowFMPretrainer(model="tiny", max_epochs=1, device="cpu", random_state=0).fit(panel)
    pre.save_pretrained(tmp_path / "model")
    site = tmp_path / "site"
    site.mkdir()
    write_generator_module(site, "tsfm_test_shadow", ["flow_matching"])
    write_distribution(site, "tsfm-shadow", "2.0", {"shadow": "tsfm_test_shadow"})
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with on_sys_path(site), pytest.warns(PluginLoadWarning, match="tsfm-shadow"):
        loaded = FlowFMPretrainer.from_pretrained(tmp_path / "model", device="cpu")
    assert type(loaded.net_.module_.objective).__module__ == "tsfm_builtins.flow_matching"


@pytest.fixture
def same_entry_point_name_installed(tmp_path):
    """Another distribution whose entry point is also called 'flow_matching'."""
    write_generator_module(tmp_path, "tsfm_test_other", ["other_flow"])
    write_distribution(tmp_path, "tsfm-other", "0.3", {"flow_matching": "tsfm_test_other"})
    with on_sys_path(tmp_path):
        yield


def test_entry_points_with_the_same_name_from_two_distributions_both_load(
    same_entry_point_name_installed
):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builtin = {p.name: p for p in list_plugins("objective")}
    assert builtin["flow_matching"].cls.__module__ == "tsfm_builtins.flow_matching"
    assert builtin["flow_matching"].distribution == "tsfm"
    assert builtin["other_flow"].distribution == "tsfm-other"
    assert builtin["other_flow"].plugin == "flow_matching"


@pytest.fixture
def two_third_party_twins_installed(tmp_path):
    """Two third-party distributions registering generator 'twin'; 'tsfm-first' comes first."""
    first, second = tmp_path / "first", tmp_path / "second"
    for site, dist in ((first, "tsfm-first"), (second, "tsfm-second")):
        site.mkdir()
        module = dist.replace("-", "_") + "_mod"
        write_generator_module(site, module, ["twin"])
        write_distribution(site, dist, "1.0", {"twin": module})
    with on_sys_path(first, second):
        yield


def test_third_party_name_collision_keeps_the_first_on_sys_path_and_warns(
    two_third_party_twins_installed, monkeypatch
):
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with pytest.warns(PluginLoadWarning, match=r"'twin' is registered by both distribution "
                                               r"'tsfm-first'.*and distribution 'tsfm-second'"):
        provenance = plugin_provenance("objective", "twin")
    assert provenance.distribution == "tsfm-first"


def test_third_party_name_collision_is_an_error_in_strict_mode(
    two_third_party_twins_installed, monkeypatch
):
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError, match="'twin'.*'tsfm-first'.*'tsfm-second'"):
        list_plugins()


@pytest.fixture
def nameless_plugin_installed(tmp_path):
    """A plugin whose generator class has no ``name`` attribute."""
    (tmp_path / "tsfm_test_nameless.py").write_text(
        "from tsfm.plugins.hookspecs import hookimpl\n\n\n"
        "class Nameless:\n    pass\n\n\n"
        "@hookimpl\ndef tsfm_register_objectives():\n    return [Nameless]\n"
    )
    write_distribution(tmp_path, "tsfm-nameless", "1.0", {"nameless": "tsfm_test_nameless"})
    with on_sys_path(tmp_path):
        yield


def test_a_class_without_a_name_is_skipped_with_a_warning(
    nameless_plugin_installed, monkeypatch
):
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with pytest.warns(PluginLoadWarning, match=r"plugin 'nameless' \(from distribution "
                                               r"'tsfm-nameless'\).*Nameless.*attribute 'name'"):
        names = [p.name for p in list_plugins("objective")]
    assert names == ["diffusion", "flow_matching"]


def test_a_class_without_a_name_is_an_error_in_strict_mode(
    nameless_plugin_installed, monkeypatch
):
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError, match="class attribute 'name'"):
        list_plugins("objective")


@pytest.fixture
def raising_hook_installed(tmp_path):
    """A plugin whose conditioner hook raises."""
    (tmp_path / "tsfm_test_raising.py").write_text(
        "from tsfm.plugins.hookspecs import hookimpl\n\n\n"
        "@hookimpl\ndef tsfm_register_conditioners():\n    raise RuntimeError('boom')\n"
    )
    write_distribution(tmp_path, "tsfm-raising", "1.0", {"raising": "tsfm_test_raising"})
    with on_sys_path(tmp_path):
        yield


def test_a_hook_that_raises_is_skipped_with_a_warning(raising_hook_installed, monkeypatch):
    monkeypatch.delenv("TSFM_STRICT_PLUGINS", raising=False)
    with pytest.warns(PluginLoadWarning, match=r"'raising' \(from distribution 'tsfm-raising'"
                                               r"\) raised in tsfm_register_conditioners\(\)"
                                               r".*RuntimeError: boom"):
        names = [p.name for p in list_plugins("conditioner")]
    assert names == ["dgs", "representation", "text"]


def test_plugin_load_error_is_a_tsfm_error_and_an_import_error():
    from tsfm.exceptions import TsfmError

    assert issubclass(PluginLoadError, TsfmError) and issubclass(PluginLoadError, ImportError)


def test_a_plugin_using_the_old_hook_name_still_registers_with_a_future_warning(tmp_path):
    from plugin_env import on_sys_path, write_distribution

    (tmp_path / "tsfm_old_hook.py").write_text(
        "from tsfm.plugins.hookspecs import hookimpl\n"
        "from tsfm_builtins.flow_matching import FlowMatchingGenerator\n\n\n"
        "class OldHook(FlowMatchingGenerator):\n"
        "    name = 'old_hook'\n\n\n"
        "@hookimpl\n"
        "def tsfm_register_generators():\n"
        "    return [OldHook]\n"
    )
    write_distribution(tmp_path, "tsfm-old-hook", "1.0", {"old": "tsfm_old_hook"})
    with on_sys_path(tmp_path), pytest.warns(FutureWarning,
                                             match="renamed tsfm_register_objectives"):
        assert get_plugin("objective", "old_hook").name == "old_hook"
