"""``tsfm demo`` end to end on the embedded BasicMotions data (tiny budget)."""

from __future__ import annotations

import re

from tsfm.cli import main


def test_demo_pretrains_probes_and_plots(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--model", "tiny", "--epochs", "2", "--out", str(out),
                 "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "train (40, 6, 100), test (40, 6, 100)" in text
    # a log file gets plain epoch lines: no progress-bar redraws, no colour codes
    assert "\r" not in text + captured.err and "\x1b[" not in text + captured.err
    rows = re.findall(r"^(FlowFM \(pretrained\)|untrained encoder)\s+([\d.]+)\s+([\d.]+)$",
                      text, flags=re.MULTILINE)
    assert [name for name, _, _ in rows] == ["FlowFM (pretrained)", "untrained encoder"]
    assert all(0.0 <= float(acc) <= 1.0 and 0.0 <= float(f1) <= 1.0 for _, acc, f1 in rows)
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert (out / "generated_vs_real.png").stat().st_size > 10_000


def test_demo_rejects_unknown_dataset_without_a_traceback(tmp_path, capsys):
    assert main(["demo", "--dataset", "nope", "--data-dir", str(tmp_path), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tsfm demo: error: unknown dataset 'nope'; available datasets: 'adl'")


def test_demo_without_data_directory_says_where_to_point_it(monkeypatch, capsys):
    monkeypatch.delenv("TSFM_DATA", raising=False)
    assert main(["demo", "--dataset", "hapt"]) == 2
    assert "pass data_dir=... or set the TSFM_DATA environment variable" in capsys.readouterr().err
