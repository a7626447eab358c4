"""``tsfm bench har`` on the command line."""

from __future__ import annotations

import pandas as pd

from tsfm.cli import main


def test_unknown_method_exits_with_the_valid_names(capsys, tmp_path):
    code = main(["bench", "har", "--dataset", "basic_motions", "--out", str(tmp_path),
                 "--methods", "flowfm-probe,rocket"])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown method 'rocket'" in err and "features-rf" in err
    assert not (tmp_path / "results.csv").exists()


def test_unknown_dataset_exits_with_the_valid_names(capsys, tmp_path):
    code = main(["bench", "har", "--dataset", "hapd", "--out", str(tmp_path)])
    assert code == 2
    assert "unknown dataset 'hapd'; valid names: ['adl'" in capsys.readouterr().err


def test_quick_run_on_the_bundled_archive_split_writes_the_outputs(tmp_path):
    out = tmp_path / "bm"
    code = main(["bench", "har", "--dataset", "basic_motions", "--out", str(out), "--quick",
                 "--methods", "flowfm-probe,features-rf", "--pretrain-epochs", "1",
                 "--seeds", "0,1", "--no-figures"])
    assert code == 0
    rows = pd.read_csv(out / "results.csv")
    # the archive split is the single outer fold, repeated over the two seeds
    assert sorted(zip(rows["method"], rows["seed"], rows["fold"], strict=True)) == [
        ("features-rf", 0, 0), ("features-rf", 1, 0),
        ("flowfm-probe", 0, 0), ("flowfm-probe", 1, 0)]
    assert set(rows["n_train_windows"]) == {40} and set(rows["n_test_windows"]) == {40}
    summary = (out / "summary.md").read_text()
    assert "archive's fixed TRAIN/TEST split" in summary and "**quick**" in summary
    assert "archive TRAIN/TEST (no subject ids)" in summary
    assert rows["n_train_subjects"].isna().all()


def test_pretrained_with_a_per_fold_method_exits_naming_the_valid_ones(capsys, tmp_path):
    code = main(["bench", "har", "--dataset", "basic_motions", "--out", str(tmp_path),
                 "--pretrained", str(tmp_path), "--methods", "flowfm-probe,difffm-probe"])
    assert code == 2
    err = capsys.readouterr().err
    assert "['difffm-probe'] pretrain their own encoder" in err and "'pretrained'" in err


def test_pretrained_run_resamples_to_the_model_rate_and_says_so(tmp_path):
    import torch

    from tsfm import FlowFMPretrainer
    from tsfm.datasets import load_dataset

    torch.set_num_threads(1)
    tiny = {"depth": 1, "width": 16, "heads": 2, "patch_size": 10}
    model = FlowFMPretrainer(model="tiny", max_epochs=1, encoder=tiny, velocity=tiny,
                             device="cpu", random_state=0).fit(load_dataset("basic_motions").X)
    model_dir = model.save_pretrained(tmp_path / "model")
    out = tmp_path / "bm"
    code = main(["bench", "har", "--dataset", "basic_motions", "--out", str(out), "--quick",
                 "--methods", "flowfm-probe", "--seeds", "0", "--no-figures",
                 "--pretrained", str(model_dir), "--model-rate", "20"])
    assert code == 0
    rows = pd.read_csv(out / "results.csv")
    assert rows["pretrain_epochs"].tolist() == [0]
    assert rows["pretraining_source"].str.startswith("pretrained model").all()
    summary = (out / "summary.md").read_text()
    # BasicMotions' 100 points at 10 Hz become 200 points at the model's 20 Hz
    assert "resampled to 20 Hz (from 10.0 Hz) at their own duration, 200 points" in summary
    assert "- Starting model: `" in summary and "Pretraining source" not in summary
