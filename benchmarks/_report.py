"""What every benchmark records: the machine, the commit, the command, and its tables."""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> dict[str, str]:
    """Platform, CPU count, torch and Python versions, git commit and the command line."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
        capture_output=True, text=True,
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": str(os.cpu_count()),
        "torch": torch.__version__,
        "torch_threads": str(torch.get_num_threads()),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
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
