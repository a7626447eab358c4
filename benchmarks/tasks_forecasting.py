"""FlowFM forecasting (8 s of context -> the next 2 s) in sktime's ForecastingBenchmark.

Held-out subjects' 10 s windows of HAPT and SmartFallMM (young group, meta_wrist) at
30 Hz; each window is one instance of a panel, split by ``SingleWindowSplitter`` into
240 points of context and 60 to forecast. Forecasters:

- ``FlowFM (guided inpainting)``: ``FlowFMForecaster(pretrained="flowfm-wrist-small",
  n_samples=100)`` with the training-free ``method="guided_inpainting"``;
- ``FlowFM (trained conditioner)``: the same model after ``fit_observed`` on windows of
  the fitting half of the tuning subjects (``_observed_model.py``; tuned once and cached
  under ``$TSFM_SCRATCH``), ``method="observation_conditioner"``;
- ``naive-last``, ``naive-mean``, ``naive-seasonal`` (sktime ``NaiveForecaster``; the
  seasonal period is the autocorrelation peak, 0.2–3 s, of the tuning subjects'
  windows), ``theta`` (``ThetaForecaster``), ``ets`` (``AutoETS``, additive damped
  trend), ``knn-analogue`` (the 10 tuning-subject windows nearest the context);
  univariate ones forecast each axis on its own (sktime vectorises them).

Metrics: MAE, MASE and the empirical coverage of 90 % intervals from the
ForecastingBenchmark, and CRPS, averaged over windows and axes. CRPS is sktime's
probabilistic ``CRPS`` of each forecaster's ``predict_proba`` distribution (FlowFM and
the analogue forecaster: the empirical distribution of their draws; the sktime
baselines: their normal predictive distributions, fitted per axis). sktime 1.2 cannot
vectorise ``predict_proba`` over a panel's instances, so CRPS is computed in a loop over
the same windows, outside the ForecastingBenchmark. Without skpro, CRPS falls back to
``2 x`` sktime's ``PinballLoss`` averaged over the quantile levels 0.05, …, 0.95 (the
quantile decomposition of CRPS), and the report says so.

Theta and ETS need statsmodels, and CRPS skpro: ``pip install tsfm[bench]``; without
statsmodels Theta and ETS are left out and the report says so. ::

    python benchmarks/tasks_forecasting.py --windows 40
"""

from __future__ import annotations

import argparse
import importlib.util
import time

import numpy as np
import pandas as pd
from _analogue import AnalogueForecaster
from _observed_model import tuned_model
from _report import RESULTS, machine, markdown_table, write_report
from _tasks_data import load, pick, split_subjects
from sktime.benchmarking.forecasting import ForecastingBenchmark
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    MeanAbsoluteScaledError,
)
from sktime.performance_metrics.forecasting.probabilistic import EmpiricalCoverage, PinballLoss
from sktime.split import SingleWindowSplitter

from tsfm.sktime import FlowFMForecaster

CONTEXT, HORIZON = 240, 60
QUANTILES = np.round(np.arange(0.05, 0.951, 0.05), 2).tolist()
FLOWFM = ("FlowFM (guided inpainting)", "FlowFM (trained conditioner)")
#: forecasters that forecast all axes jointly; the others are fitted per axis for CRPS
MULTIVARIATE = (*FLOWFM, "knn-analogue")
HAS_SKPRO = importlib.util.find_spec("skpro") is not None


def panel(X: np.ndarray) -> pd.DataFrame:
    """Windows (n, 3, T) as an sktime pd-multiindex panel (instance, time) x (x, y, z)."""
    n, _, T = X.shape
    index = pd.MultiIndex.from_product([range(n), range(T)], names=["window", "time"])
    return pd.DataFrame(X.transpose(0, 2, 1).reshape(n * T, 3), index=index,
                        columns=["x", "y", "z"])


def seasonal_period(X: np.ndarray) -> int:
    """The lag (6 to 90 points, 0.2 to 3 s) of the largest mean autocorrelation."""
    Z = X - X.mean(-1, keepdims=True)
    lags = np.arange(6, 91)
    acf = [np.mean(np.sum(Z[..., :-lag] * Z[..., lag:], -1) / (np.sum(Z * Z, -1) + 1e-9))
           for lag in lags]
    return int(lags[int(np.argmax(acf))])


def forecasters(library: np.ndarray, sp: int, n_samples: int, tuned) -> dict:
    out = {
        FLOWFM[0]: FlowFMForecaster(pretrained="flowfm-wrist-small", n_samples=n_samples,
                                    method="guided_inpainting", device="cpu", random_state=0),
        FLOWFM[1]: FlowFMForecaster(pretrained=tuned, n_samples=n_samples,
                                    method="observation_conditioner", device="cpu",
                                    random_state=0),
        "naive-last": NaiveForecaster(strategy="last"),
        "naive-mean": NaiveForecaster(strategy="mean"),
        f"naive-seasonal (sp={sp})": NaiveForecaster(strategy="last", sp=sp),
        "knn-analogue": AnalogueForecaster(library=library, context=CONTEXT, k=10),
    }
    if importlib.util.find_spec("statsmodels") is not None:
        from sktime.forecasting.ets import AutoETS
        from sktime.forecasting.theta import ThetaForecaster

        out["theta"] = ThetaForecaster(deseasonalize=False)
        out["ets"] = AutoETS(error="add", trend="add", damped_trend=True)
    return out


def crps(forecaster, key: str, windows: np.ndarray) -> float:
    """Mean sktime CRPS of ``predict_proba`` over windows and axes (context -> horizon)."""
    from sktime.performance_metrics.forecasting.probabilistic import CRPS

    fh = list(range(1, HORIZON + 1))
    metric = CRPS(multioutput="raw_values")
    scores = []
    for window in windows:
        frame = pd.DataFrame(window.T.astype(np.float64), columns=["x", "y", "z"])
        past, future = frame.iloc[:CONTEXT], frame.iloc[CONTEXT:CONTEXT + HORIZON]
        if key in MULTIVARIATE:
            dist = forecaster.clone().fit(past).predict_proba(fh=fh)
            scores.append(np.asarray(metric(future, dist), dtype=float).mean())
        else:  # sktime 1.2 cannot vectorise predict_proba over columns
            scores.append(np.mean([
                np.asarray(metric(future[[c]], forecaster.clone().fit(past[c]).predict_proba(
                    fh=fh)), dtype=float).mean() for c in frame.columns]))
    return float(np.mean(scores))


def run(n_windows: int, n_samples: int) -> tuple[list[dict], list[str]]:
    tuned, record = tuned_model()
    rows, notes = [], [f"trained conditioner: fit_observed on {record['windows']} windows of "
                       f"the fitting half of the tuning subjects, {record['settings']}"]
    for name in ("hapt", "smartfallmm"):
        X, groups, _ = load(name)
        tuning, held_out = split_subjects(groups)
        test = X[pick(held_out, n_windows)]
        sp = seasonal_period(X[tuning])
        notes.append(f"{name}: {len(test)} windows of {len(set(groups[held_out]))} held-out "
                     f"subjects; kNN library {int(tuning.sum())} windows of "
                     f"{len(set(groups[tuning]))} tuning subjects; seasonal period {sp}")
        bench = ForecastingBenchmark()
        models = forecasters(X[tuning], sp, n_samples, tuned)
        for key, est in models.items():
            bench.add_estimator(est, estimator_id=key)
        metrics = [MeanAbsoluteError(), MeanAbsoluteScaledError(),
                   EmpiricalCoverage(coverage=0.9)]
        if not HAS_SKPRO:
            metrics.append(PinballLoss(alpha=QUANTILES))
        bench.add_task(panel(test), SingleWindowSplitter(fh=list(range(1, HORIZON + 1)),
                                                         window_length=CONTEXT),
                       metrics, task_id=name)
        start = time.time()
        result = bench.run()
        notes.append(f"{name}: ForecastingBenchmark ran in {time.time() - start:.0f} s")
        start = time.time()
        for _, r in result.iterrows():
            key = r["model_id"]
            rows.append({"dataset": name, "forecaster": key,
                         "MAE": r["MeanAbsoluteError_mean"],
                         "MASE": r["MeanAbsoluteScaledError_mean"],
                         "CRPS": crps(models[key], key, test) if HAS_SKPRO
                         else 2 * r["PinballLoss_mean"],
                         "coverage90": r["EmpiricalCoverage_mean"],
                         "fit+predict s": r["fit_time_mean"] + r["pred_time_mean"]})
        if HAS_SKPRO:
            notes.append(f"{name}: CRPS loop ran in {time.time() - start:.0f} s")
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=40, help="held-out windows per dataset")
    parser.add_argument("--samples", type=int, default=100, help="FlowFM draws per forecast")
    args = parser.parse_args()
    rows, notes = run(args.windows, args.samples)
    table = markdown_table(rows, [("dataset", "dataset", ""), ("forecaster", "forecaster", ""),
                                  ("MAE", "MAE (g)", ".4f"), ("MASE", "MASE", ".3f"),
                                  ("CRPS", "CRPS (g)", ".4f"),
                                  ("coverage90", "90 % coverage", ".3f"),
                                  ("fit+predict s", "fit+predict (s)", ".2f")])
    verdicts = []
    for name in sorted({r["dataset"] for r in rows}):
        others = [r for r in rows if r["dataset"] == name and r["forecaster"] not in FLOWFM]
        best = min(others, key=lambda r: r["CRPS"])
        for key in FLOWFM:
            mine = next(r for r in rows if r["dataset"] == name and r["forecaster"] == key)
            verdicts.append(
                f"- {name}, {key}: CRPS {mine['CRPS']:.4f} vs best baseline "
                f"{best['forecaster']} {best['CRPS']:.4f} -> "
                f"{'met' if mine['CRPS'] < best['CRPS'] else 'MISSED'}; coverage "
                f"{mine['coverage90']:.3f} (target 0.85-0.95) -> "
                f"{'met' if abs(mine['coverage90'] - 0.9) <= 0.05 else 'MISSED'}")
    if not any("theta" in r["forecaster"] for r in rows):
        notes.append("theta and ets NOT run: statsmodels is not installed")
    notes.append("CRPS: sktime's CRPS of predict_proba (skpro installed)" if HAS_SKPRO else
                 "CRPS: skpro NOT installed, so 2 x mean PinballLoss over 19 quantile levels")
    sections = ["8 s of context -> the next 2 s (60 points at 30 Hz), sktime "
                "ForecastingBenchmark, SingleWindowSplitter(window_length=240). "
                "'fit+predict (s)' is the benchmark's total over the windows.",
                "\n".join(f"- {n}" for n in notes), table,
                "Targets (FlowFM beats every baseline on CRPS; coverage within 5 points):\n\n"
                + "\n".join(verdicts)]
    print(write_report(RESULTS, "tasks_forecasting", "Forecasting wrist acceleration",
                       sections, rows, machine()).read_text())


if __name__ == "__main__":
    main()
