"""results.csv, summary.md and the figures of a benchmark run."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tsfm.benchmarking.figures import plot_confusion, plot_macro_f1, plot_tsne
from tsfm.benchmarking.protocol import PRETRAINING_SOURCE, BenchmarkResult
from tsfm.benchmarking.targets import check_targets

SECTIONS = {"transfer": "Transfer learning (frozen encoder + linear probe)",
            "fine-tuning": "Fine-tuning (all weights trained)",
            "baseline": "Non-deep baselines"}
DGS_MASKS = (0.0, 0.25, 0.5, 0.75)


def summarise(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean and SD (over folds x seeds) per method, in the order of first appearance.

    Parameters
    ----------
    rows : DataFrame
        ``results.csv`` rows.

    Returns
    -------
    DataFrame indexed by method
        ``acc_mean, acc_sd, f1_mean, f1_sd, runs, group`` and mean budgets.
    """
    grouped = rows.groupby("method", sort=False)
    summary = pd.DataFrame({
        "group": grouped["group"].first(),
        "acc_mean": grouped["accuracy"].mean(), "acc_sd": grouped["accuracy"].std(ddof=1),
        "f1_mean": grouped["macro_f1"].mean(), "f1_sd": grouped["macro_f1"].std(ddof=1),
        "runs": grouped.size(),
        "pretrain_epochs": grouped["pretrain_epochs"].mean(),
        "finetune_epochs": grouped["finetune_epochs"].mean(),
        "pretrain_seconds": grouped["pretrain_seconds"].mean(),
        "fit_seconds": grouped["fit_seconds"].mean(),
    })
    summary[["acc_sd", "f1_sd"]] = summary[["acc_sd", "f1_sd"]].fillna(0.0)
    return summary


def _cell(mean: float, sd: float, bold: bool) -> str:
    text = f"{mean:.4f} ± {sd:.4f}"
    return f"**{text}**" if bold else text


def main_table(summary: pd.DataFrame) -> str:
    """Table-3-style markdown: sections, mean ± SD, best of each column in bold."""
    table = summary[summary["group"] != "dgs"]
    if table.empty:
        return "(no method of the main table was run)"
    best_acc, best_f1 = table["acc_mean"].max(), table["f1_mean"].max()
    lines = ["| method | accuracy | macro-F1 | runs | pretrain epochs | fine-tune epochs "
             "| pretrain s / run | fit s / run |", "|---|---|---|---|---|---|---|---|"]
    for group, title in SECTIONS.items():
        part = table[table["group"] == group]
        if part.empty:
            continue
        lines.append(f"| *{title}* | | | | | | | |")
        for name, r in part.iterrows():
            lines.append(
                f"| {name} | {_cell(r.acc_mean, r.acc_sd, r.acc_mean == best_acc)} | "
                f"{_cell(r.f1_mean, r.f1_sd, r.f1_mean == best_f1)} | {r.runs} | "
                f"{r.pretrain_epochs:g} | {r.finetune_epochs:g} | {r.pretrain_seconds:.1f} | "
                f"{r.fit_seconds:.1f} |")
    return "\n".join(lines)


def dgs_table(summary: pd.DataFrame) -> str | None:
    """The poster's DGS ablation: macro-F1 per mask probability, probe and fine-tune."""
    names = {(kind, p): (f"flowfm-{kind}" if p == 0.5 else f"flowfm-{kind}-mask{p:g}")
             for kind in ("probe", "finetune") for p in DGS_MASKS}
    if not any(n in summary.index for (_, p), n in names.items() if p != 0.5):
        return None
    best = {kind: max((summary.loc[n, "f1_mean"] for (k, _), n in names.items()
                       if k == kind and n in summary.index), default=np.nan)
            for kind in ("probe", "finetune")}
    lines = ["| DGS mask_prob | probe macro-F1 | fine-tune macro-F1 |", "|---|---|---|"]
    for p in DGS_MASKS:
        cells = []
        for kind in ("probe", "finetune"):
            name = names[(kind, p)]
            if name in summary.index:
                r = summary.loc[name]
                cells.append(_cell(r.f1_mean, r.f1_sd, r.f1_mean == best[kind]))
            else:
                cells.append("not run")
        lines.append(f"| {p:g} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def fold_table(rows: pd.DataFrame, has_subjects: bool = True) -> str:
    """Subjects and windows of each outer fold."""
    folds = rows.drop_duplicates("fold").sort_values("fold")
    if not has_subjects:
        lines = ["| fold | train windows | test windows | split |", "|---|---|---|---|"]
        lines += [f"| {r.fold} | {r.n_train_windows} | {r.n_test_windows} | archive TRAIN/TEST "
                  "(no subject ids) |" for _, r in folds.iterrows()]
        return "\n".join(lines)
    lines = ["| fold | train subjects | test subjects | train windows | test windows "
             "| test subject ids |", "|---|---|---|---|---|---|"]
    for _, r in folds.iterrows():
        lines.append(f"| {r.fold} | {r.n_train_subjects} | {r.n_test_subjects} | "
                     f"{r.n_train_windows} | {r.n_test_windows} | {r.test_subjects} |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """Platform, CPU count, torch version and threads, and the git commit."""
    import torch

    try:
        root = Path(__file__).resolve().parents[2]
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    return {
        "Commit": (commit or "unknown") + (" (with uncommitted changes)" if dirty else ""),
        "Platform": platform.platform(),
        "CPUs": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable by this process)"
        if hasattr(os, "sched_getaffinity") else str(os.cpu_count()),
        "Torch": f"{torch.__version__}, {torch.get_num_threads()} thread(s)",
        "Python": platform.python_version(),
    }


def starting_model(result: BenchmarkResult) -> str:
    """The summary's line on the pretrained model a run started from."""
    m, d = result.model, result.data
    return (
        f"- Starting model: `{m.describe()}`. flowfm-probe and flowfm-finetune start from "
        "it (nothing is pretrained per fold); random-probe and scratch take its "
        "architecture, untrained. Every method sees the windows resampled to "
        f"{m.rate:g} Hz (from {d.info.get('resampled_from', '?')} Hz) at their own "
        f"duration, {d.X.shape[2]} points (the model was pretrained on {m.n_timepoints}; "
        "it interpolates its positional embeddings), never padded.")


def _protocol(result: BenchmarkResult) -> list[str]:
    c, d = result.config, result.data
    outer = ("the archive's fixed TRAIN/TEST split (no subject ids), repeated over seeds"
             if not d.has_subjects else f"subject-wise GroupKFold({len(result.folds)})")
    arch = f", patch size {c.patch_size}" if c.patch_size else ""
    source = (starting_model(result) if result.model is not None else
              f"- Pretraining source: {PRETRAINING_SOURCE}. One encoder per fold, seed and "
              "variant, saved and loaded by path.")
    models = (f"- Models: `{result.model.preset}` from {result.model.reference}; "
              if result.model is not None else
              f"- Models: preset `{c.model}`{arch}; pretraining {c.pretrain_epochs} epochs, "
              f"lr {c.pretrain_lr:g}; ")
    return [
        f"- Outer evaluation: {outer}; mean ± SD over {len(result.folds)} fold(s) x "
        f"{len(c.seeds)} seed(s) {list(c.seeds)}.",
        source,
        f"- Nested search: GridSearchCV(scoring='f1_macro') with {result.inner_cv or 'n/a'}; "
        f"probe C in {list(c.probe_C)}; MiniRocket ridge alpha in 10^-1..10^5; "
        "RandomForest min_samples_leaf in [1, 5]. StandardScaler and every search fitted "
        "inside the training folds.",
        f"{models}fine-tuning and scratch {c.finetune_epochs} epochs, "
        f"lr {c.finetune_lr:g} (fixed a priori); batch {c.batch_size}; AdamW; device "
        f"{c.device}.",
        "- Budget: " + ("**quick** (tiny preset, few epochs, fewer folds and seeds than the "
                        "full protocol's 5 folds x 3 seeds); numbers are indicative only."
                        if c.quick else "full."),
    ]


def write_report(result: BenchmarkResult, out_dir: str | Path, *, command: str = "",
                 figures: bool = True) -> dict[str, Path]:
    """Write ``results.csv``, ``predictions.csv``, ``summary.md`` and the PNG figures.

    Parameters
    ----------
    result : BenchmarkResult
    out_dir : str or Path
    command : str
        The command line that produced the run, quoted in the summary.
    figures : bool, default=True

    Returns
    -------
    dict of str to Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"results": out / "results.csv", "predictions": out / "predictions.csv",
             "summary": out / "summary.md"}
    result.rows.to_csv(paths["results"], index=False)
    result.predictions.to_csv(paths["predictions"], index=False)
    summary = summarise(result.rows)
    main = summary[summary["group"] != "dgs"]
    best = (main if not main.empty else summary)["f1_mean"].idxmax()
    if figures:
        paths.update(_figures(result, summary, best, out))
    d, info = result.data, result.data.info
    targets = check_targets(summary)
    lines = [
        f"# HAR benchmark: {d.name}",
        "",
        f"- Command: `{command or 'run_benchmark(...) from Python'}`",
        *(f"- {k}: {v}" for k, v in machine().items()),
        f"- Date (UTC): {time.strftime('%Y-%m-%d %H:%M', time.gmtime())}",
        f"- Wall time of the run: {result.seconds / 60:.1f} min",
        "",
        "## Data",
        "",
        f"- {info.get('title', d.name)}. Citation: {info.get('citation', 'n/a')}",
        f"- {len(d.X)} labelled windows of {d.X.shape[1]} channels x {d.X.shape[2]} samples "
        f"({info.get('rate', '?')} Hz, {info.get('window_seconds', '?')} s), "
        f"{len(set(d.groups))} {'subjects' if d.has_subjects else 'split groups'}, "
        f"{len(set(d.y))} classes: {', '.join(sorted(set(d.y)))}.",
        f"- Loading options: {info.get('load_options', {})}",
        "",
        "## Protocol",
        "",
        *_protocol(result),
        "",
        "## Results (macro-F1 and accuracy, mean ± SD; best of each column in bold)",
        "",
        main_table(summary),
        "",
    ]
    dgs = dgs_table(summary)
    if dgs:
        lines += ["## DGS ablation (macro-F1; 0.5 is flowfm-probe / flowfm-finetune)", "",
                  dgs, ""]
    lines += [
        "## Targets", "",
        "| target | status | detail |", "|---|---|---|",
        *(f"| {t.target} | {t.status.upper() if t.status != 'met' else 'met'} | {t.detail} |"
          for t in targets),
        "",
        "## Folds", "", fold_table(result.rows, d.has_subjects), "",
        "## Methods", "",
        *(f"- `{m.name}`: {m.description}" for m in result.methods),
        "",
    ]
    if figures:
        lines += ["## Figures", "",
                  f"- `confusion_matrix.png`: {best} (best macro-F1 of the main table)",
                  "- `tsne.png`: raw test windows vs FlowFM embeddings (seed 0, fold 0)"
                  if "tsne" in paths else "- no t-SNE (flowfm encoder not run)",
                  "- `macro_f1.png`: macro-F1 per method with ± SD error bars", ""]
    paths["summary"].write_text("\n".join(lines))
    return paths


def _figures(result: BenchmarkResult, summary: pd.DataFrame, best: str,
             out: Path) -> dict[str, Path]:
    paths = {
        "confusion": plot_confusion(result.predictions, best, sorted(set(result.data.y)),
                                    out / "confusion_matrix.png"),
        "macro_f1": plot_macro_f1(summary, out / "macro_f1.png"),
    }
    if result.tsne_encoder is not None:
        from tsfm import FlowFMTransformer

        directory, train, test = result.tsne_encoder
        d = result.data
        embed = FlowFMTransformer(pretrained=str(directory), device=result.config.device)
        embeddings = embed.fit(d.X[train]).transform(d.X[test])
        paths["tsne"] = plot_tsne(
            d.X[test], embeddings, d.y[test], out / "tsne.png", dataset=d.name,
            has_subjects=d.has_subjects)
    return paths
