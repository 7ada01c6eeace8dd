"""derivations/finite_data_regions.py runs and its internal checks hold."""

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "derivations" / "finite_data_regions.py"


def test_finite_data_regions_derivation(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", [SCRIPT.name, "--max-width", "3"])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "identical polynomials" in out and "2 & 3 & 64 & 49 & 24 & 4: 24" in out
