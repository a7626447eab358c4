"""Targets are reported as met, missed or not evaluated."""

from __future__ import annotations

import pandas as pd

from tsfm.benchmarking.targets import check_targets


def _summary(f1: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"f1_mean": f1, "f1_sd": dict.fromkeys(f1, 0.01)})


def test_finetune_needs_three_points_over_scratch():
    checks = {c.target: c for c in check_targets(_summary(
        {"flowfm-finetune": 0.82, "scratch": 0.80, "flowfm-probe": 0.7,
         "random-probe": 0.7}))}
    assert checks["flowfm-finetune >= scratch + 3 macro-F1 points"].status == "missed"
    # the probe must beat the random encoder strictly
    assert checks["flowfm-probe > random-probe"].status == "missed"


def test_met_and_not_evaluated():
    checks = {c.target: c for c in check_targets(_summary(
        {"flowfm-probe": 0.9, "random-probe": 0.5, "minirocket": 0.85}))}
    assert checks["flowfm-probe > random-probe"].status == "met"
    assert "+0.4000" in checks["flowfm-probe > random-probe"].detail
    assert checks["flowfm-probe >= minirocket (needed on 2 of 3 datasets)"].status == "met"
    assert checks["DGS 0.5 >= DGS 0 (probe)"].status == "not evaluated"
    assert "flowfm-probe-mask0" in checks["DGS 0.5 >= DGS 0 (probe)"].detail
