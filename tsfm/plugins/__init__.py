"""Plugins: the hook specifications and the registry of installed plugins.

Generators (training objectives), conditioners and dataset adapters are found through
the ``tsfm`` entry-point group; :mod:`tsfm.plugins.hookspecs` documents the hooks and
:mod:`tsfm.plugins.registry` loads them. :func:`list_plugins` browses them (every kind
by default; ``pandas.DataFrame(list_plugins())`` is a table) and :func:`plugin_provenance`
names the distribution and version behind one plugin.
"""

from tsfm.plugins.hookspecs import hookimpl
from tsfm.plugins.registry import (
    ENTRY_POINT_GROUP,
    STRICT_ENV_VAR,
    PluginInfo,
    PluginLoadError,
    PluginLoadWarning,
    PluginProvenance,
    get_plugin,
    list_plugins,
    plugin_provenance,
    reload_plugins,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "STRICT_ENV_VAR",
    "PluginInfo",
    "PluginLoadError",
    "PluginLoadWarning",
    "PluginProvenance",
    "get_plugin",
    "hookimpl",
    "list_plugins",
    "plugin_provenance",
    "reload_plugins",
]
