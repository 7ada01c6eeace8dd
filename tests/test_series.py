"""Tests of the Puiseux expansions (symbolic.systems.puiseux, symbolic.asymptotics.series).

Independent checks: series arithmetic against mpmath functions at a small eps;
the series evaluation of the reduced system against the mpmath evaluation of the
same system; the family expansions against 50-digit Newton solutions at large d
(residual and step verified here with ReducedSystem.gradient); the eigenvalue
expansions against the numeric spectrum (symbolic.spectra.spectrum); leading constants
against the papers' facts (research/papers.md) and DESIGN section 3; PSLQ on
numerics as a cross-check of a few coefficients.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symbolic.asymptotics.series import (
    family_eigenvalues,
    family_series,
    get_family,
    series_json,
    to_mpf,
    track_to,
)
from symbolic.core.errors import RelusymError
from symbolic.systems.puiseux import (
    PI,
    FieldExtensionError,
    PiField,
    Series,
    atan2_series,
    evaluate_reduced,
)
from symbolic.systems.reduced import ReducedSystem

mp = mpmath.MPContext()
mp.dps = 80


def val(c):
    return to_mpf(c, mp)


def ser_at(s: Series, e, n=None):
    """Sum of the known coefficients of s (all if n is None) at eps = e."""
    tot = mp.zero
    for i, c in enumerate(s.c):
        k = s.v + i
        if n is not None and k > n:
            break
        tot += val(c) * mp.mpf(e) ** k
    return tot


# ----------------------------------------------------------- Q(pi)
def test_pifield_arithmetic_and_sign():
    a = (PI - 2) / 4
    b = PiField.from_sympy(1 / sp.pi + sp.Rational(1, 3))
    assert (a * b - b * a).is_zero()
    assert ((a + b) - a - b).is_zero()
    assert abs(val(a / b) - (mp.pi - 2) / 4 / (1 / mp.pi + mp.mpf(1) / 3)) < mp.mpf(10) ** -45
    assert (PI - 3).sign() == 1 and (PI - Fraction(22, 7)).sign() == -1
    assert (a * a).sqrt() == a
    with pytest.raises(FieldExtensionError):
        PiField(2).sqrt()
    assert sp.simplify(PiField.from_sympy(sp.Rational(1, 2) - 2 / sp.pi**2).to_sympy()
                       - (sp.Rational(1, 2) - 2 / sp.pi**2)) == 0


def test_quadratic_extension_sqrt2():
    from symbolic.systems.puiseux import Quad

    r2 = PiField(8).sqrt(2) / 2              # sqrt(8) = 2 sqrt(2), in Q(pi)(sqrt 2)
    assert isinstance(r2, Quad) and abs(val(r2) - mp.sqrt(2)) < mp.mpf(10) ** -60
    x = Quad(PI, 1, 2)                       # pi + sqrt(2)
    assert (x * x).sqrt() == x
    assert (x * x.inverse() - 1).is_zero()
    assert abs(val(x / (PI - 3)) - (mp.pi + mp.sqrt(2)) / (mp.pi - 3)) < mp.mpf(10) ** -60
    assert (x - PI - r2).is_zero()
    assert sp.simplify(x.to_sympy() - (sp.pi + sp.sqrt(2))) == 0
    with pytest.raises(FieldExtensionError):
        PiField(8).sqrt()                    # no extension given: not in Q(pi)
    with pytest.raises(ValueError):
        Quad(PI, 1)                          # an element carries its field (no global)


# ----------------------------------------------------------- series
def test_series_functions_match_mpmath():
    """sqrt, inverse, atan and atan2 of series against mpmath at eps = 1e-4."""
    e = mp.mpf("1e-4")
    N = 12
    x = Series(0, [4, PiField(1) / 3, -2, PI]).truncate(N)  # 4 + eps/3 - 2 eps^2 + pi eps^3
    y = Series(1, [1, -PI, Fraction(1, 5)]).truncate(N)      # eps - pi eps^2 + eps^3/5
    xv, yv = ser_at(x, e), ser_at(y, e)
    checks = [
        (x.sqrt(), mp.sqrt(xv)),
        (x.inverse(), 1 / xv),
        (y.atan_small(), mp.atan(yv)),
        (atan2_series(y, x), mp.atan2(yv, xv)),            # near 0
        (atan2_series(x, y), mp.atan2(xv, yv)),            # near pi/2
        (atan2_series(y, -x), mp.atan2(yv, -xv)),          # near pi
        ((x * x.shift(-2)).sqrt(), mp.sqrt(xv * xv / e**2)),
    ]
    for s, ref in checks:
        assert s.prec >= N - 2
        # a wrong coefficient of eps^(prec-1) larger than 1 would exceed this
        assert abs(ser_at(s, e) - ref) < 1e4 * e ** (s.prec)


def test_series_backend_matches_mpmath_evaluation():
    """Loss and gradient of the d-1,1 system on a polynomial path theta(eps)."""
    R = ReducedSystem("d-1,1")
    path = [Series(0, [1, 0, 0, 0, Fraction(5, 2)]), Series(4, [-1]),
            Series(0, [-1, 0, 3]), Series(2, [2]), Series(2, [1, PI])]
    L = evaluate_reduced(R, path, "loss", cap=16)
    g = evaluate_reduced(R, path, "gradient", cap=16)
    for d in (10**4, 10**6):
        e = 1 / mp.sqrt(d)
        point = [ser_at(s, e) for s in path]
        Ln = R.loss(point, d, dps=60)
        gn = R.gradient(point, d, dps=60)
        assert abs(ser_at(L, e) - Ln) < 10 * e ** L.prec * d**2
        for q in range(5):
            assert abs(ser_at(g[q], e) - gn[q]) < 10 * e ** g[q].prec * d**2


# ----------------------------------------------------------- families
@pytest.fixture(scope="module")
def d11():
    return family_series("spurious-d-1,1", order=3, fit=False)


@pytest.fixture(scope="module")
def bounded():
    return family_series("bounded-d", order=3, fit=False)


def _numeric(name, ds, dps=50):
    spec = get_family(name)
    R = ReducedSystem(spec.isotropy)
    sols = track_to(R, [spec.seed[n] for n in R.space.names], spec.d0, ds, dps=dps)
    hp = mpmath.MPContext()
    hp.dps = dps + 80
    for d in ds:  # independent verification: the Newton step is negligible
        x = sols[d][0]
        g = hp.matrix(R.gradient(x, d, dps=hp.dps))
        H = hp.matrix(R.hessian(x, d, dps=hp.dps).tolist())
        step = hp.lu_solve(H, g)
        rel = [abs(s) / max(abs(v), hp.mpf(10) ** -80) for s, v in zip(step, x, strict=True)]
        assert max(rel) < hp.mpf(10) ** -35
    return R, sols


def test_fitted_scaling_agrees_with_series(d11):
    """log|theta_p - theta_p(0)| vs log d at d = 1e4, 1e6, 1e8 gives the order of the first
    correction found by the exact expansion (D1 - 1, O1 ~ eps^4; D2 + 1, P12, P21 ~ eps^2)."""
    from symbolic.asymptotics.series import fit_exponents

    spec = get_family("spurious-d-1,1")
    fitted = fit_exponents(ReducedSystem(spec.isotropy), spec, d11.limits)
    assert d11.correction_orders == [4, 4, 2, 2, 2]
    for f, k in zip(fitted, d11.correction_orders, strict=True):
        assert abs(f - k) < 0.05


def test_d11_loss_leading_coefficient_matches_paper(d11):
    """d L -> 1/2 - 2/pi^2 (papers.md), with an eps^3 (d^{-1/2} relative) correction."""
    L = d11.loss_series()
    assert L.v == 2
    assert L.coeff(2) == PiField.from_sympy(sp.Rational(1, 2) - 2 / sp.pi**2)
    assert not L.coeff(3).is_zero()


def test_bounded_loss_leading_coefficient_matches_paper(bounded):
    """L -> 1/2 - 1/pi with an O(d^{-1/2}) correction (papers.md)."""
    L = bounded.loss_series()
    assert L.coeff(0) == PiField.from_sympy(sp.Rational(1, 2) - 1 / sp.pi)
    assert not L.coeff(1).is_zero()
    # the family sits near -I + (2/d)(J - I) (papers.md)
    assert bounded.theta[0].coeff(0) == -1 and bounded.theta[1].coeff(2) == 2


def test_d22_needs_sqrt2_and_loss_is_twice_d11():
    """d-2,2: two 'bad' neurons; d L -> 2 (1/2 - 2/pi^2) (papers.md: about a times the
    d-1,1 loss), coefficients in Q(pi)(sqrt 2) (a Gram determinant 8 eps^4 + ...)."""
    fs = family_series("spurious-d-2,2", order=1, fit=False)
    assert fs.field_q == 2
    L = fs.loss_series()
    assert L.coeff(2) == PiField.from_sympy(1 - 4 / sp.pi**2)
    R, sols = _numeric("spurious-d-2,2", [10**6])
    e = 1 / mp.sqrt(10**6)
    for p, t in enumerate(fs.theta):
        assert abs(mp.mpf(sols[10**6][0][p]) - ser_at(t, e, 3)) < 1e3 * e**4


@pytest.mark.parametrize("name", ["spurious-d-1,1", "bounded-d"])
def test_low_order_series_vs_numerics(name, d11, bounded):
    fs = d11 if name == "spurious-d-1,1" else bounded
    ds = [10**4, 10**6]
    R, sols = _numeric(name, ds)
    N = fs.order
    for d in ds:
        e = 1 / mp.sqrt(d)
        for p, t in enumerate(fs.theta):
            err = abs(mp.mpf(sols[d][0][p]) - ser_at(t, e, N))
            assert err < 1e3 * e ** (N + 1)
        L = fs.loss_series()
        errL = abs(R.loss(sols[d][0], d, dps=60) - ser_at(L, e, N))
        assert errL < 1e3 * e ** (N + 1)


def test_global_minimum_exact_and_spectrum_constants():
    fs = family_series("global-minimum", order=3)
    assert fs.loss_series().is_zero_to_prec()
    ev = fs.eigenvalues()
    lead = {(e["irrep"], str(e["series"].coeff(e["series"].v).to_sympy()), e["series"].v)
            for e in ev}
    # DESIGN section 3: 1/4 - 1/(2 pi) and 1/4 + 1/(2 pi) at the global minimum
    consts = {sp.simplify(sp.sympify(c) - t) == 0
              for _, c, v in lead if v == 0
              for t in (sp.Rational(1, 4) - 1 / (2 * sp.pi), sp.Rational(1, 4) + 1 / (2 * sp.pi))}
    assert True in consts
    _check_eigen_vs_spectrum(fs, ev, "d", [1, 0], [10**4])


def _tail(s: Series, n: int, e):
    """Size of the first omitted term after truncation at eps^n (None if unknown)."""
    top = int(s.prec) if s.prec != float("inf") else n + 20
    for k in range(n + 1, top):
        c = s.coeff(k)
        if not c.is_zero():
            return abs(val(c)) * e**k
    return None if s.prec != float("inf") else mp.zero


def _check_eigen_vs_spectrum(fs, ev, isotropy, point_or_none, ds, sols=None):
    """Truncated eigenvalue series vs the numeric spectrum: the error is the first
    omitted term (within a factor 3), or below 10^3 eps^prec if no term is known."""
    from symbolic.spectra.spectrum import spectrum

    for d in ds:
        e = 1 / mp.sqrt(d)
        x = point_or_none if point_or_none is not None else sols[d][0]
        num = spectrum(isotropy, x, d, dps=50)
        by = {}
        for ei in num.eigenvalues:
            by.setdefault(ei.irrep, []).append(ei.value)
        for item in ev:
            s = item["series"]
            n = fs.order if s.prec == float("inf") else min(fs.order, int(s.prec) - 1)
            approx = ser_at(s, e, n)
            tail = _tail(s, n, e)
            bound = 3 * tail if tail is not None else 1e3 * e ** (n + 1)
            best = min(abs(v - approx) for v in by[item["irrep"]])
            assert best <= bound + mp.mpf(10) ** -40, (item["irrep"], best, bound)


def test_bounded_eigenvalues_vs_spectrum():
    fs, ev = family_eigenvalues("bounded-d", 2)
    R, sols = _numeric("bounded-d", [10**4, 10**6])
    assert len(ev) == 7  # 2 triv, 3 std, alt2, sym
    assert all(e["series"].prec > 2 for e in ev)
    _check_eigen_vs_spectrum(fs, ev, "d", None, [10**4, 10**6], sols)
    # a local minimum at large d (papers.md): every leading coefficient positive
    assert all(e["series"].leading().sign() > 0 for e in ev)


@pytest.mark.slow
def test_d11_eigenvalues_low_order_vs_spectrum():
    fs, ev = family_eigenvalues("spurious-d-1,1", 1)
    R, sols = _numeric("spurious-d-1,1", [10**4, 10**6])
    assert len(ev) == 12  # DESIGN 3: 5 triv, 5 std, alt2, sym at Delta(S_{d-1} x S_1)
    _check_eigen_vs_spectrum(fs, ev, "d-1,1", None, [10**4, 10**6], sols)
    # all positive at large d: a minimum (leading coefficients positive)
    assert all(e["series"].leading().sign() > 0 for e in ev)


def test_pslq_crosscheck(d11):
    """Coefficients recognised from numerics agree with the exact ones (cross-check)."""
    R, sols = _numeric("spurious-d-1,1", [10**12, 10**14, 10**16, 10**18])
    ds = sorted(sols)
    es = [1 / mp.sqrt(d) for d in ds]
    # d L -> c2 + c3 eps: extrapolate eps^-2 L to eps = 0
    from symbolic.asymptotics.profile import _extrapolate

    dl = _extrapolate(es, [R.loss(sols[d][0], d, dps=160) * d for d in ds])
    rel = mp.pslq([dl, 1, 1 / mp.pi**2], tol=mp.mpf(10) ** -18, maxcoeff=1000, maxsteps=10**5)
    assert rel is not None
    guess = -(sp.Rational(rel[1]) + sp.Rational(rel[2]) / sp.pi**2) / rel[0]
    assert PiField.from_sympy(guess) == d11.loss_series().coeff(2)
    # D2 = -1 + c eps^2 + ...: c = 2 + 8/pi + 8/pi^2
    c = _extrapolate(es, [(mp.mpf(sols[d][0][2]) + 1) * d for d in ds])
    rel = mp.pslq([c, 1, 1 / mp.pi, 1 / mp.pi**2], tol=mp.mpf(10) ** -18, maxcoeff=1000,
                  maxsteps=10**5)
    guess = -(rel[1] + sp.Rational(rel[2]) / sp.pi + sp.Rational(rel[3]) / sp.pi**2) / rel[0]
    assert PiField.from_sympy(guess) == d11.theta[2].coeff(2)


def test_json_strings_are_sympy_parsable(bounded):
    out = series_json(bounded)
    json.dumps(out)
    L0 = sp.sympify(out["loss"][0], locals={"pi": sp.pi})
    assert sp.simplify(L0 - (sp.Rational(1, 2) - 1 / sp.pi)) == 0
    assert len(out["parameters"]["D1"]) == bounded.order + 1


def test_cli_series_and_errors(capsys):
    from symbolic.cli.main import main

    assert main(["series", "--family", "bounded-d", "--order", "1", "--no-eigenvalues",
                 "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "relusym.series/1"
    assert data["loss"][0] in ("1/2 - 1/pi", "-1/pi + 1/2")
    assert main(["series", "--family", "bounded-d", "--order", "1", "--no-eigenvalues",
                 "--format", "json"]) == 0  # deprecated alias
    cap = capsys.readouterr()
    assert json.loads(cap.out)["loss"] == data["loss"] and "deprecated" in cap.err
    assert main(["series", "--family", "bounded-d", "--order", "1", "--no-eigenvalues"]) == 0
    assert "L = (1/2 - 1/pi)" in capsys.readouterr().out.replace("-1/pi + 1/2", "1/2 - 1/pi")
    assert main(["series", "--family", "no-such-family"]) == 2
    assert main(["series", "--isotropy", "d", "--start", "D1=1"]) == 2
    assert main(["series", "--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--order", "1",
                 "--no-eigenvalues", "--latex"]) == 0
    assert r"\varepsilon" in capsys.readouterr().out


# ----------------------------------------------------------- slow: order 6, slopes
def _slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return num / sum((x - mx) ** 2 for x in xs)


def _next_order(s: Series, N: int):
    for k in range(N + 1, int(s.prec)):
        if not s.coeff(k).is_zero():
            return k
    return None


@pytest.mark.slow
@pytest.mark.parametrize("name", ["spurious-d-1,1", "bounded-d", "spurious-d-2,2"])
def test_order6_truncation_error_falls_at_predicted_order(name):
    N = 6
    with_eigen = name != "spurious-d-2,2"  # see test_d22_eigenvalues_vs_spectrum
    if with_eigen:
        fs, ev = family_eigenvalues(name, N)
    else:
        fs, ev = family_series(name, N, fit=False), []
    ds = [10**3, 10**4, 10**6]
    R, sols = _numeric(name, ds)
    quantities = [(f"theta[{p}]", t, lambda d, p=p: mp.mpf(sols[d][0][p]))
                  for p, t in enumerate(fs.theta)]
    quantities.append(("loss", fs.loss_series(), lambda d: R.loss(sols[d][0], d, dps=60)))
    checked = 0
    for label, s, exact in quantities:
        k = _next_order(s, N)
        if k is None:
            continue
        xs, ys = [], []
        for d in ds:
            e = 1 / mp.sqrt(d)
            xs.append(mp.log(e))
            ys.append(mp.log(abs(exact(d) - ser_at(s, e, N))))
        slope = _slope(xs, ys)
        assert abs(slope - k) < 0.3, (label, float(slope), k)
        checked += 1
    assert checked >= 3
    if with_eigen:
        _check_eigen_vs_spectrum(fs, ev, fs.family.isotropy, None, ds, sols)
        # every eigenvalue expansion reaches order N
        assert all(e["series"].prec > N for e in ev)


@pytest.mark.slow
def test_d22_eigenvalues_vs_spectrum():
    """Eigenvalue series of d-2,2 (coefficients with sqrt 2) vs the numeric spectrum."""
    fs, ev = family_eigenvalues("spurious-d-2,2", 1)
    assert len(ev) == 19  # DESIGN 3 counts 19 distinct eigenvalues at Delta(S_8 x S_2)
    R, sols = _numeric("spurious-d-2,2", [10**4, 10**6])
    _check_eigen_vs_spectrum(fs, ev, "d-2,2", None, [10**4, 10**6], sols)


# ----------------------------------------------------------- issue 19: engines, cache, output
def _same_series(a, b):
    return a.v == b.v and a.prec == b.prec and len(a.c) == len(b.c) and all(
        x == y for x, y in zip(a.c, b.c, strict=True))


_QUICK_FAMILIES = {"global-minimum", "spurious-d-1,1", "bounded-d"}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=() if n in _QUICK_FAMILIES else pytest.mark.slow)
    for n in __import__("symbolic.catalogue.families", fromlist=["FAMILIES"]).FAMILIES])
def test_engines_give_identical_coefficients(name):
    """The pair-type series backend and the expanded reference route (the previous
    implementation's evaluation, monomial by monomial) give exactly the same series."""
    new = family_series(name, 2, fit=False, check=False, cache=False)
    old = family_series(name, 2, fit=False, check=False, cache=False, engine="expanded")
    assert new.field_q == old.field_q
    for a, b in zip(new.theta, old.theta, strict=True):
        assert _same_series(a, b)
    assert _same_series(new.loss_series(), old.loss_series())


@pytest.mark.slow
def test_engines_identical_eigenvalues_d11():
    _, ev_new = family_eigenvalues("spurious-d-1,1", 1, cache=False, check=False)
    _, ev_old = family_eigenvalues("spurious-d-1,1", 1, cache=False, check=False,
                                   engine="expanded")
    assert len(ev_new) == len(ev_old) == 12
    for a, b in zip(ev_new, ev_old, strict=True):
        assert a["irrep"] == b["irrep"] and _same_series(a["series"], b["series"])


def test_incremental_orders_and_disk_cache(tmp_path, monkeypatch):
    """Order 4 continues the stored order-2 solution (one or two Newton steps) and equals
    a cold order-4 computation; a lower order is then served from the cache."""
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    f2 = family_series("bounded-d", 2, fit=False, check=False)
    assert any(tmp_path.glob("series-*.json"))
    f4 = family_series("bounded-d", 4, fit=False, check=False)
    assert f4.newton_steps[:len(f2.newton_steps)] == f2.newton_steps
    assert len(f4.newton_steps) - len(f2.newton_steps) <= 2
    cold = family_series("bounded-d", 4, fit=False, check=False, cache=False)
    for a, b in zip(f4.theta, cold.theta, strict=True):
        assert _same_series(a, b)
    f3 = family_series("bounded-d", 3, fit=False, check=False)
    assert f3.newton_steps == f4.newton_steps and f3.order == 3
    monkeypatch.setenv("RELUSYM_CACHE", "0")
    off = family_series("bounded-d", 2, fit=False, check=False)
    assert len(off.newton_steps) < len(f4.newton_steps)  # computed, not read


def test_in_memory_increment_equals_a_cold_computation():
    """family_series(previous=) continues a solution held in memory (disk cache off) to a
    higher order: the result equals a cold computation of that order and reports the
    order asked for; a previous solution of enough order is served with that order."""
    f2 = family_series("bounded-d", 2, fit=False, check=False, cache=False)
    f4 = family_series("bounded-d", 4, fit=False, check=False, cache=False, previous=f2)
    assert f4.newton_steps[:len(f2.newton_steps)] == f2.newton_steps
    assert len(f4.newton_steps) - len(f2.newton_steps) <= 2
    cold = family_series("bounded-d", 4, fit=False, check=False, cache=False)
    for a, b in zip(f4.theta, cold.theta, strict=True):
        assert _same_series(a, b)
    f3 = family_series("bounded-d", 3, fit=False, check=False, cache=False, previous=f4)
    assert f3.order == 3 and f3.newton_steps == f4.newton_steps


def test_validation_rejects_a_wrong_coefficient(bounded):
    """check_branch/truncation_slopes fail on a series with one wrong coefficient."""
    import copy

    from symbolic.asymptotics.series import check_branch

    bad = copy.copy(bounded)
    t = bad.theta[0]
    cs = list(t.c)
    cs[3 - t.v] = cs[3 - t.v] + Fraction(1, 7)  # eps^3 coefficient of D1
    bad.theta = [Series(t.v, cs, t.prec)] + list(bounded.theta[1:])
    bad._cache = {}
    with pytest.raises(RelusymError, match="not printed"):
        check_branch(bad)
    ok = check_branch(bounded)
    assert all(abs(f - k) < 0.5 for f, k in ok["slopes"].values() if f is not None)


def test_series_result_renderings():
    from symbolic.asymptotics.series import SeriesResult, series_result
    from symbolic.export.latex import LINE_WIDTH, visible_width

    res = series_result("spurious-d-1,1", 4, eigenvalues=False, progress=False)
    assert isinstance(res, SeriesResult)
    doc = json.loads(res.dumps())  # schema.dumps refuses floats
    assert doc["schema"] == "relusym.series/1" and doc["order"] == 4
    assert all(v["fitted"] is None or isinstance(v["fitted"], str)
               for v in doc["truncation_slopes"].values())
    lines = res.latex_lines()
    assert len(lines) > len(res.series.names) + 1  # long sums broken over lines
    assert max(visible_width(ln) for ln in lines) <= LINE_WIDTH + 40
    assert res._repr_latex_().startswith("$$\\begin{aligned}")
    assert "<pre>" in res._repr_html_() and "eps" in res.text()
    with pytest.raises(RelusymError):
        series_result("spurious-d-1,1", 41)


@pytest.mark.slow
def test_report_section_quick():
    from symbolic.asymptotics.series import report_section

    sec = report_section(quick=True)
    assert sec.claims and all(c.verdict == "pass" for c in sec.claims), [
        (c.claim, c.verdict, c.detail) for c in sec.claims if c.verdict != "pass"]
    assert sec.equations and sec.tables


def test_progress_status_on_stderr(capsys, monkeypatch, tmp_path):
    # a cold private cache: with the session cache warm no block would be computed
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    fs, ev = family_eigenvalues("global-minimum", 1, progress=True)
    err = capsys.readouterr().err
    assert "eigenvalues global-minimum" in err and "block triv" in err and len(ev) == 7
    family_series("global-minimum", 1, progress=False)
    assert capsys.readouterr().err == ""
