"""The derivation scripts run and their internal checks hold."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "derivations"


def _run(name, capsys, monkeypatch=None, argv=()):
    if monkeypatch is not None:
        monkeypatch.setattr("sys.argv", [name, *argv])
    runpy.run_path(str(ROOT / name), run_name="__main__")
    return capsys.readouterr().out


def test_global_minimum_spectrum(capsys, monkeypatch):
    out = _run("global_minimum_spectrum.py", capsys, monkeypatch)
    assert "\\frac{-2 + \\pi}{4 \\pi}" in out and "\\frac{2 + \\pi}{4 \\pi}" in out


@pytest.mark.slow
def test_hidden_minima(capsys, monkeypatch):
    out = _run("hidden_minima.py", capsys, monkeypatch)
    assert out.count("proved minimum") == 10


@pytest.mark.slow
def test_d_minus_1_1_loss(capsys, monkeypatch):
    out = _run("d_minus_1_1_loss.py", capsys, monkeypatch, ["--order", "4"])
    assert "pi" in out
