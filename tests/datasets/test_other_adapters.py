"""Adapters without real files here, on fixtures written in their published formats.

See ``conftest.py`` for what each fixture mirrors (layout, separators, units, codes).
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from tsfm.datasets import load_dataset


# ---------------------------------------------------------------------------- UCI-HAR
def test_uci_har_rows_are_windows_with_their_subject_and_label(uci_har_dir):
    ds = load_dataset("uci_har", uci_har_dir)
    assert ds.X.shape == (5, 3, 128)
    assert ds.info["rate"] == 50.0
    assert ds.y.tolist() == ["WALKING", "STANDING", "LAYING", "WALKING_UPSTAIRS"] + [
        "WALKING_UPSTAIRS"
    ]
    assert ds.groups.tolist() == ["1", "1", "3", "2", "2"]
    assert ds.metadata["split"].tolist() == ["train"] * 3 + ["test"] * 2
    np.testing.assert_allclose(ds.X[:, :, 10:-10], 1.012817, atol=1e-5)


def test_uci_har_gyro_and_resampling_to_30_hz(uci_har_dir):
    ds = load_dataset("uci_har", uci_har_dir, rate=30, channels=("acc", "gyro"))
    assert ds.X.shape == (5, 6, 77)
    np.testing.assert_allclose(ds.X[:, 3:, 10:-10], 0.25, atol=1e-3)


# ------------------------------------------------------------------------ WISDM 2019
def test_wisdm_activity_codes_subject_and_m_per_s2_to_g(wisdm_dir):
    ds = load_dataset("wisdm", wisdm_dir)
    assert ds.X.shape == (2, 3, 300)
    assert ds.y.tolist() == ["walking", "sitting"]
    assert set(ds.groups) == {"1600"}
    np.testing.assert_allclose(ds.X[0, 1, 20:-20], 1.0, atol=1e-3)
    assert ds.info["original_units"]["acc"] == "m/s^2"


def test_wisdm_malformed_line_is_counted_and_its_sample_interpolated(wisdm_dir):
    ds = load_dataset("wisdm", wisdm_dir)
    assert ds.info["drops"]["malformed_lines"] == 1
    assert ds.info["drops"]["interpolated_samples"] == 1


def test_wisdm_gyro_shares_the_accelerometer_grid(wisdm_dir):
    ds = load_dataset("wisdm", wisdm_dir, channels=("acc", "gyro"))
    np.testing.assert_allclose(ds.X[0, 3:, 20:-20].mean(axis=1), [0.1, 0.2, 0.3], atol=1e-3)


def test_wisdm_phone_device_reads_the_phone_folder(wisdm_dir):
    ds = load_dataset("wisdm", wisdm_dir, device="phone")
    assert ds.metadata["source"].str.startswith("phone/accel/").all()


# ------------------------------------------------------------------------- WISDM v1.1
def test_wisdm_v1_runs_become_labelled_recordings(wisdm_v1_dir):
    ds = load_dataset("wisdm_v1", wisdm_v1_dir)
    assert ds.X.shape == (2, 3, 300)
    assert ds.y.tolist() == ["Jogging", "Sitting"]
    assert ds.groups.tolist() == ["33", "7"]


def test_wisdm_v1_malformed_lines_are_skipped_counted_and_never_merged(wisdm_v1_dir):
    ds = load_dataset("wisdm_v1", wisdm_v1_dir)
    assert ds.info["drops"]["malformed_lines"] == 2
    assert ds.info["drops"]["interpolated_samples"] == 2
    np.testing.assert_allclose(ds.X[0, 1, 20:-20], 1.0, atol=1e-3)


# ----------------------------------------------------------------------------- PAMAP2
def test_pamap2_wrist_windows_and_activity_ids(pamap2_dir):
    ds = load_dataset("pamap2", pamap2_dir)
    assert ds.y.tolist() == ["walking", "sitting", "walking"]
    assert ds.groups.tolist() == ["101", "101", "102"]
    np.testing.assert_allclose(ds.X[:, 2, 20:-20], 1.0, atol=1e-3)


def test_pamap2_packet_drops_are_interpolated_or_cut(pamap2_dir):
    drops = load_dataset("pamap2", pamap2_dir).info["drops"]
    assert drops["interpolated_samples"] == 6  # 3 samples in each file
    assert (drops["cut_samples"], drops["gaps_cut"]) == (100, 1)


def test_pamap2_gyro_columns(pamap2_dir):
    ds = load_dataset("pamap2", pamap2_dir, channels=("gyro",))
    np.testing.assert_allclose(ds.X[:, 1, 20:-20], 0.1, atol=1e-3)


# -------------------------------------------------------------------------- RealWorld
def test_realworld_forearm_csvs_inside_zips(realworld_dir):
    ds = load_dataset("realworld", realworld_dir)
    assert ds.y.tolist() == ["climbingup", "walking"]
    assert ds.metadata["session"].tolist() == [2, 1]
    assert set(ds.groups) == {"1"}
    np.testing.assert_allclose(ds.X[1, 1, 20:-20], 1.0, atol=1e-3)


def test_realworld_position_option(realworld_dir):
    ds = load_dataset("realworld", realworld_dir, position="chest")
    assert ds.y.tolist() == ["walking"]
    np.testing.assert_allclose(ds.X[0, 0, 20:-20], 1.0, atol=1e-3)


def test_realworld_rejects_an_unknown_position(realworld_dir):
    with pytest.raises(ValueError, match="forearm"):
        load_dataset("realworld", realworld_dir, position="wrist")


# ------------------------------------------------------------------------ Opportunity
def test_opportunity_locomotion_from_the_right_lower_arm(opportunity_dir):
    ds = load_dataset("opportunity", opportunity_dir)
    assert ds.y.tolist() == ["Stand", "Stand"]
    assert ds.metadata["run"].tolist() == ["ADL1", "Drill"]
    np.testing.assert_allclose(ds.X[:, 1, 20:-20], 1.0, atol=1e-3)  # 1000 milli g


def test_opportunity_gestures_left_arm_and_no_drill(opportunity_dir):
    ds = load_dataset("opportunity", opportunity_dir, labels="gestures", wrist="LLA", drill=False)
    assert ds.y.tolist() == ["Open Door 1"]
    np.testing.assert_allclose(ds.X[0, 0, 20:-20], -1.0, atol=1e-3)


# ------------------------------------------------------------------------- Capture-24
def test_capture24_annotations_map_to_walmsley_classes_and_metadata(capture24_dir):
    ds = load_dataset("capture24", capture24_dir)
    assert ds.y.tolist() == ["sleep", "sedentary"]
    assert ds.metadata[["subject", "age", "sex"]].iloc[0].tolist() == ["P001", "38-52", "F"]
    assert ds.metadata["start_time"].iloc[0] == pytest.approx(1479003480.0)
    np.testing.assert_allclose(ds.X[:, 0, 20:-20], 1.0, atol=1e-3)


def test_capture24_other_label_scheme(capture24_dir):
    ds = load_dataset("capture24", capture24_dir, label_scheme="Willetts2018")
    assert ds.y.tolist() == ["sleep", "sit-stand"]


def test_capture24_unknown_label_scheme_lists_the_available_ones(capture24_dir):
    with pytest.raises(ValueError, match="Walmsley2020"):
        load_dataset("capture24", capture24_dir, label_scheme="Nope")


def test_wisdm_a_clock_too_sparse_for_20_hz_is_skipped_and_counted(wisdm_dir):
    path = wisdm_dir / "wisdm-dataset" / "raw" / "watch" / "accel" / "data_1600_accel_watch.txt"
    lines = path.read_text().splitlines()
    # the D block's timestamps advance by 0.2 s instead of 0.05 s: 3 of 4 grid points empty
    d_block = [line for line in lines if ",D," in line]
    sparse = [
        ",".join([f[0], f[1], str(int(f[2]) + i * 150_000_000), *f[3:]])
        for i, f in enumerate(line.split(",") for line in d_block)
    ]
    path.write_text("\n".join([line for line in lines if ",D," not in line] + sparse) + "\n")
    ds = load_dataset("wisdm", wisdm_dir)
    assert ds.y.tolist() == ["walking"]
    assert ds.info["drops"]["segments_with_unreliable_clock"] == 1


def test_capture24_unknown_annotations_are_counted_and_unlabelled(capture24_dir):
    root = capture24_dir / "capture24"
    text = (root / "P001.csv.gz").read_bytes()
    body = gzip.decompress(text).decode().replace("7030 sleeping;MET 0.95", "not in dictionary")
    (root / "P001.csv.gz").write_bytes(gzip.compress(body.encode()))
    labelled = load_dataset("capture24", capture24_dir)
    everything = load_dataset("capture24", capture24_dir, labelled_only=False)
    assert labelled.y.tolist() == ["sedentary"]
    assert labelled.info["drops"]["samples_with_unknown_annotation"] == 1200
    assert everything.y.tolist() == [None, "sedentary"]
