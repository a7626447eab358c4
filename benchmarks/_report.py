"""What every benchmark records: the machine, the commit, the command, and its tables."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

import pandas as pd
import torch

from tsfm.benchmarking.report import machine as benchmark_machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> dict[str, str]:
    """The HAR suite's machine record (commit, platform, CPUs, torch, Python) plus the
    GPU, the command line and the date."""
    return {
        **benchmark_machine(),
        "CUDA": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
        "Command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
        "Date (UTC)": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }


def markdown_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """Render ``rows`` as a markdown table; ``columns`` are (key, header, format spec)."""
    frame = pd.DataFrame(rows)
    cells = {
        header: [format(v, spec) if spec and isinstance(v, int | float) else str(v)
                 for v in frame.get(key, pd.Series([""] * len(frame)))]
        for key, header, spec in columns
    }
    return pd.DataFrame(cells).to_markdown(index=False)


def write_report(directory: Path, stem: str, title: str, sections: list[str], rows: list[dict],
                 info: dict) -> Path:
    """Write ``<stem>.md`` (sections + machine), ``<stem>.json`` and ``<stem>.csv``."""
    directory.mkdir(parents=True, exist_ok=True)
    env = "\n".join(f"- {k}: `{v}`" for k, v in info.items())
    text = f"# {title}\n\n" + "\n\n".join(sections) + f"\n\n## Machine and command\n\n{env}\n"
    (directory / f"{stem}.md").write_text(text)
    (directory / f"{stem}.json").write_text(
        json.dumps({"machine": info, "rows": rows}, indent=2, default=str)
    )
    if rows:
        pd.DataFrame(rows).to_csv(directory / f"{stem}.csv", index=False)
    return directory / f"{stem}.md"
