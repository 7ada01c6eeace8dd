"""Activation patterns and activation regions of a shallow ReLU network on finite data.

For data ``x_1..x_n`` in ``R^d0`` (augmented ``xt_j = (x_j, 1)``) and a network
``f(x) = sum_i v_i relu(w_i . x + b_i)`` with fixed ``v``, the activation pattern of
``theta = (W, b)`` is ``a_ji = [w_i . x_j + b_i > 0]``. The (open) activation region of
a pattern ``A`` is the polyhedral cone

    R_A = { theta : s_ji (w_i . x_j + b_i) > 0 for all i, j },   s_ji = 2 a_ji - 1,

a product over neurons of the cones ``{ th_i in R^(d0+1): s_ji xt_j . th_i > 0 }``.
Inside ``R_A`` the network is *linear* in ``theta``: ``f(x_j) = (J_A theta)_j`` with the
constant Jacobian ``J_A[j, (i, k)] = v_i a_ji xt_jk``, so the loss is the quadratic
``1/2 |J_A theta - y|^2`` there (Karhadkar, Murray, Tseran, Montufar, TMLR 2024;
DESIGN.md section 11). Consequences used here:

* ``rank J_A = n``: every critical point in ``R_A`` has ``J_A theta = y`` (zero loss),
  so ``R_A`` holds no bad local minimum;
* the set of global minima ``{theta in R_A : J_A theta = y}`` is open in an affine space
  of dimension ``P - rank J_A`` (``P = m (d0 + 1)``), so when it is non-empty its
  dimension is exactly ``P - rank J_A``;
* interior critical points are the points of ``R_A`` solving the normal equations
  ``J_A^T J_A theta = J_A^T y``; their loss is the least-squares residual, a bad local
  minimum when it is positive.

Every question "is ``{theta : E theta = e, G theta > 0}`` non-empty" is a linear program
(``scipy.optimize.linprog``, HiGHS) whose answer is then made exact: a rational point
verified in exact arithmetic (``"proved"``), or an exact Motzkin/Gordan certificate of
infeasibility (``"disproved"``), else ``"unknown"`` with the reason. Certificates:
``lambda >= 0``, ``sum lambda = 1``, ``G^T lambda = E^T mu``, ``e . mu <= 0``
(then ``lambda . G theta > 0`` and ``= mu . e <= 0`` for a feasible ``theta``, absurd).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import numpy as np
from scipy.optimize import linprog

from symbolic.finite.data import Dataset
from symbolic.finite.network import Network
from symbolic.finite.rank import exact_rank

__all__ = ["Feasibility", "pattern_of", "region_inequalities", "region_jacobian",
           "cone_nonempty", "region_nonempty", "zero_loss_in_region",
           "critical_points_in_region", "neuron_patterns", "step_patterns",
           "cover_count", "affine_in_cone", "exact_region_rank"]

_TOL = 1e-9


@dataclass
class Feasibility:
    """Three-way answer to "is ``{E theta = e, G theta > 0}`` non-empty".

    ``verdict``: ``"proved"`` (``point`` is an exact rational feasible point),
    ``"disproved"`` (``certificate`` holds exact ``lambda``/``mu``; or the equations are
    inconsistent over Q), ``"unknown"`` (``reason``)."""

    verdict: str
    point: list[Fraction] | None = None
    certificate: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


# ----------------------------------------------------------------------------- patterns

def pattern_of(net: Network, data: Dataset) -> np.ndarray:
    """The first-layer activation pattern ``A`` (``n x m`` bools), computed exactly; raises
    ``ValueError`` when a pre-activation is exactly 0 (a boundary point)."""
    L = net.layers[0]
    Z = data.KX.dot(L.KW.T) + data.den * L.Kb[None, :]
    if (Z == 0).any():
        raise ValueError("the parameters lie on a region boundary")
    return np.asarray(Z > 0, dtype=bool)


def region_inequalities(A: np.ndarray, data: Dataset) -> np.ndarray:
    """Integer matrix ``G`` (``(m n) x P``) with ``R_A = {theta : G theta > 0}``; row
    ``i n + j`` is ``s_ji den (x_j, 1)`` placed at the columns of ``(w_i, b_i)``."""
    n, m = A.shape
    d0 = data.d0
    P = m * (d0 + 1)
    G = np.zeros((m * n, P), dtype=object)
    for i in range(m):
        for j in range(n):
            s = 1 if A[j, i] else -1
            G[i * n + j, i * d0:(i + 1) * d0] = [s * int(k) for k in data.KX[j]]
            G[i * n + j, m * d0 + i] = s * data.den
    return G


def region_jacobian(A: np.ndarray, v: Any, data: Dataset) -> tuple[np.ndarray, int]:
    """``(M, c)``: the constant Jacobian of the region, ``J_A = M / c`` (integer ``M``).

    ``v``: the network (its output weights) or a sequence of exact output weights."""
    if isinstance(v, Network):
        Kv, vden = v.Kv, v.vden
    else:
        from symbolic.finite.network import _common
        Kv, vden = _common([Fraction(x) for x in v])
    n, m = A.shape
    aKv = np.where(A, Kv[None, :], 0).astype(object)  # n x m
    Mw = (aKv[:, :, None] * data.KX[:, None, :]).reshape(n, m * data.d0)
    Mb = aKv * data.den
    return np.hstack([Mw, Mb]).astype(object), data.den * vden


# ------------------------------------------------------------------------- exact helpers

def _fq(q: Fraction) -> flint.fmpq:
    return flint.fmpq(q.numerator, q.denominator)


def _qf(x: flint.fmpq) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _rationalise(x: float, maxden: int = 10**6) -> Fraction:
    return Fraction(float(x)).limit_denominator(maxden)


def _matvec(E: list[list[Fraction]], z: list[Fraction]) -> list[Fraction]:
    return [sum((a * b for a, b in zip(row, z, strict=True) if a), Fraction(0)) for row in E]


def _correct(E: list[list[Fraction]], e: list[Fraction], z0: list[Fraction],
             cols: list[int]) -> list[Fraction] | None:
    """``z0`` changed on ``cols`` so that ``E z = e`` exactly (rref over Q), or None."""
    r = [a - b for a, b in zip(e, _matvec(E, z0), strict=True)]
    if not any(r):
        return list(z0)
    if not cols:
        return None
    k = len(cols)
    M = flint.fmpq_mat(len(E), k + 1,
                       [_fq(x) for row, ri in zip(E, r, strict=True)
                        for x in [row[c] for c in cols] + [ri]])
    R, rank = M.rref()
    z = list(z0)
    rows = R.tolist()
    for row in rows[:rank]:
        piv = next(i for i, x in enumerate(row) if x != 0)
        if piv == k:
            return None  # inconsistent
        z[cols[piv]] += _qf(row[k])
    for row in rows[rank:]:
        if row[k] != 0:  # pragma: no cover - cannot happen after rref
            return None
    return z


def _scale_rows(M: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Rows divided by powers of two ``2^k`` near their norms (exact scales ``2^k``,
    returned as the exponents ``k``), for the conditioning of the float LPs."""
    F = np.asarray(M, dtype=float)
    nrm = np.linalg.norm(F, axis=1)
    ks = [int(round(math.log2(x))) if x > 0 else 0 for x in nrm]
    return F / np.array([2.0**k for k in ks])[:, None], ks


def affine_in_cone(E: np.ndarray | None, e: list[Fraction] | None, G: np.ndarray,
                   ) -> Feasibility:
    """Is ``{theta : E theta = e, G theta > 0}`` non-empty? (exact matrices; ``E`` may be
    None for a pure open cone). See the module docstring for the certificates."""
    G = np.asarray(G, dtype=object)
    q, P = G.shape
    Gf, gk = _scale_rows(G)
    Eq = [] if E is None else [[Fraction(x) for x in row] for row in np.asarray(E, dtype=object)]
    e = [] if E is None else [Fraction(x) for x in e]
    Gq = [[int(x) for x in row] for row in G.tolist()]
    # primal: max t, E theta = e, G theta >= t, t <= 1 (|theta| <= 1 for a pure cone)
    c = np.zeros(P + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-Gf, np.ones((q, 1))])
    bounds = [(-1, 1) if E is None else (None, None)] * P + [(None, 1)]
    kw: dict[str, Any] = {}
    if Eq:
        Ef, ek = _scale_rows(np.asarray(Eq, dtype=object))
        kw = {"A_eq": np.hstack([Ef, np.zeros((len(Eq), 1))]),
              "b_eq": np.array([float(x) / 2.0**k for x, k in zip(e, ek, strict=True)])}
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(q), bounds=bounds, method="highs", **kw)
    if res.status == 0 and -res.fun > _TOL:
        for maxden in (10**6, 10**12, None):
            z0 = [_rationalise(x, maxden) if maxden else Fraction(float(x)) for x in res.x[:P]]
            z = _correct(Eq, e, z0, list(range(P))) if Eq else z0
            if z is not None and all(sum(a * b for a, b in zip(row, z, strict=True) if a) > 0
                                     for row in Gq):
                return Feasibility("proved", point=z)
        return Feasibility("unknown", reason="LP point could not be made exact")
    if Eq and _correct(Eq, e, [Fraction(0)] * P, list(range(P))) is None:
        return Feasibility("disproved", reason="E theta = e has no solution over Q")
    # dual certificate: lambda >= 0 (q), mu free (len E), s >= 0:
    #   G^T lambda - E^T mu = 0, sum lambda = 1, e . mu + s = 0
    k = len(Eq)
    ncol = q + k + (1 if k else 0)
    rowsA = np.zeros((P + 1 + (1 if k else 0), ncol))
    rowsA[:P, :q] = (Gf).T
    if k:
        rowsA[:P, q:q + k] = -np.asarray([[float(x) for x in r] for r in Eq]).T
        rowsA[P + 1, q:q + k] = [float(x) for x in e]
        rowsA[P + 1, -1] = 1.0
    rowsA[P, :q] = 1.0  # sum of the scaled lambda' = 1 (lambda = lambda' / 2^k)
    b = np.zeros(rowsA.shape[0])
    b[P] = 1.0
    bnds = [(0, None)] * q + [(None, None)] * k + ([(0, None)] if k else [])
    dres = linprog(np.zeros(ncol), A_eq=rowsA, b_eq=b, bounds=bnds, method="highs-ds")
    if dres.status != 0:
        margin = -res.fun if res.status == 0 else "n/a"
        return Feasibility("unknown", reason=f"primal LP margin {margin}, dual LP status "
                           f"{dres.status}")
    x = dres.x
    # the same system exactly, in the scaled variables lambda'
    inv = [Fraction(1, 2**t) if t >= 0 else Fraction(2**-t) for t in gk]
    Ex: list[list[Fraction]] = []
    for p in range(P):
        Ex.append([Gq[r][p] * inv[r] for r in range(q)]
                  + [-Eq[r][p] for r in range(k)] + ([Fraction(0)] if k else []))
    Ex.append([Fraction(1)] * q + [Fraction(0)] * (k + (1 if k else 0)))
    rhs = [Fraction(0)] * P + [Fraction(1)]
    if k:
        Ex.append([Fraction(0)] * q + list(e) + [Fraction(1)])
        rhs.append(Fraction(0))
    support = [i for i in range(q) if x[i] > 1e-12] + list(range(q, ncol))
    sup = set(support)
    for maxden in (10**6, 10**12):
        z0 = [_rationalise(t, maxden) if i in sup else Fraction(0) for i, t in enumerate(x)]
        z = _correct(Ex, rhs, z0, support)
        if z is not None and all(t >= 0 for t in z[:q]) and (not k or z[-1] >= 0):
            cert = {"lambda": [a * b for a, b in zip(z[:q], inv, strict=True)], "mu": z[q:q + k]}
            return Feasibility("disproved", certificate=cert)
    return Feasibility("unknown", reason="dual certificate could not be made exact")


# ------------------------------------------------------------------------ region questions

def cone_nonempty(signs: np.ndarray, data: Dataset) -> Feasibility:
    """Is ``{th in R^(d0+1) : signs_j (x_j, 1) . th > 0}`` non-empty (one neuron)?"""
    Xa = data.augmented_integer()
    G = np.array([[int(s) * int(x) for x in row] for s, row in zip(signs, Xa, strict=True)],
                 dtype=object)
    return affine_in_cone(None, None, G)


def region_nonempty(A: np.ndarray, data: Dataset) -> Feasibility:
    """Is the activation region ``R_A`` non-empty? Neuron by neuron (a product of cones);
    the point returned is ``theta`` in the parameter order of :mod:`network`."""
    n, m = A.shape
    d0 = data.d0
    W, b = [], []
    for i in range(m):
        f = cone_nonempty(np.where(A[:, i], 1, -1), data)
        if f.verdict != "proved":
            f.reason = f"neuron {i}: " + (f.reason or f.verdict)
            return f
        W += f.point[:d0]
        b.append(f.point[d0])
    return Feasibility("proved", point=W + b)


def _exact_J(A: np.ndarray, v: Any, data: Dataset) -> list[list[Fraction]]:
    M, c = region_jacobian(A, v, data)
    return [[Fraction(int(x), c) for x in row] for row in M.tolist()]


def zero_loss_in_region(A: np.ndarray, v: Any, data: Dataset) -> Feasibility:
    """Does ``R_A`` contain a zero-loss point (``J_A theta = y``)? LP + exact certificate."""
    return affine_in_cone(_exact_J(A, v, data), data.y(), region_inequalities(A, data))


def critical_points_in_region(A: np.ndarray, v: Any, data: Dataset,
                              ) -> tuple[Feasibility, Fraction | None]:
    """Does ``R_A`` contain a critical point of the loss (normal equations), and its loss
    (exact; all critical points of the quadratic in ``R_A`` share it)."""
    J = _exact_J(A, v, data)
    y = data.y()
    P = len(J[0])
    JT = [[J[j][p] for j in range(len(J))] for p in range(P)]
    JTJ = [[sum((a * b for a, b in zip(JT[p], JT[r], strict=True) if a and b), Fraction(0))
            for r in range(P)] for p in range(P)]
    JTy = [sum((a * b for a, b in zip(JT[p], y, strict=True) if a), Fraction(0)) for p in range(P)]
    f = affine_in_cone(np.array(JTJ, dtype=object), JTy, region_inequalities(A, data))
    if f.verdict != "proved":
        return f, None
    r = [a - b for a, b in zip(_matvec(J, f.point), y, strict=True)]
    return f, sum((t * t for t in r), Fraction(0)) / 2


# ------------------------------------------------------------------- realisable patterns

def step_patterns(data: Dataset) -> list[tuple[bool, ...]]:
    """For ``d0 = 1``: the ``2n`` realisable one-neuron patterns (``x > t`` and ``x < t``
    for thresholds between sorted data points; all-on and all-off once each)."""
    if data.d0 != 1:
        raise ValueError("step patterns need d0 = 1")
    order = sorted(range(data.n), key=lambda j: data.KX[j, 0])
    n = data.n
    out = []
    for k in range(n + 1):  # on for the sorted points k..n-1
        on = set(order[k:])
        out.append(tuple(j in on for j in range(n)))
    for k in range(1, n):  # on for the sorted points 0..k-1
        on = set(order[:k])
        out.append(tuple(j in on for j in range(n)))
    return out


def neuron_patterns(data: Dataset) -> list[tuple[tuple[bool, ...], list[Fraction]]]:
    """Every realisable one-neuron pattern (cells of the central arrangement of the
    hyperplanes ``(x_j, 1)^perp`` in ``R^(d0+1)``), each with an exact interior point;
    found by extending sign vectors point by point, each extension decided by an exact
    LP certificate. Raises ``RuntimeError`` if an LP stays ``unknown``."""
    Xa = data.augmented_integer()
    cells: list[tuple[tuple[int, ...], list[Fraction]]] = [((), [])]
    for _j in range(data.n):
        new = []
        for signs, _ in cells:
            for s in (1, -1):
                sg = signs + (s,)
                G = np.array([[t * int(x) for x in Xa[i]] for i, t in enumerate(sg)],
                             dtype=object)
                f = affine_in_cone(None, None, G)
                if f.verdict == "unknown":
                    raise RuntimeError(f"undecided cell {sg}: {f.reason}")
                if f.verdict == "proved":
                    new.append((sg, f.point))
        cells = new
    return [(tuple(s > 0 for s in sg), pt) for sg, pt in cells]


def cover_count(n: int, d0: int) -> int:
    """Number of cells of a central arrangement of ``n`` generic hyperplanes in
    ``R^(d0+1)``: ``2 sum_{k=0}^{d0} C(n-1, k)`` (Cover 1965) -- the number of
    realisable one-neuron patterns for data in general position."""
    return 2 * sum(math.comb(n - 1, k) for k in range(d0 + 1))


def exact_region_rank(A: np.ndarray, v: Any, data: Dataset) -> int:
    """``rank J_A`` over Q."""
    return exact_rank(region_jacobian(A, v, data)[0]).rank
