"""Text prompts from a dataset's per-window metadata (paper Sec. 5.3).

A prompt describes the subject and the activity of one window, e.g. ``"a 54-year-old
right-handed man, 190 cm, 83 kg, walking."``. :func:`make_prompts` fills a template
with the fields below; every subject attribute a dataset has goes into ``{person}``.

Fields of a template
--------------------
``{person}``
    The subject from every attribute present: ``age`` (years), ``age_group``
    (``"young"``/``"old"``), ``sex`` (``"male"``/``"female"``), ``dominant_hand``,
    ``height_cm`` and ``weight_kg``; ``"a person"`` when there is none.
``{activity}``
    The activity label in words (``"WALKING_UPSTAIRS"`` -> ``"walking upstairs"``), or
    its entry in ``activity_names``.
any metadata column
    Its value as written, e.g. ``{sex}`` or ``{age}``.

Attributes each dataset provides (:data:`DATASET_ATTRIBUTES`)
--------------------------------------------------------------
GeoTec SPSW: age, sex, height, weight, dominant hand; its activities fit 1 s windows
(its 10 s windows cross activity boundaries and carry none; pass ``missing_activity``).
SmartFallMM: age group (young/old). ADL (HMP): sex. UCI HAPT: none (activity only).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

import pandas as pd

#: the default template: ``"a 54-year-old man, 190 cm, 83 kg, walking."``
DEFAULT_TEMPLATE = "{person}, {activity}."

#: dataset name -> the subject attributes (metadata columns) its windows carry
DATASET_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "geotec": ("age", "sex", "height_cm", "weight_kg", "dominant_hand"),
    "smartfallmm": ("age_group",),
    "adl": ("sex",),
    "hapt": (),
}

#: every attribute column ``{person}`` describes, in the order it names them
PERSON_ATTRIBUTES = ("age", "age_group", "dominant_hand", "sex", "height_cm", "weight_kg")

_NOUNS = {"male": "man", "female": "woman"}
_AGE_GROUPS = {"young": "young", "old": "older"}
_HANDS = {"right": "right-handed", "left": "left-handed"}


def _present(value) -> bool:
    """Whether a metadata cell holds a value (not None, NaN or an empty string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def _lookup(table: Mapping[str, str], column: str, value) -> str:
    key = str(value).strip().lower()
    if key not in table:
        raise ValueError(
            f"metadata column {column!r} holds {value!r}; make_prompts knows "
            f"{sorted(table)}; map it to one of those, or drop the column"
        )
    return table[key]


def describe_person(row: Mapping) -> str:
    """The subject of one metadata row in words.

    Parameters
    ----------
    row : mapping
        Metadata of one window; the columns of :data:`PERSON_ATTRIBUTES` that it holds
        are used, missing ones (None or NaN) left out.

    Returns
    -------
    str
        e.g. ``"a 54-year-old right-handed man, 190 cm, 83 kg"``, ``"an older person"``,
        ``"a person"``.

    Examples
    --------
    >>> describe_person({"age": 54, "sex": "male", "height_cm": 190, "weight_kg": 83})
    'a 54-year-old man, 190 cm, 83 kg'
    >>> describe_person({"age_group": "old"})
    'an older person'
    """
    values = {key: row[key] for key in PERSON_ATTRIBUTES if key in row and _present(row[key])}
    words = []
    if "age" in values:
        words.append(f"{_number(values['age'], 'age')}-year-old")
    if "age_group" in values:
        words.append(_lookup(_AGE_GROUPS, "age_group", values["age_group"]))
    if "dominant_hand" in values:
        words.append(_lookup(_HANDS, "dominant_hand", values["dominant_hand"]))
    words.append(_lookup(_NOUNS, "sex", values["sex"]) if "sex" in values else "person")
    text = f"{_article(words[0])} {' '.join(words)}"
    if "height_cm" in values:
        text += f", {_number(values['height_cm'], 'height_cm')} cm"
    if "weight_kg" in values:
        text += f", {_number(values['weight_kg'], 'weight_kg')} kg"
    return text


def _article(word: str) -> str:
    """``"an"`` before a vowel sound (``"an older"``, ``"an 18-year-old"``), else ``"a"``."""
    return "an" if word[0] in "aeiou8" or word.startswith(("11-", "18-")) else "a"


def _number(value, column: str) -> str:
    """An integer-valued attribute as digits; anything else is an error."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"metadata column {column!r} holds {value!r}, not a number") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"metadata column {column!r} holds {value!r}; expected a positive number")
    return f"{number:.0f}" if number.is_integer() else f"{number:g}"


def activity_words(label) -> str:
    """An activity label in words: ``"WALKING_UPSTAIRS"`` -> ``"walking upstairs"``."""
    return " ".join(str(label).replace("_", " ").replace("-", " ").lower().split())


def template_fields(template: str) -> list[str]:
    """The field names of a ``str.format`` template, in order.

    Raises
    ------
    ValueError
        If ``template`` is not a valid format string, names no field, or uses
        positional (``{}``) fields.
    """
    if not isinstance(template, str):
        raise TypeError(f"template must be a str, got {type(template).__name__}")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"template {template!r} is not a valid format string: {exc}") from None
    if not fields:
        raise ValueError(
            f"template {template!r} names no field; use e.g. {DEFAULT_TEMPLATE!r}"
        )
    positional = [name for name in fields if not name or name.isdigit()]
    if positional:
        raise ValueError(
            f"template {template!r} has positional fields; name them, e.g. {{person}} "
            "and {activity}"
        )
    return fields


def make_prompts(
    metadata: pd.DataFrame,
    template: str = DEFAULT_TEMPLATE,
    *,
    activity_names: Mapping[str, str] | None = None,
    missing_activity: str | None = None,
) -> list[str]:
    """One text prompt per metadata row (window).

    Parameters
    ----------
    metadata : pandas.DataFrame of n rows
        ``ds.metadata`` of a dataset from :func:`tsfm.datasets.load_dataset`: an
        ``activity`` column and any subject attributes (see the module docstring).
    template : str, default="{person}, {activity}."
        A ``str.format`` template over ``{person}``, ``{activity}`` and the metadata
        columns.
    activity_names : mapping of str to str, optional
        Words for activity labels (e.g. ``{"tug_walking": "walking at a steady pace"}``);
        other labels are written as :func:`activity_words` gives them.
    missing_activity : str, optional
        The words for rows without an activity (e.g. GeoTec's 10 s windows, which span
        several). Without it such a row is an error.

    Returns
    -------
    list of str, length n

    Raises
    ------
    ValueError
        For an empty ``metadata``, a template field that is neither ``person``,
        ``activity`` nor a column, a row without an activity (and no
        ``missing_activity``), or an attribute value it cannot put into words.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"activity": ["WALKING"], "sex": ["female"], "age": [31]})
    >>> make_prompts(meta)
    ['a 31-year-old woman, walking.']
    >>> make_prompts(meta, template="{activity} by a {sex} subject")
    ['walking by a female subject']
    """
    if not isinstance(metadata, pd.DataFrame):
        raise TypeError(f"metadata must be a pandas DataFrame, got {type(metadata).__name__}")
    if len(metadata) == 0:
        raise ValueError("metadata has no rows; pass the metadata of a non-empty dataset")
    fields = template_fields(template)
    known = {"person", "activity", *map(str, metadata.columns)}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ValueError(
            f"template {template!r} names {unknown}, which are neither 'person', "
            f"'activity' nor metadata columns; the columns are {list(metadata.columns)}"
        )
    names = dict(activity_names or {})
    prompts = []
    for position, row in enumerate(metadata.to_dict("records")):
        values = {key: row[key] for key in fields if key in row and key != "activity"}
        if "person" in fields:
            values["person"] = describe_person(row)
        if "activity" in fields:
            values["activity"] = _activity(row.get("activity"), names, missing_activity,
                                           position)
        missing = [key for key, value in values.items() if not _present(value)]
        if missing:
            raise ValueError(
                f"metadata row {position} has no value for {missing}, which the template "
                f"{template!r} names; fill them in or use a template without them"
            )
        prompts.append(template.format_map(values))
    return prompts


def _activity(label, names: Mapping[str, str], missing: str | None, position: int) -> str:
    if not _present(label) or str(label) == "None":
        if missing is None:
            raise ValueError(
                f"metadata row {position} has no activity; pass missing_activity= the words "
                "for such windows (e.g. 'doing a sit-walk-turn-sit test'), or drop the rows"
            )
        return missing
    return names.get(str(label), activity_words(label))
