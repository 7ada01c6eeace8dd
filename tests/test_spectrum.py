"""Tests of the Hessian spectrum through the isotypic decomposition (symbolic.spectra.spectrum).

Independent checks: the multiset of eigenvalues (with multiplicities) against the
full (k d) x (k d) Hessian of symbolic.loss.model (mpmath, 40 digits, mpmath eigsy; numpy
eigvalsh as a float cross-check) at random points of Fix(H); the closed forms at
the global minimum against the full Hessian at W = I_d; the papers' claims on
the Theta(d) eigenvalues and the O(d^-1/2) agreement of spectra at minima.
"""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.cli.main import main as cli_main
from symbolic.loss import model
from symbolic.spectra.spectrum import (
    exact_blocks,
    exact_spectrum,
    global_minimum_spectrum,
    isotypic_blocks,
    spectrum,
)
from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy
from symbolic.systems.reduced import ReducedSystem

GRAMMAR = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


def _random_point(s, seed):
    rng = np.random.default_rng(seed)
    # exact binary values, whatever mpmath's global precision (other modules change it)
    return [mpmath.mpf(float(x)) for x in rng.normal(size=s.dim)]


def _compare_with_full(spec, d, seed=0):
    s = parse_isotropy(spec)
    vals = _random_point(s, seed + 100 * d)
    S = spectrum(s, vals, d, dps=40)
    mine = sorted(S.values())
    W = s.matrix(vals, d)
    H = model.hessian(W, backend="mpmath", dps=40)
    mp = mpmath.MPContext()
    mp.dps = 40
    ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
    full = sorted(ev[i] for i in range(H.shape[0]))
    assert len(mine) == len(full) == H.shape[0]
    err = max(abs(mp.mpf(a) - b) for a, b in zip(mine, full, strict=True))
    assert err < mpmath.mpf("1e-30"), (spec, d, err)
    # float cross-check with numpy
    Hn = model.hessian(np.array(W, dtype=float), backend="numpy")
    fl = np.sort(np.linalg.eigvalsh(Hn))
    assert np.max(np.abs(fl - np.array([float(x) for x in mine]))) < 1e-10
    # the float64 path of spectrum() agrees too
    Sn = spectrum(s, [float(v) for v in vals], d, backend="numpy")
    assert np.max(np.abs(np.sort(Sn.values()) - fl)) < 1e-10
    return S


FAST = [("d", 4), ("d", 7), ("d-1,1", 4), ("d-1,1", 6), ("d-2,2", 4), ("d-2,2", 5),
        ("d-2,2", 6), ("d-3,3", 5), ("d-3,3", 7), ("d-2,1,1", 4), ("d-2,1,1", 6),
        ("d-1,1;1", 4), ("d-1,1;1", 6)]


@pytest.mark.parametrize("spec,d", FAST)
def test_matches_full_hessian(spec, d):
    _compare_with_full(spec, d)


@pytest.mark.slow
@pytest.mark.parametrize("spec", GRAMMAR)
@pytest.mark.parametrize("d", range(4, 13))
def test_matches_full_hessian_all(spec, d):
    if d < parse_isotropy(spec).min_d():
        pytest.skip("d too small for this isotropy")
    _compare_with_full(spec, d, seed=1)


def test_row_only_blocks_of_size_two():
    """std[E1] and std[E1]xstd[b] occur with two extra neurons."""
    S = _compare_with_full("d-1,1;2", 5)
    assert {"std[E1]", "std[E1]xstd[1]"} <= {e.irrep for e in S.eigenvalues}


# ------------------------------------------------------------- global minimum
PI = sp.pi


def test_global_minimum_closed_form():
    spec = global_minimum_spectrum()
    vals = {sp.simplify(v) for v, _, _ in spec}
    assert any(sp.simplify(v - (sp.Rational(1, 4) - 1 / (2 * PI))) == 0 for v in vals)
    assert any(sp.simplify(v - (sp.Rational(1, 4) + 1 / (2 * PI))) == 0 for v in vals)
    total = sp.expand(sum(m for _, m, _ in spec))
    assert sp.expand(total - D_SYMBOL**2) == 0
    mp = mpmath.MPContext()
    mp.dps = 40
    for d in range(4, 9):
        H = model.hessian(np.eye(d, dtype=int), backend="mpmath", dps=40)
        ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
        full = sorted(ev[i] for i in range(d * d))
        mine = []
        for v, m, _ in spec:
            x = mp.mpf(str(sp.N(v.subs(D_SYMBOL, d), 50)))
            mine += [x] * int(m.subs(D_SYMBOL, d))
        mine.sort()
        assert max(abs(a - b) for a, b in zip(mine, full, strict=True)) < mp.mpf("1e-30")
        # the numeric path at W = I (parallel rows: limits) agrees as well
        S = spectrum("d", [1, 0], d, dps=40)
        assert S.index == 0 and not S.degenerate
        assert max(abs(a - b) for a, b in zip(sorted(S.values()), full, strict=True)) \
            < mp.mpf("1e-30")


def test_global_minimum_at_numeric_d_small_block():
    """exact_spectrum at a numeric d goes through the small-block decomposition."""
    ex = exact_spectrum("d-1,1", {"D1": 1, "O1": 0, "D2": 1, "P12": 0, "P21": 0}, 4)
    assert sum(int(m) for _, m, _ in ex) == 16
    fromd = global_minimum_spectrum()
    a = sorted(float(v.subs(D_SYMBOL, 4)) for v, m, _ in fromd
               for _ in range(int(m.subs(D_SYMBOL, 4))))
    b = sorted(float(v) for v, m, _ in ex for _ in range(int(m)))
    assert np.allclose(a, b, atol=1e-12)


# ------------------------------------------------------------- interfaces
def test_arb_blocks_enclose_mpmath():
    import flint

    s = parse_isotropy("d-2,2")
    vals = _random_point(s, 7)
    mpb = isotypic_blocks(s, vals, 9, backend="mpmath", dps=40)
    arb = isotypic_blocks(s, [flint.arb(float(v)) for v in vals], 9, backend="arb",
                          dps=40)
    assert [b.irrep.label for b in arb] == [b.irrep.label for b in mpb]
    for a, m in zip(arb, mpb, strict=True):
        assert a.B.shape == m.B.shape and a.G.shape == m.G.shape
        for x, y in zip(a.B.ravel(), m.B.ravel(), strict=True):
            assert x.rad() < 1e-35
            with flint.ctx.workprec(200):
                assert abs(x - flint.arb(mpmath.nstr(y, 45))) < 1e-35
        assert a.dim == m.dim


def test_fractional_d_and_json():
    s = parse_isotropy("d-1,1")
    S = spectrum(s, [1, 0, -1, "0.1", "0.1"], "10.5", dps=30)
    from fractions import Fraction

    assert any(isinstance(e.multiplicity, Fraction) for e in S.eigenvalues)
    js = S.to_json(12)
    assert all(set(x) >= {"value", "multiplicity", "irrep"} for x in js)
    json.dumps(js)
    assert [float(x["value"]) for x in js] == sorted(float(x["value"]) for x in js)


def test_degenerate_is_reported():
    S = spectrum("d", [1, 0], 6, dps=30, tol=1)  # everything below 1 counts as zero
    assert S.degenerate and S.index is None


def test_large_d_cost_and_values():
    """d = 10^6 at 50 digits: the closed forms at W = I hold."""
    S = spectrum("d", [1, 0], 10**6, dps=50)
    spec = global_minimum_spectrum()
    mp = mpmath.MPContext()
    mp.dps = 60
    ex = sorted(mp.mpf(str(sp.N(v.subs(D_SYMBOL, 10**6), 70))) for v, _, _ in spec)
    got = sorted(mp.mpf(e.value) for e in S.eigenvalues)
    # 50 significant digits of eigenvalues up to 2.5e5
    assert max(abs(a - b) for a, b in zip(ex, got, strict=True)) < mp.mpf("1e-42")


def test_cli(capsys):
    assert cli_main(["spectrum", "--isotropy", "d", "--d", "1000", "--params",
                     "D1=1,O1=0", "--json", "--digits", "15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["index"] == 0 and out["degenerate"] is False
    assert any(x["value"].startswith("0.0908450569") for x in out["spectrum"])
    assert cli_main(["spectrum", "--isotropy", "d-1,1", "--d", "10", "--params",
                     '{"D1": 1, "O1": 0, "D2": -1, "P12": 0.1, "P21": 0.1}']) == 0
    assert "index" in capsys.readouterr().out
    assert cli_main(["spectrum", "--isotropy", "d", "--d", "5", "--params", "D1=1"]) == 2
    assert "missing" in capsys.readouterr().err


# ------------------------------------------------------------- papers' claims
def _newton(rs, x, d, dps=40):
    mp = mpmath.MPContext()
    mp.dps = dps
    x = [mp.mpf(v) for v in x]
    for _ in range(60):
        g = rs.gradient(x, d, dps=dps)
        H = rs.hessian(x, d, dps=dps)
        dx = mp.lu_solve(mp.matrix(H.tolist()), mp.matrix(list(g)))
        x = [x[i] - dx[i] for i in range(len(x))]
        if mp.norm(dx) < mp.mpf(10) ** (-dps + 5):
            break
    res = mp.norm(mp.matrix(list(rs.gradient(x, d, dps=dps))))
    assert res < mp.mpf(10) ** (-dps + 8)
    return x


def test_minimum_d10_full_hessian_and_papers_claims():
    """The d-1,1 minimum (the one gradient descent finds), followed in d.

    Checks: at d = 10 the isotypic spectrum equals the full 100 x 100 Hessian's and
    all eigenvalues are positive; along the family the d+1 largest eigenvalues grow
    linearly (lambda/d -> 1/4 and 1/(2 pi), as at W = I), and every O(1) eigenvalue
    lies within C d^(-1/2) of the global minimum's spectrum (C = 0.5; the bulk, of
    multiplicity >= d - 2, within 0.2 d^(-1/2)).
    """
    s = parse_isotropy("d-1,1")
    rs = ReducedSystem(s)
    x = [mpmath.mpf(v) for v in ["0.99", "-0.01", "-0.9", "0.1", "0.1"]]
    x = _newton(rs, x, 10)
    S = spectrum(s, x, 10, dps=40)
    assert S.index == 0
    W = s.matrix(x, 10)
    full = np.sort(np.linalg.eigvalsh(model.hessian(np.array(W, dtype=float))))
    assert np.allclose(np.sort([float(v) for v in S.values()]), full, atol=1e-11)
    gm = global_minimum_spectrum()
    for d in (10, 40, 160, 640, 2560):
        x = _newton(rs, x, d)
        S = spectrum(s, x, d, dps=40)
        assert S.index == 0
        big = [e for e in S.eigenvalues if e.value > d / 8]
        assert sum(e.multiplicity for e in big) == d + 1
        ref = sorted(float(v.subs(D_SYMBOL, d)) for v, _, _ in gm)
        small = [e for e in S.eigenvalues if e.value <= d / 8]
        for e in small:
            dist = min(abs(float(e.value) - r) for r in ref)
            bound = 0.2 if e.multiplicity >= d - 2 else 0.5
            assert dist * d**0.5 < bound, (d, e)
        if d >= 640:
            tops = sorted(float(e.value) / d for e in big)
            assert abs(tops[0] - 1 / (2 * np.pi)) < 2e-3
            assert all(abs(t - 0.25) < 2e-3 for t in tops[1:])


def test_block_exprs_symbolic_in_d():
    """The 1 x 1 block of Lambda^2 S as a closed form in the parameters and d,
    evaluated at an exact point, equals the numeric block (mpmath, 30 digits)."""
    from symbolic.spectra.spectrum import block_exprs

    B, G = block_exprs("d-1,1", "alt2[1]")
    assert G == sp.Matrix([[6]])
    s = parse_isotropy("d-1,1")
    vals = [sp.Rational(9, 10), sp.Rational(1, 20), sp.Rational(-4, 5), sp.Rational(1, 10),
            sp.Rational(1, 5)]
    sub = dict(zip(s.symbols, vals, strict=True))
    for d in (7, sp.Rational(37, 3), 10**5):
        sub[D_SYMBOL] = d
        exact = sp.N(B[0, 0].xreplace(sub), 40)
        num = isotypic_blocks(s, [str(sp.N(v, 40)) for v in vals],
                              str(sp.N(d, 40)) if d != sp.Rational(37, 3) else "37/3",
                              dps=40)
        blk = next(b for b in num if b.irrep.label == "alt2[1]")
        mp = mpmath.MPContext()
        mp.dps = 40
        assert abs(mp.mpf(str(exact)) - mp.mpf(blk.B[0, 0])) < mp.mpf("1e-30")


def test_zero_rows_and_bad_input():
    from symbolic.core.errors import NonDifferentiableError, PrecisionError

    with pytest.raises(NonDifferentiableError, match="block 2"):
        spectrum("d-1,1", [1, 0, 0, 0, 0], 6)
    with pytest.raises(NonDifferentiableError, match="E1"):
        spectrum("d-1,1;1", [1, 0, 1, 0, 0, 0, "0"], 6)
    with pytest.raises(PrecisionError):
        spectrum("d", [1, 0], 6, dps=2)


def test_parallel_rows_match_full_hessian():
    """An extra neuron parallel to a target row: zero eigenvalues, reported as degenerate."""
    s = parse_isotropy("d-1,1;1")
    vals = [1, 0, 1, 0, 0, 0, mpmath.mpf("0.1")]
    S = spectrum(s, vals, 6, dps=40)
    assert S.degenerate and S.index is None
    H = model.hessian(s.matrix(vals, 6), backend="mpmath", dps=40)
    mp = mpmath.MPContext()
    mp.dps = 40
    ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
    full = sorted(ev[i] for i in range(H.shape[0]))
    assert max(abs(a - b) for a, b in zip(sorted(S.values()), full, strict=True)) \
        < mp.mpf("1e-30")


def test_critical_points_match_full_hessian():
    """At critical points (Newton, 40 digits): the Delta S_d minimum near
    -I + (2/d)(J - I) and the d-2,2 critical point continued from a d-1,1-like
    start, against the full Hessian at 40 digits (d = 8)."""
    d = 8
    mp = mpmath.MPContext()
    mp.dps = 40
    for spec, start in (("d", [-1, 2 / d]),
                        ("d-2,2", [1, 0, -0.7, 0.1, 0.18, 0.13])):
        s = parse_isotropy(spec)
        x = _newton(ReducedSystem(s), [mpmath.mpf(v) for v in start], d)
        S = spectrum(s, x, d, dps=40)
        H = model.hessian(s.matrix(x, d), backend="mpmath", dps=40)
        ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
        full = sorted(ev[i] for i in range(H.shape[0]))
        assert max(abs(mp.mpf(a) - b) for a, b in zip(sorted(S.values()), full, strict=True)) \
            < mp.mpf("1e-30")
        if spec == "d":
            assert S.index == 0  # the "hidden" minimum of DESIGN.md 4a


# ------------------------------------------------------------ precision at huge d
def _global_min_closed_form(d):
    """The Hessian eigenvalues at W = I_d in closed form (DESIGN.md section 3), written
    out literally: 1/4 -+ 1/(2 pi) (alt2, std, sym; exact for every d) and the roots
    of the 2 x 2 triv and std blocks; checked against the full Hessian at d = 5 below."""
    pi, d = mpmath.pi, mpmath.mpf(d)
    r_t = mpmath.sqrt((pi**2 - 4 * pi + 4) * d**2 + (16 * pi - 16) * d + 16 - 16 * pi)
    r_s = mpmath.sqrt(pi**2 * d**2 - 16 * pi + 16)
    return sorted([(2 * d + pi * d - r_t + 2 * pi) / (8 * pi),
                   (2 * d + pi * d + r_t + 2 * pi) / (8 * pi),
                   (pi - 2) / (4 * pi), (pi * d - r_s + 2 * pi) / (8 * pi),
                   (pi * d + r_s + 2 * pi) / (8 * pi), (pi + 2) / (4 * pi)])


def test_global_min_closed_form_matches_full_hessian():
    """Independent check of the literal closed form: the full 25 x 25 Hessian at I_5."""
    with mpmath.workdps(40):
        H = model.hessian(np.eye(5, dtype=int), backend="mpmath", dps=40)
        ev = mpmath.eigsy(mpmath.matrix(H.tolist()), eigvals_only=True)
        full = sorted({mpmath.nstr(ev[i], 25) for i in range(25)})
        assert full == sorted({mpmath.nstr(x, 25) for x in _global_min_closed_form(5)})


@pytest.mark.parametrize("d", [10**30, 10**50, 10**100])
def test_global_minimum_digits_at_huge_d(d):
    """At W = I the smallest eigenvalues are 1/4 -+ 1/(2 pi) (+ O(1/d) for one copy),
    next to eigenvalues of size d. Every requested digit must survive at any d (guard
    digits grow with log10 d); before the fix d = 1e50 gave 1024.0 and -4.8e-7."""
    from symbolic.spectra.spectrum import guard_digits

    S = spectrum("d", {"D1": 1, "O1": 0}, d, dps=40)
    assert not S.degenerate and S.index == 0
    with mpmath.workdps(250):
        expected = _global_min_closed_form(d)
        got = sorted({mpmath.nstr(mpmath.mpf(e.value), 38) for e in S.eigenvalues})
        assert got == sorted({mpmath.nstr(x, 38) for x in expected})
        q = mpmath.mpf(1) / 4
        assert mpmath.nstr(mpmath.mpf(S.eigenvalues[0].value), 38) == \
            mpmath.nstr(q - 1 / (2 * mpmath.pi), 38)
    assert guard_digits(d) == 10 + 3 * len(str(d))


def test_huge_d_agrees_with_much_higher_precision():
    """A non-special point at d = 1e100: dps 25 agrees with dps 150 to 25 digits."""
    vals = {"D1": "0.9", "O1": "0.01"}
    lo = spectrum("d", vals, "1e100", dps=25)
    hi = spectrum("d", vals, "1e100", dps=150)
    assert len(lo.eigenvalues) == len(hi.eigenvalues)
    for a, b in zip(lo.eigenvalues, hi.eigenvalues, strict=True):
        x, y = mpmath.mpf(a.value), mpmath.mpf(b.value)
        assert abs(x - y) <= abs(y) * mpmath.mpf(10) ** -24


def test_exact_blocks_never_evaluates_strings(tmp_path):
    """A malicious string is rejected by the exact parser, never sympified."""
    from symbolic.core.errors import RelusymError

    marker = tmp_path / "pwned"
    evil = f"__import__('os').system('touch {marker}')"
    with pytest.raises(RelusymError, match="not a number"):
        exact_blocks("d", {"D1": evil, "O1": 0}, 10)
    with pytest.raises(RelusymError):
        spectrum("d", {"D1": evil, "O1": 0}, 10)
    assert not marker.exists()
    # decimal strings are parsed exactly: 1/2 written as "0.5"
    (_, B1, _), *_ = exact_blocks("d", {"D1": "0.5", "O1": "0"}, 4)
    (_, B2, _), *_ = exact_blocks("d", {"D1": sp.Rational(1, 2), "O1": 0}, 4)
    assert B1 == B2


@pytest.mark.parametrize("bad", [float("nan"), "inf", "nan", "1+1", ""])
def test_spectrum_rejects_non_numbers(bad):
    from symbolic.core.errors import RelusymError

    with pytest.raises(RelusymError):
        spectrum("d", {"D1": bad, "O1": 0}, 10)


def test_numpy_backend_refuses_large_d():
    """float64 would silently lose ~3 log10 d digits (d = 1e100 gave -1.5e-101 and 1e83)."""
    from symbolic.core.errors import PrecisionError

    with pytest.raises(PrecisionError, match="numpy"):
        spectrum("d", [1, 0], 10**8, backend="numpy")
    S = spectrum("d", [1, 0], 1000, backend="numpy")
    assert abs(float(S.eigenvalues[0].value) - (0.25 - 1 / (2 * np.pi))) < 1e-9


@pytest.mark.parametrize("spec, d", [("d-1,1", 9), ("d-2,2", 10), ("d-2,1,1", 8), ("d-1,1;1", 7)])
def test_numeric_block_system_matches_symbolic_blocks(spec, d):
    """The spectrum's numeric block Hessians (pair types, no sympy expansion) equal the
    compiled sympy blocks entry for entry, for every irreducible, at 40 digits."""
    import mpmath

    from symbolic.spectra.spectrum import block_system
    from symbolic.spectra.spectrum_build import numeric_block_system
    from symbolic.symmetry.groups import parse_isotropy
    from symbolic.symmetry.isotypic import isotypic_decomposition

    space = parse_isotropy(spec)
    rng = np.random.default_rng(3)
    vals = [str(round(float(x), 6)) for x in rng.normal(size=space.dim)]
    for irr in isotypic_decomposition(space, d):
        rs_sym, _ = block_system(space, irr)
        rs_num, _ = numeric_block_system(space, irr.label)
        a = np.asarray(rs_sym.hessian(vals, d, backend="mpmath", dps=40), dtype=object)
        b = np.asarray(rs_num.hessian(vals, d, backend="mpmath", dps=40), dtype=object)
        assert a.shape == b.shape
        for x, y in zip(a.ravel(), b.ravel(), strict=True):
            assert abs(mpmath.mpf(x) - mpmath.mpf(y)) <= mpmath.mpf(10) ** -30 * (1 + abs(x))
