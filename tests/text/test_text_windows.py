"""The text benchmark's windows: one activity each, GeoTec at 1 s (its activities are short)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tsfm.benchmarking.text_data import RATE, WINDOW_SECONDS, text_windows


def test_an_unknown_dataset_names_the_four():
    with pytest.raises(ValueError, match=r"unknown text benchmark dataset 'pamap2'.*'geotec'"):
        text_windows("pamap2", "nowhere")


@pytest.mark.slow
def test_geotec_windows_carry_one_activity_named_in_their_prompt(shared_data):
    data = text_windows("geotec", shared_data)
    assert WINDOW_SECONDS["geotec"] == 1 and data.X.shape == (1720, 3, RATE)
    assert Counter(data.activity) == {"WALKING": 894, "TURNING": 314, "SITTING_DOWN": 221,
                                      "STANDING_UP": 180, "SEATED": 111}
    words = {"WALKING": "walking.", "TURNING": "turning.", "SITTING_DOWN": "sitting down.",
             "STANDING_UP": "standing up.", "SEATED": "seated."}
    assert all(p.endswith(", " + words[a]) for p, a in zip(data.prompts, data.activity,
                                                            strict=True))
    assert "year-old" in data.prompts[0] and "cm" in data.prompts[0]
    assert len(set(data.groups)) == 23 and np.isfinite(data.X).all()
