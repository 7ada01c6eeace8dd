"""``relusym equations`` / ``relusym isotropy`` and the LaTeX export (compiled)."""

import json
import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp

from symbolic.cli.main import main
from symbolic.export.latex import latex_document
from symbolic.groups import D_SYMBOL, parse_isotropy


def test_equations_json_is_sympy_parsable_and_correct(capsys):
    assert main(["equations", "--isotropy", "d-1,1", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in out["parameters"]] == ["D1", "O1", "D2", "P12", "P21"]
    eqs = {k: sp.sympify(v, locals={"d": D_SYMBOL}) for k, v in out["equations"].items()}
    # evaluate the parsed equation and compare with the compiled evaluator
    from symbolic.solve import system_for

    rs = system_for("d-1,1")
    th = {"D1": 0.9, "O1": 0.02, "D2": -0.7, "P12": 0.1, "P21": 0.05}
    syms = {s.name: s for e in eqs.values() for s in e.free_symbols}
    sub = {syms[k]: v for k, v in th.items() if k in syms}
    sub[D_SYMBOL] = 10
    g = rs.gradient(list(th.values()), 10, backend="numpy")
    for i, n in enumerate(th):
        assert abs(float(eqs[n].subs(sub)) - g[i]) < 1e-10


def test_equations_text_and_bad_input(capsys):
    assert main(["equations", "--isotropy", "d", "--d", "7"]) == 0
    assert "orbit size" in capsys.readouterr().out
    assert main(["equations", "--isotropy", "d-2,2", "--d", "3"]) == 2
    assert "too small" in capsys.readouterr().err
    assert main(["equations", "--isotropy", "d-1,,1"]) == 2


def test_isotropy_cli(tmp_path, capsys):
    fs = parse_isotropy("d-2,2")
    th = np.random.default_rng(0).normal(size=fs.dim)
    W = np.array(fs.matrix(th, 7), dtype=float)[::-1][:, [3, 0, 6, 1, 5, 2, 4]]
    f = tmp_path / "w.json"
    f.write_text(json.dumps(W.tolist()))
    assert main(["isotropy", "--W", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["isotropy"] == "d-2,2"
    assert all(isinstance(v, str) for v in out["parameters"].values())


def test_latex_compiles(tmp_path):
    doc = latex_document("d-1,1")
    assert r"\arccos" in doc and r"\pi" in doc and "P_{12}" in doc
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (the CI script installs texlive-latex-base)")
    tex = tmp_path / "eq.tex"
    tex.write_text(doc)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:]
    assert (tmp_path / "eq.pdf").stat().st_size > 1000
