"""``load_dataset`` / ``list_datasets``: registry, data directory resolution and bad input."""

from __future__ import annotations

import pytest

from tsfm.datasets import (
    DATA_ENV_VAR,
    DatasetNotFoundError,
    WindowTooLongError,
    list_datasets,
    load_dataset,
)
from tsfm.plugins import list_plugins

BUILTIN = {
    "adl", "basic_motions", "capture24", "hapt", "opportunity", "pamap2", "realworld",
    "uci_har", "uea", "wisdm", "wisdm_v1",
}


def test_every_builtin_adapter_is_registered_through_the_entry_point_group():
    plugins = {p.name: p for p in list_plugins("dataset")}
    assert BUILTIN <= set(plugins)
    assert all(plugins[name].plugin == "datasets" for name in BUILTIN)


def test_unknown_name_lists_the_available_datasets():
    with pytest.raises(ValueError, match=r"unknown dataset 'nope'.*'adl'.*'hapt'"):
        load_dataset("nope", ".")


def test_missing_directory_names_it_and_the_expected_files(tmp_path):
    missing = tmp_path / "absent"
    with pytest.raises(DatasetNotFoundError, match=r"absent does not exist.*Accelerometer-"):
        load_dataset("adl", missing)


def test_directory_without_the_files_lists_what_was_expected(tmp_path):
    (tmp_path / "unrelated.txt").write_text("x")
    with pytest.raises(DatasetNotFoundError, match=r"RawData/labels.txt.*archive.ics.uci.edu"):
        load_dataset("hapt", tmp_path)


def test_no_data_dir_and_no_environment_variable(monkeypatch):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(DatasetNotFoundError, match=DATA_ENV_VAR):
        load_dataset("adl")


def test_data_dir_comes_from_the_environment_variable(monkeypatch, adl_dir):
    monkeypatch.setenv(DATA_ENV_VAR, str(adl_dir.parent))
    assert len(load_dataset("adl").X) == 3


def test_a_window_longer_than_every_recording_is_a_clear_error(adl_dir):
    with pytest.raises(WindowTooLongError, match=r"longer than every gap-free recording.*21\.9"):
        load_dataset("adl", adl_dir, window_seconds=60)


def test_unsupported_channels_name_the_supported_sensors(adl_dir):
    with pytest.raises(ValueError, match=r"provides sensors \('acc',\)"):
        load_dataset("adl", adl_dir, channels=("acc", "gyro"))


def test_adapter_options_are_validated_by_the_adapter(adl_dir):
    with pytest.raises(TypeError, match="no_such_option"):
        load_dataset("adl", adl_dir, no_such_option=True)


def test_list_datasets_shows_found_and_missing_data(adl_dir, hapt_dir):
    table = list_datasets(adl_dir.parent).set_index("name")
    assert BUILTIN <= set(table.index)
    assert table.loc["adl", "found"] and table.loc["hapt", "found"]
    assert table.loc["adl", "location"] == str(adl_dir)
    assert not table.loc["pamap2", "found"]
    assert table.loc["basic_motions", "found"]  # bundled with sktime


def test_info_records_provenance_and_processing(adl_dir):
    info = load_dataset("adl", adl_dir).info
    assert info["name"] == "adl"
    assert "Bruno" in info["citation"] and "commercial" in info["licence"]
    assert (info["original_rate"], info["rate"], info["n_timepoints"]) == (32.0, 30.0, 300)
    assert info["placement"] == "right wrist"
    assert info["n_windows"] == 3 and info["n_subjects"] == 2
