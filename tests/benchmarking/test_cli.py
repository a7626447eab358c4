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
