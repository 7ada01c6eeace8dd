"""The report (main job): every family certified, files written, facts consistent."""

import json

from symbolic.cli.main import main


def test_report_small(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "--d", "20", "--digits", "20", "--out", str(out),
                 "--family", "global-minimum", "--family", "bounded-d",
                 "--series-order", "2", "--no-transitions"]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert [e["name"] for e in rep["families"]] == ["global-minimum", "bounded-d"]
    for e in rep["families"]:
        assert e["certificate"]["verdict"] == "proved"
        assert e["certificate"]["classification"] == "minimum"
        lo, hi = e["loss_enclosure"]
        assert float(lo) <= float(e["loss"]) <= float(hi)
    assert "1/2 - 1/pi" in rep["families"][1]["loss_series"]
    md = (out / "report.md").read_text()
    assert "| bounded-d |" in md and (out / "report.tex").exists()
