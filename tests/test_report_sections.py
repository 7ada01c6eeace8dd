"""Report sections: providers are fault-tolerant, results stream and resume, every format
carries the same outward-rounded enclosures (parsed back and checked against an
independent full-matrix high-precision loss), the HTML is self-contained, the PDF
compiles without overfull lines, and the derivation scripts fail on wrong claims."""

import json
import re
import runpy
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from symbolic.core.claims import Claim, Equation, Section
from symbolic.report import build_report, html, latex, markdown, write_report
from symbolic.report.sections import collect_sections, run_provider

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def provider_module(tmp_path, monkeypatch):
    """A throw-away module with good and bad providers."""
    (tmp_path / "fake_providers.py").write_text('''
from pathlib import Path
from symbolic.core.claims import Claim, Section, Figure
CALLS = []
def good(quick=True, out_dir=None):
    CALLS.append(quick)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2, 2)); ax.plot([1, 2], [1, 4])
    (Path(out_dir) / "figures").mkdir(parents=True, exist_ok=True)
    png = Path(out_dir) / "figures" / "fake.png"
    fig.savefig(png)
    fig.savefig(png.with_suffix(".pdf"))
    s = Section("fake", "Annihilation by added neurons", "Arjevani & Field, NeurIPS 2022")
    s.claims.append(Claim("adding a neuron turns the minimum into a saddle", "NeurIPS 2022",
                          "index 1 (certified)", "pass"))
    s.figures.append(Figure("a fake figure", str(png), str(png.with_suffix(".pdf"))))
    return s
def relative(quick=True, out_dir=None):
    import os
    s = good(quick, out_dir)
    f = s.figures[0]
    f.png = os.path.relpath(f.png)  # relative to the current directory, not to out_dir
    f.pdf = os.path.relpath(f.pdf)
    return s
def boom(quick=True, out_dir=None):
    raise RuntimeError("provider exploded")
def wrong(quick=True, out_dir=None):
    return {"not": "a section"}
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("fake_providers", None)
    yield "fake_providers"
    sys.modules.pop("fake_providers", None)


def test_failing_providers_become_unknown(provider_module, tmp_path):
    out = tmp_path / "out"
    for spec, words in [("symbolic.nosuchmodule:report_section", ["not available",
                                                                   "ModuleNotFoundError"]),
                        ("symbolic.overparam_missing:report_section", ["not available"]),
                        (f"{provider_module}:nosuchfunction", ["AttributeError"]),
                        (f"{provider_module}:boom", ["provider exploded"]),
                        (f"{provider_module}:wrong", ["dict", "not a Section"]),
                        ("no-colon", ["module:function"])]:
        sec = run_provider(spec, quick=True, out_dir=out)
        assert sec["verdict"] == "unknown", spec
        assert [c["verdict"] for c in sec["claims"]] == ["unknown"]
        why = sec["claims"][0]["detail"] + sec["error"]
        assert all(w in why for w in words), (spec, why)
    # a known provider that is missing is placed under its paper
    sec = run_provider("symbolic.arcs:report_section_missing", out_dir=out)
    assert "Hidden" in sec["paper"] and "arcs" in sec["title"].lower()


def test_collect_streams_resumes_and_renders(provider_module, tmp_path):
    out = tmp_path / "out"
    specs = [f"{provider_module}:good", f"{provider_module}:boom", "symbolic.absent:f"]
    secs = collect_sections(10, quick=True, out_dir=out, specs=specs,
                            executor=ThreadPoolExecutor(2), log=lambda s: None)
    assert [s["verdict"] for s in secs] == ["pass", "unknown", "unknown"]
    stored = sorted(p.name for p in (out / "sections").glob("*.json"))
    assert len(stored) == 3
    mod = sys.modules[provider_module]
    n = len(mod.CALLS)
    again = collect_sections(10, quick=True, out_dir=out, specs=specs, resume=True,
                             log=lambda s: None)
    assert again == secs and len(mod.CALLS) == n  # nothing recomputed
    collect_sections(10, quick=False, out_dir=out, specs=specs[:1], resume=True,
                     log=lambda s: None)
    assert len(mod.CALLS) == n + 1  # another mode: recomputed
    rep = {"d": "10", "families": [], "sections": secs, "summary": {}}
    md, tex, page = markdown(rep), latex(rep, out), html(rep, out)
    for text in (md, tex.replace("\\allowbreak{}", ""), page):
        assert "adding a neuron turns the minimum into a saddle" in text
        assert "provider exploded" in text
        assert "Annihilation of spurious minima" in text  # placed under its paper
        assert "Hidden minima" in text  # a paper without a section is still listed
    assert "figures/fake.png" in md and "figures/fake.pdf" in tex
    assert 'src="data:image/png;base64,' in page and "http" not in page.split("<body>")[1]


def _interval(text: str) -> tuple[Fraction, Fraction]:
    """``[lo, hi]`` in plain text or LaTeX (``1.2\\times10^{-5}``) as exact rationals."""
    def num(s):
        s = s.strip().replace("\\ ", "")
        m = re.fullmatch(r"(-?[\d.]+)\\times10\^\{(-?\d+)\}", s)
        return Fraction(m.group(1)) * Fraction(10) ** int(m.group(2)) if m else Fraction(s)
    lo, hi = text.strip().strip("$").strip("[]").split(",")
    return num(lo), num(hi)


def test_every_format_contains_the_independent_loss():
    """The loss enclosure of each family, parsed back from Markdown, LaTeX and HTML,
    contains the loss of the printed point computed from the full k x d matrix at 60
    digits (symbolic.loss.model, no symmetry reduction, no interval arithmetic)."""
    from symbolic.loss import model
    from symbolic.symmetry.groups import parse_isotropy

    rep = build_report(10, digits=25, families=["global-minimum", "spurious-d-3,3"],
                       series_order=0, transitions=False, log=lambda s: None)
    md, tex, page = markdown(rep), latex(rep), html(rep)
    json.loads(json.dumps(rep))  # strings only
    for e in rep["families"]:
        space = parse_isotropy(e["isotropy"])
        with mpmath.workdps(80):
            W = space.matrix([mpmath.mpf(e["params"][n]) for n in space.names], 10)
            exact = Fraction(mpmath.nstr(model.loss(W, backend="mpmath", dps=80), 70,
                                         min_fixed=-100, max_fixed=100))
        tol = Fraction(1, 10**70)  # the plain mpmath sum's own rounding at 80 digits
        name = re.escape(e["name"])
        cells = {
            "md": re.search(rf"^\| {name} \|.*\| (\[[^|]*\]) \|$", md, re.M).group(1),
            "tex": re.search(rf"^{name} &.*& (\$\[[^$]*\]\$) \\\\", tex, re.M).group(1),
            "html": re.search(rf"<td>{name}</td>(?:<td>[^<]*</td>)*?<td>(\[[^<]*\])</td>",
                              page).group(1),
        }
        for fmt, cell in cells.items():
            lo, hi = _interval(cell)
            assert lo - tol <= exact <= hi + tol, (fmt, e["name"], cell, float(exact))
            assert lo >= 0  # a loss: never a negative lower end
        if e["name"] == "global-minimum":
            assert e["params"] == {"D1": "1", "O1": "0"} or abs(exact) < tol
    claims = rep["sections"][0]["claims"]
    assert all(c["verdict"] == "pass" for c in claims), claims
    assert all("inside" in c["value"] for c in claims)


def test_outward_rounding_in_tables():
    """A table cell is the JSON enclosure rounded outward: never inside it."""
    rep = build_report(10, digits=25, families=["spurious-d-3,3"], series_order=0,
                       transitions=False, log=lambda s: None)
    lo, hi = (Fraction(x) for x in rep["families"][0]["loss_enclosure"])
    row = markdown(rep).split("| spurious-d-3,3 |")[1].split("\n")[0]
    a, b = _interval(row.rsplit("|", 2)[1])
    assert a <= lo and b >= hi and (a < lo or b > hi)


def _fake_report(tmp_path) -> dict:
    """A small report with a long broken series, a figure, and a failing claim."""
    import sympy as sp

    from symbolic.export import plots
    from symbolic.export.latex import break_sum, coefficient_lines
    from symbolic.report.document import summary
    from symbolic.report.sections import section_json

    pi = sp.pi
    c = (-2 * (-168 * pi**3 - 1536 - 6 * pi**4 + 768 * pi + 9 * pi**5 + 368 * pi**2)
         / (3 * pi**6 * (pi - 2)))
    terms = []
    for k in range(0, 9):
        terms += coefficient_lines(c * (k + 1) + sp.Rational(k, 7) / pi**k,
                                   rf"\varepsilon^{{{k}}}")
    eq = break_sum(r"\lambda_{\mathrm{triv}}", terms, tail=r"+ O\bigl(\varepsilon^{9}\bigr)")
    fig = plots.loss_vs_d({"a": ([10, 100, 1000], ["0.1", "0.01", "0.001"])},
                          tmp_path / "figures", "t", "a test figure", base=tmp_path)
    sec = Section("t", "A test section with a long series", "Physica D 2021")
    sec.claims.append(Claim("a claim that fails on purpose", "test", "1.0", "fail",
                            expected="2.0", detail="deliberately wrong"))
    sec.equations.append(Equation("Eigenvalue series", eq, "lambda = ..."))
    sec.figures.append(fig)
    secs = [section_json(sec, "tests:fake")]
    return {"d": "10", "families": [], "sections": secs, "summary": summary(secs),
            "mode": "quick", "relusym": "test"}


@pytest.mark.latex
def test_report_pdf_compiles_without_overfull_lines(tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (.ci/run installs Debian's texlive-latex-base)")
    rep = build_report(10, digits=20, families=["global-minimum"], series_order=0,
                       transitions=False, log=lambda s: None)
    fake = _fake_report(tmp_path)
    rep["sections"] += fake["sections"]
    # a section whose figures are written by another module (the arcs): the report
    # includes them from its own folder (they once pointed one folder too high and
    # pdflatex stopped with "file not found")
    from symbolic.arcs.report import report_section as arcs_section
    from symbolic.report.sections import section_json

    rep["sections"].append(section_json(arcs_section(True, tmp_path), "symbolic.arcs.report"))
    for f in rep["sections"][-1]["figures"]:
        assert (tmp_path / f["pdf"]).exists() and f["pdf"].startswith("figures/"), f
    files = write_report(rep, tmp_path, pdf=True)
    assert (tmp_path / "report.pdf").exists() and (tmp_path / "report.pdf") in files
    assert rep["latex"]["overfull_hbox"] == 0, rep["latex"]
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["schema"] == "relusym.report/1" and doc["latex"]["overfull_hbox"] == 0
    assert "FAIL" in (tmp_path / "report.md").read_text()


def _script(name, argv, capsys):
    mod = runpy.run_path(str(ROOT / "derivations" / name), run_name="derivation")
    rc = mod["main"](argv)
    return rc, capsys.readouterr().out


def test_derivation_spectrum_and_wrong_claim(capsys):
    rc, out = _script("spurious_spectrum.py", ["--max-d", "1000"], capsys)
    assert rc == 0 and "REPRODUCED" in out and "1001 above 1" in out, out
    rc, out = _script("spurious_spectrum.py", ["--max-d", "1000", "--slope", "2"], capsys)
    assert rc == 1 and "NOT REPRODUCED" in out


@pytest.mark.slow
def test_derivation_agreement_and_wrong_claim(capsys):
    argv = ["--family", "spurious-d-1,1", "--max-d", "10000"]
    rc, out = _script("spectra_agreement.py", argv, capsys)
    assert rc == 0 and "REPRODUCED" in out, out
    rc, out = _script("spectra_agreement.py", argv + ["--rate", "-1"], capsys)
    assert rc == 1 and "NOT REPRODUCED" in out


@pytest.mark.slow
def test_derivation_transition_and_wrong_claim(capsys):
    rc, out = _script("type_transitions.py", ["--family", "spurious-d-1,1"], capsys)
    assert rc == 0 and "d* = 5.58550524742588" in out, out
    rc, out = _script("type_transitions.py", ["--family", "spurious-d-1,1", "--between",
                                              "6", "7"], capsys)
    assert rc == 1 and "NOT REPRODUCED" in out


@pytest.mark.slow
def test_derivation_losses_and_wrong_claim(capsys):
    rc, out = _script("family_losses.py", ["--family", "bounded-d", "--order", "3"], capsys)
    assert rc == 0 and "REPRODUCED" in out and "\\begin{align*}" in out, out
    rc, out = _script("family_losses.py", ["--family", "bounded-d", "--order", "3",
                                           "--claim", "bounded-d=0.18"], capsys)
    assert rc == 1 and "DIFFERS" in out


@pytest.mark.slow
def test_builtin_sections_at_d6(tmp_path):
    """Every built-in section passes at d = 6 (just above both critical dimensions); the
    certified eigenvalue enclosures of the Hessian table contain the eigenvalues of the
    full 36 x 36 Hessian computed at 40 digits (mpmath, no symmetry reduction)."""
    from symbolic.catalogue.families import family
    from symbolic.loss import model
    from symbolic.report.builtin import (
        agreement_section,
        hessian_section,
        loss_section,
        transition_section,
    )

    for fn in (hessian_section, agreement_section, transition_section, loss_section):
        sec = fn(quick=True, out_dir=tmp_path, d=6)
        assert sec.verdict == "pass", [(c.claim, c.value, c.detail) for c in sec.claims]
        for f in sec.figures:
            assert (tmp_path / f.png).stat().st_size > 5000
        if fn is hessian_section:
            rows = sec.tables[1].rows
    f = family("spurious-d-1,1")
    vals = f.point(6, digits=40)
    with mpmath.workdps(40):
        H = model.hessian(f.space.matrix([mpmath.mpf(v) for v in vals], 6), backend="mpmath",
                          dps=40)
        ev = mpmath.eigsy(mpmath.matrix(H.tolist()), eigvals_only=True)
        ev = [Fraction(mpmath.nstr(x, 35, min_fixed=-50, max_fixed=50)) for x in ev]
    boxes = [(_interval(r[2]), int(r[1])) for r in rows]
    for (lo, hi), m in boxes:
        assert sum(lo <= x <= hi for x in ev) == m


def test_figure_paths_are_relative_to_the_report(provider_module, tmp_path, monkeypatch):
    """Figures given absolute or relative to the current directory end up relative to
    the report folder (the folder stays relocatable; LaTeX and HTML find them)."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "deep" / "out"
    for fn in ("good", "relative"):
        sec = run_provider(f"{provider_module}:{fn}", out_dir=out)
        assert sec["figures"][0]["png"] == "figures/fake.png", sec["figures"]
        assert sec["figures"][0]["pdf"] == "figures/fake.pdf"
