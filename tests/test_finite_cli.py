"""relusym regions: the command line."""

import json

from symbolic.cli.main import main


def test_sample_text_and_json(capsys):
    assert main(["regions", "--n", "6", "--d0", "2", "--width", "8", "--samples", "5"]) == 0
    out = capsys.readouterr().out
    assert "rank J = n" in out and "Wilson" in out
    assert main(["regions", "--n", "6", "--width", "12", "--samples", "5", "--mode", "count",
                 "--zero-loss", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.regions/1" and doc["command"] == "sample"
    r = doc["result"]
    assert r["samples"] == 5 and r["mode"] == "count" and "zero_loss" in r


def test_enumerate(capsys):
    assert main(["regions", "--n", "2", "--width", "2", "--enumerate", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["command"] == "enumerate" and doc["result"]["regions"] == 16


def test_sweep_with_journal_and_plot(tmp_path, capsys):
    j, png = tmp_path / "j.jsonl", tmp_path / "t.png"
    args = ["regions", "--n", "4,6", "--ratio", "1/2", "--width", "1,4", "--samples", "3",
            "--out", str(j), "--plot", str(png), "--quiet"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert png.exists() and len(j.read_text().splitlines()) == 4 and "width/n" in out
    assert main(args + ["--json"]) == 0  # resumed: nothing recomputed, same numbers
    doc = json.loads(capsys.readouterr().out)
    assert doc["command"] == "sweep" and len(doc["results"]) == 4
    assert len(j.read_text().splitlines()) == 4


def test_bad_input(capsys):
    for argv in (["regions", "--n", "0", "--width", "3"],
                 ["regions", "--n", "3", "--width", "x"],
                 ["regions", "--n", "3", "--width", "3", "--d0", "2", "--ratio", "1"],
                 ["regions", "--n", "3", "--width", "3", "--depth", "2", "--zero-loss"],
                 ["regions", "--n", "3,4", "--width", "3", "--enumerate"],
                 ["regions", "--n", "3", "--width", "3", "--ratio", "-1"],
                 ["regions", "--n", "3,", "--width", "3"]):
        assert main(argv) == 2, argv
        assert "error" in capsys.readouterr().err
