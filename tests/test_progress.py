"""Training progress output: a live bar in a terminal, plain lines in logs and CI."""

from __future__ import annotations

import io

import pytest
from skorch.callbacks import PrintLog, ProgressBar

from tsfm import FlowFMPretrainer
from tsfm.training.progress import PlainPrintLog, progress_callbacks


class TerminalStream(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_verbose_training_in_a_non_terminal_writes_plain_epoch_lines(panel, capsys):
    FlowFMPretrainer(model="tiny", max_epochs=3, verbose=1, device="cpu",
                     random_state=0).fit(panel)
    captured = capsys.readouterr()
    assert "\r" not in captured.out + captured.err
    assert "\x1b[" not in captured.out + captured.err
    header, rule, *rows = captured.out.splitlines()
    assert header.split()[:2] == ["epoch", "train_loss"]
    assert set(rule) <= {"-", " "}
    assert [row.split()[0] for row in rows] == ["1", "2", "3"]


def test_verbose_zero_reports_nothing():
    assert progress_callbacks(0) == []


def test_non_terminal_gets_only_the_plain_epoch_table():
    callbacks = progress_callbacks(1)  # pytest captures stdout: not a terminal
    assert [name for name, _ in callbacks] == ["epoch_log"]
    assert isinstance(callbacks[0][1], PlainPrintLog)


def test_terminal_gets_a_progress_bar_and_the_coloured_table(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stdout", TerminalStream())
    monkeypatch.setattr("sys.stderr", TerminalStream())
    callbacks = dict(progress_callbacks(1))
    assert list(callbacks) == ["progress_bar", "epoch_log"]
    assert isinstance(callbacks["progress_bar"], ProgressBar)
    assert type(callbacks["epoch_log"]) is PrintLog


def test_no_color_keeps_the_bar_but_drops_the_colours(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout", TerminalStream())
    monkeypatch.setattr("sys.stderr", TerminalStream())
    callbacks = dict(progress_callbacks(1))
    assert isinstance(callbacks["progress_bar"], ProgressBar)
    assert isinstance(callbacks["epoch_log"], PlainPrintLog)


@pytest.mark.parametrize("log_cls, coloured", [(PrintLog, True), (PlainPrintLog, False)])
def test_plain_print_log_formats_best_scores_without_colour(log_cls, coloured):
    row = {"epoch": 1, "train_loss": 0.5, "train_loss_best": True, "dur": 0.25}
    table = log_cls().initialize().table(row)
    assert ("\x1b[" in table) is coloured
    if not coloured:
        assert table.splitlines()[-1].split() == ["1", "0.5000", "0.2500"]
