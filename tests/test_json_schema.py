"""Every command of this module's list prints, with ``--json``, one document carrying
``"schema"`` and ``"relusym"`` and no binary float (numbers are decimal strings); every
name of ``relusym families --json`` works with ``--family`` in track, transition and
spectrum; ``--out`` writes the same document; text is the default."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symbolic import __version__
from symbolic.cli.main import main
from symbolic.core.schema import KINDS


def _no_float(text: str):
    def refuse(s):
        raise AssertionError(f"binary float {s} in a JSON document")

    return json.loads(text, parse_float=refuse)


def _doc(capsys, argv: list[str], kind: str, rc: int = 0) -> dict:
    capsys.readouterr()
    assert main(argv) == rc, capsys.readouterr().err
    doc = _no_float(capsys.readouterr().out)
    assert doc["schema"] == f"relusym.{kind}/{KINDS[kind]}"
    assert doc["relusym"] == __version__
    assert list(doc)[:2] == ["schema", "relusym"]
    return doc


@pytest.fixture
def wfile(tmp_path):
    from symbolic.symmetry.groups import parse_isotropy

    fs = parse_isotropy("d-1,1")
    W = np.array(fs.matrix([1.0, 0.01, -0.7, 0.1, 0.05], 4), dtype=float)
    f = tmp_path / "w.json"
    f.write_text(json.dumps(W.tolist()))
    return str(f)


def test_every_owned_command_prints_a_document(capsys, wfile, tmp_path):
    docs = {
        "equations": ["equations", "--isotropy", "d-1,1", "--d", "31/3", "--json"],
        "evaluate": ["evaluate", "--W", "identity", "--d", "3", "--json"],
        "isotropy": ["isotropy", "--W", wfile, "--json"],
        "spectrum": ["spectrum", "--isotropy", "d", "--d", "31/3", "--params", "D1=1,O1=0",
                     "--json"],
        "track": ["track", "--isotropy", "d", "--params", "D1=1,O1=0", "--from", "10",
                  "--to", "12", "--quiet", "--json", "--digits", "15"],
        "transition": ["transition", "--family", "bounded-d", "--dmin", "5", "--dmax", "6",
                       "--digits", "15", "--json"],
        "families": ["families", "--json"],
    }
    for kind, argv in docs.items():
        doc = _doc(capsys, argv, kind)
        out = tmp_path / f"{kind}.json"  # --out writes the same document
        capsys.readouterr()
        assert main([a for a in argv if a != "--json"] + ["--out", str(out)]) == 0
        text = capsys.readouterr().out
        assert not text.lstrip().startswith("{"), f"{kind}: text is the default"
        assert _no_float(out.read_text()) == doc
    # exact d parsed once: 31/3 stays 31/3 (never 10.333... through a float)
    assert _doc(capsys, docs["spectrum"], "spectrum")["d"] == "31/3"
    assert _doc(capsys, docs["equations"], "equations")["d"] == "31/3"


def test_three_way_verdicts(capsys):
    """No bare boolean 'certified'; a certificate not tried says so."""
    doc = _doc(capsys, ["spectrum", "--isotropy", "d", "--d", "10", "--params",
                        "D1=1,O1=0", "--json"], "spectrum")
    assert doc["certificate"] == {"verdict": "not attempted"}
    doc = _doc(capsys, ["spectrum", "--isotropy", "d", "--d", "10", "--params",
                        "D1=1,O1=0", "--json", "--certify"], "spectrum")
    assert doc["certificate"]["verdict"] == "proved" and "certified" not in doc["certificate"]
    assert doc["certificate"]["classification"] == "minimum"


def test_digits_and_deprecated_dps(capsys):
    doc = _doc(capsys, ["spectrum", "--isotropy", "d", "--d", "1000", "--params",
                        "D1=1,O1=0", "--digits", "12", "--json"], "spectrum")
    assert doc["digits"] == 12 and doc["working_digits"] == 12 + 5 + 10 + 3 * 4
    # every eigenvalue printed with exactly 12 significant digits
    for e in doc["spectrum"]:
        mant = e["value"].lstrip("-").split("e")[0].replace(".", "").lstrip("0")
        assert len(mant) == 12, e["value"]
    capsys.readouterr()
    assert main(["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=1,O1=0",
                 "--dps", "12", "--json"]) == 0
    assert "deprecated" in capsys.readouterr().err


def test_every_family_name_works_everywhere(capsys):
    """Each name of ``families --json`` in spectrum, track and transition (at the seed
    dimension: a family's own point)."""
    names = [f["name"] for f in _doc(capsys, ["families", "--json"], "families")["families"]]
    assert len(names) >= 7
    for name in names:
        s = _doc(capsys, ["spectrum", "--family", name, "--d", "10", "--json"], "spectrum")
        assert s["isotropy"] and s["spectrum"]
        t = _doc(capsys, ["track", "--family", name, "--to", "10.5", "--quiet", "--json",
                          "--digits", "15"], "track")
        assert t["status"] == "reached" and t["points"][-1]["d"] == "10.5"
        tr = _doc(capsys, ["transition", "--family", name, "--dmin", "10", "--dmax", "10",
                           "--digits", "12", "--json"], "transition")
        assert tr["family"] == name and tr["transitions"] == []
