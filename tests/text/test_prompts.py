"""make_prompts: prompts from per-window metadata, templates, and what each dataset provides."""

from __future__ import annotations

import pandas as pd
import pytest

from tsfm.text import DATASET_ATTRIBUTES, activity_words, describe_person, make_prompts


def test_every_attribute_goes_into_the_person():
    meta = pd.DataFrame({"activity": ["WALKING"], "age": [54], "sex": ["male"],
                         "height_cm": [190], "weight_kg": [83], "dominant_hand": ["right"]})
    assert make_prompts(meta) == ["a 54-year-old right-handed man, 190 cm, 83 kg, walking."]


@pytest.mark.parametrize(("row", "expected"), [
    ({"age_group": "old"}, "an older person"),
    ({"age_group": "young", "sex": "female"}, "a young woman"),
    ({"age": 18}, "an 18-year-old person"),
    ({"age": 81, "sex": "female"}, "an 81-year-old woman"),
    ({}, "a person"),
    ({"sex": float("nan"), "age": None}, "a person"),
])
def test_describe_person(row, expected):
    assert describe_person(row) == expected


def test_activity_labels_in_words_and_renamed():
    assert activity_words("WALKING_UPSTAIRS") == "walking upstairs"
    meta = pd.DataFrame({"activity": ["tug_walking", "sit_stand"], "age_group": ["old", "young"]})
    prompts = make_prompts(meta, activity_names={"tug_walking": "walking at a steady pace"})
    assert prompts == ["an older person, walking at a steady pace.", "a young person, sit stand."]


def test_user_template_with_metadata_columns():
    meta = pd.DataFrame({"activity": ["LAYING"], "sex": ["female"], "subject": ["7"]})
    assert make_prompts(meta, template="subject {subject}: {activity} ({sex})") == [
        "subject 7: laying (female)"]


@pytest.mark.parametrize(("template", "match"), [
    ("no fields", "names no field"),
    ("{} walking", "positional fields"),
    ("{person} {mood}", r"names \['mood'\], which are neither"),
    ("{person", "not a valid format string"),
])
def test_bad_templates(template, match):
    meta = pd.DataFrame({"activity": ["WALKING"]})
    with pytest.raises(ValueError, match=match):
        make_prompts(meta, template=template)


def test_a_row_without_activity_needs_missing_activity():
    meta = pd.DataFrame({"activity": [None], "sex": ["male"]})
    with pytest.raises(ValueError, match="row 0 has no activity; pass missing_activity"):
        make_prompts(meta)
    assert make_prompts(meta, missing_activity="doing a test") == ["a man, doing a test."]


def test_unknown_attribute_value_and_empty_metadata_are_errors():
    known = r"'sex' holds 'x'; make_prompts knows \['female', 'male'\]"
    with pytest.raises(ValueError, match=known):
        make_prompts(pd.DataFrame({"activity": ["WALKING"], "sex": ["x"]}))
    with pytest.raises(ValueError, match="metadata has no rows"):
        make_prompts(pd.DataFrame({"activity": []}))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        make_prompts([{"activity": "WALKING"}])


def test_dataset_attributes_are_stated_for_the_four_labelled_datasets():
    assert DATASET_ATTRIBUTES["geotec"] == ("age", "sex", "height_cm", "weight_kg",
                                            "dominant_hand")
    assert DATASET_ATTRIBUTES["smartfallmm"] == ("age_group",)
    assert DATASET_ATTRIBUTES["adl"] == ("sex",)
    assert DATASET_ATTRIBUTES["hapt"] == ()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["smartfallmm", "adl", "hapt", "geotec"])
def test_real_metadata_has_the_stated_attributes(shared_data, name):
    from tsfm.datasets import load_dataset

    extra = {"labelled_only": False, "continuous": True} if name == "geotec" else {}
    ds = load_dataset(name, data_dir=shared_data, rate=30, window_seconds=10, channels=["acc"],
                      **extra)
    assert set(DATASET_ATTRIBUTES[name]) <= set(ds.metadata.columns)
    prompts = make_prompts(ds.metadata, missing_activity="doing a test")
    assert len(prompts) == len(ds.X)
    assert all(p.endswith(".") and len(p.split()) >= 3 for p in prompts)
    if name == "geotec":
        assert prompts[0].startswith(describe_person(ds.metadata.iloc[0].to_dict()))
        assert "cm" in prompts[0] and "kg" in prompts[0] and "year-old" in prompts[0]
