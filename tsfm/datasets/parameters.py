"""Checks of the arguments of ``load_dataset``/``build_corpus`` and of adapter options.

Values are validated with pydantic in strict mode, so nothing is converted silently:
``transitions="no"`` is an error, not ``False``, and ``max_subjects=1.5`` is an error,
not 1. NumPy scalars are accepted wherever the equal Python number is
(``np.float64(30.0)`` like ``30.0``, ``np.int64(2)`` like ``2``). Every error is a
:class:`~tsfm.datasets.errors.DatasetParameterError` that names the parameter, the
value given and the valid range.
"""

from __future__ import annotations

import inspect
import re
import typing
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from tsfm.datasets.errors import DatasetParameterError

#: Highest target sampling rate accepted, in Hz. Wearable accelerometers and
#: gyroscopes sample at a few kHz at most (MEMS output data rates top out at 3.2 to
#: 6.4 kHz) and public activity datasets at 20 to 100 Hz. Resampling above 10 kHz would
#: only invent signal by interpolation, and a 10 s window would hold over 100,000
#: samples per channel; a value such as ``1e30`` is a typo, not a request.
MAX_RATE_HZ = 10_000.0

#: a registry name: letters, digits, ``_`` and ``-``; never a path
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: the ``<Problem>`` of ``"uea:<Problem>"``; it becomes a file name when downloading
_PROBLEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class WindowingParameters(BaseModel):
    """The windowing arguments shared by ``load_dataset``, ``stream_windows`` and corpora.

    ``None`` for ``rate`` or ``window_seconds`` means the adapter's default.
    """

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="forbid", frozen=True)

    rate: float | None = Field(
        None, gt=0, le=MAX_RATE_HZ, description=f"a finite rate in Hz in (0, {MAX_RATE_HZ:g}]"
    )
    window_seconds: float | None = Field(
        None, gt=0, description="a finite, positive number of seconds"
    )
    overlap: float = Field(0.0, ge=0, lt=1, description="a fraction in [0, 1)")
    stride_seconds: float | None = Field(
        None, gt=0, description="a finite, positive number of seconds, or None"
    )
    max_subjects: int | None = Field(None, ge=1, description="an integer >= 1, or None")
    max_gap_seconds: float = Field(0.5, ge=0, description="a finite number of seconds >= 0")
    labelled_only: bool = Field(True, description="a bool (True or False)")
    continuous: bool = Field(False, description="a bool (True or False)")
    download: bool = Field(False, description="a bool (True or False)")


def plain(value: Any) -> Any:
    """A NumPy scalar as the equal Python scalar (``np.int64(2)`` -> ``2``); else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def _message(exc: ValidationError, describe: typing.Callable[[str], str]) -> str:
    problems = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        problems.append(
            f"{name}={error['input']!r} is invalid ({error['msg'].lower()}); "
            f"{name} must be {describe(name)}"
        )
    return "; ".join(problems)


def check_windowing(**values: Any) -> WindowingParameters:
    """Validate windowing arguments; see :class:`WindowingParameters` for their ranges.

    Raises
    ------
    DatasetParameterError
        Naming each invalid argument, its value and its valid range.
    """
    try:
        return WindowingParameters(**{key: plain(value) for key, value in values.items()})
    except ValidationError as exc:
        fields = WindowingParameters.model_fields

        def describe(name: str) -> str:
            return fields[name].description if name in fields else "not passed (unknown)"

        raise DatasetParameterError(_message(exc, describe)) from None


def check_dataset_name(name: Any) -> tuple[str, str]:
    """Split ``"family:problem"`` into its parts after checking that neither is a path.

    Returns
    -------
    base : str
        The registry name, e.g. ``"uea"``.
    problem : str
        The part after ``":"`` (``"RacketSports"``), or ``""``.

    Raises
    ------
    DatasetParameterError
        If ``name`` is not a string, or either part holds anything but letters,
        digits, ``_`` and ``-`` (so ``"uea:../../x"`` cannot write outside ``data_dir``).
    """
    if not isinstance(name, str):
        raise DatasetParameterError(
            f"name must be a dataset name (a str such as 'adl' or 'uea:RacketSports'), got "
            f"{name!r}; list_datasets() shows the available names"
        )
    base, sep, problem = name.partition(":")
    if not _NAME.fullmatch(base) or (sep and not _PROBLEM.fullmatch(problem)):
        raise DatasetParameterError(
            f"invalid dataset name {name!r}: a name is letters, digits, '_' and '-' (e.g. "
            "'hapt'), optionally followed by ':<Problem>' made of the same characters (e.g. "
            "'uea:RacketSports'); path separators, '.' and '..' are not allowed"
        )
    return base, problem


def _type_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")


def check_adapter_options(cls: type, options: dict[str, Any]) -> dict[str, Any]:
    """Validate adapter options against the type hints of ``cls.__init__``, strictly.

    Parameters
    ----------
    cls : type
        A :class:`~tsfm.datasets.adapter.DatasetAdapter` subclass.
    options : dict
        Keyword arguments for ``cls``.

    Returns
    -------
    dict
        ``options`` with NumPy scalars turned into Python scalars.

    Raises
    ------
    DatasetParameterError
        For an option ``cls`` does not take (listing those it takes) or a value of the
        wrong type (``transitions="no"`` where a bool is expected).
    """
    parameters = dict(inspect.signature(cls.__init__).parameters)
    parameters.pop("self", None)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    unknown = sorted(set(options) - set(parameters))
    if unknown and not takes_any:
        known = ", ".join(parameters) or "none"
        raise DatasetParameterError(
            f"dataset {cls.name!r} has no option {', '.join(map(repr, unknown))}; its "
            f"options are: {known}"
        )
    try:
        hints = typing.get_type_hints(cls.__init__)
    except (NameError, TypeError):  # unresolvable annotations: the adapter checks itself
        hints = {}
    checked = {}
    for key, value in options.items():
        value = plain(value)
        hint = hints.get(key)
        if hint is not None:
            try:
                TypeAdapter(hint).validate_python(value, strict=True)
            except ValidationError as exc:
                default = parameters[key].default
                example = "" if default is inspect.Parameter.empty else f", e.g. {default!r}"
                raise DatasetParameterError(
                    f"option {key}={value!r} of dataset {cls.name!r} is invalid "
                    f"({exc.errors()[0]['msg'].lower()}); {key} must be of type "
                    f"{_type_name(hint)}{example}"
                ) from None
        checked[key] = value
    return checked
