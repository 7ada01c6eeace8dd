r"""Exact truncated Laurent series in ``eps = d^{-1/2}`` and a series backend.

Source: DESIGN.md section 4. A family of critical points expands in powers of
``eps = d^{-1/2}``. This module supplies the arithmetic to expand the reduced
equations (:mod:`symbolic.systems.reduced`) along such a family *exactly*:

* the coefficient fields ``Q(pi)`` and ``Q(pi)(sqrt q)`` (:class:`PiField`,
  :class:`Quad`) are :mod:`symbolic.systems.pifield`, re-exported here;
* :class:`Series` -- ``sum_{j >= v} c_j eps^j + O(eps^prec)``, coefficients in
  ``Q(pi)``, with precision tracking (``prec`` may be infinite for exact
  polynomials, e.g. ``d = eps^{-2}``). Products of Laurent series lose absolute
  precision (a term ``eps^{-4}`` times ``O(eps^N)`` is ``O(eps^{N-4})``); the
  tracked ``prec`` says exactly how far a result is known.
* ``sqrt``, ``atan`` and ``atan2`` of series by their own Taylor expansions
  (``atan(x) = x - x^3/3 + ...``; an angle near 0, pi/2 or pi is written
  ``atan2(S, C)`` with the small ratio inside ``atan``): no call to sympy's
  ``series`` (whose wrong-result reports are listed in
  ``research/peers_tools.md`` 2.3).
* :class:`SeriesBackend` -- a backend (:mod:`symbolic.core.backends`) whose numbers
  are :class:`Series`, so the one description of the kernel
  (:mod:`symbolic.loss.kernel`) and of the reduced system is evaluated on series;
  :func:`evaluate_reduced` sums the expanded invariants of
  :mod:`symbolic.systems.reduced` this way (the reference route; the fast one, from the
  pair types, is :mod:`symbolic.systems.reduced_series`).

No class-wide state: a series carries its own precision (operations that need one
for an exact argument take ``prec``), and an element of ``Q(pi)(sqrt q)`` carries
its ``q`` (square roots take the allowed extension as ``ext``).

Limitation (raised as :class:`FieldExtensionError`, never silently wrong): the
square root of a leading coefficient that is not a square in ``Q(pi)``, and an
angle whose limit is not ``0``, ``pi/2`` or ``pi``, would need a larger
coefficient field.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.backends import Backend
from symbolic.systems.pifield import (
    INF,
    PI,
    ZERO,
    FieldExtensionError,
    PiField,
    Quad,
    SeriesPrecisionError,
    _cofactor,
    _eadd,
    _emax,
    coerce_coefficient,
    squarefree_rational_part,
)

__all__ = [
    "PiField",
    "Quad",
    "coerce_coefficient",
    "squarefree_rational_part",
    "Series",
    "SeriesBackend",
    "FieldExtensionError",
    "SeriesPrecisionError",
    "PI",
    "eps_series",
    "poly_d_series",
    "atan2_series",
    "solve_series",
    "evaluate_reduced",
]

# -------------------------------------------------------------------- series
def _zero_coeff(x) -> bool:
    return x.is_zero()


class Series:
    """``sum_i c[i] eps^(v + i) + O(eps^prec)`` with ``c[i]`` in ``Q(pi)``.

    ``prec`` is an absolute order (``math.inf`` for an exact polynomial). The
    coefficient list holds every term below ``prec`` (exact zeros included).
    There is no global truncation order: a result is known to the precision its
    operands allow, and the operations that need one for an exact argument
    (``inverse``, ``sqrt``, ``atan_small``) take it as ``prec``.
    """

    __slots__ = ("v", "c", "prec")

    def __init__(self, v: int, coeffs: list, prec: float = INF):
        coeffs = [coerce_coefficient(x) for x in coeffs]
        self._set(v, coeffs, prec)

    def _set(self, v: int, coeffs: list, prec: float) -> None:
        if prec != INF:
            n = int(prec) - v
            if n < len(coeffs):
                coeffs = coeffs[: max(0, n)]
        # strip leading exact zeros
        i = 0
        while i < len(coeffs) and coeffs[i].is_zero():
            i += 1
        if i:
            coeffs = coeffs[i:]
            v = v + i
        # strip trailing zeros of exact series
        if prec == INF:
            while coeffs and coeffs[-1].is_zero():
                coeffs.pop()
        if not coeffs and prec != INF:
            v = int(prec)
        self.v, self.c, self.prec = v, coeffs, prec

    @classmethod
    def _make(cls, v: int, coeffs: list, prec: float = INF) -> Series:
        """Internal constructor: ``coeffs`` are already field elements."""
        out = cls.__new__(cls)
        out._set(v, coeffs, prec)
        return out

    # constructors
    @staticmethod
    def const(x: Any) -> Series:
        return Series._make(0, [coerce_coefficient(x)])

    @staticmethod
    def monomial(x: Any, k: int) -> Series:
        return Series._make(k, [coerce_coefficient(x)])

    @staticmethod
    def coerce(x: Any) -> Series:
        if isinstance(x, Series):
            return x
        return Series.const(x)

    # queries
    def is_exact_zero(self) -> bool:
        return not self.c and self.prec == INF

    def is_zero_to_prec(self) -> bool:
        return not self.c

    def nonzero_terms(self, lo: int, hi: int) -> tuple[list[tuple[int, PiField]], int]:
        """``[(k, c_k)]`` for the nonzero coefficients with ``lo <= k <= hi`` that are
        known (``k < prec``), and the highest order covered (``hi``, or ``prec - 1``
        when the series is known to less): the one truncation every printer uses."""
        out = []
        for k in range(lo, hi + 1):
            if k >= self.prec:
                return out, k - 1
            c = self.coeff(k)
            if not c.is_zero():
                out.append((k, c))
        return out, hi

    def coeff(self, k: int) -> PiField:
        """Coefficient of ``eps^k`` (must be below ``prec``)."""
        if k >= self.prec:
            raise SeriesPrecisionError(
                f"coefficient of eps^{k} unknown (series known to O(eps^{self.prec}))")
        i = k - self.v
        if i < 0 or i >= len(self.c):
            return ZERO
        return self.c[i]

    def leading(self) -> PiField:
        if not self.c:
            raise SeriesPrecisionError("series is zero to its known precision")
        return self.c[0]

    def __eq__(self, o):
        if isinstance(o, (int, Fraction)) and o == 0:
            return self.is_exact_zero()
        if isinstance(o, Series):
            return self.v == o.v and self.prec == o.prec and self.c == o.c
        return NotImplemented

    __hash__ = None

    # arithmetic
    def __add__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        if not isinstance(o, Series):
            o = Series.coerce(o)
        if not o.c and o.prec == INF:
            return self
        if not self.c and self.prec == INF:
            return o
        v = min(self.v, o.v)
        prec = min(self.prec, o.prec)
        top = int(prec) if prec != INF else max(self.v + len(self.c), o.v + len(o.c))
        n = max(0, top - v)
        # copy the operand that starts first, add the other into it
        a, b = (self, o) if self.v == v else (o, self)
        out = a.c[:n]
        if len(out) < n:
            out += [ZERO] * (n - len(out))
        off = b.v - v
        lim = min(len(b.c), n - off)
        bc = b.c
        for i in range(max(0, lim)):
            x = bc[i]
            if not x.num_is_zero():
                out[off + i] = out[off + i] + x
        return Series._make(v, out, prec)

    __radd__ = __add__

    def __neg__(self):
        return Series._make(self.v, [-x for x in self.c], self.prec)

    def __sub__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        return self + (-Series.coerce(o))

    def __rsub__(self, o):
        return Series.coerce(o) - self

    def scale(self, x: Any) -> Series:
        """``x * self`` for a field element (or rational) ``x``."""
        x = coerce_coefficient(x)
        if x.is_zero():
            return Series._make(0, [])
        return Series._make(self.v, [c * x for c in self.c], self.prec)

    def __mul__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        if not isinstance(o, Series):
            return self.scale(o)
        if (not self.c and self.prec == INF) or (not o.c and o.prec == INF):
            return Series._make(0, [])
        v = self.v + o.v
        prec = min(self.v + o.prec, o.v + self.prec)
        n = (int(prec) - v) if prec != INF else len(self.c) + len(o.c) - 1
        if n <= 0:
            return Series._make(v, [], prec)
        if _all_pifield(self.c) and _all_pifield(o.c):
            return Series._make(v, _mul_pifield(self.c, o.c, n), prec)
        q = _int_quad_field(self.c, o.c)
        if q is not None:  # Q(pi)(sqrt q): (A + B sqrt q)(C + D sqrt q), four fast products
            A, B = _quad_parts(self.c)
            C, D = _quad_parts(o.c)
            ac, bd = _mul_pifield(A, C, n), _mul_pifield(B, D, n)
            ad, bc = _mul_pifield(A, D, n), _mul_pifield(B, C, n)
            return Series._make(v, [Quad(x + y * q, z + w, q)._simple()
                                    for x, y, z, w in zip(ac, bd, ad, bc, strict=True)], prec)
        out: list = [None] * n
        oc = o.c
        lo = len(oc)
        for i, x in enumerate(self.c):
            if i >= n:
                break
            if x.num_is_zero():
                continue
            for j in range(min(lo, n - i)):
                y = oc[j]
                if y.num_is_zero():
                    continue
                k = i + j
                t = out[k]
                out[k] = x * y if t is None else t + x * y
        return Series._make(v, [ZERO if t is None else t.reduced() for t in out], prec)

    __rmul__ = __mul__

    def inverse(self, prec: float | None = None) -> Series:
        """``1/self``; ``prec`` (absolute order) is needed for an exact non-monomial."""
        if not self.c:
            raise SeriesPrecisionError("division by a series that is zero to its known precision")
        a0inv = self.c[0].inverse()
        v = -self.v
        p = self.prec - 2 * self.v
        if prec is not None:
            p = min(p, prec)
        if p == INF and len(self.c) == 1:
            return Series._make(v, [a0inv])
        if p == INF:
            raise SeriesPrecisionError("inverse of an exact series needs a precision")
        n = int(p) - v
        b: list = [ZERO] * max(0, n)
        c = self.c
        lc = len(c)
        for k in range(n):
            if k == 0:
                b[0] = a0inv
                continue
            s = None
            for i in range(1, min(k, lc - 1) + 1):
                ci, bk = c[i], b[k - i]
                if ci.num_is_zero() or bk.num_is_zero():
                    continue
                s = ci * bk if s is None else s + ci * bk
            b[k] = ZERO if s is None else -(s * a0inv).reduced()
        return Series._make(v, b, p)

    def __truediv__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        if not isinstance(o, Series):
            return self.scale(coerce_coefficient(o).inverse())
        need = None
        if o.prec == INF and len(o.c) > 1:
            if self.prec == INF:
                raise SeriesPrecisionError("quotient of exact series needs a precision")
            need = self.prec - self.v - o.v
        return self * o.inverse(need)

    def __rtruediv__(self, o):
        return Series.coerce(o) * self.inverse()

    def __pow__(self, n: int):
        if not isinstance(n, int):
            raise TypeError("only integer powers of series")
        if n < 0:
            return self.inverse() ** (-n)
        out = Series.const(1)
        for _ in range(n):
            out = out * self
        return out

    def shift(self, k: int) -> Series:
        """Multiply by ``eps^k``."""
        return Series._make(self.v + k, list(self.c), self.prec + k)

    def truncate(self, prec: float) -> Series:
        return Series._make(self.v, list(self.c), min(self.prec, prec))

    def cap(self, prec: float) -> Series:
        """Truncated at ``prec`` unless it is an exact monomial (or zero) below ``prec``,
        which stays exact: exact zeros and exactly parallel rows (an exact point such as
        the global minimum) are then recognised, and every other quantity has a finite
        precision (so inverses, roots and angles need no further precision)."""
        if self.prec == INF and len(self.c) <= 1 and self.v + len(self.c) <= prec:
            return self
        return self.truncate(prec)

    def exact_part(self) -> Series:
        """The known terms as an exact polynomial (the ``O(eps^prec)`` dropped)."""
        return Series._make(self.v, list(self.c))

    # functions
    def _unit_part(self, prec: float | None = None) -> tuple[int, PiField, Series]:
        """``self = a0 eps^v (1 + h)`` with ``h = O(eps)``."""
        a0 = self.leading()
        h = (self.scale(a0.inverse())).shift(-self.v) - 1
        if prec is not None and prec != INF:
            h = h.truncate(prec - self.v)
        return self.v, a0, h

    def sqrt(self, prec: float | None = None, ext: int | None = None) -> Series:
        """Square root (leading coefficient positive); ``ext``: allow ``sqrt(ext)`` in the
        coefficients; ``prec``: absolute order for an exact non-monomial argument."""
        if self.is_exact_zero():
            return self
        v, a0, h = self._unit_part()
        if v % 2:
            raise FieldExtensionError("square root of a series of odd valuation (eps^(1/2) powers)")
        r0 = a0.sqrt(ext)
        # f^2 = self eps^-v: f_k = (c_k - sum_{0<i<k} f_i f_{k-i}) / (2 f_0)
        rel = self.prec - v
        if prec is not None and prec != INF:
            rel = min(rel, prec - v // 2)
        if rel == INF:
            if len(self.c) == 1:
                return Series._make(v // 2, [r0])
            raise SeriesPrecisionError("square root of an exact series needs a precision")
        n = int(rel)
        f = _series_sqrt_coeffs(self.c, r0, n)
        return Series._make(v // 2, f, v // 2 + n)

    def atan_small(self, prec: float | None = None) -> Series:
        """``atan(x)`` for ``x = O(eps)`` (odd Taylor series)."""
        if self.is_exact_zero():
            return self
        if self.v < 1:
            raise FieldExtensionError(
                "atan of a series with a nonzero limit: the limit angle is outside "
                "{0, pi/2, pi} and its value is not in Q(pi)")
        p = self.prec if prec is None else min(prec, self.prec)
        if p == INF:
            raise SeriesPrecisionError("atan of an exact series needs a precision")
        x = self.truncate(p)
        # atan(x) = integral of x' / (1 + x^2)
        dx = _derivative(x)
        w = (dx * (x * x + 1).inverse(p)).truncate(p - 1)
        return _integral(w)

    def signum(self) -> int:
        return self.leading().sign()

    def to_sympy(self, eps: sp.Symbol) -> sp.Expr:
        e = sum((x.to_sympy() * eps ** (self.v + i) for i, x in enumerate(self.c)), sp.S.Zero)
        if self.prec != INF:
            e = e + sp.O(eps ** int(self.prec))
        return e

    def __repr__(self):
        terms = " + ".join(f"({x.to_sympy()})*eps^{self.v + i}" for i, x in enumerate(self.c)
                           if not x.is_zero())
        return f"Series({terms or '0'} + O(eps^{self.prec}))"


def _all_pifield(cs: list) -> bool:
    for x in cs:
        if type(x) is not PiField:
            return False
    return True


def _int_quad_field(xs: list, ys: list) -> int | None:
    """The integer radicand ``q`` when every coefficient lies in Q(pi)(sqrt q) with
    components in Q(pi) (and some is a :class:`Quad`), else None."""
    q = None
    for x in (*xs, *ys):
        if type(x) is PiField:
            continue
        if type(x) is not Quad or type(x.qv) is not int or type(x.a) is not PiField \
                or type(x.b) is not PiField:
            return None
        if q is None:
            q = x.qv
        elif x.qv != q:
            return None
    return q


def _quad_parts(cs: list) -> tuple[list, list]:
    """The Q(pi) parts ``(a, b)`` of coefficients ``a + b sqrt q``."""
    return ([x if type(x) is PiField else x.a for x in cs],
            [ZERO if type(x) is PiField else x.b for x in cs])


def _mul_pifield(ac: list, bc: list, n: int) -> list:
    """The first ``n`` coefficients of the product of two coefficient lists in Q(pi):
    numerators with equal denominators are summed first (one cofactor product per
    distinct denominator and output coefficient), then reduced once."""
    bl = [(y.num, y.e) for y in bc if True]
    lb = len(bl)
    out: list = [None] * n
    for i, x in enumerate(ac):
        if i >= n:
            break
        xn = x.num
        if xn.is_zero():
            continue
        xe = x.e
        for j in range(min(lb, n - i)):
            yn, ye = bl[j]
            if yn.is_zero():
                continue
            e = _eadd(xe, ye) if ye else xe
            p = xn * yn
            d = out[i + j]
            if d is None:
                out[i + j] = {e: p}
            else:
                q = d.get(e)
                d[e] = p if q is None else q + p
    res = []
    for d in out:
        if d is None:
            res.append(ZERO)
            continue
        if len(d) == 1:
            (e, num), = d.items()
        else:
            E = ()
            for e in d:
                E = _emax(E, e)
            num = None
            for e, q in d.items():
                t = q if e == E else q * _cofactor(e, E)
                num = t if num is None else num + t
            e = E
        res.append(PiField._new(num, e).reduced() if e else PiField._new(num, e))
    return res


def _series_sqrt_coeffs(c: list, r0, n: int) -> list:
    """Coefficients of ``sqrt(c)`` for ``c[0] = r0^2`` (recurrence, O(n^2))."""
    f = [r0]
    inv2 = (r0 * 2).inverse()
    for k in range(1, n):
        s = c[k] if k < len(c) else ZERO
        acc = None
        for i in range(1, (k + 1) // 2):
            t = f[i] * f[k - i]
            acc = t if acc is None else acc + t
        acc = ZERO if acc is None else acc * 2
        if k % 2 == 0:
            acc = acc + f[k // 2] * f[k // 2]
        f.append(((s - acc) * inv2).reduced() if isinstance(s, PiField) else (s - acc) * inv2)
    return f


def _binom_half(k: int) -> Fraction:
    out = Fraction(1)
    for i in range(k):
        out *= (Fraction(1, 2) - i) / (i + 1)
    return out


def _derivative(x: Series) -> Series:
    """``d/deps`` of a series with ``v >= 1`` (precision one lower)."""
    cs = [c * (x.v + i) for i, c in enumerate(x.c)]
    return Series._make(x.v - 1, cs, x.prec - 1)


def _integral(x: Series) -> Series:
    """The antiderivative vanishing at ``eps = 0`` of a series with ``v >= 0``."""
    if x.v < 0:
        raise SeriesPrecisionError("integral of a Laurent series with a pole")
    cs = [c * Fraction(1, x.v + i + 1) for i, c in enumerate(x.c)]
    return Series._make(x.v + 1, cs, x.prec + 1)


def _atan_coef(k: int) -> Fraction:
    return Fraction(0) if k % 2 == 0 else Fraction((-1) ** (k // 2), k)


def _power_series(h: Series, coef, prec: float | None = None) -> Series:
    """``sum_k coef(k) h^k`` for ``h = O(eps)``, to ``min(prec, h.prec)``."""
    if h.is_exact_zero():
        return Series.const(coef(0))
    if h.v < 1:
        raise SeriesPrecisionError("power series of a series without positive valuation")
    cap = h.prec if prec is None else min(prec, h.prec)
    if cap == INF:
        raise SeriesPrecisionError("an infinite expansion needs a precision")
    h = h.truncate(cap)
    kmax = int(cap) // h.v + 1
    out = Series._make(0, [coerce_coefficient(coef(0))], cap)
    term = Series.const(1)
    for k in range(1, kmax + 1):
        term = term * h
        if term.v >= cap:
            break
        ck = coef(k)
        if ck != 0:
            out = out + term.scale(ck)
    # the tail sum_{k > kmax} is O(eps^(kmax+1)) >= cap
    return out.truncate(cap)


def atan2_series(S: Series, C: Series, prec: float | None = None) -> Series:
    """The angle ``atan2(S, C)`` in ``[0, pi]`` (``S >= 0``) of two series."""
    if S.is_exact_zero():
        if C.is_exact_zero():
            raise SeriesPrecisionError("angle of a zero vector")
        return Series.const(0) if C.signum() > 0 else Series.const(PI)
    if C.is_exact_zero():
        return Series.const(PI / 2)
    if not S.c or not C.c:
        raise SeriesPrecisionError("angle of series zero to their known precision")
    if S.v > C.v:
        t = (S / C).atan_small(prec)
        return t if C.signum() > 0 else Series.const(PI) + t
    if C.v > S.v:
        return Series.const(PI / 2) - (C / S).atan_small(prec)
    raise FieldExtensionError(
        "an angle whose limit is not 0, pi/2 or pi (S and C of the same order)")


def eps_series(exponent: int = -2) -> Series:
    """``d = eps^{exponent}`` as an exact series (``d = eps^{-2}``)."""
    return Series.monomial(1, exponent)


def poly_d_series(coeffs_high_first) -> Series:
    """A polynomial in ``d`` (rational coefficients, highest degree first) as an exact
    series in ``eps`` (``d = eps^-2``)."""
    cs = list(coeffs_high_first)
    deg = len(cs) - 1
    # d^j = eps^(-2j): the highest degree has the lowest valuation
    out = [ZERO] * (2 * deg + 1)
    for i, c in enumerate(cs):
        j = deg - i
        out[2 * deg - 2 * j] = coerce_coefficient(Fraction(c))
    return Series._make(-2 * deg, out)


# ------------------------------------------------------------------- backend
class _Unused:
    """Absorbs arithmetic; raises if its value is ever needed (unused bound of ``vq``)."""

    radicand = None

    def _self(self, *a):
        return self

    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = _self
    __truediv__ = __rtruediv__ = __neg__ = _self


class SeriesBackend(Backend):
    """Backend whose numbers are :class:`Series` in ``eps`` (exact coefficients in Q(pi)).

    ``cap``: the absolute order at which exact arguments of ``sqrt`` are expanded;
    ``ext``: coefficients may involve ``sqrt(ext)`` (held by the backend object, never
    by a class-wide setting)."""

    name = "series"
    exact = True

    def __init__(self, cap: float = INF, ext: int | None = None):
        self.cap = cap
        self.ext = ext

    def number(self, x):
        if isinstance(x, Series):
            return x
        if isinstance(x, (PiField, Quad)):
            return Series.const(x)
        if isinstance(x, (int, Fraction, sp.Rational)):
            return Series.const(x)
        raise TypeError(f"cannot convert {x!r} to a series")

    @property
    def pi(self):
        return Series.const(PI)

    def sqrt(self, x):
        if isinstance(x, np.ndarray):
            # only the bound of vq (|x||y| of directions) is an array; vq ignores it
            return _Unused()
        x = Series.coerce(x)
        try:
            return x.sqrt(self.cap, self.ext)
        except (FieldExtensionError, SeriesPrecisionError) as exc:
            u = _Unused()  # only the unused bound of vq may take such roots
            u.radicand = getattr(exc, "radicand", None)
            return u

    def angle(self, S, C, A, B):
        if isinstance(S, _Unused):
            err = FieldExtensionError("angle of a pair whose Gram root is not a series in eps "
                                      "over the coefficient field")
            err.radicand = S.radicand
            raise err
        return atan2_series(S, C, self.cap)

    def vq(self, num, G, bound):
        G = Series.coerce(G)
        if G.is_exact_zero():
            return np.full(np.shape(num), Series(0, []), dtype=object) \
                if isinstance(num, np.ndarray) else Series(0, [])
        inv = G.sqrt(self.cap, self.ext).inverse(self.cap)
        if isinstance(num, np.ndarray):
            out = np.empty(num.shape, dtype=object)
            for idx in np.ndindex(num.shape):
                out[idx] = Series.coerce(num[idx]) * inv
            return out
        return Series.coerce(num) * inv

    def to_str(self, x, digits):
        return repr(x)


# --------------------------------------------------------- reduced systems
def _poly_terms(R, syms):
    """Polynomial form of every invariant of a ReducedSystem (memoised per system)."""
    key = id(R)
    cached = _POLY_TERMS.get(key)
    if cached is not None and cached[0] is R:
        return cached[1]
    from symbolic.symmetry.groups import D_SYMBOL

    gens = [*syms, D_SYMBOL]
    out = []
    for e in R._flat[1]:
        e = sp.sympify(e)
        if e == 0:
            out.append([])
            continue
        p = sp.Poly(e, *gens, domain="QQ")
        out.append([(m, PiField.coerce(c)) for m, c in p.terms()])
    if len(_POLY_TERMS) > 64:
        _POLY_TERMS.clear()
    _POLY_TERMS[key] = (R, out)
    return out


_POLY_TERMS: dict = {}  # memo only: id(system) -> (system, terms)


def evaluate_reduced(R, values: list, want: str, d_series: Series | None = None, *,
                     cap: float | None = None, ext: int | None = None):
    """Evaluate a :class:`~symbolic.systems.reduced.ReducedSystem` on series values, *expanded*:
    every invariant is the sympy-expanded polynomial of :mod:`symbolic.systems.reduced`, summed
    monomial by monomial. This is the original (slow) route, kept as the reference for
    :mod:`symbolic.systems.reduced_series` (which evaluates the same functions from the pair
    types with shared subexpressions).

    ``values``: one :class:`Series` per argument symbol of ``R``; ``d = eps^{-2}``;
    ``cap``: truncate the values at this absolute order; ``ext``: coefficients may
    involve ``sqrt(ext)``. ``want`` in ``{"loss", "gradient", "hessian"}``. Returns a
    Series (loss) or an object array of Series.
    """
    vals = [Series.coerce(v) for v in values]
    if cap is None:
        cap = min((v.prec for v in vals), default=INF)
    else:
        vals = [v.cap(cap) for v in vals]
    be = SeriesBackend(cap, ext)
    dd = d_series if d_series is not None else eps_series(-2)
    terms = _poly_terms(R, R.arg_symbols)
    gens = [*vals, dd]
    powers: dict = {}

    def pw(i, k):
        if (i, k) not in powers:
            powers[(i, k)] = gens[i] ** k if k > 1 else gens[i]
        return powers[(i, k)]

    flat = []
    for tl in terms:
        tot = Series(0, [])
        for mono, c in tl:
            t: Any = Series.const(c)
            for i, k in enumerate(mono):
                if k:
                    t = t * pw(i, k)
            tot = tot + t
        flat.append(tot)
    invs = R._unpack(be, flat)
    return R._assemble(be, invs, dd, want)


def solve_series(A: list, b: list, prec: float | None = None) -> list[Series]:
    """Solve ``A x = b`` over Laurent series (Gaussian elimination, exact coefficients).

    The pivot of each column is the entry of least valuation (an exact nonzero
    leading coefficient); precision losses are tracked by the arithmetic. ``prec``: the
    absolute order to which an exact pivot is inverted when its row holds only exact
    series (otherwise the row's own precision decides).
    """
    n = len(b)
    M = [[Series.coerce(x) for x in row] + [Series.coerce(bb)]
         for row, bb in zip(A, b, strict=True)]
    for col in range(n):
        cands = [r for r in range(col, n) if M[r][col].c]
        if not cands:
            raise SeriesPrecisionError("singular (or under-resolved) series matrix")
        piv = min(cands, key=lambda r: M[r][col].v)
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        need = None
        if p.prec == INF and len(p.c) > 1:  # an exact pivot: invert to what the row needs
            fin = [x.prec - x.v for x in M[col] if x.prec != INF and x.c]
            if not fin and prec is None:
                raise SeriesPrecisionError("exact series system needs a precision")
            rel = max(fin) if fin else prec - p.v  # relative order wanted of the quotients
            need = rel - p.v  # absolute order of 1/p (valuation -p.v)
        inv = p.inverse(need)
        M[col] = [x * inv for x in M[col]]
        for r in range(n):
            if r != col and not M[r][col].is_exact_zero():
                f = M[r][col]
                M[r] = [x - f * y for x, y in zip(M[r], M[col], strict=True)]
    return [M[r][n] for r in range(n)]
