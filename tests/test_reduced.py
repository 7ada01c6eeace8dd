"""The reduced system equals the full model restricted to Fix(H) (independent check),
is symbolic in d, and evaluates at fractional and huge d."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic import model
from symbolic.groups import D_SYMBOL, parse_isotropy
from symbolic.reduced import ReducedSystem

GROUPS = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


def _check(spec, d, seed):
    fs = parse_isotropy(spec)
    rs = ReducedSystem(fs)
    rng = np.random.default_rng(seed)
    th = [mpmath.mpf(repr(float(x))) for x in rng.normal(size=fs.dim)]
    W = fs.matrix(th, d)
    g_full = fs.project(model.gradient(W, backend="mpmath", dps=55), d)
    g_red = rs.gradient(th, d, backend="mpmath", dps=55)
    assert max(abs(a - b) for a, b in zip(g_full, g_red, strict=True)) < mpmath.mpf(10) ** -45
    L_full = model.loss(W, backend="mpmath", dps=55)
    assert abs(L_full - rs.loss(th, d, backend="mpmath", dps=55)) < mpmath.mpf(10) ** -45
    H = model.hessian(W, backend="mpmath", dps=45)
    masks = fs.orbit_masks(d)
    E = np.array([masks[n].ravel() for n in fs.names], dtype=object)
    Hr = E.dot(H).dot(E.T)
    Hred = rs.hessian(th, d, backend="mpmath", dps=45)
    assert max(abs(x) for x in (Hr - Hred).ravel()) < mpmath.mpf(10) ** -35


@pytest.mark.parametrize("spec", GROUPS)
def test_reduced_equals_full_projected(spec):
    d = max(parse_isotropy(spec).min_d(), 5)
    _check(spec, d, 0)


@pytest.mark.slow
@pytest.mark.parametrize("spec", GROUPS)
@pytest.mark.parametrize("d", range(4, 13))
def test_reduced_equals_full_all_d(spec, d):
    if d < parse_isotropy(spec).min_d():
        pytest.skip("d too small for the blocks")
    _check(spec, d, d)


def test_symbolic_expressions_match_compiled_at_fractional_d():
    rs = ReducedSystem("d-1,1")
    th = [sp.Rational(9, 10), sp.Rational(1, 50), sp.Rational(-4, 5), sp.Rational(1, 20),
          sp.Rational(1, 10)]
    sub = dict(zip(rs.space.symbols, th, strict=True))
    sub[D_SYMBOL] = sp.Rational(21, 2)
    exact = [sp.N(g.subs(sub), 40) for g in rs.gradient_exprs]
    num = rs.gradient([str(x) for x in th], "10.5", backend="mpmath", dps=45)
    for a, b in zip(exact, num, strict=True):
        assert abs(float(a) - float(b)) < 1e-30
        assert abs(sp.Float(mpmath.nstr(b, 40), 40) - a) < sp.Float(10) ** -35
    # the loss between d = 10 and 11 is the polynomial-in-d continuation
    L = [rs.loss([str(x) for x in th], dd, dps=40) for dd in (10, "10.5", 11)]
    assert min(L[0], L[2]) - 1 < L[1] < max(L[0], L[2]) + 1


def test_huge_d_and_backends_agree():
    rs = ReducedSystem("d-1,1")
    th = ["1", "-1e-16", "-1", "2e-8", "1.27e-8"]
    a = rs.gradient(th, "1e8", backend="mpmath", dps=60)
    b = rs.gradient(th, "1e8", backend="arb", dps=60)
    for x, y in zip(a, b, strict=True):
        assert abs(float(x) - float(y.mid())) <= 1e-30 * max(1, abs(float(x)))
    c = rs.gradient([float(x) for x in th], 10**8, backend="numpy")
    assert np.all(np.isfinite(c))


def test_batched_numpy_evaluation():
    rs = ReducedSystem("d-2,2")
    X = np.random.default_rng(0).normal(size=(6, 7))
    g = rs.gradient(list(X), 9, backend="numpy")
    H = rs.hessian(list(X), 9, backend="numpy")
    assert g.shape == (6, 7) and H.shape == (6, 6, 7)
    for j in range(7):
        gj = rs.gradient(list(X[:, j]), 9, backend="numpy")
        assert np.allclose(g[:, j], gj, atol=1e-12)
