"""One full run of every method on the synthetic dataset, with a spy on pretraining."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from tsfm.benchmarking import METHODS, make_folds, resolve_methods, run_benchmark, write_report
from tsfm.benchmarking.pretraining import pretrain_encoder


@pytest.fixture(scope="module")
def run(tmp_path_factory, make_har):
    """Run all methods once (2 folds); record every call to the pretraining function."""
    pytest.importorskip("numba", reason="the minirocket method needs numba")
    torch.set_num_threads(1)
    from tsfm.benchmarking import BenchmarkConfig

    data = make_har()
    config = BenchmarkConfig(model="tiny", patch_size=10, pretrain_epochs=1, finetune_epochs=1,
                             batch_size=16, n_folds=2, inner_folds=2, seeds=(0,),
                             probe_C=(1.0,), quick=True)
    calls = []

    def spy(spec, X, index, **kwargs):
        calls.append((spec.key, np.array(index, copy=True)))
        return pretrain_encoder(spec, X, index, **kwargs)

    out = tmp_path_factory.mktemp("bench")
    result = run_benchmark(data, resolve_methods("all"), config, out, pretrain=spy,
                           log=lambda message: None)
    paths = write_report(result, out, command="pytest")
    return {"data": data, "result": result, "calls": calls, "paths": paths, "config": config}


def test_pretraining_never_sees_test_windows(run):
    folds = make_folds(run["data"], 2)
    # 5 trained variants (FlowFM x 4 masks, DiffFM) + the random encoder, per fold
    assert len(run["calls"]) == 6 * len(folds)
    for fold, (train, test) in enumerate(folds):
        for _, index in run["calls"][6 * fold: 6 * (fold + 1)]:
            np.testing.assert_array_equal(np.sort(index), np.sort(train))
            assert np.intersect1d(index, test).size == 0


def test_every_method_produces_one_row_per_fold_and_seed(run):
    rows = run["result"].rows
    assert sorted(rows["method"].unique()) == sorted(METHODS)
    assert (rows.groupby("method").size() == 2).all()
    assert rows[["accuracy", "macro_f1"]].apply(lambda c: c.between(0, 1)).all().all()
    assert (rows["n_train_windows"] + rows["n_test_windows"] == len(run["data"].X)).all()
    assert set(rows["n_test_subjects"]) == {3}


def test_budgets_and_pretraining_source_are_recorded(run):
    rows = run["result"].rows.set_index(["method", "fold"])
    assert rows.loc[("flowfm-finetune", 0), "pretrain_epochs"] == 1
    assert rows.loc[("flowfm-finetune", 0), "finetune_epochs"] == 1
    assert rows.loc[("random-probe", 0), "pretrain_epochs"] == 0
    assert rows.loc[("minirocket", 0), "pretrain_epochs"] == 0
    assert "never the test fold" in rows.loc[("flowfm-probe", 0), "pretraining_source"]
    assert rows.loc[("flowfm-probe", 0), "best_params"] == "{'clf__C': 1.0}"


def test_results_csv_matches_the_rows(run):
    written = pd.read_csv(run["paths"]["results"])
    assert len(written) == len(run["result"].rows) == 2 * len(METHODS)


def test_summary_has_table_targets_machine_and_protocol(run):
    text = run["paths"]["summary"].read_text()
    assert "| flowfm-probe |" in text and "| minirocket |" in text
    assert text.count("**") >= 4  # the best accuracy and macro-F1 are bold
    assert "## DGS ablation" in text and "| 0.25 |" in text
    assert "flowfm-finetune >= scratch + 3 macro-F1 points" in text
    assert "Command: `pytest`" in text and "Torch:" in text and "Commit:" in text
    assert "never the test fold" in text and "GroupKFold(2) over training subjects" in text


def test_figures_are_written(run):
    for key in ("confusion", "tsne", "macro_f1"):
        path = run["paths"][key]
        assert path.suffix == ".png" and path.read_bytes()[:4] == b"\x89PNG"
