r"""The expansion of the loss along an arc: ``L_c + (lambda/2) r^2 + c3 r^3 + c4 r^4 + ...``.

Source: issue 15 (derivation below; checked in tests/test_arcs.py against the traced
arcs and direct evaluation). In ``Fix(K)`` with metric ``N`` let ``Hk v = lambda N v``,
``v^T N v = 1``, and write the Taylor terms of the reduced loss at ``theta_c`` as
``T`` (cubic) and ``Q`` (quartic). The arc ``theta = theta_c + r u(r)``,
``u = v + r u_1 + ...``, ``mu = lambda + mu_1 r + mu_2 r^2 + ...`` solves
``d ell = mu N (theta - theta_c)`` with ``u^T N u = 1``. Order by order:

* ``r^2``: ``(Hk - lambda N) u_1 = -(1/2) g_perp``, ``g = T[v, v, .]``,
  ``g_perp = g - (v.g) N v``, ``v^T N u_1 = 0``; and ``mu_1 = T[v,v,v] / 2``;
* the loss: ``f(r) = L_c + (lambda/2) r^2 + c3 r^3 + c4 r^4 + O(r^5)`` with

.. math::  c_3 = \tfrac16 T[v,v,v], \qquad
           c_4 = \tfrac1{24} Q[v,v,v,v] + \tfrac14\, g\cdot u_1
               = \tfrac1{24} Q[v^4] - \tfrac18\, g_\perp^T (Hk - \lambda N)^{+} g_\perp .

``c3`` and the first part of ``c4`` are the cubic and quartic terms of ``L``
restricted to the eigen-direction; the second part of ``c4`` is the coupling to
the other eigen-directions of ``Fix(K)`` through the cubic term (for the lowest
eigenvalue it is ``<= 0``). Since ``dL/dr = mu r`` along any arc, also
``mu_1 = 3 c3`` and ``mu_2 = 4 c4`` (an independent check from the traced ``mu``).
Where ``-v`` is conjugate to ``v`` under ``H`` (e.g. ``alt2``) ``c3 = 0`` exactly.

The derivatives are computed by high-precision differentiation: the loss and the
reduced gradient on ``theta_c + t v`` sampled at ``t = j h``, ``|j| <= J``, are
interpolated by a polynomial of degree ``2J`` (``h = 10^-4``, ``J = 5``, at
``digits + 30`` working digits: truncation ``O(h^(2J+1-n))``, rounding
``10^-(digits+30) / h^n``); the error is estimated by repeating with ``2h``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbolic.arcs.spaces import Direction, arc_space

__all__ = ["Expansion", "expansion", "fit_coefficients", "taylor_coefficients"]


@dataclass
class Expansion:
    """``L(W_c + arc(r)) = loss_c + c2 r^2 + c3 r^3 + c4 r^4 + O(r^5)``; ``c2 = lambda/2``.

    ``q4 = Q[v^4]/24`` and ``coupling = g.u_1/4`` (``c4 = q4 + coupling``); ``error``:
    estimated absolute error of ``c3``/``c4`` (difference between steps ``h``, ``2h``).
    """

    loss_c: Any
    c2: Any
    c3: Any
    c4: Any
    q4: Any
    coupling: Any
    error: Any

    def value(self, r: Any) -> Any:
        return self.loss_c + self.c2 * r**2 + self.c3 * r**3 + self.c4 * r**4


def taylor_coefficients(mp, fun, h: Any, J: int) -> list:
    """Taylor coefficients ``a_0 .. a_{2J}`` at 0 of ``fun`` (scalar- or list-valued)
    from its values at ``t = j h``, ``-J <= j <= J`` (exact polynomial interpolation)."""
    ts = [j * h for j in range(-J, J + 1)]
    vals = [fun(t) for t in ts]
    n = len(ts)
    V = mp.matrix(n, n)
    for i, t in enumerate(ts):
        for k in range(n):
            V[i, k] = t**k
    scalar = not isinstance(vals[0], (list, tuple))
    cols = [[v] for v in vals] if scalar else [list(v) for v in vals]
    m = len(cols[0])
    out = []
    for c in range(m):
        b = mp.matrix([cols[i][c] for i in range(n)])
        out.append(list(mp.lu_solve(V, b)))
    if scalar:
        return out[0]
    return [[out[c][k] for c in range(m)] for k in range(n)]


def _coefficients(asp, v: list, lam: Any, h: Any, J: int):
    mp = asp.be.mp
    n = len(v)

    def theta(t):
        return [c + t * x for c, x in zip(asp.theta_c, v, strict=True)]

    a = taylor_coefficients(mp, lambda t: asp.evaluate(theta(t), want=("loss",))["loss"], h, J)
    G = taylor_coefficients(
        mp, lambda t: list(asp.evaluate(theta(t), want=("gradient",))["gradient"]), h, J)
    g = [2 * x for x in G[2]]  # T[v, v, .]
    Hk = asp.evaluate(asp.theta_c, want=("hessian",))["hessian"]
    N = [mp.mpf(s.numerator) / s.denominator for s in asp.sizes]
    Nv = [N[p] * v[p] for p in range(n)]
    vg = sum(v[p] * g[p] for p in range(n))
    gperp = [g[p] - vg * Nv[p] for p in range(n)]
    A = mp.matrix(n + 1, n + 1)
    rhs = mp.matrix(n + 1, 1)
    for p in range(n):
        for q in range(n):
            A[p, q] = Hk[p][q]
        A[p, p] -= lam * N[p]
        A[p, n] = Nv[p]
        A[n, p] = Nv[p]
        rhs[p] = -gperp[p] / 2
    sol = mp.lu_solve(A, rhs)
    u1 = [sol[p] for p in range(n)]
    coupling = sum(g[p] * u1[p] for p in range(n)) / 4
    return a[0], a[3], a[4], coupling


def expansion(direction: Direction, sign: int = 1, *, digits: int = 20) -> Expansion:
    """The coefficients of the loss along the arc leaving along ``sign * v``."""
    asp0 = direction.space
    asp = arc_space(asp0.coarse, [asp0.be.mp.mpf(x) for x in _coarse_values(asp0)], asp0.d,
                    asp0.splits, dps=digits + 30)
    mp = asp.be.mp
    v = [sign * mp.mpf(x) for x in direction.vector]
    lam = mp.mpf(direction.eigenvalue)
    h = mp.mpf(10) ** -4
    L0, c3, q4, cp = _coefficients(asp, v, lam, h, 5)
    _, c3b, q4b, cpb = _coefficients(asp, v, lam, 2 * h, 5)
    err = max(abs(c3 - c3b), abs(q4 + cp - q4b - cpb))
    return Expansion(L0, lam / 2, c3, q4 + cp, q4, cp, err)


def _coarse_values(asp) -> list:
    """The coarse parameters of ``W_c`` read back from its embedding."""
    if not asp.splits:
        return list(asp.theta_c)
    fine_of = {}
    for s, t in zip(asp.fine.symbols, asp.theta_c, strict=True):
        fine_of[s] = t
    _, info = asp.coarse.refine(asp.splits)
    out = []
    for c in asp.coarse.symbols:
        for f, e in info["embedding"].items():
            if e == c:
                out.append(fine_of[f])
                break
    return out


def fit_coefficients(points: list, loss_c: Any, lam: Any, degree: int = 4) -> tuple:
    """Least-squares fit of ``(L(r) - L_c - lambda r^2/2) / r^3 = c3 + c4 r + ...`` to
    traced arc points (``ArcPoint``s at small ``r``): ``(c3, c4)``."""
    import mpmath

    rs = [p.r for p in points]
    ys = [(p.loss - loss_c - lam * p.r**2 / 2) / p.r**3 for p in points]
    m = min(degree, len(rs) - 1)
    A = mpmath.matrix(len(rs), m + 1)
    for i, r in enumerate(rs):
        for k in range(m + 1):
            A[i, k] = r**k
    b = mpmath.matrix(ys)
    sol = mpmath.lu_solve(A.T * A, A.T * b)
    return sol[0], sol[1]
