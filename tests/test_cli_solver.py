"""CLI: census, track and families (JSON format, decimal strings, clear errors)."""

import json

from symbolic.cli.main import main


def test_census_json(capsys):
    assert main(["census", "--isotropy", "d-1,1", "--d", "10", "--digits", "20",
                 "--starts", "100", "--json", "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["isotropy"] == "d-1,1" and out["d"] == "10" and out["digits"] == 20
    p = out["points"][1]
    assert set(p["params"]) == {"D1", "O1", "D2", "P12", "P21"}
    assert all(isinstance(v, str) for v in p["params"].values())
    assert isinstance(p["loss"], str) and isinstance(p["index"], int)
    assert p["verdict"] in {"proved", "disproved", "unknown", "not attempted"}
    assert {"value", "multiplicity", "irrep"} <= set(p["spectrum"][0])
    assert len(p["loss"].replace("-", "").replace(".", "").split("e")[0]) >= 19


def test_census_table_and_errors(capsys):
    assert main(["census", "--family", "bounded-d", "--d", "1e8", "--digits", "15",
                 "--starts", "50", "--quiet"]) == 0
    assert "census of Fix(d)" in capsys.readouterr().out
    assert main(["census", "--isotropy", "d-2,2", "--d", "3"]) == 2
    assert "too small" in capsys.readouterr().err
    assert main(["census", "--family", "unknown", "--d", "10"]) == 2
    assert main(["census", "--isotropy", "d-1,1", "--d", "10", "--digits", "3"]) == 2


def test_track_and_families(capsys):
    assert main(["track", "--family", "spurious-d-1,1", "--to", "100", "--json",
                 "--quiet", "--digits", "15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "reached" and out["points"][-1]["d"] == "100"
    assert main(["families", "--json"]) == 0
    fams = json.loads(capsys.readouterr().out)["families"]
    assert {"global-minimum", "spurious-d-1,1", "bounded-d"} <= {f["name"] for f in fams}
