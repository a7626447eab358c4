"""random_state follows scikit-learn: ints in [0, 2**32 - 1], instances are consumed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm import FlowFMPretrainer
from tsfm.training.seeding import MAX_SEED, resolve_seed, torch_generator


@pytest.mark.parametrize("seed", [0, 7, MAX_SEED, np.int64(7), np.uint32(MAX_SEED)])
def test_int_seeds_in_range_are_used_as_they_are(seed):
    assert resolve_seed(seed) == int(seed)
    assert type(resolve_seed(seed)) is int


@pytest.mark.parametrize("seed", [2**32, -1, 2**64, np.int64(-5)])
def test_int_seeds_out_of_range_raise_instead_of_wrapping(seed):
    with pytest.raises(ValueError, match=r"outside the valid seed range \[0, 2\*\*32 - 1\]"):
        resolve_seed(seed)


@pytest.mark.parametrize("seed", [True, np.bool_(False), 1.5, "0", [0]])
def test_other_types_raise_type_error(seed):
    with pytest.raises(TypeError, match="random_state must be None, an int"):
        resolve_seed(seed)


def test_a_random_state_instance_is_consumed_reproducibly():
    rs = np.random.RandomState(0)
    first, second = resolve_seed(rs), resolve_seed(rs)
    assert first != second
    again = np.random.RandomState(0)
    assert [resolve_seed(again), resolve_seed(again)] == [first, second]


def test_a_numpy_generator_is_consumed_reproducibly():
    rng = np.random.default_rng(0)
    first, second = resolve_seed(rng), resolve_seed(rng)
    assert first != second
    again = np.random.default_rng(0)
    assert [resolve_seed(again), resolve_seed(again)] == [first, second]
    assert 0 <= first <= MAX_SEED


def test_none_draws_from_numpys_global_state():
    """scikit-learn's convention for None; seeding that global state is what is tested."""
    np.random.seed(3)  # noqa: NPY002
    first = resolve_seed(None)
    np.random.seed(3)  # noqa: NPY002
    assert resolve_seed(None) == first


def test_torch_generator_is_independent_of_the_global_one():
    torch.manual_seed(1)
    a = torch.randn(4, generator=torch_generator(9, "cpu"))
    torch.manual_seed(2)
    torch.testing.assert_close(torch.randn(4, generator=torch_generator(9, "cpu")), a)


def test_seed_2_to_the_32_no_longer_trains_the_seed_0_model():
    X = np.random.default_rng(0).normal(size=(8, 1, 20)).astype(np.float32)
    pre = FlowFMPretrainer(model="tiny", device="cpu", max_epochs=1, random_state=2**32)
    with pytest.raises(ValueError, match=r"random_state=4294967296 .*\[0, 2\*\*32 - 1\]"):
        pre.fit(X)
