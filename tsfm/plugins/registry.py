"""Discovery and lookup of plugins registered in the ``tsfm`` entry-point group.

Each entry point is loaded in isolation and registered with pluggy under the unique
name ``"<distribution>:<entry point>"``, so two distributions may use the same
entry-point name. A plugin that fails to import, whose hook raises, or that returns
a class without a ``name`` is reported with a :class:`PluginLoadWarning` naming it,
and the host keeps working without it.

Two plugins that register the same name for the same kind are reported with a
warning naming both distributions. tsfm's own built-ins (distribution ``tsfm``) are
never shadowed: the other plugin is skipped. Between two third-party plugins, the
one found first on ``sys.path`` is kept.

With the environment variable ``TSFM_STRICT_PLUGINS=1`` every one of these
problems raises :class:`PluginLoadError` instead.

Examples
--------
>>> from tsfm.plugins import get_plugin, list_plugins, plugin_provenance
>>> [p.name for p in list_plugins("objective")]  # doctest: +SKIP
['diffusion', 'flow_matching']
>>> get_plugin("objective", "flow_matching")  # doctest: +SKIP
<class 'tsfm_builtins.flow_matching.FlowMatchingGenerator'>
>>> plugin_provenance("objective", "flow_matching")  # doctest: +SKIP
PluginProvenance(distribution='tsfm', version='0.1.0')
>>> import pandas as pd
>>> pd.DataFrame(list_plugins())[["kind", "name", "distribution"]]  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import pluggy

from tsfm.exceptions import TsfmError
from tsfm.plugins import hookspecs

ENTRY_POINT_GROUP = "tsfm"
STRICT_ENV_VAR = "TSFM_STRICT_PLUGINS"
#: the distribution whose plugins are built in; they are never shadowed
BUILTIN_DISTRIBUTION = "tsfm"

#: plugin kind -> the hooks that return classes of that kind (a deprecated name last)
KIND_HOOKS = {
    "objective": ("tsfm_register_objectives", "tsfm_register_generators"),
    "conditioner": ("tsfm_register_conditioners",),
    "conditional_sampler": ("tsfm_register_conditional_samplers",),
    "dataset": ("tsfm_register_dataset_adapters",),
}
#: deprecated kind names -> the kind they now are
RENAMED_KINDS = {"generator": "objective"}


class PluginLoadError(TsfmError, ImportError):
    """Raised in strict mode when a plugin of the ``tsfm`` group fails to load or collides."""


class PluginLoadWarning(UserWarning):
    """Warned when a plugin of the ``tsfm`` group fails to load or collides with another."""


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin class.

    ``pandas.DataFrame(list_plugins())`` turns a listing into a table with one column
    per attribute.

    Attributes
    ----------
    kind : str
        ``"objective"``, ``"conditioner"``, ``"conditional_sampler"`` or ``"dataset"``.
    name : str
        The name estimators take, e.g. ``"flow_matching"``.
    distribution : str or None
        The installed distribution whose entry point registered the class (``"tsfm"``
        for the built-ins); None for a plugin registered without an entry point.
    version : str or None
        That distribution's installed version.
    summary : str
        First line of the class docstring.
    plugin : str
        The entry-point name that registered it.
    cls : type
        The registered class.
    """

    kind: str
    name: str
    distribution: str | None
    version: str | None
    summary: str
    plugin: str
    cls: type


class PluginProvenance(NamedTuple):
    """Where a plugin class comes from: its distribution and that distribution's version."""

    distribution: str | None
    version: str | None


@dataclass(frozen=True)
class _Source:
    """The entry point behind one registered pluggy plugin."""

    entry_point: str
    distribution: str | None
    version: str | None

    def describe(self) -> str:
        return f"distribution {self.distribution!r} (entry point {self.entry_point!r})"


def _strict() -> bool:
    return os.environ.get(STRICT_ENV_VAR, "").strip().lower() in {"1", "true", "yes"}


def _report(message: str, cause: BaseException | None = None) -> None:
    """Raise in strict mode, else warn; ``message`` must say what was skipped."""
    message = f"{message} Set {STRICT_ENV_VAR}=1 to make this an error."
    if _strict():
        raise PluginLoadError(message) from cause
    warnings.warn(message, PluginLoadWarning, stacklevel=4)


def _load_entry_points(pm: pluggy.PluginManager) -> dict[str, _Source]:
    """Load and register every entry point of the group, each in isolation.

    Returns
    -------
    dict of str to _Source
        The pluggy name of each registered plugin (``"<distribution>:<entry point>"``)
        and the entry point it came from.
    """
    sources: dict[str, _Source] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else None
        source = _Source(ep.name, dist, ep.dist.version if ep.dist is not None else None)
        pluggy_name = f"{dist}:{ep.name}" if dist is not None else ep.name
        if pm.has_plugin(pluggy_name):  # the same entry point listed twice
            continue
        try:
            pm.register(ep.load(), name=pluggy_name)
        except Exception as exc:  # a broken third-party plugin must not crash the host
            _report(
                f"tsfm plugin {ep.name!r} ({ep.value}, from distribution {dist!r}) failed to "
                f"load and was skipped: {type(exc).__name__}: {exc}. Fix or uninstall it.",
                exc,
            )
            continue
        sources[pluggy_name] = source
    return sources


def _registered_classes(pm, kind: str, sources: dict[str, _Source]):
    """Yield ``(source, cls)`` for every class a plugin registers for ``kind``.

    Built-ins come first, then the other plugins in the order they were found.
    """
    impls = [impl for hook in KIND_HOOKS[kind] for impl in getattr(pm.hook, hook).get_hookimpls()]
    unknown = _Source("?", None, None)

    def builtin_first(impl) -> bool:
        return sources.get(impl.plugin_name, unknown).distribution != BUILTIN_DISTRIBUTION

    for impl in sorted(impls, key=builtin_first):  # sorted() is stable
        source = sources.get(impl.plugin_name, _Source(impl.plugin_name, None, None))
        try:
            classes = list(impl.function() or [])
        except Exception as exc:
            _report(
                f"tsfm plugin {source.entry_point!r} (from distribution "
                f"{source.distribution!r}) raised in "
                f"{impl.function.__name__}() and its {kind}s were skipped: "
                f"{type(exc).__name__}: {exc}. Fix or uninstall it.",
                exc,
            )
            continue
        for cls in classes:
            name = getattr(cls, "name", None)
            if not isinstance(cls, type) or not isinstance(name, str) or not name:
                _report(
                    f"tsfm plugin {source.entry_point!r} (from distribution "
                    f"{source.distribution!r}) registered "
                    f"{cls!r} as a {kind}, which is not a class with a non-empty string "
                    "class attribute 'name'; it was skipped. Give the class a 'name'."
                )
                continue
            yield source, cls


def _collision_message(kind: str, name: str, kept: _Source, skipped: _Source) -> str:
    reason = (
        "built-in plugins are never shadowed"
        if kept.distribution == BUILTIN_DISTRIBUTION
        else "it was found first on sys.path"
    )
    return (
        f"{kind} {name!r} is registered by both {kept.describe()} and {skipped.describe()}; "
        f"using the one from {kept.distribution!r} ({reason}) and skipping the one from "
        f"{skipped.distribution!r}. Uninstall one of the two distributions or rename the "
        "plugin."
    )


@functools.cache
def _registry() -> dict[str, dict[str, PluginInfo]]:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    sources = _load_entry_points(pm)
    registry: dict[str, dict[str, PluginInfo]] = {kind: {} for kind in KIND_HOOKS}
    for kind in KIND_HOOKS:
        kept: dict[str, _Source] = {}
        for source, cls in _registered_classes(pm, kind, sources):
            if cls.name in kept:
                _report(_collision_message(kind, cls.name, kept[cls.name], source))
                continue
            kept[cls.name] = source
            doc = (cls.__doc__ or "").strip().splitlines()
            registry[kind][cls.name] = PluginInfo(
                kind=kind,
                name=cls.name,
                distribution=source.distribution,
                version=source.version,
                summary=doc[0] if doc else "",
                plugin=source.entry_point,
                cls=cls,
            )
    return registry


def reload_plugins() -> None:
    """Forget the cached registry, so that newly installed plugins are discovered."""
    _registry.cache_clear()


def _check_kind(kind: str) -> str:
    """``kind``, or the kind a deprecated name now is (with a FutureWarning)."""
    if kind in RENAMED_KINDS:
        warnings.warn(f"plugin kind {kind!r} was renamed {RENAMED_KINDS[kind]!r}; the old "
                      "name will stop working in tsfm 0.3", FutureWarning, stacklevel=3)
        return RENAMED_KINDS[kind]
    if kind not in KIND_HOOKS:
        raise ValueError(f"unknown plugin kind {kind!r}; valid kinds: {sorted(KIND_HOOKS)}")
    return kind


def list_plugins(kind: str | None = None) -> list[PluginInfo]:
    """List the installed plugins, sorted by kind and name.

    Parameters
    ----------
    kind : {"objective", "conditioner", "dataset"} or None, default=None
        Only plugins of this kind; None lists every kind.

    Returns
    -------
    list of PluginInfo
        ``pandas.DataFrame(list_plugins())`` gives a table.

    Raises
    ------
    PluginLoadError
        In strict mode, if a plugin fails to load or two plugins share a name.
    """
    kinds = sorted(KIND_HOOKS) if kind is None else [_check_kind(kind)]
    registry = _registry()
    return [registry[k][name] for k in kinds for name in sorted(registry[k])]


def _info(kind: str, name: str) -> PluginInfo:
    kind = _check_kind(kind)
    registry = _registry()
    try:
        return registry[kind][name]
    except (KeyError, TypeError):
        available = ", ".join(repr(n) for n in sorted(registry[kind])) or "none installed"
        raise ValueError(
            f"unknown {kind} {name!r}; available {kind}s: {available}. "
            f"Install a package that registers it in the {ENTRY_POINT_GROUP!r} entry-point group."
        ) from None


def get_plugin(kind: str, name: str) -> type:
    """Return the class registered under ``name`` for ``kind``.

    Raises
    ------
    ValueError
        If no plugin of that kind has that name; the message lists the available names.
    """
    return _info(kind, name).cls


def plugin_provenance(kind: str, name: str) -> PluginProvenance:
    """Return the distribution that provides a plugin, and its installed version.

    Record this beside a saved model to know which code its objective or conditioner
    came from.

    Parameters
    ----------
    kind : {"objective", "conditioner", "dataset"}
    name : str
        The plugin's registry name, e.g. ``"flow_matching"``.

    Returns
    -------
    PluginProvenance
        ``(distribution, version)``, e.g. ``("tsfm", "0.1.0")``.

    Raises
    ------
    ValueError
        If no plugin of that kind has that name; the message lists the available names.
    """
    info = _info(kind, name)
    return PluginProvenance(info.distribution, info.version)
