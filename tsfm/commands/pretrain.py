"""``tsfm pretrain``: a long pretraining run on a corpus, with checkpoints and resume.

Start a run, then continue it after a kill (or in a later session)::

    tsfm pretrain --corpus shards/ --model small --epochs 40 --out runs/wrist-small/
    tsfm pretrain --config pretrain.toml --out runs/wrist-small/
    tsfm pretrain --resume runs/wrist-small/

Data-parallel on N processes (GPUs, or CPU processes with gloo), one node or many::

    torchrun --nproc_per_node N -m tsfm pretrain --corpus shards/ --out runs/x/
    accelerate launch --num_processes N -m tsfm pretrain --corpus shards/ --out runs/x/

The exported model lands in ``<out>/model/`` when the last epoch is done.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def add_parser(subparsers) -> None:
    """Register the ``pretrain`` subcommand."""
    parser = subparsers.add_parser(
        "pretrain",
        help="pretrain FlowFM on a shard corpus, with checkpoints and --resume",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", help="shard directory written by `tsfm prepare`")
    parser.add_argument("--out", help="run directory to create")
    parser.add_argument("--resume", metavar="RUN_DIR",
                        help="continue the run in RUN_DIR from its newest good checkpoint")
    parser.add_argument("--config", help="TOML file of run settings (keys as in RunConfig)")
    parser.add_argument("--model", help="size preset: tiny, small, base (default small)")
    parser.add_argument("--epochs", type=_positive_int, help="epochs of the whole run")
    parser.add_argument("--batch-size", type=_positive_int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--ema-decay", type=float)
    parser.add_argument("--checkpoint-every-minutes", type=float)
    parser.add_argument("--seed", type=int, dest="random_state")
    parser.add_argument("--device", help="auto (default), cpu, cuda, cuda:N")
    parser.add_argument("--precision", choices=["fp32", "bf16", "fp16"],
                        help="fp32 (default), bf16 autocast, or fp16 autocast with gradient "
                        "scaling (for CUDA)")
    parser.add_argument("--compile", action="store_true", default=None,
                        help="torch.compile the networks (for long CUDA runs)")
    parser.add_argument("--dist-timeout", type=float, dest="dist_timeout_s", metavar="SECONDS",
                        help="data-parallel runs: how long a rank waits for the others "
                             "before the run fails (default 600)")
    parser.add_argument("--threads", type=_positive_int,
                        help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch log on stdout")
    parser.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> dict:
    settings: dict = {}
    if args.config:
        import tomllib

        try:
            settings.update(tomllib.loads(Path(args.config).read_text()))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{args.config} is not valid TOML: {exc}") from None
    for key in ("corpus", "model", "epochs", "batch_size", "lr", "ema_decay",
                "checkpoint_every_minutes", "random_state", "device", "precision",
                "compile", "dist_timeout_s"):
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    return settings


def run(args: argparse.Namespace) -> int:
    """Start or resume the run, train it to the end and print a JSON summary."""
    from tsfm.training import distributed
    from tsfm.training.run import load_run_config, read_run, start_run, train_run
    from tsfm.utils.device import resolve_device

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.resume:
        if args.out or args.corpus or args.config:
            raise ValueError("--resume continues a run with its saved settings; do not "
                             "combine it with --out, --corpus or --config")
        run_dir = Path(args.resume)
        config = read_run(run_dir)
    else:
        if not args.out:
            raise ValueError("--out is required to start a run (or use --resume RUN_DIR)")
        config = load_run_config(_settings(args))
        run_dir = Path(args.out)
    # under torchrun / accelerate launch: join the process group; rank 0 creates the run
    distributed.init_from_environment(resolve_device(config.device),
                                      timeout_s=config.dist_timeout_s)
    if not args.resume and distributed.is_main_process():
        start_run(config, run_dir)
    distributed.barrier()
    train_run(run_dir, verbose=0 if args.quiet else 1)
    if distributed.is_main_process():
        print(Path(run_dir, "summary.json").read_text())
        print(json.dumps({"model": str(Path(run_dir, "model"))}))
    return 0
