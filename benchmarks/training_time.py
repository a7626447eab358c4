"""Training time to target: FlowFM against its diffusion twin DiffFM (paper Sec. 5.4).

Both twins are trained side by side in one run, with the same data (HAPT, 30 Hz,
10 s windows, training subjects), architecture, batch size, optimiser, epochs and
seed; only the generator differs. Every ``--eval-every`` epochs, outside the timed
training, each model is scored by

- a linear probe: logistic regression on the frozen encoder's representations of
  the training subjects, macro-F1 on the held-out subjects;
- FID of 1 sample per held-out window (unconditional, DGS null condition) against
  the held-out windows, with the frozen HAPT feature extractor. FlowFM samples
  with midpoint-10 (20 NFE), DiffFM with DDIM-50 (DDPM-1000 at every evaluation
  would cost more than the training itself).

Reported: the training wall time (sum of skorch's epoch durations) at which FlowFM
first reaches DiffFM's final probe F1 and final FID, as a fraction of DiffFM's
training time, and the per-step time ratio. The trained models are saved for
``generation_speed_quality.py``.

Usage::

    python benchmarks/training_time.py [--epochs 100] [--eval-every 5]
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
from _generation_common import (
    RESULTS,
    TWIN_PARAMS,
    TWINS,
    load_or_train_extractor,
    load_split,
    machine,
    markdown_table,
    setup_torch,
    twin,
    write_report,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.metrics import fid
from tsfm.training.normalization import ChannelStandardizer

SAMPLERS = {"FlowFM": ("midpoint", 10), "DiffFM": ("ddim", 50)}


class Evaluate(Callback):
    """Probe F1 and FID every few epochs; not part of the timed training."""

    def __init__(self, name, split, extractor, every, n_epochs):
        self.name, self.split, self.extractor = name, split, extractor
        self.every, self.n_epochs = every, n_epochs
        self.standardizer = ChannelStandardizer.fit(split["X_train"])  # as the pretrainer's
        self.real_features = extractor.transform(split["X_test"])
        self.records: list[dict] = []

    def _snapshot(self, net) -> FlowFMPretrainer:
        pre = FlowFMPretrainer()
        pre.net_, pre.config_, pre.standardizer_ = net, net.module_.config, self.standardizer
        pre.n_channels_, pre.n_timepoints_ = self.split["X_train"].shape[1:]
        return pre

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if epoch % self.every and epoch != self.n_epochs:
            return
        started = time.perf_counter()
        pre = self._snapshot(net)
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        probe.fit(pre.embed(self.split["X_train"]), self.split["y_train"])
        f1 = f1_score(self.split["y_test"], probe.predict(pre.embed(self.split["X_test"])),
                      average="macro")
        solver, steps = SAMPLERS[self.name]
        gen = FlowFMSignalGenerator(pretrained=pre, solver=solver, steps=steps).fit()
        samples = gen.sample(len(self.split["X_test"]), random_state=0)
        finite = np.isfinite(samples).all()
        score = fid(self.real_features, self.extractor.transform(samples)) if finite else np.inf
        self.records.append({
            "model": self.name, "epoch": epoch,
            "train_time_s": float(sum(net.history[:, "dur"])),
            "train_loss": float(net.history[-1, "train_loss"]),
            "probe_macro_f1": float(f1), "fid": float(score),
            "eval_time_s": time.perf_counter() - started,
        })
        print(f"  {self.name:6s} epoch {epoch:3d}  train {self.records[-1]['train_time_s']:7.1f}s"
              f"  loss {self.records[-1]['train_loss']:.4f}  probe F1 {f1:.3f}  FID {score:.3f}",
              flush=True)


def first_time(records: list[dict], key: str, target: float, better) -> float | None:
    """Training time of the first record whose ``key`` is at least as good as ``target``."""
    for record in records:
        if better(record[key], target):
            return record["train_time_s"]
    return None


def smoothed(records: list[dict], key: str, window: int = 3) -> list[dict]:
    """Records whose ``key`` is the mean over the trailing ``window`` evaluations."""
    out = []
    for i, record in enumerate(records):
        values = [r[key] for r in records[max(0, i - window + 1) : i + 1]]
        out.append({**record, key: float(np.mean(values))})
    return out


def summarise(flow: list[dict], diff: list[dict], n_steps: int) -> list[dict]:
    """Summary rows: budget, per-step time and times for FlowFM to reach DiffFM's targets."""
    total = {"FlowFM": flow[-1]["train_time_s"], "DiffFM": diff[-1]["train_time_s"]}

    def row(quantity, flow_value, diff_value, ratio=""):
        return {"quantity": quantity, "FlowFM": flow_value, "DiffFM": diff_value, "ratio": ratio}

    def reach(quantity, key, flow_records, target, better):
        t = first_time(flow_records, key, target, better)
        return row(quantity, "not reached" if t is None else f"{t:.1f} s",
                   f"{total['DiffFM']:.1f} s",
                   "not reached" if t is None else f"{t / total['DiffFM']:.2f}")

    higher, lower = (lambda a, b: a >= b), (lambda a, b: a <= b)
    f1s, fids = smoothed(flow, "probe_macro_f1"), smoothed(flow, "fid")
    diff_f1s, diff_fids = smoothed(diff, "probe_macro_f1"), smoothed(diff, "fid")
    best_f1 = max(r["probe_macro_f1"] for r in diff)
    return [
        row("training wall time, whole budget (s)", f"{total['FlowFM']:.1f}",
            f"{total['DiffFM']:.1f}", f"{total['FlowFM'] / total['DiffFM']:.2f}"),
        row("time per optimisation step (ms)", f"{1e3 * total['FlowFM'] / n_steps:.1f}",
            f"{1e3 * total['DiffFM'] / n_steps:.1f}",
            f"{total['FlowFM'] / total['DiffFM']:.2f}"),
        row("final probe macro-F1", f"{flow[-1]['probe_macro_f1']:.3f}",
            f"{diff[-1]['probe_macro_f1']:.3f}"),
        row("final probe macro-F1, mean of the last 3 evaluations",
            f"{f1s[-1]['probe_macro_f1']:.3f}", f"{diff_f1s[-1]['probe_macro_f1']:.3f}"),
        row("best probe macro-F1 of any evaluation",
            f"{max(r['probe_macro_f1'] for r in flow):.3f}", f"{best_f1:.3f}"),
        row("final FID (FlowFM midpoint-10, DiffFM DDIM-50)", f"{flow[-1]['fid']:.3f}",
            f"{diff[-1]['fid']:.3f}"),
        row("final FID, mean of the last 3 evaluations", f"{fids[-1]['fid']:.3f}",
            f"{diff_fids[-1]['fid']:.3f}"),
        reach("time to DiffFM's final probe F1 (FlowFM) / DiffFM's time", "probe_macro_f1",
              flow, diff[-1]["probe_macro_f1"], higher),
        reach("same, both F1s as means of 3 consecutive evaluations", "probe_macro_f1",
              f1s, diff_f1s[-1]["probe_macro_f1"], higher),
        reach("time to DiffFM's best probe F1 (FlowFM) / DiffFM's time", "probe_macro_f1",
              flow, best_f1, higher),
        reach("time to DiffFM's final FID (FlowFM) / DiffFM's time", "fid", flow,
              diff[-1]["fid"], lower),
        reach("same, both FIDs as means of 3 consecutive evaluations", "fid", fids,
              diff_fids[-1]["fid"], lower),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--eval-every", type=int, default=5)
    parser.add_argument("--summarise-only", action="store_true",
                        help="rewrite the report from training_time.json without training")
    args = parser.parse_args()
    setup_torch()
    split = load_split()
    if args.summarise_only:
        saved = json.loads((RESULTS / "training_time.json").read_text())
        records, info = saved["rows"], saved["machine"]
        args.epochs = max(r["epoch"] for r in records)
        args.eval_every = records[0]["epoch"]
        info["summarised_by"] = machine()["Command"]
    else:
        extractor = load_or_train_extractor(split)
        print(f"HAPT: {split['X_train'].shape} train windows, {split['X_test'].shape} held-out;"
              f" extractor held-out accuracy {extractor.metadata_['held_out_accuracy']:.3f}")
        evaluations = {}
        for name in TWINS:
            evaluations[name] = Evaluate(name, split, extractor, args.eval_every, args.epochs)
            pre = twin(name, args.epochs, callbacks=[("evaluate", evaluations[name])])
            pre.fit(split["X_train"])
            pre.save_pretrained(RESULTS / "models" / name)
        records = evaluations["FlowFM"].records + evaluations["DiffFM"].records
        info = machine()
    flow = [r for r in records if r["model"] == "FlowFM"]
    diff = [r for r in records if r["model"] == "DiffFM"]
    # skorch keeps the last partial batch: ceil(n / batch_size) steps per epoch
    n_steps = args.epochs * math.ceil(len(split["X_train"]) / TWIN_PARAMS["batch_size"])
    summary = summarise(flow, diff, n_steps)
    cols = [("quantity", "quantity", ""), ("FlowFM", "FlowFM", ""), ("DiffFM", "DiffFM", ""),
            ("ratio", "FlowFM / DiffFM", "")]
    curve_cols = [("model", "model", ""), ("epoch", "epoch", "d"),
                  ("train_time_s", "train time (s)", ".1f"), ("train_loss", "loss", ".4f"),
                  ("probe_macro_f1", "probe macro-F1", ".3f"), ("fid", "FID", ".3f")]
    summary_md = markdown_table(summary, cols)
    print("\n" + summary_md)
    plot_curves(flow, diff)
    setup = (
        f"Data: UCI HAPT v2.1 accelerometer (3 axes), 30 Hz, 10 s windows with 50 % overlap; "
        f"{len(split['X_train'])} training windows (subjects {split['subjects_train'][0]}-"
        f"{split['subjects_train'][-1]}), {len(split['X_test'])} held-out windows (subjects "
        f"{split['subjects_test'][0]}-{split['subjects_test'][-1]}). Both twins: preset "
        f"`tiny`, DGS mask_prob 0.5, batch 64, AdamW lr 1e-3, {args.epochs} epochs "
        f"({n_steps} steps), seed 0, CPU, 1 torch thread, trained one after the other in "
        f"one process. Evaluations every {args.eval_every} epochs are excluded from the "
        "training time. A target counts as reached at the first evaluation at or beyond "
        f"it, so times are quantised to {args.eval_every} epochs. Probe F1 and FID move a "
        "lot between evaluations (one seed, no EMA of the weights), hence the smoothed "
        "rows."
    )
    write_report(
        "training_time", "Training time to target: FlowFM vs DiffFM",
        [setup, "## Summary\n\n" + summary_md,
         "## Curves\n\n" + markdown_table(flow + diff, curve_cols),
         "![probe F1 and FID against training time](training_curves.png)"],
        flow + diff, info,
    )
    print(f"wrote {RESULTS / 'training_time.md'}")


def plot_curves(flow: list[dict], diff: list[dict]) -> None:
    from tsfm.utils.plotting import plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for name, records in (("FlowFM", flow), ("DiffFM", diff)):
        t = [r["train_time_s"] for r in records]
        axes[0].plot(t, [r["probe_macro_f1"] for r in records], marker="o", label=name)
        axes[1].plot(t, [r["fid"] for r in records], marker="o", label=name)
    axes[0].set_ylabel("linear-probe macro-F1 (held-out subjects)")
    axes[1].set_ylabel("FID (held-out subjects)")
    axes[1].set_yscale("log")
    for ax in axes:
        ax.set_xlabel("training wall time (s)")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "training_curves.png", dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
