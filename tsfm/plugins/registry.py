"""Discovery and lookup of plugins registered in the ``tsfm`` entry-point group.

Each entry point is loaded in isolation: a plugin that fails to import is reported
with a warning naming it and the host keeps working, unless the environment variable
``TSFM_STRICT_PLUGINS=1`` is set, in which case the failure is raised.

Examples
--------
>>> from tsfm.plugins import list_plugins, get_plugin
>>> [p.name for p in list_plugins("generator")]  # doctest: +SKIP
['diffusion', 'flow_matching']
>>> get_plugin("generator", "flow_matching")  # doctest: +SKIP
<class 'tsfm_builtins.flow_matching.FlowMatchingGenerator'>
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import warnings
from dataclasses import dataclass

import pluggy

from tsfm.plugins import hookspecs

ENTRY_POINT_GROUP = "tsfm"
STRICT_ENV_VAR = "TSFM_STRICT_PLUGINS"

#: plugin kind -> the hook that returns classes of that kind
KIND_HOOKS = {
    "generator": "tsfm_register_generators",
    "conditioner": "tsfm_register_conditioners",
    "dataset": "tsfm_register_dataset_adapters",
}


class PluginLoadError(ImportError):
    """Raised in strict mode when an entry point of the ``tsfm`` group fails to load."""


class PluginLoadWarning(UserWarning):
    """Warned when an entry point of the ``tsfm`` group fails to load."""


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin class.

    Attributes
    ----------
    kind : str
        ``"generator"``, ``"conditioner"`` or ``"dataset"``.
    name : str
        The name estimators take, e.g. ``"flow_matching"``.
    cls : type
        The registered class.
    plugin : str
        The entry-point name that registered it.
    distribution : str or None
        The installed distribution that provides the entry point.
    summary : str
        First line of the class docstring.
    """

    kind: str
    name: str
    cls: type
    plugin: str
    distribution: str | None
    summary: str


def _strict() -> bool:
    return os.environ.get(STRICT_ENV_VAR, "").strip().lower() in {"1", "true", "yes"}


def _load_entry_points(pm: pluggy.PluginManager) -> dict[str, str | None]:
    """Load and register every entry point of the group, each in isolation."""
    sources: dict[str, str | None] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if pm.has_plugin(ep.name):
            continue
        dist = ep.dist.name if ep.dist is not None else None
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken third-party plugin must not crash the host
            message = (
                f"tsfm plugin {ep.name!r} ({ep.value}, from distribution {dist!r}) failed "
                f"to load and was skipped: {type(exc).__name__}: {exc}. Fix or uninstall "
                f"it; set {STRICT_ENV_VAR}=1 to make this an error."
            )
            if _strict():
                raise PluginLoadError(message) from exc
            warnings.warn(message, PluginLoadWarning, stacklevel=3)
            continue
        sources[ep.name] = dist
    return sources


@functools.cache
def _registry() -> tuple[pluggy.PluginManager, dict[str, dict[str, PluginInfo]]]:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    sources = _load_entry_points(pm)
    registry: dict[str, dict[str, PluginInfo]] = {kind: {} for kind in KIND_HOOKS}
    for kind, hook_name in KIND_HOOKS.items():
        hook = getattr(pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            plugin_name = pm.get_name(impl.plugin) or repr(impl.plugin)
            for cls in impl.function() or []:
                name = getattr(cls, "name", None)
                if not isinstance(name, str) or not name:
                    raise TypeError(
                        f"plugin {plugin_name!r} registered {cls!r} as a {kind} without a "
                        "non-empty string class attribute 'name'"
                    )
                if name in registry[kind]:
                    other = registry[kind][name].plugin
                    warnings.warn(
                        f"{kind} {name!r} is registered by both {other!r} and "
                        f"{plugin_name!r}; keeping the one from {other!r}",
                        PluginLoadWarning,
                        stacklevel=2,
                    )
                    continue
                doc = (cls.__doc__ or "").strip().splitlines()
                registry[kind][name] = PluginInfo(
                    kind=kind,
                    name=name,
                    cls=cls,
                    plugin=plugin_name,
                    distribution=sources.get(plugin_name),
                    summary=doc[0] if doc else "",
                )
    return pm, registry


def reload_plugins() -> None:
    """Forget the cached registry, so that newly installed plugins are discovered."""
    _registry.cache_clear()


def _check_kind(kind: str) -> None:
    if kind not in KIND_HOOKS:
        raise ValueError(f"unknown plugin kind {kind!r}; valid kinds: {sorted(KIND_HOOKS)}")


def list_plugins(kind: str) -> list[PluginInfo]:
    """List the installed plugins of one kind, sorted by name.

    Parameters
    ----------
    kind : {"generator", "conditioner", "dataset"}

    Returns
    -------
    list of PluginInfo
    """
    _check_kind(kind)
    _, registry = _registry()
    return [registry[kind][name] for name in sorted(registry[kind])]


def get_plugin(kind: str, name: str) -> type:
    """Return the class registered under ``name`` for ``kind``.

    Raises
    ------
    ValueError
        If no plugin of that kind has that name; the message lists the available names.
    """
    _check_kind(kind)
    _, registry = _registry()
    try:
        return registry[kind][name].cls
    except (KeyError, TypeError):
        available = ", ".join(repr(n) for n in sorted(registry[kind])) or "none installed"
        raise ValueError(
            f"unknown {kind} {name!r}; available {kind}s: {available}. "
            f"Install a package that registers it in the {ENTRY_POINT_GROUP!r} entry-point group."
        ) from None
