"""``relusym equations`` and ``relusym isotropy`` (the LaTeX export: tests/test_latex.py)."""

import json

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.cli.main import main
from symbolic.loss import model
from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy


def _json_equations(capsys, *argv):
    assert main(["equations", *argv, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    parse = {"d": D_SYMBOL}
    return out, sp.sympify(out["loss"], locals=parse), {
        k: sp.sympify(v, locals=parse) for k, v in out["equations"].items()}


@pytest.mark.parametrize("spec", ["d-1,1", "d-1,1;1"])
def test_equations_json_parses_and_matches_the_full_model(capsys, spec):
    """The printed strings, parsed by sympy and evaluated at a point of Fix(H) at d = 7,
    equal the full model's loss and projected gradient (independent of the reduction)."""
    out, loss, eqs = _json_equations(capsys, "--isotropy", spec)
    fs = parse_isotropy(spec)
    assert [p["name"] for p in out["parameters"]] == fs.names
    assert sp.sympify(out["parameters"][1]["orbit_size"], locals={"d": D_SYMBOL}) == \
        fs.params[1].orbit_size
    th = np.random.default_rng(5).normal(size=fs.dim) * 0.5
    val = {n: sp.Float(repr(float(x)), 30) for n, x in zip(fs.names, th, strict=True)}
    val["d"] = sp.Integer(7)
    free = set(loss.free_symbols).union(*(e.free_symbols for e in eqs.values()))
    sub = {s: val[s.name] for s in free}  # by name: the parsed symbols' assumptions vary
    W = fs.matrix([mpmath.mpf(repr(float(x))) for x in th], 7)
    g_full = fs.project(model.gradient(W, backend="mpmath", dps=30), 7)
    for n, gf in zip(fs.names, g_full, strict=True):
        assert abs(float(sp.N(eqs[n].subs(sub), 25)) - float(gf)) < 1e-12
    L_full = model.loss(W, backend="mpmath", dps=30)
    assert abs(float(sp.N(loss.subs(sub), 25)) - float(L_full)) < 1e-12


def test_equations_json_at_fractional_d(capsys):
    out, loss, eqs = _json_equations(capsys, "--isotropy", "d-1,1", "--d", "10.5")
    assert out["d"] == "10.5" and D_SYMBOL not in loss.free_symbols
    assert all(D_SYMBOL not in e.free_symbols for e in eqs.values())
    assert "21/2" in out["loss"]  # exact, not 10.5 as a float


def test_equations_text_and_bad_input(capsys):
    assert main(["equations", "--isotropy", "d-1,1"]) == 0
    text = capsys.readouterr().out
    assert "O1     orbit size (d - 2)*(d - 1)" in text
    assert text.count("= 0") == 5 and "loss =" in text and "acos" in text
    assert main(["equations", "--isotropy", "d-2,2", "--d", "3"]) == 2
    assert "too small" in capsys.readouterr().err
    assert main(["equations", "--isotropy", "d-1,,1"]) == 2
    assert "empty block" in capsys.readouterr().err
    assert main(["equations", "--isotropy", "d-1,2"]) == 2
    assert "add up" in capsys.readouterr().err


def test_equations_latex_format(capsys):
    assert main(["equations", "--isotropy", "d-1,1", "--format", "latex"]) == 0
    tex = capsys.readouterr().out
    assert tex.startswith("\\begin{align*}") and "\\documentclass" not in tex
    assert main(["equations", "--isotropy", "d-1,1", "--format", "latex", "--document"]) == 0
    assert "\\documentclass" in capsys.readouterr().out


def _write(tmp_path, W):
    f = tmp_path / "w.json"
    f.write_text(json.dumps(W))
    return str(f)


def test_isotropy_cli_json(tmp_path, capsys):
    fs = parse_isotropy("d-2,2")
    th = np.random.default_rng(0).normal(size=fs.dim)
    W = np.array(fs.matrix(th, 7), dtype=float)[::-1][:, [3, 0, 6, 1, 5, 2, 4]]
    assert main(["isotropy", "--W", _write(tmp_path, W.tolist()), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["isotropy"] == "d-2,2"
    assert all(isinstance(v, str) for v in out["params"].values())
    for n, x in zip(fs.names, th, strict=True):
        assert abs(float(out["params"][n]) - x) < 1e-14
    Wp = W[out["row_perm"]][:, out["col_perm"]]
    assert np.allclose(Wp, np.array(fs.matrix(th, 7), float))


def test_isotropy_cli_text_with_decimal_strings(tmp_path, capsys):
    """Entries given as 30-digit strings keep their digits through detection."""
    fs = parse_isotropy("d-1,1;1")
    vals = ["0.123456789012345678901234567891", "-0.05", "0.9", "0.01", "0.02", "-0.3", "0.4"]
    W = [[str(x) for x in row] for row in fs.matrix(vals, 5)]
    assert main(["isotropy", "--W", _write(tmp_path, W[::-1]), "--digits", "30"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("isotropy d-1,1;1")
    assert "D1     0.123456789012345678901234567891" in text


@pytest.mark.parametrize("content,msg", [
    ("[[1, 2], [3]]", "same"), ("{}", "list of rows"), ("[[1, \"x\"], [0, 1]]", "not a number"),
    ("not json", "not valid JSON"),
])
def test_isotropy_cli_bad_input(tmp_path, capsys, content, msg):
    f = tmp_path / "w.json"
    f.write_text(content)
    assert main(["isotropy", "--W", str(f)]) == 2
    assert msg in capsys.readouterr().err
    assert main(["isotropy", "--W", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
