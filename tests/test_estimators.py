"""Estimator behaviour: pipelines, grid search, saving, determinism, formats, fine-tuning."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMTransformer
from tsfm.exceptions import ConfigError

TINY = {
    "model": "tiny", "device": "cpu", "encoder": {"patch_size": 5}, "velocity": {"patch_size": 5}
}


@pytest.fixture(scope="module")
def pretrained_dir(tmp_path_factory):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(32, 3, 40)).astype(np.float32)
    pre = FlowFMPretrainer(max_epochs=2, random_state=0, **TINY).fit(X)
    return pre.save_pretrained(tmp_path_factory.mktemp("model") / "my-model")


def test_scikit_learn_version_is_the_one_we_target():
    assert tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 9)


def test_pipeline_exactly_as_in_the_design(panel, labels):
    pipe = Pipeline([("emb", FlowFMTransformer()), ("clf", LogisticRegression())])
    pipe.fit(panel, labels)
    assert pipe.named_steps["emb"].embedding_dim_ == 128  # the "small" preset
    assert 0.0 <= pipe.score(panel, labels) <= 1.0
    assert pipe.predict(panel).shape == (24,)


def test_pipeline_with_pretrained_directory(pretrained_dir, panel, labels):
    pipe = Pipeline([("emb", FlowFMTransformer(pretrained=str(pretrained_dir))),
                     ("clf", LogisticRegression())])
    pipe.fit(panel[:16], labels[:16])
    assert pipe.predict_proba(panel[16:]).shape == (8, 2)


def test_grid_search_tunes_routed_architecture_and_dgs(panel, labels):
    groups = np.repeat(np.arange(6), 4)
    pipe = Pipeline([("emb", FlowFMTransformer(max_epochs=1, **TINY)),
                     ("clf", LogisticRegression())])
    grid = {"emb__mask_prob": [0.0, 0.5], "emb__encoder__depth": [1, 2], "clf__C": [0.1, 1.0]}
    search = GridSearchCV(pipe, grid, cv=GroupKFold(3)).fit(panel, labels, groups=groups)
    assert len(search.cv_results_["params"]) == 8
    best = search.best_estimator_.named_steps["emb"]
    assert best.encoder["depth"] == search.best_params_["emb__encoder__depth"]
    assert best.encoder["patch_size"] == 5  # routing keeps the other overrides
    assert len(best.pretrainer_.net_.module_.encoder.blocks.layers) == best.encoder["depth"]
    assert best.pretrainer_.config_.conditioner == (
        "dgs" if search.best_params_["emb__mask_prob"] > 0 else "representation"
    )


def test_routed_params_are_visible_and_settable():
    emb = FlowFMTransformer(encoder={"depth": 3})
    params = emb.get_params(deep=True)
    assert params["encoder__depth"] == 3
    emb.set_params(encoder__heads=2, velocity__width=32)
    assert emb.encoder == {"depth": 3, "heads": 2}
    assert emb.velocity == {"width": 32}
    assert clone(emb).get_params()["encoder__heads"] == 2


def test_fit_transform_returns_float_embeddings(panel):
    Z = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit_transform(panel)
    assert Z.shape == (24, 64) and Z.dtype == np.float32 and np.isfinite(Z).all()


def test_same_random_state_gives_identical_embeddings(panel):
    a = FlowFMTransformer(max_epochs=2, random_state=7, **TINY).fit_transform(panel)
    b = FlowFMTransformer(max_epochs=2, random_state=7, **TINY).fit_transform(panel)
    c = FlowFMTransformer(max_epochs=2, random_state=8, **TINY).fit_transform(panel)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_does_not_change_global_torch_rng(panel):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(panel)
    torch.testing.assert_close(torch.rand(3), expected)


def test_save_load_round_trip_gives_identical_embeddings(tmp_path, panel):
    pre = FlowFMPretrainer(max_epochs=2, random_state=0, **TINY).fit(panel)
    pre.save_pretrained(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json",
                                                                 "model.safetensors"]
    loaded = FlowFMPretrainer.from_pretrained(tmp_path / "m", device="cpu")
    np.testing.assert_array_equal(loaded.embed(panel), pre.embed(panel))
    np.testing.assert_array_equal(loaded.standardizer_.mean, pre.standardizer_.mean)
    assert loaded.get_params()["encoder"] == {"patch_size": 5}
    via_transformer = FlowFMTransformer(pretrained=tmp_path / "m", device="cpu").fit(panel)
    np.testing.assert_array_equal(via_transformer.transform(panel), pre.embed(panel))


def test_transformer_uses_a_fitted_pretrainer_as_is(panel):
    pre = FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(panel)
    emb = FlowFMTransformer(pretrained=pre).fit(panel)
    assert emb.pretrainer_ is pre


def test_transformer_pretrains_an_unfitted_pretrainer_on_the_training_data(panel):
    emb = FlowFMTransformer(pretrained=FlowFMPretrainer(max_epochs=1, random_state=0, **TINY))
    emb.fit(panel)
    assert emb.pretrainer_.n_timepoints_ == 40
    assert not hasattr(emb.pretrained, "net_")  # the given object is left untouched


def test_fitted_estimators_pickle(panel, labels):
    emb = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit(panel)
    restored = pickle.loads(pickle.dumps(emb))
    np.testing.assert_array_equal(restored.transform(panel), emb.transform(panel))
    clf = FlowFMClassifier(max_epochs=1, random_state=0, **{k: v for k, v in TINY.items()
                                                            if k != "velocity"})
    clf.fit(panel, labels)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict(panel),
                                  clf.predict(panel))


def test_sktime_panel_formats_give_the_same_embeddings(panel):
    from sktime.datatypes import convert_to

    emb = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit(panel)
    expected = emb.transform(panel)
    for fmt in ("pd-multiindex", "nested_univ"):
        np.testing.assert_allclose(emb.transform(convert_to(panel, fmt)), expected, atol=1e-6)


def test_other_lengths_are_embedded_by_interpolating_positions(panel):
    emb = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit(panel)
    assert emb.transform(panel[:, :, :25]).shape == (24, 64)


def test_classifier_fine_tunes_from_a_pretrained_model(pretrained_dir, panel, labels):
    clf = FlowFMClassifier(pretrained=pretrained_dir, max_epochs=15, lr=3e-3, random_state=0,
                           device="cpu").fit(panel, labels)
    assert list(clf.classes_) == ["fast", "slow"]
    proba = clf.predict_proba(panel)
    assert proba.shape == (24, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert clf.score(panel, labels) >= 0.9


def test_classifier_starts_from_the_pretrained_encoder_weights(pretrained_dir, panel, labels):
    import torch

    pre = FlowFMPretrainer.from_pretrained(pretrained_dir, device="cpu")
    clf = FlowFMClassifier(pretrained=pre, max_epochs=1, lr=1e-12, random_state=0,
                           device="cpu").fit(panel, labels)
    for name, weight in pre.net_.module_.encoder.state_dict().items():
        torch.testing.assert_close(clf.net_.module_.encoder.state_dict()[name], weight,
                                   atol=1e-6, rtol=0)


def test_verbose_prints_the_epoch_log(panel, capsys):
    # captured output is not a terminal: plain epoch lines, no progress bar
    # (tests/test_progress.py covers the terminal case)
    from skorch.callbacks import ProgressBar

    pre = FlowFMPretrainer(max_epochs=1, verbose=1, random_state=0, **TINY).fit(panel)
    assert not any(isinstance(cb, ProgressBar) for _, cb in pre.net_.callbacks_)
    assert "train_loss" in capsys.readouterr().out


def test_quiet_by_default_and_no_hidden_validation_split(panel, capsys):
    pre = FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(panel)
    assert capsys.readouterr().out == ""
    assert pre.net_.train_split is None
    assert "valid_loss" not in pre.history_[-1]


def _write_panel_shards(directory, X):
    import pandas as pd

    from tsfm.datasets import write_shards
    from tsfm.datasets.windowing import WindowBatch

    batches = [
        WindowBatch(X=X[i : i + 10], metadata=pd.DataFrame({
            "subject": ["s1"] * len(X[i : i + 10]), "activity": [None] * len(X[i : i + 10]),
            "source": ["synthetic"] * len(X[i : i + 10]), "start_time": 0.0,
        }))
        for i in range(0, len(X), 10)
    ]
    write_shards(batches, directory, shard_size=7)
    return directory


def test_pretraining_streams_a_shard_directory_like_the_array(tmp_path, panel):
    shards = _write_panel_shards(tmp_path / "shards", panel)
    from_shards = FlowFMPretrainer(max_epochs=2, random_state=0, **TINY).fit(str(shards))
    from_array = FlowFMPretrainer(max_epochs=2, random_state=0, **TINY).fit(panel)
    np.testing.assert_allclose(from_shards.standardizer_.mean, from_array.standardizer_.mean,
                               rtol=1e-5)
    np.testing.assert_allclose(from_shards.embed(panel), from_array.embed(panel), atol=1e-4)
    emb = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit(shards)
    assert emb.transform(panel).shape == (24, 64)


def test_pretraining_accepts_a_torch_dataset(panel):
    from torch.utils.data import Dataset

    class Windows(Dataset):
        def __len__(self):
            return len(panel)

        def __getitem__(self, i):
            return panel[i]

    pre = FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(Windows())
    assert (pre.n_channels_, pre.n_timepoints_) == (3, 40)


def test_streamed_window_with_nan_names_its_index(panel):
    from torch.utils.data import Dataset

    bad = panel.copy()
    bad[5, 0, 0] = np.nan

    class Windows(Dataset):
        def __len__(self):
            return len(bad)

        def __getitem__(self, i):
            return bad[i]

    with pytest.raises(ValueError, match="item 5 contains NaN"):
        FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(Windows())


def test_embed_validates_its_input_like_transform(panel):
    pre = FlowFMPretrainer(max_epochs=1, random_state=0, **TINY).fit(panel)
    bad = panel.copy()
    bad[2, 1, 5] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf.*first at series 2"):
        pre.embed(bad)
    with pytest.raises(ValueError, match="has 4 channels but the pretrained model expects 3"):
        pre.embed(np.zeros((2, 4, 40), dtype=np.float32))


def test_training_uses_the_loss_of_the_objective_plugin(tmp_path, panel):
    from plugin_env import on_sys_path, write_distribution

    (tmp_path / "tsfm_constant_loss.py").write_text(
        "from tsfm.plugins.hookspecs import hookimpl\n"
        "from tsfm_builtins.flow_matching import FlowMatchingGenerator\n\n\n"
        "class ConstantLoss(FlowMatchingGenerator):\n"
        "    name = 'constant_loss'\n\n"
        "    def loss(self, prediction, target):\n"
        "        return ((prediction - target) * 0.0).mean() + 7.0\n\n\n"
        "@hookimpl\n"
        "def tsfm_register_objectives():\n"
        "    return [ConstantLoss]\n"
    )
    write_distribution(tmp_path, "tsfm-constant-loss", "1.0", {"const": "tsfm_constant_loss"})
    with on_sys_path(tmp_path):
        pre = FlowFMPretrainer(objective="constant_loss", max_epochs=2, random_state=0, **TINY)
        pre.fit(panel)
    np.testing.assert_allclose(pre.history_[:, "train_loss"], [7.0, 7.0])


def test_layer_features_hold_every_block_pooled_and_end_with_the_representation(panel):
    emb = FlowFMTransformer(max_epochs=1, random_state=0, **TINY).fit(panel)
    layers = FlowFMTransformer(pretrained=emb.pretrainer_, features="layers").fit(panel)
    depth, width = emb.config_.encoder.depth, emb.config_.encoder.width
    Z, L = emb.transform(panel), layers.transform(panel)
    assert layers.embedding_dim_ == (depth + 1) * width == L.shape[1]
    np.testing.assert_allclose(L[:, -width:], Z, rtol=1e-5, atol=1e-6)
    assert not np.allclose(L[:, :width], Z[:, :width])  # a block's tokens, not r again
    assert len(layers.get_feature_names_out()) == L.shape[1]


def test_unknown_features_is_a_config_error(panel):
    with pytest.raises(ConfigError, match=r"features must be one of \['representation', "
                                          r"'layers'\], got 'all'"):
        FlowFMTransformer(max_epochs=1, features="all", **TINY).fit(panel)
