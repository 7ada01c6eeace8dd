"""The four backends evaluate one description of the formulas and agree; arb balls
contain the high-precision values (rigour), sympy is exact."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic import model
from symbolic.backends import get_backend
from symbolic.errors import RelusymError

W = [["0.5", "-0.25", "1"], ["1.5", "0.125", "-0.75"], ["-1", "1", "0.5"]]


def test_numpy_mpmath_agree_and_arb_contains_60_digit_values():
    Wf = np.array(W, dtype=float)
    for fn in (model.loss, model.gradient, model.hessian):
        ref = fn(W, backend="mpmath", dps=60)
        ball = fn(W, backend="arb", dps=40)
        flt = fn(Wf)
        ref_a = np.atleast_1d(np.asarray(ref, dtype=object)).ravel()
        ball_a = np.atleast_1d(np.asarray(ball, dtype=object)).ravel()
        flt_a = np.atleast_1d(np.asarray(flt, dtype=float)).ravel()
        for r, b, f in zip(ref_a, ball_a, flt_a, strict=True):
            from flint import arb, ctx

            with ctx.workprec(300):
                assert b.contains(arb(mpmath.nstr(r, 60))) or \
                    abs(b - arb(mpmath.nstr(r, 60))) < arb(10) ** -55, (b, r)
            assert b.rad() < 1e-30
            assert abs(float(r) - f) < 1e-12 * max(1, abs(f))


def test_arb_detects_wrong_values():
    """The containment test above can fail: a perturbed value is not in the ball."""
    from flint import arb

    ball = model.loss(W, backend="arb", dps=40)
    ref = model.loss(W, backend="mpmath", dps=60)
    assert not ball.contains(arb(mpmath.nstr(ref + mpmath.mpf(10) ** -30, 60)))


def test_sympy_exact_value_matches():
    Ws = [[sp.Rational(1, 2), sp.Rational(-1, 4)], [sp.Integer(1), sp.Rational(3, 2)]]
    exact = model.loss(Ws, backend="sympy")
    assert exact.has(sp.pi) and exact.has(sp.acos)
    val = model.loss([["0.5", "-0.25"], ["1", "1.5"]], backend="mpmath", dps=50)
    assert abs(sp.N(exact, 50) - sp.Float(mpmath.nstr(val, 50), 50)) < sp.Float(10) ** -45


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

    from symbolic.backends import ArbBackend

    mp = mpmath.MPContext()
    mp.dps = 60
    x = -mp.mpf(1) / 3
    be = ArbBackend(prec=400)
    with be.context():
        b = be.number(x)
        assert b < 0
        assert abs(b - arb(fmpq(-1, 3))) < arb(10) ** -58
    assert ctx.prec == 53
