"""``tsfm demo``: pretrain FlowFM without labels, then probe it against an untrained encoder.

On the embedded default (sktime's bundled BasicMotions, no download) it runs in a
few minutes on two CPU cores:

1. pretrain FlowFM on the training series, labels unused;
2. fit ``FlowFMTransformer -> StandardScaler -> LogisticRegression`` on the training
   labels and score the test split;
3. do the same with a randomly initialised, untrained encoder of the same
   architecture, and print both;
4. sample signals from the pretrained generator (10 midpoint steps) and save a plot of
   them beside real training series.

The model and the plot go to --out, by default a new temporary directory (its path
is printed), so that a demo never litters the current directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from tsfm.commands._arguments import check_device, non_negative_int, output_dir, positive_int
from tsfm.config.presets import PRESETS

DEFAULT_DATASET = "basic_motions"
#: the settings of benchmarks/uea_probe.py, fixed in advance (tiny preset, 10 patches
#: per series, batch 32, AdamW lr 1e-3)
BATCH_SIZE = 32


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="pretrain FlowFM and compare its embeddings with an untrained encoder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=DEFAULT_DATASET,
                        help="dataset adapter name (default: the embedded BasicMotions)")
    parser.add_argument("--data-dir", default=None,
                        help="directory holding the dataset's original files")
    parser.add_argument("--model", default="tiny", choices=sorted(PRESETS),
                        help="size preset (default: tiny)")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help="pretraining epochs (default: about 2000 optimisation steps, "
                             "between 10 and 100 epochs)")
    parser.add_argument("--patch-size", type=positive_int, default=None,
                        help="patch size of encoder and velocity network (default: "
                             "round(T / 10), i.e. 10 patches per series)")
    parser.add_argument("--out", type=output_dir, default=None,
                        help="directory for the model and the plot of generated signals "
                             "(default: a new temporary directory)")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.set_defaults(func=run)


def check_args(args: argparse.Namespace) -> None:
    """Check what argparse cannot (the device, the dataset's name) before any work.

    Raises
    ------
    ValueError
        For CUDA asked for on a machine without it, or an unknown dataset.
    """
    check_device(args.device)
    if args.dataset != DEFAULT_DATASET or args.data_dir is not None:
        from tsfm.plugins import get_plugin

        get_plugin("dataset", args.dataset.partition(":")[0])


def output_directory(out: Path | None) -> Path:
    """``out``, or a new empty temporary directory when it is None."""
    return Path(tempfile.mkdtemp(prefix="tsfm-demo-")) if out is None else out


def load_demo_data(dataset: str, data_dir: str | None):
    """Return ``(X_train, y_train, X_test, y_test, description)``."""
    if dataset == DEFAULT_DATASET and data_dir is None:
        from sktime.datasets import load_basic_motions

        X_train, y_train = load_basic_motions(split="train", return_type="numpy3D")
        X_test, y_test = load_basic_motions(split="test", return_type="numpy3D")
        return X_train, y_train, X_test, y_test, "BasicMotions (sktime, archive train/test split)"
    from tsfm.datasets import load_dataset, train_test_split_subjects

    ds = load_dataset(dataset, data_dir=data_dir)
    return (*train_test_split_subjects(ds), ds.info.get("name", dataset))


def default_epochs(n_series: int, batch_size: int = 32, steps: int = 2000) -> int:
    """Epochs for about ``steps`` optimisation steps, clipped to [10, 100]."""
    batches = -(-n_series // batch_size)
    return int(min(100, max(10, round(steps / batches))))


def _plot_generated(pre, X_real, out: Path, *, seed: int) -> None:
    from tsfm import FlowFMSignalGenerator
    from tsfm.utils.plotting import plot_generated_vs_real

    gen = FlowFMSignalGenerator(pretrained=pre, solver="midpoint", steps=10).fit()
    samples = gen.sample(16, random_state=seed)
    path = plot_generated_vs_real(X_real, samples, out / "generated_vs_real.png",
                                  title="FlowFM samples (midpoint, 10 steps) vs real",
                                  random_state=seed)
    print(f"generated 16 signals with {gen.nfe_} network evaluations each; plot: {path}")


def _score(pipe: Pipeline, X_train, y_train, X_test, y_test) -> tuple[float, float]:
    pred = pipe.fit(X_train, y_train).predict(X_test)
    return accuracy_score(y_test, pred), f1_score(y_test, pred, average="macro")


def run(args: argparse.Namespace) -> int:
    from tsfm import FlowFMPretrainer, FlowFMTransformer

    check_args(args)
    X_train, y_train, X_test, y_test, description = load_demo_data(args.dataset, args.data_dir)
    print(f"dataset: {description}")
    classes = sorted(str(c) for c in set(y_train))
    print(f"  train {X_train.shape}, test {X_test.shape}, classes {classes}")
    arch = {"patch_size": args.patch_size or max(1, round(X_train.shape[2] / 10))}
    params = {
        "model": args.model, "encoder": arch, "velocity": arch, "device": args.device,
        "random_state": args.seed, "batch_size": BATCH_SIZE,
    }
    epochs = args.epochs if args.epochs is not None else default_epochs(len(X_train))
    start = time.perf_counter()
    pre = FlowFMPretrainer(max_epochs=epochs, verbose=1, **params).fit(X_train)
    seconds = time.perf_counter() - start
    out = pre.save_pretrained(output_directory(args.out))
    print(f"pretrained {args.model} FlowFM for {epochs} epochs in {seconds:.0f} s "
          f"(labels unused); saved to {out}/")

    _plot_generated(pre, X_train, Path(out), seed=args.seed)

    def probe(embedder) -> Pipeline:
        return Pipeline([("emb", embedder), ("scale", StandardScaler()),
                         ("clf", LogisticRegression(max_iter=5000))])

    rows = [
        ("FlowFM (pretrained)", probe(FlowFMTransformer(pretrained=Path(out),
                                                        device=args.device))),
        ("untrained encoder", probe(FlowFMTransformer(max_epochs=0, **params))),
    ]
    print(f"\n{'linear probe':<22}{'accuracy':>10}{'macro-F1':>10}")
    for name, pipe in rows:
        acc, f1 = _score(pipe, X_train, y_train, X_test, y_test)
        print(f"{name:<22}{acc:>10.3f}{f1:>10.3f}")
    return 0
