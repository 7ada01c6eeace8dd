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
from symbolic.symmetry.groups import D_SYMBOL
from symbolic.systems.reduced import reduced_system


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


def test_pi_sorted_and_broken_series():
    """Coefficients print with descending powers of pi (``\\pi - 2``, never ``-2 + \\pi``);
    a long sum is broken into lines no wider than the budget, and joining the lines
    gives back every term."""
    from symbolic.export.latex import (
        LINE_WIDTH,
        break_sum,
        coefficient_lines,
        pi_latex,
        visible_width,
    )

    pi = sp.pi
    assert pi_latex((pi - 2) / (pi**3 * (pi - 1))) == \
        r"\frac{\pi - 2}{\pi^{3} \left(\pi - 1\right)}"
    assert pi_latex(sp.Rational(1, 2) - 2 / pi**2) == r"\frac{1}{2} - \frac{2}{\pi^{2}}"
    assert "-2 + \\pi" not in pi_latex((3 * pi - 2) / (4 * (pi - 2)))
    big = -2 * (-168 * pi**3 - 1536 - 6 * pi**4 + 768 * pi + 9 * pi**5 + 368 * pi**2) \
        / (3 * pi**6 * (pi - 2))
    lines = coefficient_lines(big, r"\varepsilon^{3}", width=30)
    assert len(lines) > 1 and all(visible_width(x) <= 32 for x in lines)
    joined = " ".join(lines)
    num = sp.Poly(sp.expand(-2 * (-168 * pi**3 - 1536 - 6 * pi**4 + 768 * pi + 9 * pi**5
                                  + 368 * pi**2)), pi)
    for (k,), c in num.terms():  # every numerator coefficient, with its sign and power
        mono = "" if k == 0 else (r" \pi" if k == 1 else rf" \pi^{{{k}}}")
        assert f"{'-' if c < 0 else '+'} {abs(c)}{mono}" in joined or \
            (c < 0 and f"\\Bigl(- {abs(c)}{mono}" in joined), (c, k)
    for piece in (r"\frac{1}{3 \pi^{6} \left(\pi - 2\right)}", r"\Bigl(",
                  r"\Bigr)\,\varepsilon^{3}"):
        assert piece in joined
    terms = [t for k in range(12) for t in coefficient_lines(big * k + 1, rf"\varepsilon^{{{k}}}")]
    tex = break_sum(r"\lambda", terms, tail=r"+ O\bigl(\varepsilon^{12}\bigr)")
    rows = tex.split("\\\\\n")
    assert len(rows) > 5 and all(visible_width(r) <= LINE_WIDTH + 8 for r in rows)
    assert tex.count("&=") == 1 and tex.endswith(r"+ O\bigl(\varepsilon^{12}\bigr)")


@pytest.mark.latex
def test_broken_series_has_no_overfull_lines(tmp_path):
    """The broken sum compiles and pdflatex reports no Overfull \\hbox."""
    from symbolic.export.latex import break_sum, coefficient_lines

    pi = sp.pi
    big = -2 * (-168 * pi**3 - 1536 - 6 * pi**4 + 768 * pi + 9 * pi**5 + 368 * pi**2) \
        / (3 * pi**6 * (pi - 2))
    terms = [t for k in range(14) for t in coefficient_lines(big * (k + 1) + 1 / pi**k,
                                                             rf"\varepsilon^{{{k}}}")]
    doc = ("\\documentclass[10pt,a4paper]{article}\\usepackage{amsmath}"
           "\\usepackage[margin=2cm]{geometry}\\begin{document}\n\\begin{align*}\n"
           + break_sum(r"\lambda_{\mathrm{triv}}", terms) + "\n\\end{align*}\n\\end{document}\n")
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (.ci/run installs Debian's texlive-latex-base)")
    _compile(tmp_path, doc, "series")
    log = (tmp_path / "series.log").read_text()
    assert "Overfull \\hbox" not in log


def test_closed_forms_in_d_print_sorted():
    """The global-minimum eigenvalues print with descending powers of d and pi and
    factored coefficients; the printed pieces match an independent expansion."""
    from symbolic.export.latex import closed_form_latex
    from symbolic.spectra.spectrum import global_minimum_spectrum

    tex = [closed_form_latex(lam) for lam, _, _ in global_minimum_spectrum()]
    assert r"\frac{1}{4} - \frac{1}{2 \pi}" in tex and r"\frac{1}{4} + \frac{1}{2 \pi}" in tex
    big = [t for t in tex if r"\left(\pi - 2\right)^{2} d^{2}" in t]
    assert len(big) == 2, tex  # the two trivial eigenvalues: sqrt((pi-2)^2 d^2 + ...)
    assert all("-2 + \\pi" not in t and "**" not in t for t in tex)
    # the radicand, expanded independently, is the one printed
    d = sp.Symbol("d")
    rad = sp.expand((sp.pi - 2) ** 2 * d**2 + 16 * (sp.pi - 1) * d - 16 * (sp.pi - 1))
    lam = [lam for lam, _, irr in global_minimum_spectrum() if irr == "triv"][0]
    from symbolic.symmetry.groups import D_SYMBOL

    root = [a for a in lam.atoms(sp.Pow) if a.exp == sp.Rational(1, 2)][0]
    assert sp.expand(root.base.subs(D_SYMBOL, d) - rad) == 0


def test_tex_text_escapes_and_powers():
    from symbolic.export.latex import tex_text

    assert tex_text("a_b & 50% #1") == r"a\_b \& 50\% \#1"
    assert tex_text("series in d^(-1/2), O(d^-1/2)", breaks=False) == \
        "series in $d^{-1/2}$, O($d^{-1/2}$)"
    assert r"\allowbreak{}" in tex_text("0.01870219458560697254")
    assert r"\allowbreak" not in tex_text("characterization", breaks=True)
