"""``relusym evaluate``: output format and values against independent computations."""

import json

import mpmath
import numpy as np
import pytest

from symbolic.cli.main import main
from symbolic.loss import model


def _run(capsys, *argv):
    rc = main(["evaluate", *argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _spectrum(out):
    """Eigenvalues with multiplicity, as mpf."""
    with mpmath.workdps(60):
        return sorted(mpmath.mpf(s["value"]) for s in out["spectrum"]
                      for _ in range(s["multiplicity"]))


def test_evaluate_identity_json(capsys):
    rc, out, _ = _run(capsys, "--W", "identity", "--d", "4", "--json", "--digits", "25")
    assert rc == 0
    out = json.loads(out)
    assert (out["k"], out["d"], out["backend"]) == (4, 4, "mpmath")
    assert sum(s["multiplicity"] for s in out["spectrum"]) == 16
    with mpmath.workdps(50):
        vals = _spectrum(out)
        for target in (mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi),
                       mpmath.mpf(1) / 4 + 1 / (2 * mpmath.pi)):
            assert min(abs(v - target) for v in vals) < mpmath.mpf(10) ** -22
        assert abs(mpmath.mpf(out["loss"])) < 1e-25
        assert abs(mpmath.mpf(out["gradient_norm"])) < 1e-25
    # the values are printed at the requested number of digits
    assert len(out["spectrum"][0]["value"].lstrip("-").replace(".", "").lstrip("0")) >= 24


def test_evaluate_file_matches_float64_library_and_eigvalsh(tmp_path, capsys):
    W = [["0.5", "0.1"], ["-0.3", "1.2"], ["0.7", "-0.2"]]
    f = tmp_path / "w.json"
    f.write_text(json.dumps(W))
    rc, out, _ = _run(capsys, "--W", str(f), "--json", "--digits", "20")
    assert rc == 0
    out = json.loads(out)
    Wf = np.array(W, float)
    assert abs(float(out["loss"]) - model.loss(Wf)) < 1e-14
    assert abs(float(out["gradient_norm"]) - np.linalg.norm(model.gradient(Wf))) < 1e-13
    ev = np.linalg.eigvalsh(model.hessian(Wf))
    assert np.allclose([float(v) for v in _spectrum(out)], sorted(ev), atol=1e-12)


def test_evaluate_with_target_and_numbers_in_json(tmp_path, capsys):
    fw, fv = tmp_path / "w.json", tmp_path / "v.json"
    fw.write_text("[[1, 0.5, 0], [0, -1, 2]]")
    fv.write_text('[["1", "0", "0"], ["0", "0", "1"]]')
    rc, out, _ = _run(capsys, "--W", str(fw), "--V", str(fv), "--json", "--backend", "numpy")
    assert rc == 0
    out = json.loads(out)
    W, V = np.array([[1, 0.5, 0], [0, -1, 2]]), np.array([[1, 0, 0], [0, 0, 1.0]])
    assert float(out["loss"]) == pytest.approx(model.loss(W, V), abs=1e-15)
    assert float(out["loss"]) != pytest.approx(model.loss(W), abs=1e-6)  # V was used
    assert sum(s["multiplicity"] for s in out["spectrum"]) == 6


def test_evaluate_random_is_reproducible_and_has_k_rows(capsys):
    a = json.loads(_run(capsys, "--W", "random", "--k", "3", "--d", "2", "--seed", "4",
                        "--json")[1])
    b = json.loads(_run(capsys, "--W", "random", "--k", "3", "--d", "2", "--seed", "4",
                        "--json")[1])
    c = json.loads(_run(capsys, "--W", "random", "--k", "3", "--d", "2", "--seed", "5",
                        "--json")[1])
    assert a == b and a["loss"] != c["loss"]
    assert (a["k"], a["d"]) == (3, 2)
    assert sum(s["multiplicity"] for s in a["spectrum"]) == 6


def test_evaluate_backends_agree(capsys):
    outs = {}
    for be in ("numpy", "mpmath", "arb"):
        rc, out, _ = _run(capsys, "--W", "random", "--d", "3", "--seed", "1", "--json",
                          "--backend", be, "--digits", "15")
        assert rc == 0
        outs[be] = json.loads(out)
    ref = outs["mpmath"]
    for be in ("numpy", "arb"):
        assert float(outs[be]["loss"]) == pytest.approx(float(ref["loss"]), abs=1e-13)
        got = [float(v) for v in _spectrum(outs[be])]
        assert np.allclose(got, [float(v) for v in _spectrum(ref)], atol=1e-12)
    lo, hi = outs["arb"]["loss_enclosure"]
    with mpmath.workdps(30):
        assert mpmath.mpf(lo) <= mpmath.mpf(ref["loss"]) <= mpmath.mpf(hi)


def test_evaluate_text_output(capsys):
    rc, out, _ = _run(capsys, "--W", "identity", "--d", "3", "--digits", "12")
    assert rc == 0
    assert "loss" in out and "|grad L|" in out and "Hessian spectrum" in out
    # d = 3: eigenvalue 1/4 - 1/(2 pi) = 0.0908450569081... with multiplicity 3
    line = next(ln for ln in out.splitlines() if "0.0908450569081" in ln)
    assert line.strip().endswith("x 3")


@pytest.mark.parametrize("content,argv,message", [
    ("[[1, 0], [0, 0]]", [], "row 1"),
    ("not json", [], "not valid JSON"),
    ('{"a": 1}', [], "list of rows"),
    ("[[1, 0], [0, NaN]]", [], "finite"),
    ('[[1, "x"], [0, 1]]', [], "not a number"),
    ("[[1, 0], [0, 1]]", ["--d", "3"], "width 2"),
    ("[[1, 0], [0, 1]]", ["--digits", "0"], "digits"),
])
def test_evaluate_errors_are_one_line_exit_2(tmp_path, capsys, content, argv, message):
    f = tmp_path / "bad.json"
    f.write_text(content)
    rc, out, err = _run(capsys, "--W", str(f), *argv)
    assert rc == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_evaluate_argument_errors(tmp_path, capsys):
    assert _run(capsys, "--W", "identity")[0] == 2                       # no --d
    assert _run(capsys, "--W", "identity", "--d", "3", "--k", "2")[0] == 2
    assert _run(capsys, "--W", str(tmp_path / "missing.json"))[0] == 2
    v = tmp_path / "v.json"
    v.write_text("[[1, 0]]")
    rc, _, err = _run(capsys, "--W", "identity", "--d", "3", "--V", str(v))
    assert rc == 2 and "width" in err


def test_evaluate_matrix_python_api_matches_cli_and_float64():
    """The library function behind ``relusym evaluate``: the mpmath spectrum agrees with
    an independent float64 ``eigvalsh`` of the full Hessian, multiplicities included."""
    import numpy as np

    from symbolic.core.errors import ShapeError
    from symbolic.loss import model
    from symbolic.spectra.evaluate import evaluate_matrix

    rng = np.random.default_rng(5)
    W = (rng.normal(size=(3, 3)) / np.sqrt(3)).tolist()
    out = evaluate_matrix(W, digits=20)
    ev = np.linalg.eigvalsh(np.array(model.hessian(np.array(W)), dtype=float))
    got = [float(s["value"]) for s in out["spectrum"] for _ in range(s["multiplicity"])]
    assert np.allclose(sorted(got), ev, atol=1e-10)
    assert abs(float(out["loss"]) - float(model.loss(np.array(W)))) < 1e-12
    with pytest.raises(ShapeError, match="limited to k\\*d <= 150"):
        evaluate_matrix(np.eye(13).tolist())
