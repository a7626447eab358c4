"""The transfer benchmark's runner and report, on synthetic windows and a tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsfm.benchmarking import BenchmarkConfig, transfer
from tsfm.benchmarking.loo import LOOBudget, LOOModel
from tsfm.benchmarking.transfer import (
    TRANSFER_METHODS,
    resolve_datasets,
    resolve_transfer_methods,
    run_transfer,
)
from tsfm.benchmarking.transfer_report import summary_rows, transfer_sections

CONFIG = BenchmarkConfig(model="tiny", patch_size=10, pretrain_epochs=1, finetune_epochs=1,
                         batch_size=16, n_folds=2, inner_folds=2, seeds=(0,),
                         probe_C=(1.0,), quick=True)
KEYS = "loo-probe,corpus-probe,flowfm-probe,random-probe,corpus-finetune,scratch"


@pytest.fixture(scope="module")
def run(model_dir, make_har, at_rate, tmp_path_factory):
    """geotec's run with synthetic 60 Hz windows; the LOO model is the tiny model."""
    asked = {}

    def load(name, data_dir, **options):
        asked["load"] = (name, options)
        return at_rate(make_har(), 60.0)

    def loo(exclude, cache_dir, **kwargs):
        asked["loo"] = exclude
        return LOOModel(exclude, Path(model_dir), Path(model_dir).parent, Path("corpus"),
                        ("hapt", "adl", "smartfallmm"), 100, 6.0, reused=False)

    patch = pytest.MonkeyPatch()
    patch.setattr(transfer, "load_benchmark_data", load)
    patch.setattr(transfer, "loo_model", loo)
    try:
        result = run_transfer("geotec", resolve_transfer_methods(KEYS), CONFIG,
                              tmp_path_factory.mktemp("work"), data_dir=None,
                              shipped=str(model_dir), loo_budget=LOOBudget(epochs=1),
                              cache_dir="unused", max_subjects=3, log=lambda message: None)
    finally:
        patch.undo()
    return {"result": result, "asked": asked}


def test_the_loo_model_leaves_out_the_evaluated_dataset(run):
    assert run["asked"]["loo"] == "geotec"
    name, options = run["asked"]["load"]
    assert name == "geotec" and options["window_seconds"] == 1 and options["max_subjects"] == 3


def test_each_method_runs_from_its_source_on_the_same_folds(run):
    rows = run["result"].rows
    sources = rows.groupby("method")["source"].first().to_dict()
    assert sources == {"transfer-probe (LOO)": "loo", "random-probe": "loo",
                       "transfer-probe (in corpus)": "shipped", "scratch": "shipped",
                       "transfer-finetune (in corpus)": "shipped", "flowfm-probe": "per-fold"}
    folds = rows.groupby("method")["test_subjects"].apply(tuple)
    assert folds.nunique() == 1
    # pretrained runs never pretrain; the per-fold probe does, on the training folds
    assert set(rows.loc[rows["source"] != "per-fold", "pretrain_epochs"]) == {0}
    assert set(rows.loc[rows["source"] == "per-fold", "pretrain_epochs"]) == {1}


def test_every_run_saw_the_windows_resampled_to_30_hz(run):
    result = run["result"]
    assert result.data.X.shape[2] == 20
    assert {r.data.X.shape for r in result.runs.values()} == {result.data.X.shape}


def test_rows_follow_the_table_order(run):
    order = [m.method.name for m in TRANSFER_METHODS.values()]
    names = list(dict.fromkeys(run["result"].rows["method"]))
    assert names == [n for n in order if n in names]


def test_summary_states_smoke_budgets_targets_and_loo_models(run):
    methods = resolve_transfer_methods(KEYS)
    text = "\n\n".join(transfer_sections([run["result"]], methods, config=CONFIG,
                                         budget=LOOBudget(epochs=1), max_subjects=3))
    assert text.startswith("**Smoke run** (first 3 subjects")
    assert "| geotec | hapt, adl, smartfallmm | 100 | 0.1 |" in text
    assert "preset `tiny`, 1 epochs" in text
    # geotec alone cannot show a target "on every dataset"
    assert "on every dataset | met |" not in text and "hapt: not evaluated (not run)" in text
    rows = summary_rows([run["result"]])
    assert {r["method"] for r in rows} >= {"transfer-probe (LOO)", "scratch"}
    assert all(r["runs"] == 2 for r in rows)


def test_shipped_methods_without_a_shipped_model_are_an_error():
    with pytest.raises(ValueError, match=r"\['scratch'\] start from the shipped model"):
        run_transfer("hapt", resolve_transfer_methods("scratch,minirocket"), CONFIG, "unused",
                     data_dir=None, shipped=None, loo_budget=LOOBudget(), cache_dir="unused")


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown transfer method.*'loo-prob'.*loo-probe"):
        resolve_transfer_methods("loo-prob")
    with pytest.raises(ValueError, match="no transfer settings for.*'pamap2'.*smartfallmm"):
        resolve_datasets("hapt,pamap2")
    assert resolve_datasets(None) == ["hapt", "adl", "smartfallmm", "geotec"]
