r"""Exact truncated Laurent series in ``eps = d^{-1/2}`` and a series backend.

Source: DESIGN.md section 4. A family of critical points expands in powers of
``eps = d^{-1/2}``. This module supplies the arithmetic to expand the reduced
equations (:mod:`symbolic.reduced`) along such a family *exactly*:

* :class:`PiField` -- the coefficient field ``Q(pi)`` (rational functions of
  ``pi`` with rational coefficients, python-flint ``fmpq_poly`` numerator and
  denominator). Canonical form, so zero tests are exact; signs are decided by
  arb ball evaluation (rigorous).
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
* :class:`SeriesBackend` -- a backend (:mod:`symbolic.backends`) whose numbers
  are :class:`Series`, so the one description of the kernel
  (:mod:`symbolic.kernel`) and of the reduced system is evaluated on series.

Limitation (raised as :class:`FieldExtensionError`, never silently wrong): the
square root of a leading coefficient that is not a square in ``Q(pi)``, and an
angle whose limit is not ``0``, ``pi/2`` or ``pi``, would need a larger
coefficient field.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq, fmpq_poly

from symbolic.backends import Backend
from symbolic.errors import RelusymError

__all__ = [
    "PiField",
    "Quad",
    "sqrt_extension",
    "coerce_coefficient",
    "squarefree_rational_part",
    "Series",
    "SeriesBackend",
    "FieldExtensionError",
    "SeriesPrecisionError",
    "PI",
    "eps_series",
    "series_cap",
    "solve_series",
    "evaluate_reduced",
]

INF = math.inf




def _rigorous_sign(x) -> int:
    """The exact sign of a nonzero-or-zero exact number ``x`` (with ``is_zero`` and
    ``to_arb(prec)``): arb enclosures at doubling precision until one excludes 0."""
    if x.is_zero():
        return 0
    prec = 64
    while prec < 100000:
        v = x.to_arb(prec)
        if v > 0:
            return 1
        if v < 0:
            return -1
        prec *= 2
    raise RelusymError("sign undecided")  # pragma: no cover

class FieldExtensionError(RelusymError):
    """A coefficient outside ``Q(pi)`` would be needed (e.g. an irrational square root)."""


class SeriesPrecisionError(RelusymError):
    """A series is zero to its known precision where a nonzero leading term is needed."""


# --------------------------------------------------------------------- Q(pi)
class PiField:
    """An element ``num(pi) / den(pi)`` of ``Q(pi)`` (den monic, gcd 1)."""

    __slots__ = ("num", "den")

    def __init__(self, num: Any, den: Any = None, _normal: bool = False):
        num = num if isinstance(num, fmpq_poly) else fmpq_poly([_q(num)])
        den = fmpq_poly([1]) if den is None else (
            den if isinstance(den, fmpq_poly) else fmpq_poly([_q(den)]))
        if not _normal:
            if den.is_zero():
                raise ZeroDivisionError("division by zero in Q(pi)")
            if num.is_zero():
                den = fmpq_poly([1])
            else:
                g = num.gcd(den)
                if not g.is_one():
                    num, den = num / g, den / g  # exact (fmpq_poly / fmpq_poly)
                    num, den = _exact(num), _exact(den)
                lc = den.leading_coefficient()
                if lc != 1:
                    num, den = num / lc, den / lc
        self.num, self.den = num, den

    # construction
    @staticmethod
    def pi() -> PiField:
        return PiField(fmpq_poly([0, 1]), None, True)

    @staticmethod
    def coerce(x: Any) -> PiField:
        if isinstance(x, PiField):
            return x
        if isinstance(x, (int, Fraction, fmpq, sp.Rational)):
            return PiField(fmpq_poly([_q(x)]), None, True)
        if isinstance(x, sp.Basic):
            return PiField.from_sympy(x)
        raise TypeError(f"cannot convert {x!r} to Q(pi)")

    @staticmethod
    def from_sympy(e: Any) -> PiField:
        e = sp.sympify(e)
        t = sp.Symbol("_pi_")
        num, den = sp.fraction(sp.cancel(e.subs(sp.pi, t)))
        try:
            pn = sp.Poly(num, t, domain="QQ")
            pd = sp.Poly(den, t, domain="QQ")
        except sp.PolificationFailed as exc:  # pragma: no cover - defensive
            raise FieldExtensionError(f"{e} is not in Q(pi)") from exc
        if pn.free_symbols - {t} or pd.free_symbols - {t}:
            raise FieldExtensionError(f"{e} is not in Q(pi)")
        to = lambda p: fmpq_poly([_q(c) for c in reversed(p.all_coeffs())])  # noqa: E731
        return PiField(to(pn), to(pd))

    # arithmetic
    # Arithmetic keeps num/den unreduced (only the cheap cancellations) and
    # reduces when the denominator grows; zero tests need no reduction (num == 0)
    # and every output (sign, sqrt, equality, printing) reduces first.
    def __add__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        o = o if isinstance(o, PiField) else PiField.coerce(o)
        if o.num.is_zero():
            return self
        if self.num.is_zero():
            return o
        if self.den == o.den:
            return PiField._lazy(self.num + o.num, self.den)
        if self.den.is_one():
            return PiField._lazy(self.num * o.den + o.num, o.den)
        if o.den.is_one():
            return PiField._lazy(self.num + o.num * self.den, self.den)
        g = self.den.gcd(o.den)
        if g.is_one():
            return PiField._lazy(self.num * o.den + o.num * self.den, self.den * o.den)
        a, b = _exact(self.den / g), _exact(o.den / g)
        return PiField._lazy(self.num * b + o.num * a, self.den * b)

    @staticmethod
    def _lazy(num, den) -> PiField:
        if num.is_zero():
            return PiField(fmpq_poly([0]), None, True)
        if den.degree() > 12:
            return PiField(num, den)
        lc = den.leading_coefficient()
        if lc != 1:
            num, den = num / lc, den / lc
        return PiField(num, den, True)

    def reduced(self) -> PiField:
        return PiField(self.num, self.den)

    __radd__ = __add__

    def __neg__(self):
        return PiField(-self.num, self.den, True)

    def __sub__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        return self + (-PiField.coerce(o))

    def __rsub__(self, o):
        return PiField.coerce(o) - self

    def __mul__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        o = o if isinstance(o, PiField) else PiField.coerce(o)
        if self.num.is_zero() or o.num.is_zero():
            return PiField(fmpq_poly([0]), None, True)
        if o.den.is_one() and o.num.degree() == 0:
            return PiField(self.num * o.num.coeffs()[0], self.den, True)
        if self.den.is_one() and self.num.degree() == 0:
            return PiField(o.num * self.num.coeffs()[0], o.den, True)
        return PiField._lazy(self.num * o.num, self.den * o.den)

    __rmul__ = __mul__

    def inverse(self) -> PiField:
        if self.is_zero():
            raise ZeroDivisionError("division by zero in Q(pi)")
        return PiField(self.den, self.num)

    def __truediv__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        return self * PiField.coerce(o).inverse()

    def __rtruediv__(self, o):
        return PiField.coerce(o) * self.inverse()

    def __pow__(self, n: int):
        if n < 0:
            return self.inverse() ** (-n)
        return PiField(self.num ** n, self.den ** n, True)

    def __eq__(self, o):
        if isinstance(o, Quad):
            return o == self
        try:
            o = PiField.coerce(o)
        except TypeError:
            return NotImplemented
        return self.num * o.den == o.num * self.den

    def __hash__(self):
        r = self.reduced()
        return hash((str(r.num), str(r.den)))

    def is_zero(self) -> bool:
        return self.num.is_zero()

    # analysis
    def to_arb(self, prec: int = 128) -> arb:
        with ctx.workprec(prec):
            p = arb.pi()
            return _horner(self.num, p) / _horner(self.den, p)

    def sign(self) -> int:
        """The exact sign (rigorous: arb evaluation at increasing precision)."""
        return _rigorous_sign(self)

    def sqrt(self) -> PiField:
        """Square root (must be a square in Q(pi) and nonnegative)."""
        if self.is_zero():
            return self
        self = self.reduced()
        if self.sign() < 0:
            raise FieldExtensionError(f"square root of the negative number {self.to_sympy()}")
        r = self._sqrt_or_none()
        if r is None and Quad.q is not None:
            h = (self / Quad.q)._sqrt_or_none()
            if h is not None:
                return Quad(PiField(0), h if h.sign() > 0 else -h)
        if r is None:
            err = FieldExtensionError(
                f"sqrt({self.to_sympy()}) is not in Q(pi); a larger coefficient field is needed")
            err.radicand = self
            raise err
        return r

    def _sqrt_or_none(self) -> PiField | None:
        try:
            n, dd = self.num.sqrt(), self.den.sqrt()
        except Exception:
            return None
        if n is None or dd is None:
            return None
        r = PiField(n, dd)
        if r.sign() < 0:
            r = -r
        return r

    def to_sympy(self) -> sp.Expr:
        self = self.reduced()
        t = sp.Symbol("_pi_")
        num = sum(sp.Rational(int(c.p), int(c.q)) * t**i for i, c in enumerate(self.num.coeffs()))
        den = sum(sp.Rational(int(c.p), int(c.q)) * t**i for i, c in enumerate(self.den.coeffs()))
        e = num / den
        if self.den.length() == 1 or all(c == 0 for c in self.den.coeffs()[:-1]):
            e = sp.expand(e)  # denominator a power of pi: a Laurent polynomial in pi
        else:
            e = sp.factor(e)
        return e.subs(t, sp.pi)

    def __repr__(self):
        return f"PiField({self.to_sympy()})"


def _q(x) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, int):
        return fmpq(x)
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    if isinstance(x, sp.Rational):
        return fmpq(int(x.p), int(x.q))
    raise TypeError(f"not a rational: {x!r}")


def _exact(p: Any) -> fmpq_poly:
    return p if isinstance(p, fmpq_poly) else fmpq_poly(p)


def _horner(p: fmpq_poly, x: arb) -> arb:
    out = arb(0)
    for c in reversed(p.coeffs()):
        out = out * x + arb(c)
    return out


class Quad:
    """An element ``a + b sqrt(q)`` of ``Q(pi)(sqrt(q))`` (``a, b`` in Q(pi)).

    ``q`` (a square-free integer) is a class-wide setting, switched on by
    :func:`sqrt_extension` when an expansion needs it (e.g. ``sqrt(2)`` in the
    ``d-2,2`` family). Mixed arithmetic with :class:`PiField` returns ``Quad``.
    """

    __slots__ = ("a", "b", "qv")
    q: int | None = None

    def __init__(self, a: Any, b: Any = 0, qv: int | None = None):
        self.a = a if isinstance(a, PiField) else PiField.coerce(a)
        self.b = b if isinstance(b, PiField) else PiField.coerce(b)
        self.qv = qv if qv is not None else Quad.q  # the element keeps its field

    @staticmethod
    def coerce(x: Any) -> Quad:
        if isinstance(x, Quad):
            return x
        if isinstance(x, sp.Basic) and Quad.q is not None and x.has(sp.sqrt(Quad.q)):
            return Quad.from_sympy(x)
        return Quad(PiField.coerce(x), 0)

    @staticmethod
    def from_sympy(e: Any) -> Quad:
        r = sp.sqrt(Quad.q)
        e = sp.expand(sp.radsimp(sp.sympify(e)))
        b = e.coeff(r)
        a = sp.expand(e - b * r)
        return Quad(PiField.from_sympy(a), PiField.from_sympy(b))

    def _simple(self):
        return self.a if self.b.is_zero() else self

    def __add__(self, o):
        o = Quad.coerce(o)
        return Quad(self.a + o.a, self.b + o.b, self.qv or o.qv)._simple()

    __radd__ = __add__

    def __neg__(self):
        return Quad(-self.a, -self.b, self.qv)

    def __sub__(self, o):
        return self + (-Quad.coerce(o))

    def __rsub__(self, o):
        return Quad.coerce(o) - self

    def __mul__(self, o):
        o = Quad.coerce(o)
        a = self.a * o.a
        if not self.b.is_zero() and not o.b.is_zero():
            a = a + self.b * o.b * (self.qv or o.qv)
        b = self.a * o.b + self.b * o.a
        return Quad(a, b, self.qv or o.qv)._simple()

    __rmul__ = __mul__

    def inverse(self):
        if self.b.is_zero():
            return self.a.inverse()
        n = self.a * self.a - self.b * self.b * self.qv
        ni = n.inverse()
        return Quad(self.a * ni, -self.b * ni, self.qv)

    def __truediv__(self, o):
        return self * Quad.coerce(o).inverse()

    def __rtruediv__(self, o):
        return Quad.coerce(o) * self.inverse()

    def __pow__(self, n: int):
        out: Any = PiField(1)
        base = self if n >= 0 else self.inverse()
        for _ in range(abs(n)):
            out = out * base
        return out

    def __eq__(self, o):
        try:
            o = Quad.coerce(o)
        except TypeError:
            return NotImplemented
        return (self.a - o.a).is_zero() and (self.b - o.b).is_zero()

    __hash__ = None

    def is_zero(self) -> bool:
        return self.a.is_zero() and self.b.is_zero()

    def reduced(self):
        return Quad(self.a.reduced(), self.b.reduced(), self.qv)

    def to_arb(self, prec: int = 128) -> arb:
        with ctx.workprec(prec):
            return self.a.to_arb(prec) + self.b.to_arb(prec) * arb(self.qv).sqrt()

    def sign(self) -> int:
        """The exact sign (rigorous: arb evaluation at increasing precision)."""
        return _rigorous_sign(self)

    def sqrt(self):
        if self.b.is_zero():
            return self.a.sqrt()
        # (x + y sqrt(q))^2 = a + b sqrt(q): x^2 = (a +- sqrt(a^2 - q b^2)) / 2
        disc = self.a * self.a - self.b * self.b * self.qv
        try:
            r = disc.sqrt()
        except FieldExtensionError:
            r = None
        if r is not None:
            for cand in ((self.a + r) / 2, (self.a - r) / 2):
                try:
                    x = cand.sqrt()
                except FieldExtensionError:
                    continue
                if x.is_zero():
                    continue
                out = Quad(x, self.b / (x * 2), self.qv)
                if out.sign() < 0:
                    out = -out
                return out
        raise FieldExtensionError(f"sqrt({self.to_sympy()}) is not in Q(pi, sqrt({self.qv}))")

    def to_sympy(self) -> sp.Expr:
        return self.a.to_sympy() + self.b.to_sympy() * sp.sqrt(self.qv)

    def __repr__(self):
        return f"Quad({self.to_sympy()})"


class sqrt_extension:
    """Context manager: coefficients in ``Q(pi)(sqrt(q))`` inside (``q=None``: Q(pi))."""

    def __init__(self, q: int | None):
        self.q = q

    def __enter__(self):
        self.old = Quad.q
        Quad.q = self.q
        return self

    def __exit__(self, *exc):
        Quad.q = self.old
        return False


def coerce_coefficient(x: Any):
    """A coefficient in the active field (PiField, or Quad with an extension)."""
    if isinstance(x, (PiField, Quad)):
        return x
    if Quad.q is not None and isinstance(x, sp.Basic) and x.has(sp.sqrt(Quad.q)):
        return Quad.from_sympy(x)
    return PiField.coerce(x)


def squarefree_rational_part(c: PiField) -> int | None:
    """For ``c = r s^2`` with ``r`` rational and ``s`` in Q(pi): the square-free integer
    ``q`` with ``sqrt(c) = sqrt(q) * (element of Q(pi))``; None if there is none."""
    c = c.reduced()  # monic denominator: the rational factor is num's leading coefficient
    lc = c.num.leading_coefficient()
    r = Fraction(int(lc.p) * int(lc.q), 1)  # same square class as p/q
    n = abs(r.numerator)
    q = 1
    p = 2
    while p * p <= n:
        while n % (p * p) == 0:
            n //= p * p
        if n % p == 0:
            q *= p
            n //= p
        p += 1
    q *= n
    if r < 0:
        q = -q
    if q in (0, 1):
        return None
    try:
        (c / q).sqrt()
    except FieldExtensionError:
        return None
    return q


PI = PiField.pi()
ZERO = PiField(0)
ONE = PiField(1)


# -------------------------------------------------------------------- series
class Series:
    """``sum_i c[i] eps^(v + i) + O(eps^prec)`` with ``c[i]`` in ``Q(pi)``.

    ``prec`` is an absolute order (``math.inf`` for an exact polynomial). The
    coefficient list holds every term below ``prec`` (exact zeros included).
    """

    __slots__ = ("v", "c", "prec")
    cap: float = INF  # class-wide truncation order (set by the caller's context)

    def __init__(self, v: int, coeffs: list, prec: float = INF):
        coeffs = [coerce_coefficient(x) for x in coeffs]
        # trim beyond the precision and the class-wide cap (an exact series stays
        # exact while all its terms lie below the cap)
        cap = Series.cap
        if cap != INF and (prec != INF or v + len(coeffs) > cap):
            prec = min(prec, cap)
        if prec != INF:
            coeffs = coeffs[: max(0, int(prec) - v)]
        # strip leading exact zeros
        i = 0
        while i < len(coeffs) and coeffs[i].is_zero():
            i += 1
        coeffs = coeffs[i:]
        v = v + i
        # strip trailing zeros of exact series
        if prec == INF:
            while coeffs and coeffs[-1].is_zero():
                coeffs.pop()
        if not coeffs and prec != INF:
            v = int(prec)
        self.v, self.c, self.prec = v, coeffs, prec

    # constructors
    @staticmethod
    def const(x: Any) -> Series:
        return Series(0, [coerce_coefficient(x)])

    @staticmethod
    def monomial(x: Any, k: int) -> Series:
        return Series(k, [coerce_coefficient(x)])

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
        o = Series.coerce(o)
        v = min(self.v, o.v)
        prec = min(self.prec, o.prec)
        top = int(prec) if prec != INF else max(self.v + len(self.c), o.v + len(o.c))
        out = [ZERO] * max(0, top - v)
        for s in (self, o):
            for i, x in enumerate(s.c):
                j = s.v + i - v
                if j < len(out):
                    out[j] = out[j] + x
        return Series(v, out, prec)

    __radd__ = __add__

    def __neg__(self):
        return Series(self.v, [-x for x in self.c], self.prec)

    def __sub__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        return self + (-Series.coerce(o))

    def __rsub__(self, o):
        return Series.coerce(o) - self

    def __mul__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        if not isinstance(o, Series):
            x = coerce_coefficient(o)
            if x.is_zero():
                return Series(0, [])
            return Series(self.v, [c * x for c in self.c], self.prec)
        if self.is_exact_zero() or o.is_exact_zero():
            return Series(0, [])
        v = self.v + o.v
        prec = min(self.v + o.prec, o.v + self.prec)
        prec = min(prec, Series.cap)
        n = (int(prec) - v) if prec != INF else len(self.c) + len(o.c) - 1
        out = [ZERO] * max(0, n)
        for i, x in enumerate(self.c):
            if x.is_zero() or i >= n:
                continue
            for j, y in enumerate(o.c):
                if i + j >= n:
                    break
                if not y.is_zero():
                    out[i + j] = out[i + j] + x * y
        return Series(v, out, prec)

    __rmul__ = __mul__

    def inverse(self) -> Series:
        if not self.c:
            raise SeriesPrecisionError("division by a series that is zero to its known precision")
        a0inv = self.c[0].inverse()
        v = -self.v
        prec = min(self.prec - 2 * self.v, Series.cap)
        if prec == INF and len(self.c) == 1:
            return Series(v, [a0inv])
        if prec == INF:
            raise SeriesPrecisionError("inverse of an exact series needs a truncation cap")
        n = int(prec) - v
        b = [ZERO] * max(0, n)
        for k in range(n):
            s = ONE if k == 0 else ZERO
            for i in range(1, min(k, len(self.c) - 1) + 1):
                if not self.c[i].is_zero() and not b[k - i].is_zero():
                    s = s - self.c[i] * b[k - i]
            b[k] = s * a0inv if k else a0inv
        return Series(v, b, prec)

    def __truediv__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        if not isinstance(o, Series):
            return self * coerce_coefficient(o).inverse()
        return self * o.inverse()

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
        return Series(self.v + k, list(self.c), self.prec + k)

    def truncate(self, prec: int) -> Series:
        return Series(self.v, list(self.c), min(self.prec, prec))

    # functions
    def _unit_part(self) -> tuple[int, PiField, Series]:
        """``self = a0 eps^v (1 + h)`` with ``h = O(eps)``."""
        a0 = self.leading()
        h = (self * a0.inverse()).shift(-self.v) - 1
        return self.v, a0, h

    def sqrt(self) -> Series:
        if self.is_exact_zero():
            return self
        v, a0, h = self._unit_part()
        if v % 2:
            raise FieldExtensionError("square root of a series of odd valuation (eps^(1/2) powers)")
        r0 = a0.sqrt()
        # (1 + h)^(1/2) = sum binom(1/2, k) h^k
        out = _power_series(h, lambda k: _binom_half(k))
        return (out * r0).shift(v // 2)

    def atan_small(self) -> Series:
        """``atan(x)`` for ``x = O(eps)`` (odd Taylor series)."""
        if self.is_exact_zero():
            return self
        if self.v < 1:
            raise FieldExtensionError(
                "atan of a series with a nonzero limit: the limit angle is outside "
                "{0, pi/2, pi} and its value is not in Q(pi)")
        return _power_series(self, lambda k: Fraction(0) if k % 2 == 0 else
                             Fraction((-1) ** (k // 2), k))

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


def _binom_half(k: int) -> Fraction:
    out = Fraction(1)
    for i in range(k):
        out *= (Fraction(1, 2) - i) / (i + 1)
    return out


def _power_series(h: Series, coef) -> Series:
    """``sum_k coef(k) h^k`` for ``h = O(eps)``, to the precision the cap allows."""
    if h.is_exact_zero():
        return Series.const(coef(0))
    if h.v < 1:
        raise SeriesPrecisionError("power series of a series without positive valuation")
    cap = Series.cap if Series.cap != INF else h.prec
    if cap == INF:
        raise SeriesPrecisionError("an infinite expansion needs a truncation cap")
    kmax = int(cap) // h.v + 1
    out = Series(0, [coerce_coefficient(coef(0))], cap)
    term = Series.const(1)
    for k in range(1, kmax + 1):
        term = term * h
        if term.v >= cap:
            break
        ck = coef(k)
        if ck != 0:
            out = out + term * coerce_coefficient(ck)
    # the tail sum_{k > kmax} is O(eps^(kmax+1)) >= cap; the precision is min(cap, h.prec)
    return out.truncate(min(cap, h.prec) if h.prec != INF else cap)


def atan2_series(S: Series, C: Series) -> Series:
    """The angle ``atan2(S, C)`` in ``[0, pi]`` (``S >= 0``) of two series."""
    if S.is_exact_zero():
        if C.is_exact_zero():
            raise SeriesPrecisionError("angle of a zero vector")
        return Series.const(0) if C.signum() > 0 else Series.const(PI)
    if C.is_exact_zero():
        return Series.const(PI / 2)
    if S.v > C.v:
        t = (S / C).atan_small()
        return t if C.signum() > 0 else Series.const(PI) + t
    if C.v > S.v:
        return Series.const(PI / 2) - (C / S).atan_small()
    raise FieldExtensionError(
        "an angle whose limit is not 0, pi/2 or pi (S and C of the same order)")


class series_cap:
    """Context manager: truncate every series at absolute order ``n`` inside."""

    def __init__(self, n: float):
        self.n = n

    def __enter__(self):
        self.old = Series.cap
        Series.cap = self.n
        return self

    def __exit__(self, *exc):
        Series.cap = self.old
        return False


def eps_series(exponent: int = -2) -> Series:
    """``d = eps^{exponent}`` as an exact series (``d = eps^{-2}``)."""
    return Series.monomial(1, exponent)


# ------------------------------------------------------------------- backend
class _Unused:
    """Absorbs arithmetic; raises if its value is ever needed (unused bound of ``vq``)."""

    radicand = None

    def _self(self, *a):
        return self

    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = _self
    __truediv__ = __rtruediv__ = __neg__ = _self


class SeriesBackend(Backend):
    """Backend whose numbers are :class:`Series` in ``eps`` (exact coefficients in Q(pi))."""

    name = "series"
    exact = True

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
            return x.sqrt()
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
        return atan2_series(S, C)

    def vq(self, num, G, bound):
        G = Series.coerce(G)
        if G.is_exact_zero():
            return np.full(np.shape(num), Series(0, []), dtype=object) \
                if isinstance(num, np.ndarray) else Series(0, [])
        inv = G.sqrt().inverse()
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
    """Polynomial form of every invariant of a ReducedSystem (cached on the object)."""
    key = "_series_terms"
    cached = R.__dict__.get(key)
    if cached is not None:
        return cached
    from symbolic.groups import D_SYMBOL

    gens = [*syms, D_SYMBOL]
    out = []
    for e in R._flat[1]:
        e = sp.sympify(e)
        if e == 0:
            out.append([])
            continue
        p = sp.Poly(e, *gens, domain="QQ")
        out.append([(m, PiField.coerce(c)) for m, c in p.terms()])
    R.__dict__[key] = out
    return out


def evaluate_reduced(R, values: list, want: str, d_series: Series | None = None):
    """Evaluate a :class:`~symbolic.reduced.ReducedSystem` on series values.

    ``values``: one :class:`Series` per argument symbol of ``R``; ``d = eps^{-2}``.
    ``want`` in ``{"loss", "gradient", "hessian"}``. Returns a Series (loss) or an
    object array of Series.
    """
    be = SeriesBackend()
    dd = d_series if d_series is not None else eps_series(-2)
    terms = _poly_terms(R, R.arg_symbols)
    vals = [Series.coerce(v) for v in values]
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


def solve_series(A: list, b: list) -> list[Series]:
    """Solve ``A x = b`` over Laurent series (Gaussian elimination, exact coefficients).

    The pivot of each column is the entry of least valuation (an exact nonzero
    leading coefficient); precision losses are tracked by the arithmetic.
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
        inv = M[col][col].inverse()
        M[col] = [x * inv for x in M[col]]
        for r in range(n):
            if r != col and not M[r][col].is_exact_zero():
                f = M[r][col]
                M[r] = [x - f * y for x, y in zip(M[r], M[col], strict=True)]
    return [M[r][n] for r in range(n)]
