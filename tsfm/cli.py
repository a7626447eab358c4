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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
