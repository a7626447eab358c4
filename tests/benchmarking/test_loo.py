"""Leave-one-dataset-out models on a one-subject corpus of the shared data."""

from __future__ import annotations

import json

import pytest
import torch

from tsfm import FlowFMPretrainer
from tsfm.benchmarking import loo
from tsfm.benchmarking.loo import LOOBudget, loo_corpus, loo_model

TINY = {"depth": 1, "width": 16, "heads": 2, "patch_size": 10}
BUDGET = LOOBudget(epochs=1, batch_size=64, encoder=TINY, velocity=TINY, max_subjects=1)


@pytest.fixture(scope="module")
def built(shared_data_dir, tmp_path_factory):
    """A model pretrained for one epoch on HAPT's first subject: ADL left out."""
    torch.set_num_threads(1)
    cache = tmp_path_factory.mktemp("cache")
    model = loo_model("adl", cache, data_dir=shared_data_dir, budget=BUDGET,
                      corpus=["hapt", "adl"], log=lambda message: None)
    return cache, model


def test_the_left_out_dataset_never_reaches_the_corpus(built):
    _, model = built
    assert model.corpus_datasets == ("hapt",) and not model.reused
    manifest = json.loads((model.corpus_dir / "manifest.json").read_text())
    assert manifest["info"]["window_seconds"] == 10.0 and manifest["n_timepoints"] == 300
    assert model.corpus_dir.name == "corpus-wrist-no-adl-max1"


def test_the_run_has_the_budget_and_exports_a_loadable_model(built):
    _, model = built
    run = json.loads((model.run_dir / "run.json").read_text())
    assert (run["epochs"], run["model"], run["encoder"]["width"]) == (1, "tiny", 16)
    assert model.run_dir.name == "loo-adl-max1-tiny-e1-s0"
    assert FlowFMPretrainer.from_pretrained(model.directory, device="cpu").n_timepoints_ == 300


def test_a_second_call_reuses_corpus_and_model_without_training(built, shared_data,
                                                                  monkeypatch):
    cache, first = built

    def no_training(*args, **kwargs):
        raise AssertionError("train_run must not run for a cached model")

    monkeypatch.setattr(loo, "train_run", no_training)
    monkeypatch.setattr(loo, "build_corpus", no_training)
    again = loo_model("adl", cache, data_dir=shared_data, budget=BUDGET,
                      corpus=["hapt", "adl"], log=lambda message: None)
    assert again.reused and again.directory == first.directory


def test_a_cached_corpus_of_other_datasets_is_refused(built, shared_data):
    cache, model = built
    (cache / "corpus-wrist-no-hapt-max1").symlink_to(model.corpus_dir)  # holds hapt
    with pytest.raises(ValueError, match=r"holds a corpus of \['hapt'\].*needs \['adl'\]"):
        loo_corpus("hapt", cache, data_dir=shared_data, corpus=["hapt", "adl"],
                   max_subjects=1, log=lambda message: None)


def test_the_patch_size_reaches_both_networks_and_the_run_name():
    config = LOOBudget(epochs=3, patch_size=10).run_config("corpus")
    assert config.encoder == {"patch_size": 10} and config.velocity == {"patch_size": 10}
    assert LOOBudget(epochs=3, patch_size=10).name() == "tiny-p10-e3-s0"
    assert LOOBudget(epochs=3).run_config("corpus").encoder is None


def test_crops_reach_the_run_and_its_name():
    budget = LOOBudget(epochs=30, patch_size=10, crop_scale=0.7)
    assert budget.run_config("corpus").augmentation == {"crop_scale": 0.7}
    assert budget.name() == "tiny-p10-crop0.7-e30-s0"
    assert LOOBudget(epochs=3).run_config("corpus").augmentation is None
