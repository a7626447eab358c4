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


TRANSFER = {"transfer-probe (LOO)": 0.80, "random-probe": 0.70, "flowfm-probe": 0.78,
            "minirocket": 0.85, "transfer-finetune (in corpus)": 0.90, "scratch": 0.86}


def _transfer_checks(per_dataset: dict[str, dict[str, float]], datasets: list[str]) -> dict:
    from tsfm.benchmarking.targets import check_transfer_targets

    checks = check_transfer_targets({n: _summary(f1) for n, f1 in per_dataset.items()},
                                    datasets)
    return {c.target.split(",")[0]: c for c in checks}


def test_transfer_target_on_every_dataset_is_missed_by_one_dataset():
    geotec = {**TRANSFER, "random-probe": 0.76}  # only +4 points over the random encoder
    checks = _transfer_checks({"hapt": TRANSFER, "geotec": geotec}, ["hapt", "geotec"])
    floor = checks["transfer-probe (LOO) >= random-probe + 5 macro-F1 points"]
    assert floor.status == "missed"
    assert "hapt: met" in floor.detail and "geotec: missed" in floor.detail
    assert checks["transfer-probe (LOO) > per-fold pretraining (flowfm-probe)"].status == "met"
    assert checks["transfer-finetune (in corpus) >= scratch + 3 macro-F1 points"].status == "met"


def test_transfer_target_on_every_dataset_is_not_met_on_a_subset():
    checks = _transfer_checks({"hapt": TRANSFER}, ["hapt", "adl"])
    floor = checks["transfer-probe (LOO) >= random-probe + 5 macro-F1 points"]
    assert floor.status == "not evaluated" and "adl: not evaluated (not run)" in floor.detail


def test_beating_minirocket_on_one_dataset_is_enough():
    adl = {**TRANSFER, "minirocket": 0.79}
    checks = _transfer_checks({"hapt": TRANSFER, "adl": adl}, ["hapt", "adl"])
    assert checks["transfer-probe (LOO) > minirocket"].status == "met"
    checks = _transfer_checks({"hapt": TRANSFER, "adl": TRANSFER}, ["hapt", "adl"])
    assert checks["transfer-probe (LOO) > minirocket"].status == "missed"
