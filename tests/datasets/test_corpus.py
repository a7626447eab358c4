"""Pretraining corpora: build_corpus, dataset specs, exclude, provenance, `tsfm prepare`.

The ``hapt_dir`` and ``adl_dir`` fixtures lie side by side in ``tmp_path``, so
``tmp_path`` is the data directory of a two-dataset corpus. A corpus steps its windows
through each recording across label boundaries. At 30 Hz, 10 s windows and a 2 s
stride, HAPT gives 22 windows: exp01 (40 s) 16, of which 2 lie in STANDING (0-12 s),
4 in SITTING (14-30 s) and 10 cross a boundary or the unlabelled end (label None);
exp02 (20 s of WALKING) 6. ADL gives 8: f1's 12.5 s walk 2, m2's 21.9 s walk 6, the
6.25 s climb none.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tsfm_builtins.datasets.adl import ADLAdapter
from tsfm_builtins.datasets.hapt import HAPTAdapter

from tsfm.cli import main
from tsfm.datasets import (
    WRIST_CORPUS,
    DatasetNotFoundError,
    DatasetParameterError,
    DatasetSpec,
    ShardDataset,
    build_corpus,
    corpus_table,
    load_dataset,
)
from tsfm.datasets.corpus import PROVENANCE_COLUMNS


@pytest.fixture
def data_dir(tmp_path, hapt_dir, adl_dir):
    return tmp_path


def test_every_window_records_its_dataset_subject_source_and_licence(data_dir, tmp_path):
    corpus = build_corpus(["hapt", "adl"], tmp_path / "c", data_dir, stride_seconds=2)
    meta = corpus.metadata
    assert tuple(meta.columns[: len(PROVENANCE_COLUMNS)]) == PROVENANCE_COLUMNS
    assert meta["dataset"].tolist() == ["hapt"] * 22 + ["adl"] * 8
    hapt, adl = meta[meta["dataset"] == "hapt"], meta[meta["dataset"] == "adl"]
    assert set(hapt["licence"]) == {HAPTAdapter.licence}
    assert set(adl["licence"]) == {ADLAdapter.licence}
    assert set(hapt["source"]) == {"acc_exp01_user01.txt", "acc_exp02_user02.txt"}
    assert set(adl["subject"]) == {"f1", "m2"}
    assert set(adl["device"]) == {ADLAdapter.sensor}  # no device column: the adapter's sensor


def test_the_manifest_describes_each_dataset(data_dir, tmp_path):
    corpus = build_corpus(["hapt", "adl"], tmp_path / "c", data_dir, stride_seconds=2)
    info = corpus.manifest["info"]
    assert (info["rate"], info["n_timepoints"], info["stride_seconds"]) == (30.0, 300, 2.0)
    assert info["labelled_only"] is False and info["continuous"] is True
    assert info["units"] == ["g"] * 3
    hapt = info["datasets"]["hapt"]
    assert (hapt["windows"], hapt["subjects"], hapt["devices"]) == (22, 2, [HAPTAdapter.sensor])
    assert hapt["hours"] == pytest.approx(60.0 / 3600)  # 40 s + 20 s of signal
    assert hapt["licence"] == HAPTAdapter.licence and "Reyes-Ortiz" in hapt["citation"]
    assert info["datasets"]["adl"]["hours"] == pytest.approx((375 + 657) / 30 / 3600)


def test_corpus_windows_equal_those_of_load_dataset(data_dir, tmp_path):
    corpus = build_corpus(["hapt", "adl"], tmp_path / "c", data_dir, stride_seconds=2)
    alone = load_dataset("hapt", data_dir, stride_seconds=2, labelled_only=False,
                         continuous=True)
    np.testing.assert_array_equal(np.stack([corpus[i] for i in range(22)]), alone.X)
    assert corpus.y[:22].tolist() == alone.y.tolist()


def test_corpus_windows_cross_label_boundaries_and_keep_labels_only_inside_one(
    data_dir, tmp_path
):
    labels = build_corpus(["hapt"], tmp_path / "c", data_dir, stride_seconds=2).y[:16]
    assert labels.tolist() == ["STANDING"] * 2 + [None] * 5 + ["SITTING"] * 4 + [None] * 5


def test_stride_seconds_gives_the_exact_window_count(data_dir, tmp_path):
    assert len(build_corpus(["hapt"], tmp_path / "a", data_dir, stride_seconds=2)) == 22
    assert len(build_corpus(["hapt"], tmp_path / "b", data_dir)) == 6  # stride = window


def test_subjects_of_different_datasets_never_share_a_group(data_dir, tmp_path):
    corpus = build_corpus(["hapt", "adl"], tmp_path / "c", data_dir)
    assert set(corpus.groups) == {"hapt/1", "hapt/2", "adl/f1", "adl/m2"}


def test_windows_that_are_not_acceleration_in_g_are_dropped_and_counted(data_dir, tmp_path):
    # exp02 written in m/s^2 under a file that should hold g: |a| = 9.8 "g" is no gravity
    acc = data_dir / "HAPT Data Set" / "RawData" / "acc_exp02_user02.txt"
    acc.write_text("0.0 9.80665 0.0\n" * 1000)
    corpus = build_corpus(["hapt"], tmp_path / "c", data_dir, stride_seconds=2)
    assert len(corpus) == 16 and set(corpus.metadata["source"]) == {"acc_exp01_user01.txt"}
    assert corpus.manifest["info"]["datasets"]["hapt"]["drops"]["implausible_windows"] == 6


def test_exclude_leaves_a_dataset_out(data_dir, tmp_path):
    corpus = build_corpus(["hapt", "adl"], tmp_path / "c", data_dir, exclude=["hapt"])
    assert set(corpus.metadata["dataset"]) == {"adl"}
    assert list(corpus.manifest["info"]["datasets"]) == ["adl"]


def test_excluding_a_dataset_not_in_the_corpus_is_an_error(data_dir, tmp_path):
    with pytest.raises(
        DatasetParameterError,
        match=r"exclude names \['geotec'\], which are not in the corpus; .* \['hapt', 'adl'\]",
    ):
        build_corpus(["hapt", "adl"], tmp_path / "c", data_dir, exclude=["geotec"])
    assert not (tmp_path / "c").exists()


def test_a_corpus_left_empty_by_exclude_is_an_error(data_dir, tmp_path):
    with pytest.raises(DatasetParameterError, match=r"the corpus is empty: datasets \['hapt'\]"):
        build_corpus(["hapt"], tmp_path / "c", data_dir, exclude="hapt")


def test_a_dataset_listed_twice_is_an_error(data_dir, tmp_path):
    with pytest.raises(DatasetParameterError, match=r"\['hapt'\] appear more than once"):
        build_corpus(["hapt", "hapt?transitions=false"], tmp_path / "c", data_dir)


def test_a_missing_dataset_fails_before_anything_is_written(data_dir, tmp_path):
    with pytest.raises(DatasetNotFoundError, match="GeoTec|geotec|sp-sw"):
        build_corpus(["hapt", "geotec?device=both"], tmp_path / "c", data_dir)
    assert not (tmp_path / "c").exists()


def test_spec_options_reach_the_adapter_and_the_manifest(data_dir, tmp_path):
    corpus = build_corpus(["hapt?transitions=false"], tmp_path / "c", data_dir)
    assert "STAND_TO_SIT" not in set(corpus.metadata["activity"].dropna())
    section = corpus.manifest["info"]["datasets"]["hapt"]
    assert section["options"] == {"transitions": False}
    assert section["spec"] == "hapt?transitions=false"


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("hapt", DatasetSpec("hapt")),
        ("smartfallmm?device=both&groups=old", DatasetSpec(
            "smartfallmm", {"device": "both", "groups": "old"})),
        ('smartfallmm?groups=["young","old"]', DatasetSpec(
            "smartfallmm", {"groups": ["young", "old"]})),
        ("uea:RacketSports?original_rate=10", DatasetSpec(
            "uea:RacketSports", {"original_rate": 10})),
    ],
)
def test_spec_strings_parse_and_print_back(text, spec):
    assert DatasetSpec.parse(text) == spec
    assert DatasetSpec.parse(str(spec)) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hapt?transitions", "malformed dataset spec"),
        ("hapt?transitions=true&transitions=false", "malformed dataset spec"),
        ("../hapt?x=1", "invalid dataset name"),
        ({"dataset": "hapt"}, "needs a 'name'"),
    ],
)
def test_malformed_specs_say_how_to_write_them(text, message):
    with pytest.raises(DatasetParameterError, match=message):
        DatasetSpec.parse(text)


def test_the_wrist_corpus_lists_the_shared_wrist_and_body_data():
    assert [str(spec) for spec in WRIST_CORPUS] == [
        "hapt", "adl", "geotec?device=both", "smartfallmm?device=both"
    ]


def test_prepare_corpus_prints_the_per_dataset_table(data_dir, tmp_path, capsys):
    out = tmp_path / "c"
    status = main(["prepare", "--dataset", "hapt", "--dataset", "adl", "--data-dir",
                   str(data_dir), "--out", str(out), "--stride-seconds", "2"])
    printed = capsys.readouterr().out
    assert status == 0
    rows = {line.split()[0]: line.split()[1:4] for line in printed.splitlines()[2:4]}
    assert rows == {"hapt": ["0.02", "22", "2"], "adl": ["0.01", "8", "2"]}
    assert f"manifest: {out / 'manifest.json'}" in printed
    assert corpus_table(out).loc["total", "windows"] == 30


def test_prepare_corpus_with_exclude_writes_a_leave_one_out_corpus(data_dir, tmp_path):
    out = tmp_path / "c"
    main(["prepare", "--dataset", "hapt", "--dataset", "adl", "--exclude", "adl",
          "--data-dir", str(data_dir), "--out", str(out)])
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest["info"]["datasets"]) == ["hapt"] and manifest["n_windows"] == 6


def test_prepare_rejects_a_name_together_with_corpus_options(data_dir, tmp_path, capsys):
    status = main(["prepare", "hapt", "--dataset", "adl", "--out", str(tmp_path / "c")])
    assert status == 2
    assert "either a dataset NAME or --dataset/--corpus" in capsys.readouterr().err


def test_real_one_dataset_corpus(shared_data, tmp_path):
    corpus = build_corpus(["hapt"], tmp_path / "c", shared_data, max_subjects=1,
                          stride_seconds=2)
    assert isinstance(corpus, ShardDataset) and corpus.n_timepoints == 300
    section = corpus.manifest["info"]["datasets"]["hapt"]
    assert section["subjects"] == 1 and section["windows"] == len(corpus) > 100
    assert set(corpus.metadata["source"]) == {"acc_exp01_user01.txt", "acc_exp02_user01.txt"}
    assert corpus.metadata["activity"].isna().any()  # unlabelled stretches are kept
