"""Subject-wise train/test splits."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm.datasets import load_dataset, train_test_split_subjects


def test_official_split_is_used_where_the_dataset_has_one(hapt_dir):
    ds = load_dataset("hapt", hapt_dir, labelled_only=False)
    X_train, y_train, X_test, y_test = train_test_split_subjects(ds)
    assert y_train.tolist() == ["STANDING", "SITTING"]  # user 1; the unlabelled window is gone
    assert y_test.tolist() == ["WALKING", "WALKING"]  # user 2 is an official test subject
    assert X_train.shape == (2, 3, 300)


def test_without_an_official_split_each_subject_goes_to_one_part(adl_dir):
    ds = load_dataset("adl", adl_dir)  # f1 has 1 window, m2 has 2
    X_train, _, X_test, _ = train_test_split_subjects(ds, test_size=0.5)
    assert sorted([len(X_train), len(X_test)]) == [1, 2]


def test_real_adl_split_keeps_subjects_disjoint(shared_data):
    ds = load_dataset("adl", shared_data)
    X_train, _, X_test, _ = train_test_split_subjects(ds, test_size=0.3, random_state=1)
    subject_of = {x.tobytes(): g for x, g in zip(ds.X, ds.groups, strict=True)}
    train = {subject_of[x.tobytes()] for x in X_train}
    test = {subject_of[x.tobytes()] for x in X_test}
    assert train and test and not train & test
    assert len(train | test) == 16


def test_one_subject_cannot_be_split(adl_dir):
    ds = load_dataset("adl", adl_dir, max_subjects=1)
    with pytest.raises(ValueError, match="at least two subjects"):
        train_test_split_subjects(ds)


def test_real_hapt_official_split_subjects(shared_data):
    ds = load_dataset("hapt", shared_data)
    X_train, _, X_test, _ = train_test_split_subjects(ds)
    test_subjects = set(ds.groups[ds.metadata["split"].to_numpy() == "test"])
    assert test_subjects == {"2", "4", "9", "10", "12", "13", "18", "20", "24"}
    assert len(X_train) + len(X_test) == len(ds) and np.isfinite(X_test).all()
