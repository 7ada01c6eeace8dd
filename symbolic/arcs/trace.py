r"""Tracing a tangency arc: constrained Newton and continuation in the radius ``r``.

Source: issue 15. The tangency set of ``W_c`` at radius ``r`` is the set of
critical points of ``L`` on the sphere ``|W - W_c|_F = r``: by Lagrange,
``grad L(W) = mu (W - W_c)``. In the coordinates ``theta`` of a fixed space
``Fix(K)`` (orbit sizes ``N = diag(n_p)``, ``|W|_F^2 = theta^T N theta``) and with
the reduced gradient ``d ell / d theta = N (grad L)_orbit`` this reads
``d ell(theta) = mu N (theta - theta_c)``.

Blow-up. With ``theta = theta_c + r u`` the system

.. math::  F(u, \mu; r) = \Big(\tfrac1r\, \partial\ell(\theta_c + r u) - \mu N u,\;
           \tfrac12 (u^T N u - 1)\Big) = 0

extends analytically to ``r = 0`` as ``(Hk u - mu N u, (u^T N u - 1)/2)``, whose
solutions are the eigenpairs ``(v, lambda)``; its Jacobian
``[[Hk - mu N, -N u], [(N u)^T, 0]]`` is invertible at a *simple* eigenpair, so a
unique analytic arc ``u(r), mu(r)`` leaves ``W_c`` along ``v`` (the arcs are the
branches of the tangency set through ``W_c``). It is followed by natural-parameter
continuation in ``r`` (tangent predictor, float64 Newton corrector, step halving,
mpmath Newton polish at ``dps`` digits at the recorded radii); where the Jacobian
becomes singular (a fold in ``r`` or a bifurcation of the tangency set) or a row of
``W`` reaches 0 (no derivative) the arc is stopped and the reason recorded. Along an
arc ``d L / d r = mu r``; a zero of ``mu`` at ``r > 0`` is a critical point of ``L``
at distance ``r`` from ``W_c``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symbolic.arcs.spaces import Direction
from symbolic.core.errors import NonDifferentiableError, RelusymError

__all__ = ["ArcPoint", "Arc", "trace_arc", "newton_on_sphere", "lagrange_residual"]


@dataclass
class ArcPoint:
    """One point of an arc: radius, ``u`` (``theta = theta_c + r u``), multiplier, loss."""

    r: Any
    u: list
    mu: Any
    loss: Any
    residual: Any
    isotropy: str = ""

    def theta(self, theta_c: list) -> list:
        return [c + self.r * x for c, x in zip(theta_c, self.u, strict=True)]


@dataclass
class Arc:
    """A traced arc: its direction (sign ``+1`` or ``-1`` times ``v``) and points."""

    direction: Direction
    sign: int
    points: list[ArcPoint] = field(default_factory=list)
    status: str = "reached"
    message: str = ""

    @property
    def name(self) -> str:
        dr = self.direction
        s = "+" if self.sign > 0 else "-"
        return f"{dr.irrep} {s}v (lambda = {float(dr.eigenvalue):.6g}, Fix({dr.space.label}))"


def _system(asp, u, mu, r):
    """``F`` and its Jacobian at ``(u, mu; r)``, ``r > 0`` (mpmath)."""
    mp = asp.be.mp
    n = len(u)
    N = [mp.mpf(s.numerator) / s.denominator for s in asp.sizes]
    theta = [c + r * x for c, x in zip(asp.theta_c, u, strict=True)]
    ev = asp.evaluate(theta, want=("gradient", "hessian"))
    g, H = ev["gradient"], ev["hessian"]
    F = mp.matrix(n + 1, 1)
    J = mp.matrix(n + 1, n + 1)
    for p in range(n):
        F[p] = g[p] / r - mu * N[p] * u[p]
        for q in range(n):
            J[p, q] = H[p][q]
        J[p, p] -= mu * N[p]
        J[p, n] = -N[p] * u[p]
        J[n, p] = N[p] * u[p]
    F[n] = (sum(N[p] * u[p] * u[p] for p in range(n)) - 1) / 2
    return F, J


def lagrange_residual(asp, theta: list, mu: Any) -> Any:
    """``max_p |d ell_p - mu n_p (theta - theta_c)_p| / n_p``: the largest entry of
    ``grad L - mu (W - W_c)`` (reduced evaluation; the full-matrix check is
    :func:`symbolic.arcs.checks.full_lagrange_residual`)."""
    mp = asp.be.mp
    g = asp.evaluate(theta, want=("gradient",))["gradient"]
    out = mp.zero
    for p, s in enumerate(asp.sizes):
        n = mp.mpf(s.numerator) / s.denominator
        out = max(out, abs(g[p] / n - mu * (theta[p] - asp.theta_c[p])))
    return out


def newton_on_sphere(asp, u0: list, mu0: Any, r: Any, *, tol: Any, maxit: int = 12):
    """mpmath Newton for ``F(u, mu; r) = 0`` from ``(u0, mu0)``: ``(u, mu, residual)``
    or None (no convergence). ``residual``: :func:`lagrange_residual`."""
    mp = asp.be.mp
    u, mu = [mp.mpf(x) for x in u0], mp.mpf(mu0)
    r = mp.mpf(r)
    n = len(u)
    for _ in range(maxit):
        try:
            F, J = _system(asp, u, mu, r)
            dx = mp.lu_solve(J, -F)
        except (ZeroDivisionError, NonDifferentiableError, ValueError):
            return None
        u = [u[p] + dx[p] for p in range(n)]
        mu = mu + dx[n]
        if max(abs(dx[p]) for p in range(n + 1)) < tol:
            theta = [c + r * x for c, x in zip(asp.theta_c, u, strict=True)]
            try:
                res = lagrange_residual(asp, theta, mu)
            except (ZeroDivisionError, NonDifferentiableError):
                return None
            return u, mu, res
    return None


#: Largest continuation step in r (float64 steps are cheap; recorded radii are separate).
MAX_STEP = 0.025
#: A Newton correction larger than this fraction of the predicted move (plus the step in
#: r) is taken as a jump to another branch: the step is halved.
JUMP_RATIO = 0.2


def _float_data(asp):
    N = np.array([float(s) for s in asp.sizes])
    tc = np.array([float(x) for x in asp.theta_c])
    return N, tc


def _newton_float(asp, N, tc, u, mu, r, maxit=10, tol=1e-10):
    """float64 Newton (the predictor of the mpmath polish): converged when the step is
    below ``tol``, or below ``1e-7`` after ``maxit`` steps (rounding in ``g / r``)."""
    n = len(u)
    step = np.inf
    for _ in range(maxit):
        theta = tc + r * u
        try:
            ev = asp.system.evaluate(list(theta), asp.d, backend="numpy",
                                     want=("gradient", "hessian"))
        except (ZeroDivisionError, NonDifferentiableError):
            return None
        g, H = np.asarray(ev["gradient"]), np.asarray(ev["hessian"])
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            return None
        F = np.concatenate([g / r - mu * N * u, [(np.dot(N * u, u) - 1) / 2]])
        J = np.zeros((n + 1, n + 1))
        J[:n, :n] = H - mu * np.diag(N)
        J[:n, n] = -N * u
        J[n, :n] = N * u
        try:
            dx = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(dx)):
            return None
        u, mu = u + dx[:n], mu + dx[n]
        step = np.max(np.abs(dx)) / (1 + np.max(np.abs(u)))
        if step < tol:
            break
    if step >= 1e-7:
        return None
    # tangent (du/dr, dmu/dr) = -J^{-1} dF/dr, dF/dr = (Hess u / r - g / r^2, 0)
    try:
        ev = asp.system.evaluate(list(tc + r * u), asp.d, backend="numpy",
                                 want=("gradient", "hessian"))
        g, H = np.asarray(ev["gradient"]), np.asarray(ev["hessian"])
        J = np.zeros((n + 1, n + 1))
        J[:n, :n] = H - mu * np.diag(N)
        J[:n, n] = -N * u
        J[n, :n] = N * u
        Fr = np.concatenate([H @ u / r - g / r**2, [0.0]])
        tangent = np.linalg.solve(J, -Fr)
    except (ZeroDivisionError, NonDifferentiableError, np.linalg.LinAlgError):
        return None
    if not np.all(np.isfinite(tangent)):
        return None
    return u, mu, tangent


def trace_arc(direction: Direction, sign: int, rmax: Any, *, steps: int = 40,
              tol: Any = None, min_step: float = 1e-6, isotropy: bool = True) -> Arc:
    """Follow the arc leaving ``W_c`` along ``sign * v`` to radius ``rmax``.

    Continuation in float64 (tangent predictor, Newton corrector, steps of at most
    :data:`MAX_STEP`, halved where Newton fails or its correction exceeds
    :data:`JUMP_RATIO` times the predicted move -- a jump to another branch); every
    recorded point ``r_j = j rmax / steps`` is then polished by mpmath Newton at the
    space's precision and accepted only when the last Newton step is below ``tol``
    (default ``10^-(dps-8)``). ``isotropy``:
    detect the isotropy of the full matrix at every recorded point
    (:func:`symbolic.symmetry.detect.detect_isotropy`).
    """
    from symbolic.symmetry.detect import detect_isotropy

    asp = direction.space
    mp = asp.be.mp
    tol = tol if tol is not None else mp.mpf(10) ** (-(mp.dps - 8))
    rmax_f = float(rmax)
    arc = Arc(direction, sign)
    N, tc = _float_data(asp)
    u = sign * np.array([float(x) for x in direction.vector])
    mu = float(direction.eigenvalue)
    hist: list[tuple] = [(0.0, u, mu, None)]
    r, target_j = 0.0, 1
    hmax = min(rmax_f / steps, MAX_STEP)
    h = hmax / 4
    while target_j <= steps:
        target = rmax_f * target_j / steps
        r_new = r + h
        if r_new >= target - 1e-9 * hmax:  # land exactly on the recorded radius
            r_new = target
        r1, u1, m1, tan = hist[-1]
        if tan is not None:  # tangent predictor: error O(h^2)
            up, mup = u1 + (r_new - r1) * tan[:-1], m1 + (r_new - r1) * tan[-1]
        else:
            up, mup = u1, m1
        sol = _newton_float(asp, N, tc, up, mup, r_new)
        if sol is not None:  # guard against a jump to another branch
            jump = np.max(np.abs(sol[0] - up)) + abs(sol[1] - mup)
            if tan is not None:
                moved = np.max(np.abs(up - u1)) + abs(mup - m1)
                bad = jump > JUMP_RATIO * (moved + (r_new - r))
            else:
                bad = jump > 0.05
            if bad:
                sol = None
        if sol is None:
            h = (r_new - r) / 2
            if h < rmax_f * min_step:
                arc.status = "stopped"
                arc.message = (f"continuation failed after r = {r:.6g} (singular Jacobian: "
                               "a fold in r, a bifurcation of the tangency set, or a zero "
                               "row)")
                break
            continue
        u, mu, tan = sol
        r = r_new
        hist = [(r, u, mu, tan)]
        h = min(2 * h, hmax)
        if r != target:
            continue
        r_mp = mp.mpf(rmax) * target_j / steps
        pol = newton_on_sphere(asp, [mp.mpf(x) for x in u], mp.mpf(mu), r_mp, tol=tol)
        if pol is None:
            arc.status = "stopped"
            arc.message = f"high-precision Newton failed at r = {mp.nstr(r_mp, 8)}"
            break
        u_mp, mu_mp, res = pol
        theta = [c + r_mp * x for c, x in zip(asp.theta_c, u_mp, strict=True)]
        loss = asp.evaluate(theta, want=("loss",))["loss"]
        iso = ""
        if isotropy:
            W = np.array(asp.matrix(theta), dtype=float)
            try:
                iso = detect_isotropy(W, tol=1e-10).spec
            except RelusymError:
                iso = "not in the block family"
        arc.points.append(ArcPoint(r_mp, u_mp, mu_mp, loss, res, iso))
        target_j += 1
    return arc
