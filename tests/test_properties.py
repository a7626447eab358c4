"""Property tests: any input gives a finite result of the right shape or a tsfm error.

For random shapes, dtypes and values (huge, tiny, NaN, inf), ``transform`` and
``sample`` either return finite float32 arrays of the documented shape or raise an
error tsfm raises on purpose: a ``TsfmError``, or a ``ValueError``/``TypeError``
raised by tsfm's own code. A foreign error (a numpy broadcast ``ValueError``, a torch
``RuntimeError``, an ``IndexError``…) or a NaN fails the test.
"""

from __future__ import annotations

import linecache

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tsfm import FlowFMSignalGenerator, FlowFMTransformer
from tsfm.exceptions import TsfmError

N_CHANNELS, N_TIMEPOINTS, PATCH = 2, 16, 4
TINY = {
    "model": "tiny",
    "encoder": {"patch_size": PATCH},
    "velocity": {"patch_size": PATCH},
    "device": "cpu",
    "max_epochs": 1,
    "random_state": 0,
}
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def transformer() -> FlowFMTransformer:
    X = np.random.default_rng(0).normal(size=(8, N_CHANNELS, N_TIMEPOINTS)).astype(np.float32)
    return FlowFMTransformer(**TINY).fit(X)


@pytest.fixture(scope="module")
def generator(transformer) -> FlowFMSignalGenerator:
    return FlowFMSignalGenerator(
        pretrained=transformer.pretrainer_, solver="euler", steps=1
    ).fit()


def raised_on_purpose(exc: BaseException) -> bool:
    """A tsfm error, or a ValueError/TypeError from a ``raise`` statement in tsfm's code.

    A TypeError that Python raises inside tsfm (``'X' object is not subscriptable``)
    is a bug, not a deliberate error: its line is not a ``raise`` statement.
    """
    if not isinstance(exc, TsfmError | ValueError | TypeError):
        return False
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
    in_tsfm = "/tsfm/" in filename or "/tsfm_builtins/" in filename
    return in_tsfm and linecache.getline(filename, tb.tb_lineno).lstrip().startswith("raise")


def outcome(call):
    """``call()``'s result, or None if it raised on purpose; re-raises anything else."""
    try:
        result = call()
    except Exception as exc:
        if raised_on_purpose(exc):
            event(f"raised {type(exc).__name__}: {str(exc)[:40]}")
            return None
        raise
    event("returned")
    return result


FLOATS = {
    np.dtype("float16"): 16, np.dtype("float32"): 32, np.dtype("float64"): 64,
}
#: mostly floats, where NaN, inf and overflow live; the other kinds now and then
DTYPES = st.sampled_from([
    *["float16", "float32", "float64"] * 3, "int8", "int64", "uint64", "bool", "object",
    "complex64",
]).map(np.dtype)
#: magnitudes that stress the arithmetic, and the ordinary ones
MAGNITUDES = st.sampled_from([0.0, 1e-45, 1e-30, 1.0, 1e6, 1e10, 1e20, 1e30, 3e38, 1e300])


def elements(dtype: np.dtype) -> st.SearchStrategy:
    if dtype.kind == "f":
        return st.floats(width=FLOATS[dtype], allow_nan=True, allow_infinity=True)
    if dtype.kind == "c":
        return st.complex_numbers(width=64, allow_nan=True, allow_infinity=True)
    if dtype.kind == "b":
        return st.booleans()
    if dtype.kind == "O":
        return st.one_of(
            st.floats(allow_nan=True), st.integers(-(2**70), 2**70), st.none(), st.text(max_size=2)
        )
    info = np.iinfo(dtype)
    return st.integers(int(info.min), int(info.max))


@st.composite
def shapes(draw) -> tuple[int, ...]:
    """Mostly the model's channel count with any length; sometimes any shape at all."""
    if draw(st.integers(0, 4)):
        return (draw(st.integers(1, 3)), N_CHANNELS, draw(st.integers(1, 3 * N_TIMEPOINTS)))
    return draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5))


@st.composite
def panels(draw) -> np.ndarray:
    """Random arrays: random elements of a dtype, or scaled noise of a chosen magnitude."""
    dtype, shape = draw(DTYPES), draw(shapes())
    if dtype.kind in "fc" and draw(st.integers(0, 2)):
        noise = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).normal(size=shape)
        with np.errstate(over="ignore"):
            return (noise * draw(MAGNITUDES)).astype(dtype)
    return draw(hnp.arrays(dtype, shape, elements=elements(dtype)))


def check_finite(result: np.ndarray, shape: tuple[int, ...]) -> None:
    assert result.shape == shape
    assert result.dtype == np.float32
    assert np.isfinite(result).all()


@SETTINGS
@given(X=panels())
@example(X=np.full((2, N_CHANNELS, N_TIMEPOINTS), 1e20, dtype=np.float32))  # once NaN
def test_transform_returns_finite_embeddings_or_raises_a_tsfm_error(transformer, X):
    Z = outcome(lambda: transformer.transform(X))
    if Z is not None:
        check_finite(Z, (len(X), transformer.embedding_dim_))


@SETTINGS
@given(
    n_samples=st.sampled_from([1, 2, 3, 1, 2, 3, 1, 2, 0, -1, 2.5, float("nan"), True]),
    condition=st.one_of(st.none(), panels(), panels()),
    guidance_scale=st.one_of(
        st.none(), st.floats(0, 100), st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-5, 200),
    ),
    random_state=st.one_of(st.none(), st.integers(0, 2**32 - 1), st.integers(-1, 2**33)),
)
def test_sample_returns_finite_samples_or_raises_a_tsfm_error(
    generator, n_samples, condition, guidance_scale, random_state
):
    S = outcome(lambda: generator.sample(
        n_samples, condition=condition, guidance_scale=guidance_scale, random_state=random_state
    ))
    if S is not None:
        check_finite(S, (n_samples, N_CHANNELS, N_TIMEPOINTS))
