"""``load_dataset`` / ``list_datasets``: registry, data directory resolution and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsfm.datasets import (
    DATA_ENV_VAR,
    DatasetNotFoundError,
    DatasetParameterError,
    WindowTooLongError,
    list_datasets,
    load_dataset,
)
from tsfm.plugins import list_plugins
from tsfm.utils.validation import check_panel

BUILTIN = {
    "adl", "basic_motions", "capture24", "hapt", "opportunity", "pamap2", "realworld",
    "uci_har", "uea", "wisdm", "wisdm_v1",
}
FINITE_RATE = r"rate must be a finite rate in Hz in \(0, 10000\]"
FINITE_WINDOW = r"window_seconds must be a finite, positive number of seconds"


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


def test_unknown_adapter_options_list_the_options_it_takes(adl_dir):
    with pytest.raises(TypeError, match=r"no option 'no_such_option'; its options are: include"):
        load_dataset("adl", adl_dir, no_such_option=True)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"rate": float("nan")}, r"rate=nan is invalid \(input should be a finite number\); "
         + FINITE_RATE),
        ({"rate": float("inf")}, r"rate=inf is invalid .*; " + FINITE_RATE),
        ({"rate": 1e30}, r"rate=1e\+30 is invalid \(input should be less than or equal to "
         r"10000\); " + FINITE_RATE),
        ({"window_seconds": float("nan")}, r"window_seconds=nan is invalid .*; " + FINITE_WINDOW),
        ({"window_seconds": float("inf")}, r"window_seconds=inf is invalid .*; " + FINITE_WINDOW),
        ({"max_subjects": 1.5}, r"max_subjects=1.5 is invalid \(input should be a valid "
         r"integer\); max_subjects must be an integer >= 1, or None"),
        ({"max_gap_seconds": -1}, r"max_gap_seconds=-1 is invalid .*; max_gap_seconds must be "
         r"a finite number of seconds >= 0"),
        ({"labelled_only": "no"}, r"labelled_only='no' is invalid .*must be a bool"),
    ],
)
def test_bad_arguments_name_the_parameter_and_its_valid_range(adl_dir, arguments, message):
    with pytest.raises(DatasetParameterError, match=message):
        load_dataset("adl", adl_dir, **arguments)


def test_a_missing_name_is_a_clear_error():
    with pytest.raises(DatasetParameterError, match=r"name must be a dataset name .* got None"):
        load_dataset(None, ".")


def test_a_bool_adapter_option_must_be_a_bool_not_a_string(hapt_dir):
    with pytest.raises(
        DatasetParameterError, match=r"option transitions='no' of dataset 'hapt' .* type bool"
    ):
        load_dataset("hapt", hapt_dir, transitions="no")


def test_numpy_scalars_are_accepted_like_python_numbers(adl_dir, hapt_dir):
    python = load_dataset("adl", adl_dir, rate=30.0, window_seconds=10, max_subjects=2)
    numpy = load_dataset(
        "adl", adl_dir, rate=np.float64(30.0), window_seconds=np.int64(10),
        max_subjects=np.int64(2), overlap=np.float32(0.0), labelled_only=np.bool_(True),
    )
    np.testing.assert_array_equal(numpy.X, python.X)
    assert numpy.info["rate"] == 30.0 and type(numpy.info["rate"]) is float
    no_transitions = load_dataset("hapt", hapt_dir, transitions=np.bool_(False))
    assert "STAND_TO_SIT" not in no_transitions.classes_


def test_stride_seconds_steps_the_windows_and_excludes_overlap(adl_dir):
    # m2's 700 samples at 32 Hz are 656 at 30 Hz: starts 0, 60, ..., 300 -> 6 windows; f1: 2
    ds = load_dataset("adl", adl_dir, stride_seconds=2)
    assert ds.metadata["start_time"].diff().dropna().round(6).isin([2.0]).sum() == 6
    assert len(ds.X) == 8 and ds.info["stride_seconds"] == 2.0
    with pytest.raises(DatasetParameterError, match="give overlap or stride_seconds, not both"):
        load_dataset("adl", adl_dir, stride_seconds=2, overlap=0.5)


@pytest.mark.parametrize("nested", [False, True])
def test_an_unequal_length_sktime_panel_says_how_to_make_lengths_equal(nested):
    if nested:
        X = pd.DataFrame({"a": [pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 2.0])]})
    else:
        index = pd.MultiIndex.from_tuples([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)])
        X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=index)
    with pytest.raises(
        ValueError, match=r"unequal lengths, which is not supported.*PaddingTransformer"
    ):
        check_panel(X)


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
