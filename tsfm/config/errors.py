"""Readable messages for pydantic validation errors, naming each offending key.

The same schema checks estimator parameters and ``config.json`` files, but the two are
named differently: an estimator parameter as the user sets it (``encoder__depth``,
``augmentation['jitter']``), a file entry by its path in the JSON document
(``model['encoder']['depth']``).
"""

from __future__ import annotations

import reprlib
import types
import typing
from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

#: parameters whose entries are routed skorch-style, e.g. ``encoder__depth``
ROUTED_PARTS = ("encoder", "velocity")
#: errors listed in one message; the rest are counted
MAX_LISTED = 5

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlevel = 2

Style = Literal["parameter", "file"]


def _model_class(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model in an annotation such as ``EncoderConfig | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_class(arg)
            if found is not None:
                return found
    return None


def _description(annotation: Any) -> str | None:
    """The ``Field(description=...)`` inside an annotation such as ``Depth | None``."""
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, FieldInfo) and meta.description:
                return meta.description
        return _description(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _description(arg)
            if found:
                return found
    return None


def _walk(schema: type[BaseModel], loc: tuple) -> tuple[type[BaseModel] | None, Any]:
    """The model class that holds ``loc[-1]`` and that field's ``FieldInfo`` (or None)."""
    model: type[BaseModel] | None = schema
    field = None
    for i, key in enumerate(loc):
        if model is None or not isinstance(key, str) or key not in model.model_fields:
            return (model, None) if i == len(loc) - 1 else (None, None)
        field = model.model_fields[key]
        if i < len(loc) - 1:
            model = _model_class(field.annotation)
    return model, field


def _name(loc: tuple, style: Style, root: str) -> str:
    if not loc:
        return root
    if root:
        head, rest = root, loc
    else:
        head, rest = str(loc[0]), loc[1:]
        if style == "parameter" and head in ROUTED_PARTS and rest:
            head, rest = f"{head}__{rest[0]}", rest[1:]
    return head + "".join(f"[{key!r}]" for key in rest)


def _message(error: dict, schema: type[BaseModel], style: Style, root: str) -> str:
    loc = tuple(error["loc"])
    name = _name(loc, style, root)
    if error["type"] == "value_error":
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{name}: {text}" if name else text
    if error["type"] == "missing":
        return f"{name} is missing"
    value = _short.repr(error["input"])
    problem = error["msg"][0].lower() + error["msg"][1:]
    message = f"{name}={value} is invalid ({problem})"
    _, field = _walk(schema, loc)
    description = None if field is None else field.description or _description(field.annotation)
    if description:
        message += f"; {name} {description}"
    return message


def _unknown_keys(parent: tuple, keys: list[str], schema, style: Style, root: str) -> str:
    model, _ = _walk(schema, (*parent, "")) if parent else (schema, None)
    valid = sorted(model.model_fields) if model is not None else []
    if style == "parameter" and len(parent) == 1 and parent[0] in ROUTED_PARTS:
        part = parent[0]
        return (
            f"unknown {part} parameter(s) {sorted(keys)}; valid {part}__ parameters: {valid}"
        )
    where = _name(parent, style, root)
    noun = f"{where} key(s)" if where else "key(s)"
    return f"unknown {noun} {sorted(keys)}; valid keys: {valid}"


def describe_errors(
    error: ValidationError, schema: type[BaseModel], *, style: Style, root: str = ""
) -> str:
    """One message listing every problem of a validation error, each naming its key.

    Parameters
    ----------
    error : pydantic.ValidationError
    schema : pydantic model class
        The model that was validated, to look up field descriptions and valid keys.
    style : {"parameter", "file"}
        Name keys as estimator parameters or as paths in a JSON document.
    root : str, default=""
        Name of the validated object, put before the path of each key; with ``""`` the
        first key is the name (``model['encoder']``, or ``encoder__depth`` in
        ``"parameter"`` style).

    Returns
    -------
    str
    """
    unknown: dict[tuple, list[str]] = defaultdict(list)
    messages = []
    for item in error.errors(include_url=False):
        if item["type"] == "extra_forbidden":
            unknown[tuple(item["loc"][:-1])].append(str(item["loc"][-1]))
        else:
            messages.append(_message(item, schema, style, root))
    messages[:0] = [
        _unknown_keys(parent, keys, schema, style, root) for parent, keys in unknown.items()
    ]
    text = "; ".join(messages[:MAX_LISTED])
    if len(messages) > MAX_LISTED:
        text += f" (and {len(messages) - MAX_LISTED} more problems)"
    return text
