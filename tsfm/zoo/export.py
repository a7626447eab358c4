"""Turn a finished pretraining run into a shipped model directory with its card."""

from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file

from tsfm.io.atomic import atomic_write_text
from tsfm.zoo.card import count_parameters, model_card, write_model_card


def export_run(
    run_dir: str | Path,
    target: str | Path,
    *,
    name: str,
    command: str,
    commit: str,
    results: str | None = None,
) -> Path:
    """Copy a run's exported model to ``target``, record its input, and write its card.

    Parameters
    ----------
    run_dir : str or Path
        A finished run of ``tsfm pretrain`` (holding ``model/``, ``run.json``,
        ``summary.json``).
    target : str or Path
        The model directory to write (replaced atomically if it exists).
    name : str
        The registered name.
    command, commit : str
        How and from which commit the run was trained (stated in the card).
    results : str, optional
        Markdown of benchmark results for the card.

    Returns
    -------
    Path
        ``target``; it loads with ``FlowFMPretrainer.from_pretrained``.
    """
    from tsfm.estimators.pretrainer import FlowFMPretrainer

    run_dir = Path(run_dir)
    run = json.loads((run_dir / "run.json").read_text())
    summary = json.loads((run_dir / "summary.json").read_text())
    corpus = json.loads((Path(run["corpus"]) / "manifest.json").read_text())
    pretrainer = FlowFMPretrainer.from_pretrained(run_dir / "model", device="cpu")
    target = pretrainer.save_pretrained(target)  # in today's format, atomically
    config = json.loads((target / "config.json").read_text())
    info = corpus["info"]
    config["input"] = {
        "n_channels": int(corpus["n_channels"]),
        "channels": list(info["channels"]),
        "units": info["units"][0],
        "rate": float(info["rate"]),
        "n_timepoints": int(corpus["n_timepoints"]),
    }
    atomic_write_text(target / "config.json", json.dumps(config, indent=2))
    FlowFMPretrainer.from_pretrained(target, device="cpu")  # the result must load
    parameters = count_parameters(load_file(target / "model.safetensors"))
    text = model_card(
        name=name, config=config, parameters=parameters,
        run=run, summary=summary, corpus=corpus, command=command, commit=commit,
        results=results,
    )
    write_model_card(target, text)
    return target
