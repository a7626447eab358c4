"""Model directories from untrusted sources fail fast and safely; saving is atomic."""

from __future__ import annotations

import contextlib
import json
import stat
from unittest import mock

import numpy as np
import pytest
from safetensors.torch import load_file, save_file

from tsfm import FlowFMPretrainer
from tsfm.exceptions import CheckpointError
from tsfm.io import model_dir
from tsfm.io.model_dir import CheckpointError as ReexportedCheckpointError
from tsfm.nn.flowfm import FlowFMModule

TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def panel3():
    return np.random.default_rng(0).normal(size=(16, 3, 40)).astype(np.float32)


@pytest.fixture(scope="module")
def fitted(panel3):
    return FlowFMPretrainer(**TINY).fit(panel3)


@pytest.fixture
def saved(tmp_path, fitted):
    return fitted.save_pretrained(tmp_path / "model")


def _edit_config(directory, edit) -> None:
    path = directory / "config.json"
    config = json.loads(path.read_text())
    edit(config)
    path.write_text(json.dumps(config))


def _load_fails_fast(directory, match: str, *, builds_model: bool = False) -> None:
    """Loading fails with ``match``; unless ``builds_model``, before any network is built.

    "Fast" is asserted structurally, not by a wall clock: a rejected config must never
    reach the constructor of the network (where a crafted size would exhaust memory).
    """
    refuse = mock.patch.object(
        FlowFMModule, "__init__", side_effect=AssertionError("built a network from a bad config")
    )
    with contextlib.nullcontext() if builds_model else refuse:
        with pytest.raises(CheckpointError, match=match):
            FlowFMPretrainer.from_pretrained(directory, device="cpu")


def test_checkpoint_error_is_a_tsfm_error_and_importable_from_model_dir():
    from tsfm.exceptions import TsfmError

    assert ReexportedCheckpointError is CheckpointError
    assert issubclass(CheckpointError, TsfmError) and issubclass(CheckpointError, ValueError)


# -- oversized models are rejected from the config alone, in well under a second ------
@pytest.mark.parametrize(
    ("section", "key", "value", "match"),
    [
        ("encoder", "depth", 10**6, r"model\['encoder'\]\['depth'\]=1000000 is invalid"),
        ("encoder", "depth", 10**4, r"model\['encoder'\]\['depth'\]=10000 is invalid"),
        ("velocity", "mlp_ratio", 1e6, r"model\['velocity'\]\['mlp_ratio'\]=1000000.0"),
        ("encoder", "width", 10**7, r"model\['encoder'\]\['width'\]=10000000 is invalid"),
        (None, "n_timepoints", 10**9, r"model\['n_timepoints'\]=1000000000 is invalid"),
        (None, "n_channels", 10**8, r"model\['n_channels'\]=100000000 is invalid"),
    ],
)
def test_oversized_architecture_fails_fast_naming_the_key(saved, section, key, value, match):
    def edit(config):
        (config["model"][section] if section else config["model"])[key] = value

    _edit_config(saved, edit)
    _load_fails_fast(saved, f"model section of config.json.*{match}")


def test_parameter_cap_rejects_a_model_within_every_range(saved):
    def edit(config):
        config["model"]["encoder"].update(depth=128, width=8192, heads=8)

    _edit_config(saved, edit)
    _load_fails_fast(saved, r"implies [\d,]+ parameters, more than the 200,000,000 allowed")


# -- every malformed entry is a CheckpointError naming its key --------------------------
@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (
            lambda c: c["model"]["encoder"].update(heads=3),
            r"model\['encoder'\]: width=64 must be divisible by heads=3",
        ),
        (
            lambda c: c["model"]["velocity"].update(patch_size=0),
            r"model\['velocity'\]\['patch_size'\]=0 is invalid",
        ),
        (lambda c: c.update(format_version="2"), "format_version='2'; it must be an integer"),
        (lambda c: c.update(format_version=None), "format_version=None; it must be an integer"),
        (
            lambda c: c["estimator_params"].update(surprise=1),
            r"unknown estimator_params key\(s\) \['surprise'\]; valid keys: \[.*'batch_size'",
        ),
        (
            lambda c: c["normalization"].update(mean="abc"),
            r"normalization\['mean'\]='abc' is invalid",
        ),
        (
            lambda c: c["normalization"].update(scale=[1.0, 0.0, 1.0]),
            r"normalization\['scale'\]\[1\]=0.0 is invalid \(input should be greater than 0\)",
        ),
        (
            lambda c: c["normalization"].update(scale=[1.0, float("nan"), 1.0]),
            r"normalization\['scale'\]\[1\]=nan is invalid",
        ),
        (
            lambda c: c["normalization"].update(mean=[0.0, 0.0], scale=[1.0, 1.0]),
            r"normalization has 2 channels but model\['n_channels'\] is 3",
        ),
        (
            lambda c: c["estimator_params"].update(objective="os:system"),
            r"estimator_params\['objective'\]: unknown objective 'os:system'; available",
        ),
        (
            lambda c: c["model"].update(conditioner="os:system"),
            r"model\['conditioner'\]: unknown conditioner 'os:system'",
        ),
        (
            lambda c: c["model"].update(objective_params={"n_train_steps": 10}),
            r"objective_params \['n_train_steps'\] do not fit objective 'flow_matching'",
        ),
        (
            lambda c: c["model"]["encoder"].pop("patch_size"),
            r"model\['encoder'\]\['patch_size'\] is missing",
        ),
    ],
    ids=[
        "heads-3", "patch-0", "version-str", "version-null", "unknown-param", "mean-str",
        "scale-0", "scale-nan", "channels", "generator-plugin", "conditioner-plugin",
        "generator-params", "missing-key",
    ],
)
def test_malformed_config_names_the_key(saved, edit, match):
    _edit_config(saved, edit)
    _load_fails_fast(saved, match)


def test_json_nested_100000_deep_is_a_checkpoint_error(saved):
    (saved / "config.json").write_text("[" * 100_000 + "]" * 100_000)
    _load_fails_fast(saved, "nests arrays or objects too deeply")


def test_json_nested_deeper_than_the_limit_is_rejected_after_parsing(saved):
    (saved / "config.json").write_text("[" * 40 + "]" * 40)
    _load_fails_fast(saved, "nests arrays or objects 40 levels deep, more than the 32")


# -- weights ------------------------------------------------------------------------
def _edit_weights(directory, edit) -> str:
    path = directory / "model.safetensors"
    tensors = load_file(path)
    name = sorted(tensors)[0]
    tensors[name] = edit(tensors[name])
    save_file(tensors, path)
    return name


def test_nan_weights_are_rejected_naming_the_tensor(saved):
    def poison(tensor):
        tensor = tensor.clone()
        tensor.view(-1)[0] = float("nan")
        return tensor

    name = _edit_weights(saved, poison)
    _load_fails_fast(saved, rf"NaN or inf values in \['{name}'\]", builds_model=True)


def test_weights_of_another_dtype_are_rejected_not_cast(saved):
    name = _edit_weights(saved, lambda tensor: tensor.double())
    expected = rf"dtype mismatches \['{name}: file torch.float64 vs model torch.float32'\]"
    _load_fails_fast(saved, expected, builds_model=True)


# -- format versions ----------------------------------------------------------------
def _as_version_1(config: dict) -> None:
    """The layout tsfm wrote before format version 2."""
    config["format_version"] = 1
    model = config["model"]
    model["generator"] = model.pop("objective")
    model["generator_params"] = model.pop("objective_params")
    model["augmentation"] = {}
    del config["estimator_params"]["augmentation"]
    del config["plugins"]


def test_format_version_1_directories_still_load(saved, fitted, panel3):
    _edit_config(saved, _as_version_1)
    loaded = FlowFMPretrainer.from_pretrained(saved, device="cpu")
    np.testing.assert_array_equal(loaded.embed(panel3), fitted.embed(panel3))
    assert loaded.config_ == fitted.config_
    assert loaded.augmentation is None


def test_saved_model_section_is_the_config_dump(saved, fitted):
    config = json.loads((saved / "config.json").read_text())
    assert config["format_version"] == 6
    assert config["model"] == fitted.config_.model_dump(mode="json")


# -- atomic saves -------------------------------------------------------------------
def test_failed_save_leaves_the_old_model_intact_and_no_temporary_files(
    saved, panel3, monkeypatch
):
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    other = FlowFMPretrainer(**(TINY | {"random_state": 1})).fit(panel3 * 2.0)

    def crash(path, text):
        raise OSError("disk full")

    monkeypatch.setattr(model_dir, "_write_config", crash)
    with pytest.raises(OSError, match="disk full"):
        other.save_pretrained(saved)
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    FlowFMPretrainer.from_pretrained(saved, device="cpu")


def test_save_replaces_an_existing_model_whole(saved, panel3):
    other = FlowFMPretrainer(**(TINY | {"random_state": 1})).fit(panel3 * 2.0)
    other.save_pretrained(saved)
    loaded = FlowFMPretrainer.from_pretrained(saved, device="cpu")
    np.testing.assert_array_equal(loaded.standardizer_.scale, other.standardizer_.scale)
    np.testing.assert_array_equal(loaded.embed(panel3), other.embed(panel3))
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_saved_files_are_readable_by_everyone(saved):
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in saved.iterdir()}
    assert modes == {"config.json": 0o644, "model.safetensors": 0o644}
    assert stat.S_IMODE(saved.stat().st_mode) == 0o755


def test_save_refuses_to_replace_a_directory_that_is_not_a_model(tmp_path, fitted):
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match=r"refusing to replace.*not a model directory"):
        fitted.save_pretrained(home)
    assert [p.name for p in home.iterdir()] == ["notes.txt"]


def test_replacing_a_model_keeps_its_other_files(saved, fitted):
    (saved / "README.md").write_text("# model card")
    fitted.save_pretrained(saved)
    assert sorted(p.name for p in saved.iterdir()) == [
        "README.md", "config.json", "model.safetensors",
    ]
    assert (saved / "README.md").read_text() == "# model card"


def test_a_config_with_an_input_section_loads(saved, fitted, panel3):
    _edit_config(saved, lambda c: c.update(input={"rate": 30, "units": "g"}))
    loaded = FlowFMPretrainer.from_pretrained(saved, device="cpu")
    np.testing.assert_array_equal(loaded.embed(panel3), fitted.embed(panel3))


def test_save_into_an_empty_existing_directory(tmp_path, fitted, panel3):
    target = tmp_path / "empty"
    target.mkdir()
    fitted.save_pretrained(target)
    loaded = FlowFMPretrainer.from_pretrained(target, device="cpu")
    np.testing.assert_array_equal(loaded.embed(panel3), fitted.embed(panel3))


# -- which distribution provided the plugins ------------------------------------------
def test_saved_model_records_the_distribution_of_its_plugins(saved):
    from importlib.metadata import version

    config = json.loads((saved / "config.json").read_text())
    assert config["plugins"] == [
        {"kind": "objective", "name": "flow_matching", "distribution": "tsfm",
         "version": version("tsfm")},
        {"kind": "conditioner", "name": config["model"]["conditioner"],
         "distribution": "tsfm", "version": version("tsfm")},
    ]


def test_a_plugin_from_another_distribution_than_recorded_warns(saved):
    from tsfm.io.plugin_records import PluginProvenanceWarning

    config = json.loads((saved / "config.json").read_text())
    config["plugins"][0].update(distribution="tsfm-fork", version="9.9")
    (saved / "config.json").write_text(json.dumps(config))
    with pytest.warns(PluginProvenanceWarning, match=r"saved with objective 'flow_matching' "
                      r"from distribution 'tsfm-fork' 9.9, but this installation provides "
                      r"it from 'tsfm'"):
        FlowFMPretrainer.from_pretrained(saved, device="cpu")


def test_version_4_files_load_without_a_record_and_cannot_carry_one(saved):
    config = json.loads((saved / "config.json").read_text())
    record = config.pop("plugins")
    (saved / "config.json").write_text(json.dumps({**config, "format_version": 4}))
    FlowFMPretrainer.from_pretrained(saved, device="cpu")
    (saved / "config.json").write_text(json.dumps({**config, "format_version": 4,
                                                   "plugins": record}))
    with pytest.raises(CheckpointError, match="a version-4 config.json cannot have a "
                                              "'plugins' section"):
        FlowFMPretrainer.from_pretrained(saved, device="cpu")


def test_version_5_files_load_unchanged_and_cannot_carry_an_observation_section(saved):
    config = json.loads((saved / "config.json").read_text())
    (saved / "config.json").write_text(json.dumps({**config, "format_version": 5}))
    assert not hasattr(FlowFMPretrainer.from_pretrained(saved, device="cpu"),
                       "observation_config_")
    section = {part: {"low": 0.1, "high": 0.2} for part in ("future", "gap", "points")}
    (saved / "config.json").write_text(json.dumps({**config, "format_version": 5,
                                                   "observation": section}))
    with pytest.raises(CheckpointError, match="a version-5 config.json cannot have an "
                                              "'observation' section"):
        FlowFMPretrainer.from_pretrained(saved, device="cpu")
