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


@pytest.mark.parametrize("spec", GROUPS)
def test_symbolic_expressions_match_compiled_at_fractional_d(spec):
    """At d = 21/2 the sympy expressions (loss, gradient, Hessian; exact in pi, sqrt,
    acos) evaluated by sympy agree with the compiled mpmath and numpy evaluators."""
    rs = ReducedSystem(spec)
    rng = np.random.default_rng(7)
    th = [sp.Rational(int(x), 1000) for x in rng.integers(-1500, 1500, size=rs.space.dim)]
    sub = dict(zip(rs.space.symbols, th, strict=True))
    sub[D_SYMBOL] = sp.Rational(21, 2)
    tol = sp.Float(10, 50) ** -35

    def close(expr, value):
        exact = sp.N(expr.xreplace(sub), 45)
        return abs(exact - sp.Float(mpmath.nstr(value, 45), 45)) < tol * (1 + abs(exact))

    args = [str(x) for x in th]
    assert close(rs.loss_expr, rs.loss(args, "10.5", dps=50))
    g = rs.gradient(args, "10.5", dps=50)
    assert all(close(e, v) for e, v in zip(rs.gradient_exprs, g, strict=True))
    H = rs.hessian(args, "10.5", dps=50)
    n = rs.space.dim
    assert all(close(rs.hessian_exprs[i, j], H[i, j]) for i in range(n) for j in range(n))
    gn = rs.gradient([float(x) for x in th], 10.5, backend="numpy")
    assert np.allclose(gn, [float(x) for x in g], rtol=1e-10, atol=1e-12)


def test_loss_is_polynomial_continuation_in_d():
    """Between integer d the loss is the same closed form: the value at 10.5 lies on the
    curve through d = 10, 10.5, 11 given by the symbolic expression (not interpolated)."""
    rs = ReducedSystem("d-1,1")
    th = ["0.9", "0.02", "-0.8", "0.05", "0.1"]
    sub = {s: sp.Rational(v) for s, v in zip(rs.space.symbols, th, strict=True)}
    f = sp.lambdify(D_SYMBOL, rs.loss_expr.xreplace(sub), "mpmath")
    for dd in ("10", "10.5", "11", "1000.25"):
        with mpmath.workdps(40):
            ref = f(mpmath.mpf(dd))
        assert abs(rs.loss(th, dd, dps=40) - ref) < mpmath.mpf(10) ** -30 * (1 + abs(ref))


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
