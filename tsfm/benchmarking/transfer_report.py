"""The sections of the transfer benchmark's ``summary.md``, and its summary rows."""

from __future__ import annotations

import pandas as pd

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.loo import LOOBudget
from tsfm.benchmarking.report import fold_table, summarise
from tsfm.benchmarking.targets import TargetCheck, check_transfer_targets
from tsfm.benchmarking.transfer import TRANSFER_DATASETS, TransferMethod, TransferResult


def summaries(results: list[TransferResult]) -> dict[str, pd.DataFrame]:
    """Per dataset, mean and SD per method over folds x seeds (see ``report.summarise``)."""
    return {r.dataset: summarise(r.rows) for r in results}


def summary_rows(results: list[TransferResult]) -> list[dict]:
    """One row per dataset and method: means, SDs, runs and budgets (``summary.csv``)."""
    rows = []
    for result in results:
        sources = result.rows.groupby("method", sort=False)["source"].first()
        for method, r in summarise(result.rows).iterrows():
            rows.append({"dataset": result.dataset, "method": method,
                         "source": sources[method], "macro_f1_mean": r.f1_mean,
                         "macro_f1_sd": r.f1_sd, "accuracy_mean": r.acc_mean,
                         "accuracy_sd": r.acc_sd, "runs": int(r.runs),
                         "pretrain_epochs": r.pretrain_epochs,
                         "finetune_epochs": r.finetune_epochs,
                         "fit_seconds": r.fit_seconds})
    return rows


def results_table(results: list[TransferResult], methods: list[TransferMethod],
                  column: str = "f1") -> str:
    """Methods x datasets, ``mean ± SD`` of macro-F1 (``column="f1"``) or accuracy
    (``"acc"``); the best of each dataset in bold."""
    tables = summaries(results)
    lines = ["| method | " + " | ".join(r.dataset for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for m in methods:
        cells = []
        for result in results:
            table = tables[result.dataset]
            if m.method.name not in table.index:
                cells.append("not run")
                continue
            mean, sd = table.loc[m.method.name, [f"{column}_mean", f"{column}_sd"]]
            text = f"{mean:.3f} ± {sd:.3f}"
            cells.append(f"**{text}**" if mean == table[f"{column}_mean"].max() else text)
        lines.append(f"| {m.method.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(checks: list[TargetCheck]) -> str:
    """The targets, met or missed, with each dataset's comparison."""
    lines = ["| target | status | per dataset |", "|---|---|---|"]
    lines += [f"| {c.target} | {'met' if c.status == 'met' else c.status.upper()} | "
              f"{c.detail} |" for c in checks]
    return "\n".join(lines)


def data_table(results: list[TransferResult]) -> str:
    """What each dataset's windows are."""
    lines = ["| dataset | windows | shape | subjects | classes | loading options |",
             "|---|---|---|---|---|---|"]
    for r in results:
        d = r.data
        lines.append(f"| {r.dataset} | {len(d.X)} | {d.X.shape[1]} x {d.X.shape[2]} | "
                     f"{len(set(d.groups))} | {len(set(d.y))} | "
                     f"{d.info.get('load_options', {})} |")
    return "\n".join(lines)


def loo_table(results: list[TransferResult]) -> str | None:
    """The leave-one-dataset-out models: corpus, windows, training time, cache."""
    with_loo = [r for r in results if r.loo is not None]
    if not with_loo:
        return None
    lines = ["| left out | pretrained on | corpus windows | training min | model |",
             "|---|---|---|---|---|"]
    for r in with_loo:
        m = r.loo
        lines.append(f"| {m.excluded} | {', '.join(m.corpus_datasets)} | {m.n_windows} | "
                     f"{m.train_seconds / 60:.1f}{' (cached)' if m.reused else ''} | "
                     f"`{m.directory}` |")
    return "\n".join(lines)


def _patch(size: int | None) -> str:
    return "" if size is None else f" with patch size {size}"


def _shipped(results: list[TransferResult]) -> str:
    run = next((r.runs["shipped"] for r in results if "shipped" in r.runs), None)
    if run is None:
        return "- Shipped model: not used (no in-corpus method or scratch was run)."
    corpus = run.model.corpus_datasets
    if corpus is None:
        held = ("its corpus is not recorded beside it (no run.json), so \"in corpus\" "
                "assumes the wrist corpus, which holds all four datasets")
    else:
        outside = [r.dataset for r in results if r.dataset not in corpus]
        held = (f"datasets {outside} were NOT in its corpus, so their \"in corpus\" rows "
                "are transfer results" if outside else
                "its corpus held every dataset here (windows without labels), hence "
                "\"in corpus\"")
    return f"- Shipped model: `{run.model.describe()}`; {held}."


def transfer_sections(results: list[TransferResult], methods: list[TransferMethod], *,
                      config: BenchmarkConfig, budget: LOOBudget,
                      max_subjects: int | None) -> list[str]:
    """The Markdown sections of ``summary.md``, before the machine section.

    Parameters
    ----------
    results : list of TransferResult
    methods : list of TransferMethod
        The methods run, in table order.
    config : BenchmarkConfig
        The budget shared by the runs (folds, seeds, grids, per-fold pretraining,
        fine-tuning).
    budget : LOOBudget
    max_subjects : int or None
        The smoke limit, stated at the top when set.

    Returns
    -------
    list of str
    """
    datasets = [r.dataset for r in results]
    checks = check_transfer_targets(summaries(results), list(TRANSFER_DATASETS))
    inner = next((run.inner_cv for r in results for run in r.runs.values()), "n/a")
    sections = []
    if max_subjects is not None or budget.max_subjects is not None:
        sections.append(
            f"**Smoke run** (first {max_subjects} subjects of each dataset, LOO corpora of "
            f"the first {budget.max_subjects} subjects, LOO epochs {budget.epochs}): the "
            "numbers below test the machinery only and say nothing about the models.")
    sections += [
        "Does a pretrained FlowFM encoder transfer to a dataset it never saw? On each "
        f"dataset ({', '.join(datasets)}), every method sees the same windows and the same "
        "subject-wise folds. Mean ± SD of macro-F1 and accuracy over "
        f"GroupKFold({config.n_folds}) folds x seeds {list(config.seeds)}.",
        "## Methods\n\n" + "\n".join(f"- `{m.key}` → **{m.method.name}**: "
                                      f"{m.method.description}" for m in methods),
        "## Budgets\n\n" + "\n".join([
            f"- Leave-one-dataset-out (LOO) models: preset `{budget.model}`"
            f"{_patch(budget.patch_size)}, {budget.epochs} epochs, batch "
            f"{budget.batch_size}, AdamW lr {budget.lr:g} with 1 epoch of "
            f"warm-up then cosine decay, EMA 0.999, seed {budget.seed}, device "
            f"{budget.device} (`tsfm.training.run`); corpus: the wrist corpus without the "
            "dataset, 30 Hz, 10 s windows every 2 s"
            + (f", first {budget.max_subjects} subjects per dataset" if budget.max_subjects
               else "") + ".",
            _shipped(results),
            f"- Per-fold pretraining (`flowfm-probe`): preset `{config.model}`"
            f"{_patch(config.patch_size)}, {config.pretrain_epochs} epochs, lr "
            f"{config.pretrain_lr:g}, on the training "
            "folds' windows only.",
            f"- Fine-tuning (`transfer-finetune`, `scratch`): {config.finetune_epochs} epochs, "
            f"lr {config.finetune_lr:g}, batch {config.batch_size}, fixed a priori.",
            f"- Probes: GridSearchCV(scoring='f1_macro') with {inner}, C in "
            f"{list(config.probe_C)}; MiniRocket ridge alpha in 10^-1..10^5; RandomForest "
            "min_samples_leaf in [1, 5].",
            "- Inputs: resampled to the pretrained model's rate at their own duration, "
            "never padded (shorter windows use the model's interpolated positional "
            "embeddings); see docs/transfer.md.",
        ]),
    ]
    loo = loo_table(results)
    if loo:
        sections.append("## Leave-one-dataset-out models\n\n" + loo)
    sections += [
        "## Data\n\n" + data_table(results),
        "## Macro-F1 (mean ± SD; best per dataset in bold)\n\n"
        + results_table(results, methods, "f1"),
        "## Accuracy (mean ± SD; best per dataset in bold)\n\n"
        + results_table(results, methods, "acc"),
        "## Targets\n\nChecked on all four datasets; a dataset not run leaves a target "
        "\"on every dataset\" not evaluated.\n\n" + targets_table(checks),
        "## Folds\n\n" + "\n\n".join(
            f"{r.dataset}:\n\n{fold_table(r.rows)}" for r in results),
    ]
    return sections
