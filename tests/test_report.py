"""The report (main job): every family certified, files written, facts consistent."""

import json
import re

from symbolic.cli.main import main


def test_report_small(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "--d", "20", "--digits", "20", "--out", str(out),
                 "--family", "global-minimum", "--family", "bounded-d",
                 "--series-order", "2", "--no-transitions", "--no-sections"]) == 0
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
    assert rep["schema"] == "relusym.report/1"
    assert "<table>" in (out / "report.html").read_text()


def test_report_global_minimum_loss_is_not_negative():
    """At W = V the loss is exactly 0: the report prints 0 and an enclosure [0, hi]
    (hi keeps its exponent, in LaTeX as \\times10^{..}); the certified eigenvalue
    enclosures contain the closed form 1/4 - 1/(2 pi) (DESIGN.md, independent)."""
    from fractions import Fraction

    import mpmath

    from symbolic.report import build_report, latex, markdown

    rep = build_report(10, digits=20, families=["global-minimum"], series_order=0,
                       transitions=False, log=lambda s: None)
    e = rep["families"][0]
    assert e["loss"] == "0" and e["loss_enclosure"][0] == "0"
    assert Fraction(0) < Fraction(e["loss_enclosure"][1]) < Fraction("1e-30")
    row = markdown(rep).split("| global-minimum |")[1].split("\n")[0]
    assert "[0, " in row and not re.search(r"[\[ ]-\d", row), row
    tex = latex(rep)
    assert "\\times10^{-" in tex and "$[0,\\ " in tex
    with mpmath.workdps(40):
        v = Fraction(mpmath.nstr(mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi), 35))
    assert any(Fraction(x["enclosure"][0]) <= v <= Fraction(x["enclosure"][1])
               for x in e["lowest_eigenvalue_enclosures"])


def test_report_json_cli(tmp_path, capsys):
    """--json prints the schema document; --quiet silences the progress log."""
    out = tmp_path / "rep"
    assert main(["report", "--d", "12", "--digits", "20", "--out", str(out), "--family",
                 "global-minimum", "--series-order", "0", "--no-sections", "--json",
                 "--quiet"]) == 0
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    assert doc["schema"] == "relusym.report/1" and doc["d"] == "12"
    assert doc["summary"]["pass"] == 1 and doc["sections"][0]["verdict"] == "pass"
    assert "relusym report at" not in cap.err
