"""Method names, aliases and the estimators they build."""

from __future__ import annotations

import pytest
from sklearn.model_selection import GridSearchCV, GroupKFold

from tsfm import FlowFMClassifier
from tsfm.benchmarking import METHODS, resolve_methods
from tsfm.benchmarking.methods import build_estimator


def test_unknown_method_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown method 'flowfm-prob'.*flowfm-probe.*minirocket"):
        resolve_methods("flowfm-prob,minirocket")


def test_comma_list_keeps_table_order_without_duplicates():
    names = [m.name for m in resolve_methods("minirocket, flowfm-probe,minirocket")]
    assert names == ["flowfm-probe", "minirocket"]


def test_dgs_alias_covers_the_four_mask_probabilities_for_probe_and_finetune():
    methods = resolve_methods("dgs")
    masks = {(m.kind, m.encoder.mask_prob) for m in methods}
    assert masks == {(k, p) for k in ("probe", "finetune") for p in (0.0, 0.25, 0.5, 0.75)}


def test_all_covers_every_method_of_the_issue():
    expected = {"flowfm-probe", "flowfm-finetune", "difffm-probe", "difffm-finetune",
                "scratch", "random-probe", "minirocket", "features-rf"}
    assert expected <= {m.name for m in resolve_methods("all")} == set(METHODS)


def test_probe_is_a_grid_search_over_a_pipeline_loading_the_encoder_by_path(tiny_config):
    search = build_estimator(METHODS["flowfm-probe"], tiny_config, seed=3,
                             encoder_dir="/some/encoder", cv=GroupKFold(2))
    assert isinstance(search, GridSearchCV) and isinstance(search.cv, GroupKFold)
    assert [name for name, _ in search.estimator.steps] == ["embed", "scale", "clf"]
    assert search.estimator.named_steps["embed"].pretrained == "/some/encoder"
    assert search.param_grid == {"clf__C": [0.1, 1.0]}


def test_scratch_is_the_same_architecture_without_pretraining(tiny_config):
    clf = build_estimator(METHODS["scratch"], tiny_config, seed=3, encoder_dir=None, cv=None)
    assert isinstance(clf, FlowFMClassifier)
    assert clf.pretrained is None and clf.model == "tiny"
    assert clf.encoder == {"patch_size": 10} and clf.random_state == 3
    assert clf.max_epochs == tiny_config.finetune_epochs


def test_method_needing_an_encoder_without_one_is_an_error(tiny_config):
    with pytest.raises(ValueError, match="needs a pretrained encoder"):
        build_estimator(METHODS["flowfm-finetune"], tiny_config, seed=0, encoder_dir=None,
                        cv=None)
