"""The four backends evaluate one description of the formulas and agree; arb balls
contain the high-precision values (rigour), sympy is exact."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.core.backends import ArbBackend, get_backend
from symbolic.core.errors import RelusymError
from symbolic.loss import model

W = [["0.5", "-0.25", "1"], ["1.5", "0.125", "-0.75"], ["-1", "1", "0.5"]]

POINTS = {
    "generic": (W, None),
    "non-dyadic, k != d, general V": (
        [["0.1", "-0.3", "1"], ["1.5", "0.7", "-0.75"]],
        [["1", "0.2", "0"], ["0", "0.9", "0.5"], ["0.3", "0", "1"], ["0", "-0.1", "0.2"]],
    ),
    "parallel and antiparallel rows": (
        [["0.2", "0", "0"], ["0.1", "0", "0"], ["0", "0.3", "0.3"], ["0", "-0.3", "-0.3"]], None),
    "global minimum": ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], None),
}


def _flat(x):
    return np.atleast_1d(np.asarray(x, dtype=object)).ravel()


@pytest.mark.parametrize("name", list(POINTS))
@pytest.mark.parametrize("fn", [model.loss, model.gradient, model.hessian],
                         ids=["loss", "gradient", "hessian"])
def test_arb_ball_contains_60_digit_mpmath_and_numpy_agrees(name, fn):
    """The arb ball (40 digits) CONTAINS the 60-digit mpmath value (converted exactly,
    bit for bit), is tight, and float64 agrees with both to ~1e-13."""
    Wp, Vp = POINTS[name]
    ref = _flat(fn(Wp, Vp, backend="mpmath", dps=60))
    ball = _flat(fn(Wp, Vp, backend="arb", dps=40))
    flt = np.atleast_1d(np.asarray(
        fn(np.array(Wp, dtype=float), None if Vp is None else np.array(Vp, dtype=float)),
        dtype=float)).ravel()
    exact = ArbBackend(prec=400)
    assert len(ref) == len(ball) == len(flt)
    with exact.context():
        for r, b, f in zip(ref, ball, flt, strict=True):
            assert b.contains(exact.number(r)), (b, r)
            assert b.rad() < 1e-35
            assert abs(float(r) - f) < 1e-13 * max(1, abs(f)), (r, f)


def test_arb_detects_wrong_values():
    """The containment test above can fail: a value moved by 1e-30 is not in the ball."""
    ball = model.loss(W, backend="arb", dps=40)
    ref = model.loss(W, backend="mpmath", dps=60)
    exact = ArbBackend(prec=400)
    with exact.context():
        assert ball.contains(exact.number(ref))
        assert not ball.contains(exact.number(ref + mpmath.mpf(10) ** -30))


@pytest.mark.parametrize("Wq,Vq", [
    ([[sp.Rational(1, 2), sp.Rational(-1, 4)], [sp.Integer(1), sp.Rational(3, 2)]], None),
    ([[sp.Rational(1, 2), sp.Rational(-1, 4), 1], [sp.Rational(3, 2), sp.Rational(1, 8), 0]],
     [[1, 0, sp.Rational(1, 2)], [0, 1, 0]]),
    ([[2, 0], [1, 0]], None),                      # parallel rows: the exact limit
    ([[1, 0], [0, -1]], None),                     # a row antiparallel to its target
    ([[1, 0], [-2, 0], [0, 1]], None),             # antiparallel rows
])
def test_sympy_exact_values_match_mpmath(Wq, Vq):
    """sympy keeps pi, radicals and acos exact; evaluated at 50 digits it is the
    mpmath value, for loss, gradient and Hessian."""
    def dec(M):
        return None if M is None else [[str(sp.Rational(x)) for x in r] for r in M]

    assert isinstance(model.loss(Wq, Vq, backend="sympy"), sp.Basic)
    for fn in (model.loss, model.gradient, model.hessian):
        ex = _flat(fn(Wq, Vq, backend="sympy"))
        num = _flat(fn(_mp_rationals(dec(Wq)), _mp_rationals(dec(Vq)),
                       backend="mpmath", dps=50))
        for e, n in zip(ex, num, strict=True):
            assert abs(sp.N(e, 50) - sp.Float(mpmath.nstr(n, 50), 50)) < sp.Float(10) ** -45


def test_sympy_loss_is_exact():
    Wq = [[sp.Rational(1, 2), sp.Rational(-1, 4)], [sp.Integer(1), sp.Rational(3, 2)]]
    exact = model.loss(Wq, backend="sympy")
    assert exact.has(sp.pi) and exact.has(sp.acos) and not exact.atoms(sp.Float)
    # antiparallel row and target: exactly 1/2 (relu(-x) - relu(x) = -x)
    assert model.loss([[1, 0], [0, -1]], backend="sympy") == sp.Rational(1, 2)


def _mp_rationals(M):
    """Rational strings "p/q" as Fractions (exact input for the mpmath backend)."""
    from fractions import Fraction

    return None if M is None else [[Fraction(x) for x in r] for r in M]


def test_mpmath_precision_is_per_call_and_does_not_leak():
    before = mpmath.mp.dps
    a = model.loss(W, backend="mpmath", dps=80)
    assert mpmath.mp.dps == before
    b = model.loss(W, backend="mpmath", dps=30)
    assert abs(a - b) < mpmath.mpf(10) ** -28
    from flint import ctx

    p = ctx.prec
    model.loss(W, backend="arb", dps=100)
    assert ctx.prec == p


def test_vanishing_quotient_limits():
    from flint import arb

    be = get_backend("arb", dps=30)
    with be.context():
        q = be.vq(arb(0), arb(0), arb("1e-10"))
        assert q.contains(0) and q.rad() <= 1.01e-10
        q2 = be.vq(arb(2), arb(4), arb(100))
        assert abs(q2 - 1) < 1e-20
    assert get_backend("mpmath").vq(mpmath.mpf(0), mpmath.mpf(0), 1) == 0
    assert get_backend("numpy").vq(0.0, 0.0, 1.0) == 0.0


def test_unknown_backend():
    with pytest.raises(RelusymError):
        get_backend("fortran")


def test_arb_number_from_high_precision_mpmath_is_exact():
    """Regression: converting an mpf must keep its sign and all of its bits."""
    from flint import arb, ctx, fmpq

    from symbolic.core.backends import ArbBackend

    mp = mpmath.MPContext()
    mp.dps = 60
    x = -mp.mpf(1) / 3
    be = ArbBackend(prec=400)
    with be.context():
        b = be.number(x)
        assert b < 0
        assert abs(b - arb(fmpq(-1, 3))) < arb(10) ** -58
    assert ctx.prec == 53


def test_eigen_solves_agree_with_mpmath_eigsy_and_closed_forms():
    """The flint-based symmetric and generalized eigenvalues (mpmath backend) against
    mpmath's own ``eigsy`` / Cholesky route at 60 digits, a repeated eigenvalue, and
    a 2 x 2 pencil in closed form."""
    import numpy as np

    from symbolic.core.backends import MpmathBackend, generalized_eigenvalues, symmetric_eigen

    be = MpmathBackend(60)
    mp = be.mp
    rng = np.random.default_rng(5)
    for n in (2, 5, 17):
        A = rng.normal(size=(n, n))
        A = [[mp.mpf(float(x)) for x in row] for row in (A + A.T)]
        Q = rng.normal(size=(n, n))
        G = [[mp.mpf(float(x)) for x in row] for row in (Q @ Q.T + n * np.eye(n))]
        ref = sorted(mp.eigsy(mp.matrix(A), eigvals_only=True))
        got = symmetric_eigen(A, backend=be)
        assert max(abs(a - b) for a, b in zip(got, ref, strict=True)) < mp.mpf(10) ** -50
        L = mp.cholesky(mp.matrix(G))
        Li = mp.inverse(L)
        ref_g = sorted(mp.eigsy(Li * mp.matrix(A) * Li.T, eigvals_only=True))
        got_g = generalized_eigenvalues(A, G, backend=be)
        assert max(abs(a - b) for a, b in zip(got_g, ref_g, strict=True)) < \
            mp.mpf(10) ** -45
    # a repeated eigenvalue (the identity) and det(B - lambda G) = 3 l^2 - 8 l + 3
    assert symmetric_eigen([[1, 0], [0, 1]], backend=be) == [1, 1]
    lam = generalized_eigenvalues([[1, 0], [0, 3]], [[2, 1], [1, 2]], backend=be)
    exact = [(8 - mp.sqrt(28)) / 6, (8 + mp.sqrt(28)) / 6]
    assert max(abs(a - b) for a, b in zip(lam, exact, strict=True)) < mp.mpf(10) ** -55
    with pytest.raises(Exception, match="singular"):
        generalized_eigenvalues([[1, 0], [0, 3]], [[1, 1], [1, 1]], backend=be)
