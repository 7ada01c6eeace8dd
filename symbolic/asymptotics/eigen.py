"""Eigenvalue series of an isotypic block ``B u = lambda G u`` on truncated Puiseux series:
the characteristic polynomial, its Newton polygon and the roots as series in ``eps``."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from symbolic.systems.puiseux import (
    FieldExtensionError,
    PiField,
    Quad,
    Series,
    SeriesPrecisionError,
    coerce_coefficient,
    solve_series,
)


# ------------------------------------------------------------ eigenvalues
def _charpoly(M: list[list[Series]]) -> list[Series]:
    """Coefficients ``c_0..c_m`` of ``det(lambda I - M)`` (Faddeev--LeVerrier, exact)."""
    m = len(M)
    ident = [[Series.const(1 if i == j else 0) for j in range(m)] for i in range(m)]
    coeffs = [Series(0, [])] * (m + 1)
    coeffs[m] = Series.const(1)
    Mk = [[Series(0, [])] * m for _ in range(m)]  # M_0 = 0
    c_prev = Series.const(1)
    for k in range(1, m + 1):
        # M_k = M (M_{k-1} + c_{m-k+1} I)
        A = [[Mk[i][j] + (ident[i][j] * c_prev if i == j else 0) for j in range(m)]
             for i in range(m)]
        Mk = [[sum((M[i][t] * A[t][j] for t in range(m)), Series(0, [])) for j in range(m)]
              for i in range(m)]
        tr = sum((Mk[i][i] for i in range(m)), Series(0, []))
        c = tr * Fraction(-1, k)
        coeffs[m - k] = c
        c_prev = c
    return coeffs


def _peval(coeffs: list[Series], lam: Series) -> tuple[Series, Series]:
    """``P(lam)`` and ``P'(lam)`` by Horner."""
    p = Series(0, [])
    dp = Series(0, [])
    for c in reversed(coeffs):
        dp = dp * lam + p
        p = p * lam + c
    return p, dp


def eigenvalue_series(H: Any, gram: list, zeros: int = 0) -> list[Series]:
    """Series of the eigenvalues of ``H v = lambda G v`` (``G = diag(gram)`` for a list of
    series, or the full matrix for a list of lists).

    Newton--Puiseux on the characteristic polynomial: its Newton polygon gives
    each root's order ``eps^w`` and leading coefficient (a root of an edge
    polynomial, factored over Q(pi)); a simple root is lifted by Newton's
    iteration on series, a repeated one by shifting ``lambda = eps^w mu + nu``
    and recursing on ``nu``. A root still repeated at the available precision is
    returned with its multiplicity (listed that many times).

    ``zeros``: the number of eigenvalues known to be exactly 0 by an argument outside the
    series (the tangent of a segment of critical points); the lowest coefficients of the
    characteristic polynomial must then vanish to their known order (else
    :class:`SeriesPrecisionError`: the series contradict the claim) and are set to 0.
    """
    m = len(gram)
    Hl = [[(H[i][j] if not isinstance(H, np.ndarray) else H[i, j]) for j in range(m)]
          for i in range(m)]
    if isinstance(gram[0], list):  # a full Gram matrix: M = G^{-1} H column by column
        known = [x.prec for row in Hl for x in row if x.prec != math.inf]
        top = max(known) if known else None  # a column of exact entries: invert G to this
        cols = [solve_series(gram, [Hl[i][j] for i in range(m)], prec=top)
                for j in range(m)]
        M = [[cols[j][i] for j in range(m)] for i in range(m)]
    else:
        M = [[Hl[i][j] / gram[i] for j in range(m)] for i in range(m)]
    P = _charpoly(M)
    for i in range(zeros):
        if P[i].c:
            raise SeriesPrecisionError(
                f"an eigenvalue claimed to be 0 is not: characteristic polynomial coefficient "
                f"{i} has the nonzero term {P[i].leading().to_sympy()} eps^{P[i].v}")
        P[i] = Series(0, [])
    return _poly_roots(P, None)


def _factor_edge(coeffs: dict) -> list[tuple[PiField, int]]:
    """Roots (with multiplicity) in Q(pi) of ``sum coeffs[i] mu^i`` (nonzero root part)."""
    T = sp.Symbol("T")
    mu = sp.Symbol("mu")
    expr = sum((c.to_sympy().subs(sp.pi, T) * mu**i for i, c in coeffs.items()), sp.S.Zero)
    quads = [c for c in coeffs.values() if isinstance(c, Quad) and c.qv]
    if any(not isinstance(c.qv, int) for c in quads):
        raise FieldExtensionError("an edge polynomial over Q(pi)(sqrt(r(pi))): a tower of "
                                  "extensions is needed")
    qs = {c.qv for c in quads}
    out = []
    if not qs:
        poly = sp.Poly(expr, mu, domain=sp.QQ.frac_field(T))
        facs = [(f.as_expr(), m) for f, m in poly.factor_list()[1]]
        ext = None
    else:  # coefficients in Q(sqrt q)(T): clear denominators, factor over Q(sqrt q)
        ext = sp.sqrt(qs.pop())
        num = sp.numer(sp.together(expr))
        facs = sp.factor_list(sp.expand(num), mu, T, extension=ext)[1]
    for f, mult in facs:
        fp = sp.Poly(f, mu)
        if fp.degree() == 0:
            continue
        if fp.degree() == 2:  # conjugate roots in Q(pi)(sqrt(disc)) (a tower over ext)
            q0 = None if ext is None else int(ext**2)
            out += [(r, mult) for r in _quadratic_roots(fp, T, q0)]
            continue
        if fp.degree() != 1:
            raise FieldExtensionError(
                f"edge polynomial factor {f} (T = pi) has no root in the coefficient field")
        a1, a0 = fp.all_coeffs()
        root = sp.radsimp(sp.cancel(-(a0 / a1))).subs(T, sp.pi)
        if root == 0:
            continue
        if ext is None:
            out.append((PiField.from_sympy(root), mult))
        else:
            out.append((coerce_coefficient(sp.sympify(root), int(ext**2)), mult))
    return out


def _quadratic_roots(fp: Any, T: sp.Symbol, q0: int | None = None) -> list:
    """The two roots of an irreducible quadratic ``a2 mu^2 + a1 mu + a0`` over Q(pi)
    (``T = pi``), or over Q(pi)(sqrt q0): ``(-a1 +- s sqrt(r)) / (2 a2)`` with
    ``disc = a1^2 - 4 a2 a0 = s^2 r`` and ``r`` the product of the factors of odd
    multiplicity of ``disc`` (factored over Q, or over Q(sqrt q0)) -- a polynomial in pi of
    positive degree, so ``sqrt(r)`` is not in the base field and the representation
    ``a + b sqrt(r)`` is unique; over Q(pi) ``r`` may also be a square-free integer.
    Real roots only (eigenvalues of a symmetric pencil)."""
    a2, a1, a0 = fp.all_coeffs()
    disc = sp.cancel(sp.together(a1**2 - 4 * a2 * a0))
    num, den = sp.fraction(disc)
    ext = {} if q0 is None else {"extension": sp.sqrt(q0)}
    c, facs = sp.factor_list(sp.expand(num * den), T, **ext)  # disc = num den / den^2
    r_expr, s_expr = sp.Integer(1), sp.Integer(1)
    for f, e in facs:
        r_expr *= f ** (e % 2)
        s_expr *= f ** (e // 2)
    c = sp.nsimplify(c)
    if not r_expr.has(T) and not (q0 is None and c.is_Rational):
        raise FieldExtensionError(f"edge polynomial {fp.as_expr()} (T = pi): roots need the "
                                  f"square root of the constant {c} over Q(pi)(sqrt {q0}): "
                                  "a biquadratic field, not supported")
    if c.is_Rational:  # c = n / m^2: the square part of the rational constant comes out
        n, m = abs(int(c.p)) * int(c.q), int(c.q)
        k, sq = 2, 1
        while k * k <= n:
            while n % (k * k) == 0:
                n //= k * k
                sq *= k
            k += 1
        c, s_expr = sp.Integer(n if c > 0 else -n), s_expr * sp.Rational(sq, m)
    r_expr = sp.expand(c * r_expr)  # the rest of the constant stays under the root
    s_expr = s_expr / den
    if float(r_expr.subs(T, sp.pi)) < 0:
        raise FieldExtensionError(f"complex eigenvalue leading terms (discriminant {disc})")

    def coef(e):
        e = sp.cancel(e).subs(T, sp.pi)
        return PiField.from_sympy(e) if q0 is None else coerce_coefficient(sp.expand(e), q0)

    a, b = coef(-a1 / (2 * a2)), coef(s_expr / (2 * a2))
    # a constant radicand is the square-free integer left after the squares came out
    qv = int(r_expr) if not r_expr.has(T) else coef(r_expr)
    if qv == 1:  # a rational square (not reached for an irreducible factor)
        return [a + b, a - b]
    return [Quad(a, b, qv), Quad(a, -b, qv)]


def _shift(P: list[Series], c: Series) -> list[Series]:
    """Coefficients of ``P(c + nu)`` in ``nu`` (Taylor shift)."""
    m = len(P) - 1
    out = []
    for j in range(m + 1):
        tot = Series(0, [])
        cp = Series.const(1)
        for i in range(j, m + 1):
            if i > j:
                cp = cp * c
            if P[i].c or not P[i].is_exact_zero():
                tot = tot + P[i] * cp * math.comb(i, j)
        out.append(tot)
    return out


def _poly_roots(P: list[Series], wmin: int | None) -> list[Series]:
    """All roots of ``sum P[i] lam^i`` of valuation ``> wmin`` (all roots if None)."""
    m = len(P) - 1
    while m > 0 and P[m].is_exact_zero():
        m -= 1
    # roots equal to zero to the known precision
    k0 = 0
    while k0 < m and not P[k0].c:
        if not P[k0].is_exact_zero():
            raise SeriesPrecisionError(
                f"characteristic polynomial coefficient {k0} is zero only to O(eps^{P[k0].prec})")
        k0 += 1
    roots: list[Series] = []
    if k0:
        prec = min(P[i].prec for i in range(k0))
        roots += [Series(0, [], prec if prec == math.inf else max(int(prec), (wmin or 0) + 1))
                  ] * k0
    pts = [(i, P[i].v) for i in range(k0, m + 1) if P[i].c]
    hull: list = []
    for pt in pts:
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], pt) <= 0:
            hull.pop()
        hull.append(pt)
    # a coefficient zero to its precision must lie above the polygon for sure
    for i in range(k0, m + 1):
        if not P[i].c:
            for (i0, v0), (i1, v1) in zip(hull, hull[1:], strict=False):
                if i0 < i < i1 and P[i].prec <= v0 + Fraction(v1 - v0, i1 - i0) * (i - i0):
                    raise SeriesPrecisionError(
                        f"characteristic polynomial coefficient {i} unresolved")
    for (i0, v0), (i1, v1) in zip(hull, hull[1:], strict=False):
        slope = Fraction(v0 - v1, i1 - i0)
        if wmin is not None and slope <= wmin:
            continue
        if slope.denominator != 1:
            raise FieldExtensionError(f"an eigenvalue of fractional order eps^{slope}")
        w = int(slope)
        coeffs = {}
        for i in range(i0, i1 + 1):
            vv = v0 - w * (i - i0)
            if P[i].prec <= vv:
                raise SeriesPrecisionError(
                    f"characteristic polynomial coefficient {i} not known to order {vv}")
            if P[i].c and P[i].v <= vv:
                coeffs[i - i0] = P[i].coeff(vv)
        for mu0, mult in _factor_edge(coeffs):
            lead = Series.monomial(mu0, w)
            if mult == 1:
                lam = lead
                for _ in range(12):
                    p, dp = _peval(P, lam)
                    new = lam - p / dp
                    if new == lam:
                        break
                    lam = new
                roots.append(lam)
            else:
                Q = _shift(P, lead)
                if all(not Q[i].c for i in range(mult)):
                    roots += [lead.truncate(min(int(Q[i].prec) for i in range(mult)))] * mult
                    continue
                subs = _poly_roots(Q, w)
                if len(subs) != mult:
                    raise FieldExtensionError(
                        f"could not separate a {mult}-fold eigenvalue near "
                        f"{mu0.to_sympy()} eps^{w}")
                roots += [lead + nu for nu in subs]
    return roots


def _cross(o, a, b) -> Fraction:
    return Fraction((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


