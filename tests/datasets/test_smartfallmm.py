"""SmartFallMM: fixture files in the published layout, and the real files in ../shared/data."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest
from tsfm_builtins.datasets.smartfallmm import ACTIVITIES, SmartFallMMAdapter

from tsfm.datasets import WindowedDataset, load_dataset
from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.units import to_g

WATCH_XYZ = (-4.5415773, -1.4333007, 8.937193)  # m/s^2
META_XYZ = (0.827, -0.013, 0.635)  # g
WATCH_START = np.datetime64("2022-07-20T15:16:00.862", "ms")
META_START = np.datetime64("2022-07-20T15:17:07.680", "ms")
#: watch line numbers (0-based) holding a repeated timestamp, too few fields, a time without date
REPEATED, SHORT, TIME_ONLY = 100, 200, 300


def watch_csv(n: int, start: np.datetime64, faults: bool = False) -> str:
    """``time,x,y,z`` lines at 32 Hz with millisecond times (so the interval jitters)."""
    stamps = [str(start + np.timedelta64(round(31.25 * i), "ms")).replace("T", " ")
              for i in range(n)]
    stamps[n // 2] += "000"  # some files write microseconds
    if faults:
        stamps[REPEATED] = stamps[REPEATED - 1]
    lines = [f"{t},{WATCH_XYZ[0]},{WATCH_XYZ[1]},{WATCH_XYZ[2]}" for t in stamps]
    if faults:
        lines[SHORT] = f"{stamps[SHORT]},{WATCH_XYZ[0]},{WATCH_XYZ[1]}"
        lines[TIME_ONLY] = lines[TIME_ONLY].split(" ", 1)[1]  # "15:16:10.237,..."
    return "\n".join(lines) + "\n"


def meta_csv(n: int, start: np.datetime64, rounded_epoch: bool = False) -> str:
    """``epoch_ms,iso_time,elapsed_s,x,y,z`` lines at 50 Hz, optionally with the epoch
    rounded by a spreadsheet (``1.65835E+12`` then ``1658350000000.0``) as in some files."""
    lines = []
    for i in range(n):
        stamp = start + np.timedelta64(20 * i, "ms")
        epoch = str(stamp.astype(np.int64))
        if rounded_epoch:
            epoch = "1.65835E+12" if i == 0 else "1658350000000.0"
        x, y, z = META_XYZ
        lines.append(f"{epoch},{stamp},{round(0.02 * i, 2)},{x},{y},{z}")
    return "\n".join(lines) + "\n"


def _write(root: Path, group: str, device: str, name: str, text: str) -> None:
    path = root / group / "accelerometer" / device / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def sfm_dir(tmp_path: Path) -> Path:
    """SmartFallMM-Dataset with young S28 (backfall 12.5 s with faulty lines, drinking 5 s)
    and old S01 (drinking 11 s), watch and meta_wrist."""
    root = tmp_path / "SmartFallMM-Dataset"
    _write(root, "young", "watch", "S28A10T01.csv", watch_csv(400, WATCH_START, faults=True))
    _write(root, "young", "watch", "S28A01T01.csv", watch_csv(160, WATCH_START + 60_000))
    _write(root, "old", "watch", "S01A01T01.csv", watch_csv(352, WATCH_START + 10**6))
    _write(root, "young", "meta_wrist", "S28A10T01.csv",
           meta_csv(600, META_START, rounded_epoch=True))
    _write(root, "old", "meta_wrist", "S01A01T01.csv", meta_csv(550, META_START + 10**6))
    _write(root, "old", "watch", "notes.csv", "not a trial\n")
    return tmp_path


def test_fixture_trials_are_recordings_labelled_with_their_activity(sfm_dir):
    ds = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10)
    assert ds.X.shape == (2, 3, 320)
    assert ds.y.tolist() == ["drinking_water", "backfall"]
    assert ds.groups.tolist() == ["S01", "S28"]
    meta = ds.metadata
    assert meta["age_group"].tolist() == ["old", "young"]
    assert meta["is_fall"].tolist() == [False, True]
    assert meta[["activity_code", "trial"]].values.tolist() == [[1, 1], [10, 1]]
    assert meta["source"].tolist() == [
        "old/accelerometer/watch/S01A01T01.csv", "young/accelerometer/watch/S28A10T01.csv"]
    assert ds.info["drops"]["segments_shorter_than_window"] == 1  # the 5 s trial


def test_watch_m_per_s2_is_converted_to_g_exactly_as_the_shared_units_code(sfm_dir):
    ds = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10)
    expected = to_g(np.array(WATCH_XYZ), "m/s^2").astype(np.float32)
    np.testing.assert_array_equal(ds.X, np.broadcast_to(expected[None, :, None], ds.X.shape))
    assert ds.info["original_units"] == {"acc": "m/s^2"} and ds.info["units"] == ["g"] * 3


def test_repeated_timestamps_and_malformed_lines_are_counted(sfm_dir):
    drops = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10).info["drops"]
    assert drops["malformed_lines"] == 2  # too few fields; time without a date
    assert drops["duplicate_or_out_of_order_samples"] == 1
    assert drops["interpolated_samples"] == 3


def test_meta_wrist_takes_its_time_from_the_iso_field_and_keeps_g(sfm_dir):
    ds = load_dataset("smartfallmm", sfm_dir, rate=50, window_seconds=10, device="meta_wrist")
    assert ds.X.shape == (2, 3, 500)
    np.testing.assert_array_equal(ds.X, np.broadcast_to(
        np.float32(META_XYZ)[None, :, None], ds.X.shape))
    young = ds.metadata[ds.metadata["subject"] == "S28"].iloc[0]
    assert young["source"] == "young/accelerometer/meta_wrist/S28A10T01.csv"
    # the rounded epoch field (1.65835E+12) is not used: 2022-07-20 15:17:07.680
    assert young["start_time"] == pytest.approx(1658330227.680)
    assert ds.info["original_rate"] == 50.0 and ds.info["original_units"] == {"acc": "g"}


def test_both_devices_are_separate_recordings_at_their_own_rates(sfm_dir):
    ds = load_dataset("smartfallmm", sfm_dir, rate=30, window_seconds=10, device="both")
    assert len(ds) == 4
    assert ds.metadata.groupby("device")["subject"].apply(list).to_dict() == {
        "meta_wrist": ["S01", "S28"], "watch": ["S01", "S28"]}
    assert ds.info["original_rate"] is None
    assert ds.info["device_rates"] == {"watch": 32.0, "meta_wrist": 50.0}


def test_resampling_to_the_requested_rate(sfm_dir):
    ds = load_dataset("smartfallmm", sfm_dir, rate=16, window_seconds=2)
    # 12.5 s -> 6 windows, 5 s -> 2, 11 s -> 5; each 2 s at 16 Hz
    assert ds.X.shape == (13, 3, 32)
    assert ds.info["rate"] == 16.0 and ds.info["original_rate"] == 32.0


def test_groups_option_selects_participants(sfm_dir):
    old = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10, groups="old")
    young = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10, groups=["young"])
    assert set(old.groups) == {"S01"} and set(young.groups) == {"S28"}
    assert young.info["options"] == {"device": "watch", "groups": ("young",)}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"device": "phone"}, r"device must be one of .*'watch', 'meta_wrist', 'both'"),
        ({"groups": "adults"}, r"groups must be 'young', 'old' or both"),
        ({"groups": ()}, r"groups must be 'young', 'old' or both"),
    ],
)
def test_unknown_option_values_are_clear_errors(sfm_dir, options, message):
    with pytest.raises(DatasetParameterError, match=message):
        load_dataset("smartfallmm", sfm_dir, **options)


def test_falls_are_exposed_for_anomaly_detection():
    assert len(ACTIVITIES) == 14
    assert SmartFallMMAdapter.fall_activities == {
        "backfall", "frontfall", "leftfall", "rightfall", "rotatefall"}


def test_a_number_used_by_both_groups_gets_the_group_in_its_id(sfm_dir):
    root = sfm_dir / "SmartFallMM-Dataset"
    _write(root, "old", "watch", "S28A01T02.csv", watch_csv(352, WATCH_START))
    assert SmartFallMMAdapter().subjects(root) == ["S01", "old-S28", "young-S28"]


def test_a_clock_jump_splits_a_trial_into_two_recordings(sfm_dir):
    root = sfm_dir / "SmartFallMM-Dataset"
    text = watch_csv(352, WATCH_START) + watch_csv(352, WATCH_START + 60_000)
    _write(root, "young", "watch", "S28A02T01.csv", text)
    ds = load_dataset("smartfallmm", sfm_dir, rate=32, window_seconds=10, groups="young")
    assert ds.y.tolist() == ["pick_up_object", "pick_up_object", "backfall"]
    starts = ds.metadata["start_time"].tolist()
    assert starts[1] - starts[0] == pytest.approx(60.0)


# ------------------------------------------------------------------------ real files
@pytest.fixture
def sfm_root(shared_data) -> Path:
    return shared_data / "SmartFallMM"


@functools.cache
def _real(root: str, device: str, groups: str) -> WindowedDataset:
    return load_dataset("smartfallmm", root, rate=30, window_seconds=2, device=device,
                        groups=groups, max_subjects=1)


def test_real_subjects_per_device_and_group(sfm_root):
    def count(device, groups):
        return len(SmartFallMMAdapter(device=device, groups=groups).subjects(sfm_root))

    assert (count("watch", "young"), count("watch", "old")) == (16, 24)
    assert (count("meta_wrist", "young"), count("meta_wrist", "old")) == (16, 24)
    assert (count("watch", ("young", "old")), count("both", ("young", "old"))) == (40, 41)


def test_real_file_names_use_at_most_14_activities_and_falls_only_in_the_young(sfm_root):
    codes = {}
    for group in ("young", "old"):
        names = [p.name for p in sfm_root.glob(f"{group}/accelerometer/*/S*.csv")]
        codes[group] = {int(re.match(r"S\d+A(\d+)T\d+", n).group(1)) for n in names}
    assert codes["young"] | codes["old"] <= set(ACTIVITIES)
    assert {10, 11, 12, 13, 14} <= codes["young"] and not codes["old"] & {10, 11, 12, 13, 14}


def test_real_young_watch_subject_has_falls_in_g(sfm_root):
    ds = _real(str(sfm_root), "watch", "young")
    assert set(ds.groups) == {"S28"} and set(ds.metadata["age_group"]) == {"young"}
    # S28's watch files hold two fall types (A12, A13); A10, A11 and A14 are missing
    assert set(ds.classes_) & SmartFallMMAdapter.fall_activities == {"leftfall", "rightfall"}
    assert len(ds.classes_) <= 14
    falls = ds.metadata["activity"].isin(SmartFallMMAdapter.fall_activities)
    assert (ds.metadata["is_fall"] == falls).all()
    assert 0.8 < np.median(np.linalg.norm(ds.X, axis=1)) < 1.2


def test_real_old_meta_wrist_subject(sfm_root):
    ds = _real(str(sfm_root), "meta_wrist", "old")
    assert set(ds.groups) == {"S01"} and not ds.metadata["is_fall"].any()
    assert ds.info["original_units"] == {"acc": "g"}
    assert 0.8 < np.median(np.linalg.norm(ds.X, axis=1)) < 1.2


@pytest.mark.slow
def test_real_counts_quoted_in_the_docs(sfm_root):
    ds = load_dataset("smartfallmm", sfm_root, rate=30, window_seconds=10, overlap=0.8,
                      labelled_only=False, device="both")
    per_device = ds.metadata.groupby("device").agg(windows=("subject", "size"),
                                                   subjects=("subject", "nunique"))
    assert per_device.to_dict("index") == {"meta_wrist": {"windows": 2297, "subjects": 40},
                                           "watch": {"windows": 738, "subjects": 37}}
    assert len(ds.classes_) == 14 and len(set(ds.groups)) == 41
    drops = ds.info["drops"]
    assert (drops["malformed_lines"], drops["files_without_a_valid_line"]) == (4145, 6)
    assert drops["duplicate_or_out_of_order_samples"] == 534382
