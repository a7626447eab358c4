"""Starting the HAR benchmark from a pretrained model (``--pretrained``)."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm import FlowFMPretrainer
from tsfm.benchmarking import METHODS, BenchmarkConfig, BenchmarkData, resolve_methods
from tsfm.benchmarking.methods import PRETRAINED_METHODS, build_estimator
from tsfm.benchmarking.pretrained import describe_model, fit_to_model
from tsfm.benchmarking.protocol import run_benchmark


def test_model_spec_reads_shape_patch_and_default_rate(model_dir):
    spec = describe_model(model_dir, default_rate=25.0)
    assert (spec.n_channels, spec.n_timepoints, spec.patch_size) == (3, 40, 10)
    assert spec.rate == 25.0 and "config.json states no rate" in spec.rate_source
    assert spec.architecture()["encoder"]["width"] == 16
    assert spec.preset == "tiny" and spec.corpus_datasets is None


def test_an_unknown_corpus_points_to_the_model_card_where_there_is_one(model_dir):
    assert describe_model(model_dir).describe().endswith("pretraining corpus: unknown)")
    shipped = describe_model("flowfm-wrist-small")
    assert shipped.describe().endswith(
        f"pretraining corpus: see its model card, {shipped.directory / 'README.md'})")


def test_windows_are_resampled_to_the_model_rate_at_their_own_duration(model_dir, har_data,
                                                                         at_rate):
    spec = describe_model(model_dir, default_rate=30.0)
    data = at_rate(har_data, 60.0)  # 40 points at 60 Hz: 0.67 s
    fitted = fit_to_model(data, spec)
    assert fitted.X.shape == (len(data.X), 3, 20)
    assert fitted.info["rate"] == 30.0 and fitted.info["resampled_from"] == 60.0
    np.testing.assert_array_equal(fitted.y, data.y)


def test_windows_shorter_than_a_patch_after_resampling_are_refused(model_dir, har_data, at_rate):
    spec = describe_model(model_dir, default_rate=30.0)
    with pytest.raises(ValueError, match=r"fewer than one patch \(10\).*at least 0.333"):
        fit_to_model(at_rate(har_data, 150.0), spec)  # 40 points -> 8


def test_channel_mismatch_names_the_fix(model_dir, har_data):
    spec = describe_model(model_dir)
    data = BenchmarkData(name="six", X=np.zeros((4, 6, 40)), y=np.array(list("abab")),
                         groups=np.array(list("ssuu")), info={"rate": 30.0})
    with pytest.raises(ValueError, match="has 6 channels.*expects 3.*channels=\\['acc'\\]"):
        fit_to_model(data, spec)


def test_pretrained_aliases_keep_only_the_methods_that_can_start_from_a_model():
    assert [m.name for m in resolve_methods("all", pretrained=True)] == PRETRAINED_METHODS
    assert "difffm-probe" not in PRETRAINED_METHODS and "random-probe" in PRETRAINED_METHODS
    with pytest.raises(ValueError, match=r"\['difffm-probe'\] pretrain their own encoder"):
        resolve_methods("flowfm-probe,difffm-probe", pretrained=True)


def test_scratch_takes_the_architecture_it_is_given(model_dir, tiny_config):
    arch = describe_model(model_dir).architecture()
    clf = build_estimator(METHODS["scratch"], tiny_config, seed=0, encoder_dir=None, cv=None,
                          architecture=arch)
    assert clf.pretrained is None and clf.model == "tiny"
    assert clf.encoder == arch["encoder"] and clf.encoder["patch_size"] == 10


@pytest.fixture(scope="module")
def pretrained_run(model_dir, make_har, at_rate, tmp_path_factory, request):
    """probe, fine-tune, random-probe and scratch from the model; every pretrainer fit spied."""
    fits = []
    original = FlowFMPretrainer.fit

    def spy(self, X, y=None, **kwargs):
        fits.append(self.max_epochs)
        return original(self, X, y, **kwargs)

    patch = pytest.MonkeyPatch()
    request.addfinalizer(patch.undo)
    patch.setattr(FlowFMPretrainer, "fit", spy)
    data = at_rate(make_har(), 60.0)
    config = BenchmarkConfig(model="small", finetune_epochs=1, batch_size=16, n_folds=2,
                             inner_folds=2, seeds=(0,), probe_C=(1.0,), quick=True,
                             pretrained=str(model_dir), model_rate=30.0)
    methods = resolve_methods("flowfm-probe,flowfm-finetune,random-probe,scratch",
                              pretrained=True)
    result = run_benchmark(data, methods, config, tmp_path_factory.mktemp("run"),
                           log=lambda message: None, keep_encoders=False)
    return {"result": result, "fits": fits, "model_dir": model_dir}


def test_pretrained_methods_never_pretrain_per_fold(pretrained_run):
    # the only pretrainer fits are random-probe's untrained initialisations, one per fold
    assert pretrained_run["fits"] == [0, 0]
    rows = pretrained_run["result"].rows.set_index(["method", "fold"])
    for method in ("flowfm-probe", "flowfm-finetune"):
        assert rows.loc[(method, 0), "pretrain_epochs"] == 0
        assert rows.loc[(method, 0), "pretraining_source"].startswith(
            f"pretrained model {pretrained_run['model_dir']}")
    assert rows.loc[("random-probe", 1), "pretraining_source"].startswith("untrained")


def test_every_method_saw_windows_at_the_model_rate(pretrained_run):
    result = pretrained_run["result"]
    assert result.data.X.shape[2] == 20 and result.data.info["resampled_from"] == 60.0
    assert result.model.rate == 30.0
    # scratch and the probes are named after the model they take their architecture from
    rows = result.rows.set_index(["method", "fold"])
    assert rows.loc[("scratch", 0), "model"] == f"tiny ({pretrained_run['model_dir']})"


def test_the_pretrained_model_survives_keep_encoders_false(pretrained_run):
    assert (pretrained_run["model_dir"] / "model.safetensors").is_file()
