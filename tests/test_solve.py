"""High-precision Newton on the reduced system: convergence, independent checks, failures."""

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import ConvergenceError, IsotropyError, PrecisionError
from symbolic.loss import model
from symbolic.numerics.solve import newton, newton_float, solve_point
from symbolic.symmetry.groups import parse_isotropy


def test_newton_finds_the_d_minus_1_1_minimum_and_full_gradient_vanishes():
    r = newton("d-1,1", [1, 0, -1, 0, 0], 10, dps=50)
    assert r.converged and r.reason == "converged"
    assert r.residual < mpmath.mpf(10) ** -45
    fs = parse_isotropy("d-1,1")
    W = fs.matrix(r.values, 10)
    # independent check: the FULL 10 x 10 gradient (not the reduced one) vanishes
    g = model.gradient(W, backend="mpmath", dps=50)
    assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -44
    assert 1.004 < float(r.values[0]) < 1.005 and -0.70 < float(r.values[2]) < -0.69


def test_newton_at_large_and_fractional_d():
    for d in ("10.5", 10**6, "1e8"):
        r = newton("d", ["-1", "0"], d, dps=40)
        assert r.converged, (d, r.reason)
    # the bounded Delta S_d family: D1 -> -1, O1 ~ 2/d
    r = newton("d", ["-1", "2e-6"], 10**6, dps=40)
    assert abs(float(r.values[0]) + 1) < 1e-4 and abs(float(r.values[1]) * 1e6 - 2) < 0.01


def test_newton_reports_failures_without_raising():
    # all-zero start: every row of W is zero, the loss is not differentiable there
    r = newton("d-1,1", [0, 0, 0, 0, 0], 10, dps=30)
    assert not r.converged and "zero" in r.reason
    # too few iterations
    r = newton("d-1,1", [0.5, 0.3, -0.2, 0.4, 0.1], 10, dps=30, maxiter=1)
    assert not r.converged and "iterations" in r.reason
    with pytest.raises(ConvergenceError, match="did not converge"):
        solve_point("d-1,1", [0.5, 0.3, -0.2, 0.4, 0.1], 10, dps=30, maxiter=1)


def test_newton_bad_input():
    with pytest.raises(PrecisionError):
        newton("d-1,1", [1, 0, -1, 0, 0], 10, dps=5)
    with pytest.raises(PrecisionError):
        newton("d-1,1", [1, 0, -1, 0, 0], 10, dps=5000)
    with pytest.raises(IsotropyError, match="too small"):
        newton("d-2,2", [1, 0, 1, 0, 0, 0], 3)
    with pytest.raises(IsotropyError):
        newton("d-1,1", [1, 0], 10)


def test_newton_float_batch_agrees_with_mpmath():
    starts = np.array([[1, 0, -1, 0, 0], [-1, 0.2, 1, 0, 0], [1.1, 0, 0.1, 0.1, 0.05]], float)
    X, res = newton_float("d-1,1", starts, 10)
    assert np.all(res < 1e-10)
    # a start with a zero row (row d: D2 = P21 = 0) is rejected, not followed
    X0, r0 = newton_float("d-1,1", np.array([[1.1, 0, 0, 0.1, 0]]), 10)
    assert not np.isfinite(r0[0])
    for x in X:
        r = newton("d-1,1", [repr(float(v)) for v in x], 10, dps=30)
        assert r.converged
        assert np.allclose([float(v) for v in r.values], x, atol=1e-9)


def test_newton_with_frozen_rows_solves_the_live_rows():
    """newton(frozen=): a dead block of rows held at ~0 (the loss is not differentiable at
    exactly 0) while the live rows solve their equations. Independent check: the network
    without the dead neurons (full-matrix model, 40 digits) is critical, and the frozen
    parameters did not move."""
    fs = parse_isotropy("d-1,1")
    names = fs.names
    dead = [i for i, q in enumerate(fs.params) if q.kind in ("D", "O", "P") and q.row == 1]
    start = ["1e-70" if i in dead else v for i, v in
             enumerate(["0", "0", "1.3", "0", "1.3"])]
    r = newton(fs, start, 7, digits=30, frozen=dead)
    assert r.converged, r.reason
    assert all(abs(float(r.values[i]) / 1e-70 - 1) < 1e-12
               for i in dead)
    W = fs.matrix([0 if i in dead else r.values[i] for i in range(len(names))], 7)
    live = W[[i for i in range(7) if any(v != 0 for v in W[i])]]
    assert live.shape[0] == 1
    g = model.gradient(live, backend="mpmath", dps=40)
    assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -25
    # the live row is the one-neuron critical point along the all-ones direction
    assert abs(r.values[2] - r.values[4]) < mpmath.mpf(10) ** -25
