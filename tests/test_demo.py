"""``tsfm demo`` end to end on the embedded BasicMotions data (tiny budget)."""

from __future__ import annotations

import re

from tsfm.cli import main


def _probe_rows(text: str) -> list[tuple[str, float, float]]:
    rows = re.findall(r"^(\S.*?)\s+(\d\.\d{3})\s+(\d\.\d{3})$", text, flags=re.MULTILINE)
    return [(name, float(acc), float(f1)) for name, acc, f1 in rows]


def test_demo_embeds_with_the_shipped_model_without_pretraining(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--device", "cpu"]) == 0
    text = capsys.readouterr().out
    # the accelerometer axes, 10 Hz -> the model's 30 Hz over the same 10 s
    assert "train (40, 3, 300), test (40, 3, 300)" in text
    assert "10 Hz resampled to 30 Hz" in text and "epochs" not in text  # no pretraining
    rows = _probe_rows(text)
    assert [name for name, _, _ in rows] == [
        "flowfm-wrist-small (frozen)", "untrained encoder, same size", "raw series"]
    # the frozen shipped encoder separates BasicMotions' four activities far better than
    # a linear model of the raw series (measured 0.975 vs 0.775)
    assert rows[0][1] >= 0.9 and rows[0][1] > rows[2][1] + 0.1
    assert not (out / "model.safetensors").exists()  # nothing trained, nothing saved
    assert (out / "generated_vs_real.png").stat().st_size > 10_000


def test_demo_rejects_an_unknown_pretrained_model_listing_the_shipped_ones(capsys):
    assert main(["demo", "--pretrained", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "unknown pretrained model 'no-such-model'" in err and "flowfm-wrist-small" in err


def test_demo_pretrain_pretrains_probes_and_plots(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--pretrain", "--model", "tiny", "--epochs", "2", "--out", str(out),
                 "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "train (40, 6, 100), test (40, 6, 100)" in text
    # a log file gets plain epoch lines: no progress-bar redraws, no colour codes
    assert "\r" not in text + captured.err and "\x1b[" not in text + captured.err
    rows = _probe_rows(text)
    assert [name for name, _, _ in rows] == [
        "FlowFM (pretrained here)", "untrained encoder", "raw series"]
    assert all(0.0 <= acc <= 1.0 and 0.0 <= f1 <= 1.0 for _, acc, f1 in rows)
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
