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


@pytest.mark.slow
def test_annihilation(capsys, monkeypatch):
    out = _run("annihilation.py", capsys, monkeypatch, ["--quick"])
    assert "claim reproduced" in out and "DISAGREEMENT" not in out


@pytest.mark.slow
def test_atlas_holds_every_safran_shamir_minimum(capsys, monkeypatch):
    """From scratch: an atlas of the detected fixed spaces at k = d = 6..20 holds all 117
    Safran-Shamir and all 104 Safran-Yehudai-Shamir stored minima (about 5 minutes)."""
    with pytest.raises(SystemExit) as ex:
        _run("atlas_safran.py", capsys, monkeypatch, ["--max-d", "20", "--data", "both"])
    out = capsys.readouterr().out
    assert ex.value.code == 0, out
    assert "221 of 221 stored minima found in the atlas" in out
    assert out.count("\nss ") == 117 and out.count("\nsys ") == 104


def test_gd_census_script(capsys, monkeypatch):
    out = _run("gd_census.py", capsys, monkeypatch, ["--k", "6", "--runs", "3", "--workers", "1"])
    assert "\\end{tabular}" in out
