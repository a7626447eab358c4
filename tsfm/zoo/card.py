"""Model cards: the ``README.md`` of a model directory, written from recorded facts.

Every figure in a card comes from a file: the run's ``run.json``, ``summary.json`` and
``history.json``, the corpus manifest, and benchmark result tables. Nothing is typed in
by hand, so a card cannot drift from the run it describes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tsfm.io.atomic import atomic_write_text


def count_parameters(state_dict: dict) -> dict[str, int]:
    """Parameter counts per top-level part (``encoder``, ``velocity``...) and in all."""
    counts: dict[str, int] = {}
    for key, tensor in state_dict.items():
        part = key.split(".", 1)[0]
        counts[part] = counts.get(part, 0) + int(tensor.numel())
    counts["total"] = sum(counts.values())
    return counts


def _corpus_table(info: dict[str, Any]) -> list[str]:
    lines = ["| dataset | hours | windows | subjects | devices | licence |",
             "|---|---|---|---|---|---|"]
    totals = [0.0, 0, 0]
    for name, ds in info["datasets"].items():
        lines.append(f"| {name} | {ds['hours']:.2f} | {ds['windows']} | {ds['subjects']} | "
                     f"{', '.join(ds['devices'])} | {ds['licence']} |")
        totals = [totals[0] + ds["hours"], totals[1] + ds["windows"], totals[2] + ds["subjects"]]
    lines.append(f"| **total** | {totals[0]:.2f} | {totals[1]} | {totals[2]} | | |")
    return lines


def model_card(
    *,
    name: str,
    config: dict[str, Any],
    parameters: dict[str, int],
    run: dict[str, Any],
    summary: dict[str, Any],
    corpus: dict[str, Any],
    command: str,
    commit: str,
    results: str | None = None,
) -> str:
    """The card's Markdown text.

    Parameters
    ----------
    name : str
        Registered model name.
    config : dict
        The model's ``config.json``.
    parameters : dict
        From :func:`count_parameters`.
    run, summary : dict
        The run's ``run.json`` and ``summary.json``.
    corpus : dict
        The corpus ``manifest.json``.
    command : str
        The exact command that trained it.
    commit : str
        The tsfm commit it was trained with.
    results : str, optional
        A Markdown section of benchmark results.
    """
    model = config["model"]
    info = corpus["info"]
    spec = config.get("input", {})
    enc, vel = model["encoder"], model["velocity"]
    weights = (f"the EMA of the weights (decay {run['ema_decay']:g})"
               if summary["weights"] == "ema" else "the last weights")
    no_licence = [n for n, d in info["datasets"].items() if "no licence" in d["licence"].lower()
                  or "none stated" in d["licence"].lower()]
    lines = [
        f"# {name}",
        "",
        f"A FlowFM model (Ukita & Okita, arXiv 2512.19729) pretrained without labels on "
        f"{corpus['n_windows']:,} ten-second windows of wrist and body accelerometers from "
        f"{len(info['datasets'])} public datasets. Use its encoder for activity recognition "
        "(`FlowFMTransformer`, `FlowFMClassifier`) and its velocity network for generation "
        "(`FlowFMSignalGenerator`).",
        "",
        "## Input it expects",
        "",
        f"- {spec.get('n_channels', model['n_channels'])} channels: "
        f"{', '.join(spec.get('channels', info['channels']))}, in "
        f"{spec.get('units', info['units'][0])};",
        f"- {spec.get('rate', info['rate']):g} Hz, {model['n_timepoints']} points "
        f"({model['n_timepoints'] / info['rate']:g} s) per window;",
        "- other rates and lengths: resample first with "
        "`tsfm.datasets.to_model_input(X, rate=...)`.",
        "",
        "## Architecture",
        "",
        f"- ViT-1D encoder: depth {enc['depth']}, width {enc['width']}, {enc['heads']} heads, "
        f"patch {enc['patch_size']}, {enc.get('pooling', 'mean')} pooling "
        f"({parameters.get('encoder', 0):,} parameters);",
        f"- DiT-1D velocity network with adaLN-Zero: depth {vel['depth']}, width "
        f"{vel['width']}, {vel['heads']} heads, patch {vel['patch_size']} "
        f"({parameters.get('velocity', 0):,} parameters);",
        f"- {parameters['total']:,} parameters in all; objective "
        f"`{model.get('objective', model.get('generator'))}`, conditioner "
        f"`{model['conditioner']}` (DGS mask probability {model['mask_prob']:g}).",
        "",
        "## Pretraining corpus",
        "",
        f"{info['rate']:g} Hz, {info['window_seconds']:g} s windows every "
        f"{info['stride_seconds']:g} s, accelerometer only, in g; unlabelled stretches "
        "included; windows that are not plausible acceleration in g (beyond ±16 g, or a "
        "median magnitude outside 0.5–2 g) dropped. Labels were never used.",
        "",
        *_corpus_table(info),
        "",
        "**Licences differ.** " + (
            f"{', '.join(no_licence)} states no licence: this model was trained on it for "
            "research, and no open licence is claimed for the model. " if no_licence else "")
        + "Check each dataset's terms (above) before any use beyond research.",
        "",
        "## Training",
        "",
        f"- {summary['epochs']} epochs, batch {run['batch_size']}, AdamW lr {run['lr']:g} "
        f"(weight decay {run['weight_decay']:g}) with {run['warmup_epochs']:g} epoch(s) of "
        f"linear warm-up then cosine decay to {run['final_lr_factor']:g}×, gradient clipping "
        f"at norm {run['grad_clip']}, seed {run['random_state']};",
        f"- weights: {weights};",
        f"- final training loss {summary['final_train_loss']:.4f}; "
        f"{summary['train_seconds_total'] / 3600:.2f} h of training on {summary['machine']};",
        f"- tsfm commit `{commit}`; command:",
        "",
        "```bash",
        command,
        "```",
        "",
        "## Benchmark results",
        "",
        results or "Not measured yet.",
        "",
        "## Intended use and limits",
        "",
        "- Research on wearable activity recognition and signal generation from wrist "
        "(and waist) accelerometers in g at 30 Hz.",
        "- The corpus is small for a foundation model (about 15 hours, 110 people) and "
        "mostly lab-recorded daily activities; expect weaker transfer to free-living data, "
        "other placements (ankle, chest) or populations outside it.",
        "- Not a medical device: falls and health states must not be judged from its "
        "outputs alone.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(directory: str | Path, text: str) -> Path:
    """Write ``README.md`` into a model directory atomically."""
    return atomic_write_text(Path(directory) / "README.md", text)


def load_json(path: str | Path) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text())
