"""``tsfm demo``: embed motion data with the shipped wrist model and probe it.

By default, on the embedded BasicMotions data (sktime's bundled copy, no download),
it runs in well under a minute on two CPU cores, with no pretraining step:

1. bring the accelerometer channels to the shipped model's input: 3 axes in g at its
   rate (BasicMotions: 10 Hz resampled to 30 Hz with the anti-aliased resampler;
   BasicMotions states no unit, its values read as m/s² without gravity and are
   divided by 9.81, see docs/pretrained_models.md);
2. fit ``FlowFMTransformer(pretrained="flowfm-wrist-small") -> StandardScaler ->
   LogisticRegression`` on the training labels and score the test split;
3. score the same probe on an untrained encoder of the same architecture, and
   ``StandardScaler -> LogisticRegression`` on the raw series, and print all three;
4. sample signals from the model (10 midpoint steps) and plot them beside real test
   windows, in g over seconds.

``--pretrain`` instead pretrains a new model on the dataset's training series
(labels unused) and probes that, the way a user with their own unlabelled data would.

The plot (and, with ``--pretrain``, the model) go to --out, by default a new temporary
directory (its path is printed), so that a demo never litters the current directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tsfm.commands._arguments import check_device, non_negative_int, output_dir, positive_int
from tsfm.config.presets import PRESETS

DEFAULT_DATASET = "basic_motions"
DEFAULT_MODEL = "flowfm-wrist-small"
#: BasicMotions: rate of sktime's copy, and m/s² -> g for its accelerometer channels
BASIC_MOTIONS_RATE = 10.0
STANDARD_GRAVITY = 9.80665
#: the settings of benchmarks/uea_probe.py, fixed in advance (tiny preset, 10 patches
#: per series, batch 32, AdamW lr 1e-3)
BATCH_SIZE = 32


@dataclass
class DemoData:
    """The demo's train/test split and how to describe and plot it."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    description: str
    rate: float | None = None
    unit: str | None = None


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="probe the shipped wrist model's embeddings against an untrained encoder "
             "and the raw series",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=DEFAULT_DATASET,
                        help="dataset adapter name (default: the embedded BasicMotions)")
    parser.add_argument("--data-dir", default=None,
                        help="directory holding the dataset's original files")
    parser.add_argument("--pretrained", default=DEFAULT_MODEL,
                        help="shipped model name, model directory or Hub id to embed with "
                             f"(default: {DEFAULT_MODEL}; see `tsfm models`)")
    parser.add_argument("--pretrain", action="store_true",
                        help="pretrain a new model on the dataset's training series instead "
                             "of using --pretrained")
    parser.add_argument("--model", default="tiny", choices=sorted(PRESETS),
                        help="size preset with --pretrain (default: tiny)")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help="pretraining epochs with --pretrain (default: about 2000 "
                             "optimisation steps, between 10 and 100 epochs)")
    parser.add_argument("--patch-size", type=positive_int, default=None,
                        help="patch size with --pretrain (default: round(T / 10), i.e. 10 "
                             "patches per series)")
    parser.add_argument("--out", type=output_dir, default=None,
                        help="directory for the plot of generated signals (and the model, "
                             "with --pretrain); default: a new temporary directory")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.set_defaults(func=run)


def check_args(args: argparse.Namespace):
    """Check what argparse cannot before any work; return the pretrained model's spec.

    Returns
    -------
    tsfm.benchmarking.pretrained.ModelSpec or None
        What ``--pretrained`` expects as input; None with ``--pretrain``.

    Raises
    ------
    ValueError
        For CUDA asked for on a machine without it, or an unknown dataset.
    tsfm.exceptions.CheckpointError
        For a ``--pretrained`` that is no model.
    """
    check_device(args.device)
    if args.dataset != DEFAULT_DATASET or args.data_dir is not None:
        from tsfm.plugins import get_plugin

        get_plugin("dataset", args.dataset.partition(":")[0])
    if args.pretrain:
        return None
    from tsfm.benchmarking.pretrained import describe_model

    return describe_model(args.pretrained)


def output_directory(out: Path | None) -> Path:
    """``out``, or a new empty temporary directory when it is None."""
    return Path(tempfile.mkdtemp(prefix="tsfm-demo-")) if out is None else out


def _basic_motions(model) -> DemoData:
    from sktime.datasets import load_basic_motions

    X_train, y_train = load_basic_motions(split="train", return_type="numpy3D")
    X_test, y_test = load_basic_motions(split="test", return_type="numpy3D")
    description = "BasicMotions (sktime, archive train/test split)"
    if model is None:
        return DemoData(X_train, y_train, X_test, y_test, description,
                        rate=BASIC_MOTIONS_RATE, unit="value (BasicMotions states no unit)")
    from tsfm.datasets import to_model_input

    def fit_input(X):  # accelerometer x, y, z; m/s² (gravity removed) -> g; 10 Hz -> model
        return to_model_input(X[:, :3] / STANDARD_GRAVITY, rate=BASIC_MOTIONS_RATE,
                              model_rate=model.rate)

    return DemoData(fit_input(X_train), y_train, fit_input(X_test), y_test,
                    f"{description}, accelerometer channels / 9.81 (read as m/s² without "
                    f"gravity), {BASIC_MOTIONS_RATE:g} Hz resampled to {model.rate:g} Hz",
                    rate=model.rate, unit="acceleration (g)")


def load_demo_data(dataset: str, data_dir: str | None, model=None) -> DemoData:
    """The demo's data, brought to ``model``'s input when one is given.

    Parameters
    ----------
    dataset : str
        ``"basic_motions"`` (embedded) or a dataset adapter name.
    data_dir : str or None
    model : tsfm.benchmarking.pretrained.ModelSpec, optional
        With a model, the accelerometer axes in g at its rate and window.

    Returns
    -------
    DemoData
    """
    if dataset == DEFAULT_DATASET and data_dir is None:
        return _basic_motions(model)
    from tsfm.datasets import load_dataset, train_test_split_subjects

    if model is None:
        ds = load_dataset(dataset, data_dir=data_dir)
    else:
        ds = load_dataset(dataset, data_dir=data_dir, rate=model.rate, channels=["acc"],
                          window_seconds=model.n_timepoints / model.rate)
    units = ds.info.get("units")
    return DemoData(*train_test_split_subjects(ds), ds.info.get("name", dataset),
                    rate=ds.info.get("rate"),
                    unit=f"acceleration ({units})" if model is not None and units else None)


def default_epochs(n_series: int, batch_size: int = 32, steps: int = 2000) -> int:
    """Epochs for about ``steps`` optimisation steps, clipped to [10, 100]."""
    batches = -(-n_series // batch_size)
    return int(min(100, max(10, round(steps / batches))))


def _plot_generated(pre, data: DemoData, out: Path, *, name: str, seed: int) -> None:
    from tsfm import FlowFMSignalGenerator
    from tsfm.utils.plotting import plot_generated_vs_real

    gen = FlowFMSignalGenerator(pretrained=pre, solver="midpoint", steps=10).fit()
    samples = gen.sample(16, random_state=seed)
    n_channels = data.X_test.shape[1]
    names = (["acc x", "acc y", "acc z"] if data.unit == "acceleration (g)" and n_channels == 3
             else None)
    path = plot_generated_vs_real(
        data.X_test, samples, out / "generated_vs_real.png", rate=data.rate, unit=data.unit,
        channel_names=names, random_state=seed,
        title=f"{name}: unconditional samples (midpoint, 10 steps) vs real test windows")
    print(f"generated 16 signals with {gen.nfe_} network evaluations each; plot: {path}")


def _probe(embedder):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("emb", embedder), ("scale", StandardScaler()),
                     ("clf", LogisticRegression(max_iter=5000))])


def _raw_series():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    return make_pipeline(FunctionTransformer(lambda X: np.asarray(X).reshape(len(X), -1)),
                         StandardScaler(), LogisticRegression(max_iter=5000))


def _print_scores(rows, data: DemoData) -> None:
    from sklearn.metrics import accuracy_score, f1_score

    print(f"\n{'linear probe':<34}{'accuracy':>10}{'macro-F1':>10}")
    for name, pipe in rows:
        pred = pipe.fit(data.X_train, data.y_train).predict(data.X_test)
        acc, f1 = accuracy_score(data.y_test, pred), f1_score(data.y_test, pred, average="macro")
        print(f"{name:<34}{acc:>10.3f}{f1:>10.3f}")


def _describe_data(data: DemoData) -> None:
    print(f"dataset: {data.description}")
    classes = sorted(str(c) for c in set(data.y_train))
    print(f"  train {data.X_train.shape}, test {data.X_test.shape}, classes {classes}")


def run_pretrained(args: argparse.Namespace, model) -> int:
    """The default demo: embed with ``model``, no pretraining."""
    from tsfm import FlowFMPretrainer, FlowFMTransformer

    data = load_demo_data(args.dataset, args.data_dir, model)
    _describe_data(data)
    print(f"model: {model.describe()}")
    out = output_directory(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pre = FlowFMPretrainer.from_pretrained(model.directory, device=args.device)
    _plot_generated(pre, data, out, name=str(args.pretrained), seed=args.seed)
    untrained = FlowFMTransformer(max_epochs=0, objective=model.objective, device=args.device,
                                  random_state=args.seed, **model.architecture())
    _print_scores([
        (f"{args.pretrained} (frozen)",
         _probe(FlowFMTransformer(pretrained=model.directory, device=args.device))),
        ("untrained encoder, same size", _probe(untrained)),
        ("raw series", _raw_series()),
    ], data)
    return 0


def run_pretraining(args: argparse.Namespace) -> int:
    """``--pretrain``: pretrain on the training series, then probe."""
    from tsfm import FlowFMPretrainer, FlowFMTransformer

    data = load_demo_data(args.dataset, args.data_dir)
    _describe_data(data)
    arch = {"patch_size": args.patch_size or max(1, round(data.X_train.shape[2] / 10))}
    params = {
        "model": args.model, "encoder": arch, "velocity": arch, "device": args.device,
        "random_state": args.seed, "batch_size": BATCH_SIZE,
    }
    epochs = args.epochs if args.epochs is not None else default_epochs(len(data.X_train))
    start = time.perf_counter()
    pre = FlowFMPretrainer(max_epochs=epochs, verbose=1, **params).fit(data.X_train)
    seconds = time.perf_counter() - start
    out = pre.save_pretrained(output_directory(args.out))
    print(f"pretrained {args.model} FlowFM for {epochs} epochs in {seconds:.0f} s "
          f"(labels unused); saved to {out}/")
    _plot_generated(pre, data, Path(out), name="FlowFM pretrained here", seed=args.seed)
    _print_scores([
        ("FlowFM (pretrained here)",
         _probe(FlowFMTransformer(pretrained=Path(out), device=args.device))),
        ("untrained encoder", _probe(FlowFMTransformer(max_epochs=0, **params))),
        ("raw series", _raw_series()),
    ], data)
    return 0


def run(args: argparse.Namespace) -> int:
    model = check_args(args)
    return run_pretraining(args) if model is None else run_pretrained(args, model)
