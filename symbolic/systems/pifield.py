r"""The exact coefficient fields of the series: ``Q(pi)`` and ``Q(pi)(sqrt q)``.

Source: DESIGN.md section 4. :class:`PiField` -- rational functions of ``pi`` with
rational coefficients: a python-flint ``fmpq_poly`` numerator over a denominator kept
as an exponent vector over monic irreducible polynomials (a memo table: ``pi``,
``pi - 2``, ...), so products and sums compute no gcd; common factors are cancelled
once per output coefficient (:meth:`PiField.reduced`, the canonical form). Zero tests
are exact; signs are decided by arb ball evaluation (rigorous). :class:`Quad` --
``a + b sqrt(q)`` over ``Q(pi)``. The series over these fields are
:mod:`symbolic.systems.puiseux`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from operator import add as _add
from typing import Any

import sympy as sp
from flint import arb, ctx, fmpq, fmpq_poly

from symbolic.core.errors import RelusymError

__all__ = ["PiField", "Quad", "coerce_coefficient", "squarefree_rational_part",
           "FieldExtensionError", "SeriesPrecisionError", "PI", "ZERO", "ONE", "INF"]


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
_FACTORS: list = []        # monic irreducible denominators met so far (index 0: pi)
_FACTOR_INDEX: dict = {}   # their coefficient tuples -> index
_ROOTS: list = []          # the root of each linear factor (None otherwise)
_POW: dict = {}            # (index, m) -> factor^m
_DEN: dict = {}            # exponent tuple -> denominator polynomial
_COF: dict = {}            # (exponents, lcm exponents) -> cofactor polynomial


def _factor_index(f: fmpq_poly) -> int:
    """Index of the monic irreducible ``f`` in the factor table (appended if new).

    The table is a memo (append-only; an element's value never depends on it), which
    lets denominators be exponent vectors: products add them, sums take maxima, and
    no gcd is computed in the arithmetic (normalisation happens once, in
    :meth:`PiField.reduced`)."""
    key = tuple(str(c) for c in f.coeffs())
    k = _FACTOR_INDEX.get(key)
    if k is None:
        k = len(_FACTORS)
        _FACTORS.append(f)
        _ROOTS.append(-f[0] if f.degree() == 1 else None)
        _FACTOR_INDEX[key] = k
    return k


_factor_index(fmpq_poly([0, 1]))  # pi


def _fpow(k: int, m: int) -> fmpq_poly:
    out = _POW.get((k, m))
    if out is None:
        out = _FACTORS[k] ** m
        _POW[(k, m)] = out
    return out


def _den_poly(e: tuple) -> fmpq_poly:
    out = _DEN.get(e)
    if out is None:
        out = fmpq_poly([1])
        for k, m in enumerate(e):
            if m:
                out = out * _fpow(k, m)
        _DEN[e] = out
    return out


def _emax(a: tuple, b: tuple) -> tuple:
    if a == b or not b:
        return a
    if not a:
        return b
    la, lb = len(a), len(b)
    if la == lb:
        return tuple(map(max, a, b))
    if la < lb:
        a, b, la, lb = b, a, lb, la
    return tuple(map(max, a[:lb], b)) + a[lb:]


def _eadd(a: tuple, b: tuple) -> tuple:
    if not b:
        return a
    if not a:
        return b
    la, lb = len(a), len(b)
    if la == lb:
        return tuple(map(_add, a, b))
    if la < lb:
        a, b, la, lb = b, a, lb, la
    return tuple(map(_add, a[:lb], b)) + a[lb:]


def _cofactor(e: tuple, to: tuple) -> fmpq_poly:
    key = (e, to)
    out = _COF.get(key)
    if out is None:
        out = fmpq_poly([1])
        for k, m in enumerate(to):
            lo = e[k] if k < len(e) else 0
            if m > lo:
                out = out * _fpow(k, m - lo)
        _COF[key] = out
    return out


def _trim(e: tuple) -> tuple:
    n = len(e)
    while n and not e[n - 1]:
        n -= 1
    return e[:n] if n != len(e) else e


def _split_den(den: fmpq_poly) -> tuple[fmpq, tuple]:
    """``den = c * prod f_k^e_k`` over the factor table: ``(c, e)``."""
    c, facs = den.factor()
    e: list = []
    for f, m in facs:
        lc = f.leading_coefficient()
        if lc != 1:  # factors are monic already; keep the constant exact otherwise
            c = c * lc ** m
            f = f / lc
        k = _factor_index(_exact(f))
        if len(e) <= k:
            e += [0] * (k + 1 - len(e))
        e[k] += m
    return fmpq(c) if not isinstance(c, fmpq) else c, _trim(tuple(e))


class PiField:
    """An element ``num(pi) / den(pi)`` of ``Q(pi)``.

    The denominator is a product of powers of monic irreducible polynomials (an
    exponent vector ``e`` over a factor table, so that arithmetic needs no gcd);
    ``reduced()`` cancels common factors (canonical form: no factor of the
    denominator divides ``num``). ``den`` is the denominator polynomial.
    """

    __slots__ = ("num", "e")

    def __init__(self, num: Any, den: Any = None, _normal: bool = False):
        num = num if isinstance(num, fmpq_poly) else fmpq_poly([_q(num)])
        if den is None:
            self.num, self.e = num, ()
            return
        den = den if isinstance(den, fmpq_poly) else fmpq_poly([_q(den)])
        if den.is_zero():
            raise ZeroDivisionError("division by zero in Q(pi)")
        if num.is_zero():
            self.num, self.e = num, ()
            return
        c, e = _split_den(den)
        self.num, self.e = num / c, e
        if not _normal:
            r = self.reduced()
            self.num, self.e = r.num, r.e

    @staticmethod
    def _new(num: fmpq_poly, e: tuple) -> PiField:
        out = PiField.__new__(PiField)
        out.num = num
        out.e = e if not num.is_zero() else ()
        return out

    @property
    def den(self) -> fmpq_poly:
        return _den_poly(self.e)

    # construction
    @staticmethod
    def pi() -> PiField:
        return PiField._new(fmpq_poly([0, 1]), ())

    @staticmethod
    def coerce(x: Any) -> PiField:
        if isinstance(x, PiField):
            return x
        if isinstance(x, (int, Fraction, fmpq, sp.Rational)):
            return PiField._new(fmpq_poly([_q(x)]), ())
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

    # arithmetic (no gcd: denominators are exponent vectors)
    def __add__(self, o):
        if not isinstance(o, PiField):
            if isinstance(o, Quad):
                return NotImplemented
            o = PiField.coerce(o)
        if o.num.is_zero():
            return self
        if self.num.is_zero():
            return o
        if self.e == o.e:
            return PiField._new(self.num + o.num, self.e)
        e = _emax(self.e, o.e)
        return PiField._new(self.num * _cofactor(self.e, e) + o.num * _cofactor(o.e, e), e)

    def reduced(self) -> PiField:
        """Canonical form: common factors of numerator and denominator cancelled
        (divisibility by a linear factor ``x - a`` is tested by evaluating at ``a``)."""
        if not self.e:
            return self
        num = self.num
        if num.is_zero():
            return ZERO
        e = list(self.e)
        changed = False
        for k, m in enumerate(e):
            if not m:
                continue
            f = _FACTORS[k]
            root = _ROOTS[k]
            while m:
                if k == 0:
                    if num[0] != 0:
                        break
                    num = num.right_shift(1)
                elif root is not None:
                    if num(root) != 0:
                        break
                    num = divmod(num, f)[0]
                else:
                    q, r = divmod(num, f)
                    if not r.is_zero():
                        break
                    num = q
                m -= 1
                changed = True
            e[k] = m
        if not changed:
            return self
        return PiField._new(num, _trim(tuple(e)))

    __radd__ = __add__

    def __neg__(self):
        return PiField._new(-self.num, self.e)

    def __sub__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        return self + (-PiField.coerce(o))

    def __rsub__(self, o):
        return PiField.coerce(o) - self

    def __mul__(self, o):
        if not isinstance(o, PiField):
            if isinstance(o, Quad):
                return NotImplemented
            o = PiField.coerce(o)
        if self.num.is_zero() or o.num.is_zero():
            return ZERO
        return PiField._new(self.num * o.num, _eadd(self.e, o.e))

    __rmul__ = __mul__

    def inverse(self) -> PiField:
        if self.is_zero():
            raise ZeroDivisionError("division by zero in Q(pi)")
        c, m = _split_den(self.num)  # num = c prod f^m
        n = max(len(m), len(self.e))
        top = fmpq_poly([1])
        e = []
        for k in range(n):
            a = self.e[k] if k < len(self.e) else 0
            b = m[k] if k < len(m) else 0
            if a > b:
                top = top * _fpow(k, a - b)
                e.append(0)
            else:
                e.append(b - a)
        return PiField._new(top / c, _trim(tuple(e)))

    def __truediv__(self, o):
        if isinstance(o, Quad):
            return NotImplemented
        return self * PiField.coerce(o).inverse()

    def __rtruediv__(self, o):
        return PiField.coerce(o) * self.inverse()

    def __pow__(self, n: int):
        if n < 0:
            return self.inverse() ** (-n)
        return PiField._new(self.num ** n, tuple(m * n for m in self.e))

    def __eq__(self, o):
        if isinstance(o, Quad):
            return o == self
        try:
            o = PiField.coerce(o)
        except TypeError:
            return NotImplemented
        if self.e == o.e:
            return self.num == o.num
        e = _emax(self.e, o.e)
        return self.num * _cofactor(self.e, e) == o.num * _cofactor(o.e, e)

    def __hash__(self):
        r = self.reduced()
        return hash((str(r.num), str(r.den)))

    def is_zero(self) -> bool:
        return self.num.is_zero()

    def num_is_zero(self) -> bool:
        return self.num.is_zero()

    # analysis
    def to_arb(self, prec: int = 128) -> arb:
        with ctx.workprec(prec):
            p = arb.pi()
            return _horner(self.num, p) / _horner(self.den, p)

    def sign(self) -> int:
        """The exact sign (rigorous: arb evaluation at increasing precision)."""
        return _rigorous_sign(self)

    def sqrt(self, ext: int | None = None) -> PiField | Quad:
        """Square root (nonnegative; must lie in Q(pi), or in Q(pi)(sqrt(ext)) when the
        square-free integer ``ext`` is given)."""
        if self.is_zero():
            return self
        self = self.reduced()
        if self.sign() < 0:
            raise FieldExtensionError(f"square root of the negative number {self.to_sympy()}")
        r = self._sqrt_or_none()
        if r is None and ext is not None:
            h = (self / ext)._sqrt_or_none()
            if h is not None:
                return Quad(PiField(0), h if h.sign() > 0 else -h, ext)
        if r is None:
            err = FieldExtensionError(
                f"sqrt({self.to_sympy()}) is not in Q(pi); a larger coefficient field is needed")
            err.radicand = self
            raise err
        return r

    def _sqrt_or_none(self) -> PiField | None:
        r = self.reduced()
        if any(m % 2 for m in r.e):
            return None
        try:
            n = r.num.sqrt()
        except Exception:
            return None
        if n is None:
            return None
        out = PiField._new(_exact(n), tuple(m // 2 for m in r.e))
        if out.sign() < 0:
            out = -out
        return out

    def to_sympy(self) -> sp.Expr:
        self = self.reduced()
        t = sp.Symbol("_pi_")
        den = self.den
        num = sum(sp.Rational(int(c.p), int(c.q)) * t**i for i, c in enumerate(self.num.coeffs()))
        dd = sum(sp.Rational(int(c.p), int(c.q)) * t**i for i, c in enumerate(den.coeffs()))
        e = num / dd
        if den.length() == 1 or all(c == 0 for c in den.coeffs()[:-1]):
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
    """An element ``a + b sqrt(q)`` of a quadratic extension of its base field.

    ``qv`` is carried by every element (no global setting): a square-free integer (base
    Q(pi); an expansion that needs it, e.g. ``sqrt(2)`` in the ``d-2,2`` family, passes it
    explicitly as ``ext``), or a non-square element of the base (the leading coefficients
    of eigenvalues that are roots of an irreducible quadratic, e.g. ``sqrt(pi^2 + 32)`` at
    k = d + 1). The base is Q(pi) (``a, b`` :class:`PiField`) or, for a tower
    ``Q(pi)(sqrt q0)(sqrt r)``, ``Q(pi)(sqrt q0)`` (``a, b`` Quad over ``q0``, the integer
    radicand below; see :meth:`_common`). Mixed arithmetic with :class:`PiField` returns
    ``Quad``; two integer radicands (a biquadratic field) do not mix
    (:class:`FieldExtensionError`).
    """

    __slots__ = ("a", "b", "qv")

    def __init__(self, a: Any, b: Any = 0, qv: Any = None):
        # a, b in the base field: Q(pi), or Q(pi)(sqrt q0) for a tower
        self.a = a if isinstance(a, (PiField, Quad)) else PiField.coerce(a)
        self.b = b if isinstance(b, (PiField, Quad)) else PiField.coerce(b)
        if qv is None and not self.b.is_zero():
            raise ValueError("Quad with a nonzero sqrt part needs its field (qv)")
        self.qv = qv

    @staticmethod
    def coerce(x: Any, ext: int | None = None) -> Quad:
        if isinstance(x, Quad):
            return x
        if isinstance(x, sp.Basic) and ext is not None and x.has(sp.sqrt(ext)):
            return Quad.from_sympy(x, ext)
        return Quad(PiField.coerce(x), 0)

    @staticmethod
    def from_sympy(e: Any, q: int) -> Quad:
        r = sp.sqrt(q)
        e = sp.expand(sp.radsimp(sp.sympify(e)))
        b = e.coeff(r)
        a = sp.expand(e - b * r)
        return Quad(PiField.from_sympy(a), PiField.from_sympy(b), q)

    def _simple(self):
        return self.a if self.b.is_zero() else self

    def _top(self):
        """The radicand of the extension this element needs (None: it lies in its base)."""
        return None if self.b.is_zero() else self.qv

    @staticmethod
    def _common(x: Quad, y: Quad) -> tuple[Quad, Quad, Any]:
        """``x``, ``y`` written over one extension, and its radicand. Equal radicands, or
        one element in the base field of the other; or a tower: an integer radicand
        ``q0`` (the family's field, e.g. sqrt 2) below a radicand in Q(pi) (an eigenvalue's
        quadratic, e.g. sqrt(pi^2 - 4 pi + 5)): the element over ``sqrt q0`` becomes the
        base part of the top one. Two integer radicands (a biquadratic field) raise."""
        rx, ry = x._top(), y._top()
        if rx is None and ry is None:
            q = x.qv if x.qv is not None else y.qv
            return x, y, q
        if rx is None:
            return Quad(x.a, 0, ry), y, ry
        if ry is None or _same_radicand(rx, ry):
            return x, (Quad(y.a, 0, rx) if ry is None else y), rx
        if not isinstance(ry, int) and isinstance(rx, int):
            return Quad(x, 0, ry), y, ry
        if not isinstance(rx, int) and isinstance(ry, int):
            return x, Quad(y, 0, rx), rx
        raise FieldExtensionError(f"sqrt({_q_sympy(rx)}) and sqrt({_q_sympy(ry)}) in one "
                                  "expression: this tower of extensions is not supported")

    def __add__(self, o):
        x, y, q = Quad._common(self, Quad.coerce(o))
        return Quad(x.a + y.a, x.b + y.b, q)._simple()

    __radd__ = __add__

    def __neg__(self):
        return Quad(-self.a, -self.b, self.qv)

    def __sub__(self, o):
        return self + (-Quad.coerce(o))

    def __rsub__(self, o):
        return Quad.coerce(o) - self

    def __mul__(self, o):
        x, y, q = Quad._common(self, Quad.coerce(o))
        a = x.a * y.a
        if not x.b.is_zero() and not y.b.is_zero():
            a = a + x.b * y.b * q
        b = x.a * y.b + x.b * y.a
        return Quad(a, b, q)._simple()

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
        return (self - o).is_zero()

    __hash__ = None

    def is_zero(self) -> bool:
        return self.a.is_zero() and self.b.is_zero()

    num_is_zero = is_zero

    def reduced(self):
        return Quad(self.a.reduced(), self.b.reduced(), self.qv)

    def to_arb(self, prec: int = 128) -> arb:
        with ctx.workprec(prec):
            q = arb(self.qv) if isinstance(self.qv, int) else self.qv.to_arb(prec)
            return self.a.to_arb(prec) + self.b.to_arb(prec) * q.sqrt()

    def sign(self) -> int:
        """The exact sign (rigorous: arb evaluation at increasing precision)."""
        return _rigorous_sign(self)

    def sqrt(self):
        if self.b.is_zero():
            return self.a.sqrt()
        # (x + y sqrt(q))^2 = a + b sqrt(q): x^2 = (a +- sqrt(a^2 - q b^2)) / 2
        disc = self.a * self.a - self.b * self.b * self.qv
        try:
            r = disc.sqrt(self.qv)
        except FieldExtensionError:
            r = None
        if r is not None:
            for cand in ((self.a + r) / 2, (self.a - r) / 2):
                try:
                    x = cand.sqrt(self.qv)
                except FieldExtensionError:
                    continue
                if x.is_zero():
                    continue
                out = Quad(x, self.b / (x * 2), self.qv)
                if out.sign() < 0:
                    out = -out
                return out
        raise FieldExtensionError(f"sqrt({self.to_sympy()}) is not in Q(pi, "
                                  f"sqrt({_q_sympy(self.qv)}))")

    def to_sympy(self) -> sp.Expr:
        return self.a.to_sympy() + self.b.to_sympy() * sp.sqrt(_q_sympy(self.qv))

    def __repr__(self):
        return f"Quad({self.to_sympy()})"


def _q_sympy(q: Any) -> sp.Expr:
    """The radicand of a :class:`Quad` as a sympy expression."""
    return sp.Integer(q) if isinstance(q, int) else q.to_sympy()


def _same_radicand(p: Any, q: Any) -> bool:
    if isinstance(p, int) and isinstance(q, int):
        return p == q
    return (Quad.coerce(p) - Quad.coerce(q)).is_zero()


def coerce_coefficient(x: Any, ext: int | None = None):
    """A coefficient: PiField, or Quad when ``x`` involves ``sqrt(ext)``."""
    if isinstance(x, (PiField, Quad)):
        return x
    if ext is not None and isinstance(x, sp.Basic) and x.has(sp.sqrt(ext)):
        return Quad.from_sympy(x, ext)
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
