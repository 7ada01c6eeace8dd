"""The series backend of the reduced system (symbolic.systems.reduced_series).

Independent checks: (1) coefficient-by-coefficient identity with the reference route,
the sympy-expanded invariants summed monomial by monomial
(symbolic.systems.puiseux.evaluate_reduced), for the coarse systems of every catalogued
isotropy and the isotypic block systems of d-1,1 (all blocks of d-2,2 and d-3,3 in the
slow suite); (2) values against the numeric evaluator built from the same pair types in
mpmath (symbolic.systems.reduced_numeric) at large d, within the tracked truncation error;
(3) the parallel-row limit (exactly parallel rows at the global minimum) against the
numeric Hessian; (4) a zero row is refused.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest

from symbolic.asymptotics.series import to_mpf
from symbolic.core.errors import NonDifferentiableError
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.puiseux import (
    PI,
    FieldExtensionError,
    PiField,
    Series,
    evaluate_reduced,
    squarefree_rational_part,
)
from symbolic.systems.reduced import ReducedSystem
from symbolic.systems.reduced_numeric import NumericReducedSystem
from symbolic.systems.reduced_series import series_system

mp = mpmath.MPContext()
mp.dps = 80


def _path(space, seed):
    """A polynomial path theta(eps) near a family's limit (D1 -> 1, D2 -> -1, the rest
    -> 0, so every angle tends to 0, pi/2 or pi) with pi in the corrections."""
    rnd = random.Random(seed)
    out = []
    for nm in space.names:
        lim = {"D1": 1, "D2": -1}.get(nm, 0)
        out.append(Series(0, [lim, 0, Fraction(rnd.randint(1, 3), 2),
                              PI / rnd.randint(1, 3), Fraction(rnd.randint(-3, 3), 5)]))
    return out


def _same(a, b):
    return a.v == b.v and a.prec == b.prec and len(a.c) == len(b.c) and all(
        x == y for x, y in zip(a.c, b.c, strict=True))


def _field(R, path, cap):
    """The extension sqrt(q) the path needs (None: Q(pi)), as the series engine does."""
    try:
        series_system(R).evaluate(path, cap=cap)
        return None
    except FieldExtensionError as exc:
        return squarefree_rational_part(exc.radicand)


def _compare_exact(R, path, cap):
    q = _field(R, path, cap)
    new = series_system(R).evaluate(path, cap=cap, ext=q)
    L = evaluate_reduced(R, path, "loss", cap=cap, ext=q)
    g = evaluate_reduced(R, path, "gradient", cap=cap, ext=q)
    H = evaluate_reduced(R, path, "hessian", cap=cap, ext=q)
    assert _same(new["loss"], L)
    for a, b in zip(new["gradient"], g, strict=True):
        assert _same(a, b)
    m = H.shape[0]
    for i in range(m):
        for j in range(m):
            assert _same(new["hessian"][i, j], H[i, j]), (i, j)


@pytest.mark.parametrize("iso", ["d", "d-1,1", "d-2,2", "d-3,3"])
def test_identical_to_expanded_reference_coarse(iso):
    R = ReducedSystem(iso)
    _compare_exact(R, _path(R.space, 1), 8)


def test_identical_to_expanded_reference_blocks_d11():
    from symbolic.spectra.spectrum import block_system
    from symbolic.symmetry.isotypic import isotypic_decomposition

    space = parse_isotropy("d-1,1")
    path = _path(space, 2)
    for irr in isotypic_decomposition(space):
        rs, _ = block_system(space, irr)
        q = _field(rs, path, 5)
        new = series_system(rs).hessian(path, cap=5, ext=q)
        ref = evaluate_reduced(rs, path, "hessian", cap=5, ext=q)
        m = ref.shape[0]
        assert all(_same(new[i, j], ref[i, j]) for i in range(m) for j in range(m)), irr.label


@pytest.mark.slow
@pytest.mark.parametrize("iso", ["d-2,2", "d-3,3"])
def test_identical_to_expanded_reference_blocks(iso):
    from symbolic.spectra.spectrum import block_system
    from symbolic.symmetry.isotypic import isotypic_decomposition

    space = parse_isotropy(iso)
    path = _path(space, 3)
    for irr in isotypic_decomposition(space):
        rs, _ = block_system(space, irr)
        q = _field(rs, path, 6)
        new = series_system(rs).hessian(path, cap=6, ext=q)
        ref = evaluate_reduced(rs, path, "hessian", cap=6, ext=q)
        m = ref.shape[0]
        assert all(_same(new[i, j], ref[i, j]) for i in range(m) for j in range(m)), irr.label


def _tol(s, e):
    """The truncation error O(eps^prec) with the size of the known coefficients."""
    big = max([abs(to_mpf(c, mp)) for c in s.c] + [mp.one])
    return 100 * big * e ** s.prec


def _at(s, e):
    return sum((to_mpf(c, mp) * mp.mpf(e) ** (s.v + i) for i, c in enumerate(s.c)), mp.zero)


@pytest.mark.parametrize("iso", ["d-1,1", "d-2,2"])
def test_values_match_numeric_evaluator(iso):
    """Series evaluated at eps = d^(-1/2) vs mpmath at the point theta(eps) (the numeric
    evaluator of the same pair types): the difference is the truncation error
    O(eps^prec) (at two d, so a wrong coefficient of any order would show)."""
    R = ReducedSystem(iso)
    path = _path(R.space, 4)
    out = series_system(R).evaluate(path, cap=14, ext=_field(R, path, 14))
    num = NumericReducedSystem(iso)
    for d in (10**6, 10**8):
        e = 1 / mp.sqrt(d)
        x = [_at(t, e) for t in path]
        ref = num.evaluate(x, d, dps=70)
        assert abs(_at(out["loss"], e) - ref["loss"]) < _tol(out["loss"], e)
        for s, r in zip(out["gradient"], ref["gradient"], strict=True):
            assert abs(_at(s, e) - r) < _tol(s, e)
        H = out["hessian"]
        for i in range(R.space.dim):
            for j in range(R.space.dim):
                assert abs(_at(H[i, j], e) - ref["hessian"][i, j]) < _tol(H[i, j], e)


def test_parallel_rows_limit():
    """W = I (rows exactly parallel to their targets; rho^2 = 0 exactly): loss 0,
    gradient 0, Hessian equal to the numeric one at every d."""
    R = ReducedSystem("d")
    out = series_system(R).evaluate([Series.const(1), Series(0, [])], cap=10)
    assert out["loss"].is_zero_to_prec()
    assert all(g.is_zero_to_prec() for g in out["gradient"])
    num = NumericReducedSystem("d")
    for d in (10, 1000):
        ref = num.hessian([1, 0], d, dps=40)
        e = 1 / mp.sqrt(d)
        for i in range(2):
            for j in range(2):
                assert abs(_at(out["hessian"][i, j], e) - ref[i, j]) < mp.mpf(10) ** -30


def test_zero_row_refused():
    R = ReducedSystem("d-1,1")
    vals = [Series.const(1), Series.const(0), Series.const(0), Series.const(0),
            Series.const(0)]  # the last row is zero
    with pytest.raises(NonDifferentiableError):
        series_system(R).gradient(vals, cap=6)
    # the loss is defined there
    L = series_system(R).loss(vals, cap=6)
    assert L.prec >= 2


def test_coefficient_field_arithmetic_vs_sympy():
    """The exponent-vector denominators (no gcd in the arithmetic) give the same field
    elements as sympy's exact arithmetic."""
    import sympy as sp

    pi = sp.pi
    xs = [sp.Rational(1, 3) + 2 / pi, (pi - 2) / pi**3, 1 / (pi - 2) ** 2, pi**2 / (pi + 1)]
    fs = [PiField.from_sympy(x) for x in xs]
    acc, ref = PiField(0), sp.S.Zero
    for a, fa in zip(xs, fs, strict=True):
        for b, fb in zip(xs, fs, strict=True):
            acc = acc + fa * fb - fb / fa
            ref = ref + a * b - b / a
    assert sp.simplify(acc.to_sympy() - ref) == 0
    assert acc == PiField.from_sympy(sp.together(ref))
    r = acc.reduced()
    assert r.to_sympy() == acc.to_sympy() and hash(r) == hash(acc)
