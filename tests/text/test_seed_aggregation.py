"""Mean +- std over seeds and the Text+Rep vs Text-Only FID comparison of the text benchmark."""

from __future__ import annotations

import math

import pytest

from tsfm.benchmarking.text_seeds import aggregate_seeds, compare_fid, wins_per_seed


def row(dataset, condition, seed, fid, **extra):
    return {"dataset": dataset, "condition": condition, "seed": seed, "fid": fid,
            "precision": 0.5, "recall": 0.5, "faithfulness": 0.4,
            "faithfulness_over_chance": 2.0, **extra}


#: a: Text+Rep wins every seed by far; b: wins one seed of three, loses on the mean
ROWS = [row("a", "text", 0, 10.0), row("a", "text+rep", 0, 5.0),
        row("a", "text", 1, 12.0), row("a", "text+rep", 1, 6.0),
        row("a", "text", 2, 11.0), row("a", "text+rep", 2, 4.0),
        row("b", "text", 0, 5.0), row("b", "text+rep", 0, 4.0),
        row("b", "text", 1, 5.0), row("b", "text+rep", 1, 7.0),
        row("b", "text", 2, 5.0), row("b", "text+rep", 2, 7.0)]


def test_mean_and_sample_std_per_dataset_and_condition():
    out = aggregate_seeds(ROWS)
    assert [(a["dataset"], a["condition"]) for a in out] == [
        ("a", "text"), ("a", "text+rep"), ("b", "text"), ("b", "text+rep")]
    a_text = out[0]
    assert a_text["seeds"] == [0, 1, 2] and a_text["n_seeds"] == 3
    assert a_text["fid_mean"] == pytest.approx(11.0)
    assert a_text["fid_std"] == pytest.approx(1.0)  # ddof=1 of 10, 12, 11
    assert out[3]["fid_mean"] == pytest.approx(6.0) and out[3]["fid_std"] == pytest.approx(
        math.sqrt(3.0))
    assert a_text["precision_std"] == 0.0


def test_one_seed_has_no_spread():
    out = aggregate_seeds([row("a", "text", 0, 3.0)])
    assert out[0]["fid_mean"] == 3.0 and out[0]["fid_std"] is None
    (c,) = compare_fid([row("a", "text", 0, 3.0), row("a", "text+rep", 0, 2.0)])
    assert c["mean_win"] and c["difference_std"] is None and c["exceeds_spread"] is None


def test_fid_wins_per_seed_on_the_mean_and_against_the_spread():
    a, b = compare_fid(ROWS)
    assert a["wins_per_seed"] == {0: True, 1: True, 2: True} and a["seed_wins"] == 3
    assert a["mean_win"] and a["difference_mean"] == pytest.approx(6.0)
    assert a["exceeds_spread"]  # |11 - 5| > 1 + 1
    assert b["wins_per_seed"] == {0: True, 1: False, 2: False} and b["seed_wins"] == 1
    assert not b["mean_win"] and b["difference_mean"] == pytest.approx(-1.0)
    assert b["exceeds_spread"] is False  # |5 - 6| < 0 + sqrt(3)
    assert wins_per_seed([a, b]) == {"per_seed": {0: 2, 1: 1, 2: 1}, "on_mean": 1,
                                     "n_datasets": 2}


def test_bad_rows_are_errors():
    with pytest.raises(ValueError, match="rows is empty"):
        aggregate_seeds([])
    with pytest.raises(ValueError, match=r"row 0 lacks \['seed'\]"):
        aggregate_seeds([{k: v for k, v in ROWS[0].items() if k != "seed"}])
    with pytest.raises(ValueError, match="seed repeated"):
        aggregate_seeds([ROWS[0], ROWS[0]])
    with pytest.raises(ValueError, match="fid is not finite"):
        aggregate_seeds([row("a", "text", 0, float("nan"))])
    with pytest.raises(ValueError, match="has no 'text\\+rep' rows"):
        compare_fid([row("a", "text", 0, 1.0)])
    with pytest.raises(ValueError, match="compare the same seeds"):
        compare_fid([row("a", "text", 0, 1.0), row("a", "text+rep", 1, 1.0)])
