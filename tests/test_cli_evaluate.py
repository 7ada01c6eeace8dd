"""``relusym evaluate``: output format and values against the library."""

import json

import mpmath
import numpy as np

from symbolic import model
from symbolic.cli.main import main


def test_evaluate_identity_json(capsys):
    assert main(["evaluate", "--W", "identity", "--d", "4", "--json", "--digits", "25"]) == 0
    out = json.loads(capsys.readouterr().out)
    mult = {s["value"]: s["multiplicity"] for s in out["spectrum"]}
    assert sum(mult.values()) == 16
    with mpmath.workdps(50):
        vals = [mpmath.mpf(s["value"]) for s in out["spectrum"]]
        for target in (mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi),
                       mpmath.mpf(1) / 4 + 1 / (2 * mpmath.pi)):
            assert min(abs(v - target) for v in vals) < mpmath.mpf(10) ** -22
        assert abs(mpmath.mpf(out["loss"])) < 1e-25


def test_evaluate_file_matches_library(tmp_path, capsys):
    W = [["0.5", "0.1"], ["-0.3", "1.2"], ["0.7", "-0.2"]]
    f = tmp_path / "w.json"
    f.write_text(json.dumps(W))
    assert main(["evaluate", "--W", str(f), "--json", "--digits", "20"]) == 0
    out = json.loads(capsys.readouterr().out)
    L = model.loss(W, backend="mpmath", dps=40)
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(out["loss"]) - L) < 1e-18
    ev = np.linalg.eigvalsh(model.hessian(np.array(W, float)))
    got = sorted(float(s["value"]) for s in out["spectrum"] for _ in range(s["multiplicity"]))
    assert np.allclose(got, sorted(ev), atol=1e-12)


def test_evaluate_errors(tmp_path, capsys):
    f = tmp_path / "bad.json"
    f.write_text("[[1, 0], [0, 0]]")
    assert main(["evaluate", "--W", str(f)]) == 2
    assert "row 1" in capsys.readouterr().err
    f.write_text("not json")
    assert main(["evaluate", "--W", str(f)]) == 2
    assert main(["evaluate", "--W", "identity"]) == 2
