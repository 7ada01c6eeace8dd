"""LaTeX export: the named form is the reduced system exactly, the output is readable,
and the document compiles with pdflatex."""

import re
import shutil
import subprocess

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.export.latex import equations_latex, latex_document, structured_equations
from symbolic.groups import D_SYMBOL
from symbolic.reduced import reduced_system


@pytest.mark.parametrize("spec", ["d-1,1", "d-2,2", "d-1,1;1"])
def test_named_form_expands_to_the_reduced_system(spec):
    """Substituting the definitions (nu, gamma, a_i) back gives the loss and gradient of
    the reduced system: equal at a random point at d = 21/2 to 40 digits, and the loss
    also equal to the compiled evaluator."""
    st = structured_equations(spec)
    rs = reduced_system(spec)
    th = np.random.default_rng(11).integers(-900, 900, size=rs.space.dim)
    sub = {s: sp.Rational(int(x), 1000) for s, x in zip(rs.space.symbols, th, strict=True)}
    sub[D_SYMBOL] = sp.Rational(21, 2)
    tol = sp.Float(10, 50) ** -40
    for named, orig in zip([st.loss, *st.gradient], [rs.loss_expr, *rs.gradient_exprs],
                           strict=True):
        a = sp.N(st.expand(named).xreplace(sub), 50)
        b = sp.N(orig.xreplace(sub), 50)
        assert abs(a - b) < tol * (1 + abs(b))
    num = rs.loss([str(sub[s]) for s in rs.space.symbols], "10.5", dps=50)
    assert abs(sp.N(st.expand(st.loss).xreplace(sub), 50) - sp.Float(mpmath.nstr(num, 45), 45)) \
        < sp.Float(10) ** -35
    # definitions come in dependency order: each uses only parameters, d, earlier names
    known = set(rs.space.symbols) | {D_SYMBOL}
    for s, e in st.definitions:
        assert e.free_symbols <= known, s
        known.add(s)


def test_latex_is_readable():
    tex = equations_latex("d-1,1")
    assert tex.startswith("\\begin{align*}") and tex.rstrip().endswith("\\end{align*}")
    for piece in (r"\arccos", r"\pi", r"\sqrt", "P_{12}", "D_{1}", "O_{1}", r"\nu_{1}",
                  r"\gamma_{1,2}", r"\frac{\partial \ell}{\partial P_{21}}"):
        assert piece in tex, piece
    assert "acos" not in tex and "**" not in tex
    assert not re.search(r"\d\.\d", tex)  # no floats: pi, roots and rationals stay exact
    # one equation per parameter, each ending in "= 0"; lines at most ~150 characters
    # apart from single long factors
    assert tex.count("= 0") == 5
    body = tex.split("\n")[1:-2]
    assert all(line.endswith("\\\\") for line in body[:-1])
    assert sum(len(line) > 400 for line in body) <= 2


def test_latex_at_a_given_d():
    st = structured_equations("d-1,1", d="10.5")
    assert all(D_SYMBOL not in e.free_symbols for e in [st.loss, *st.gradient])
    tex = equations_latex("d-1,1", d="10.5")
    assert not re.search(r"(?<![a-z\\])d(?![a-z])", tex)  # no symbol d left
    assert re.search(r"(?<![a-z\\])d(?![a-z])", equations_latex("d-1,1"))  # (it can fail)


def _compile(tmp_path, doc, name):
    tex = tmp_path / f"{name}.tex"
    tex.write_text(doc)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.latex
@pytest.mark.parametrize("spec,d", [("d-1,1", None), ("d-2,1,1;1", None), ("d-2,2", "10.5")])
def test_latex_document_compiles(tmp_path, spec, d):
    doc = latex_document(spec, d=d)
    assert doc.startswith("\\documentclass") and "\\end{document}" in doc
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (.ci/run installs Debian's texlive-latex-base)")
    _compile(tmp_path, doc, "eq")
