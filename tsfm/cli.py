"""The ``tsfm`` command line: one subcommand per module in :mod:`tsfm.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand name -> module in tsfm.commands defining ``add_parser(subparsers)``
#: (which sets ``func`` via ``set_defaults``)
COMMANDS = {
    "bench": "tsfm.commands.bench",
    "demo": "tsfm.commands.demo",
    "generate": "tsfm.commands.generate",
    "prepare": "tsfm.commands.prepare",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsfm", description="Time-series foundation models (FlowFM) for wearable sensors."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(subparsers)
    return parser


#: errors that mean bad input from the user: reported in one line, without a traceback
USER_ERRORS = (ValueError, TypeError, FileNotFoundError, ModuleNotFoundError)


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; bad input prints ``tsfm <command>: error: …`` and returns 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"tsfm {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
