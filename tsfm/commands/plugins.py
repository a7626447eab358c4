"""``tsfm plugins``: list the installed generators, conditioners and dataset adapters.

One row per plugin: its name (what estimators and ``load_dataset`` take), its kind,
the distribution that provides it with that distribution's version, and the first
line of its docstring. Problems (a plugin that fails to load, two plugins with one
name) are warned on stderr; with ``TSFM_STRICT_PLUGINS=1`` they are errors.
"""

from __future__ import annotations

import argparse

from tsfm.plugins.registry import KIND_HOOKS

COLUMNS = ("name", "kind", "distribution", "version", "summary")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``plugins`` subcommand."""
    parser = subparsers.add_parser(
        "plugins",
        help="list the installed plugins (generators, conditioners, datasets)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--kind", choices=sorted(KIND_HOOKS),
                        help="only plugins of this kind (default: every kind)")
    parser.set_defaults(func=run)
    return parser


def format_table(rows: list[dict[str, str]]) -> str:
    """Left-aligned columns :data:`COLUMNS` under a header, two spaces apart."""
    header = {column: column for column in COLUMNS}
    widths = {c: max(len(row[c]) for row in [header, *rows]) for c in COLUMNS}
    lines = ["  ".join(row[c].ljust(widths[c]) for c in COLUMNS).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the table; returns the exit status."""
    from tsfm.plugins import list_plugins

    rows = [
        {"name": p.name, "kind": p.kind, "distribution": p.distribution or "-",
         "version": p.version or "-", "summary": p.summary}
        for p in list_plugins(args.kind)
    ]
    print(format_table(rows))
    return 0
