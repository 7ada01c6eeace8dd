"""Numbers leave relusym as decimal strings at the requested precision.

:func:`decimal` turns an mpmath ``mpf``, a python-flint ``arb`` (its midpoint;
use :func:`interval` for a rigorous enclosure), a sympy number, a Fraction or
an int into a decimal string with ``digits`` significant digits. Floats are
accepted only from the numpy backend and are printed with ``repr`` precision
(17 digits at most), never silently padded.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath

__all__ = ["decimal", "interval", "short"]


def decimal(x: Any, digits: int) -> str:
    """``x`` as a decimal string with ``digits`` significant digits."""
    if type(x).__name__ == "arb":
        import flint

        with flint.ctx.workprec(max(flint.ctx.prec, int(digits * 3.33) + 16)):
            return x.mid().str(digits, radius=False)
    if hasattr(x, "_mpf_"):
        with mpmath.workdps(digits + 5):
            return mpmath.nstr(mpmath.mpf(x), digits, strip_zeros=False, min_fixed=-5,
                               max_fixed=digits + 1)
    if isinstance(x, (int, Fraction)):
        with mpmath.workdps(digits + 5):
            v = mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) \
                else mpmath.mpf(x)
            return mpmath.nstr(v, digits, strip_zeros=False, min_fixed=-5, max_fixed=digits + 1)
    if isinstance(x, float):
        return repr(x)
    try:
        import sympy

        if isinstance(x, sympy.Basic):
            return str(sympy.N(x, digits))
    except ImportError:  # pragma: no cover
        pass
    if hasattr(x, "item"):  # numpy scalar
        return repr(float(x))
    raise TypeError(f"cannot format {x!r} as a decimal")


def interval(x: Any, digits: int) -> list[str]:
    """A rigorous enclosure ``[lo, hi]`` of an arb ball as decimal strings (outward)."""
    if type(x).__name__ != "arb":
        raise TypeError("interval() needs an arb ball")
    import flint

    # endpoints exactly, whatever the caller's working precision
    with flint.ctx.workprec(max(flint.ctx.prec, 4096)):
        lo, hi = x.lower(), x.upper()
    return [_outward(lo, digits, -1), _outward(hi, digits, +1)]


def _exact(a) -> Fraction:
    """The exact rational value of an exact arb (an endpoint)."""
    man, exp = a.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def _outward(a, digits: int, direction: int) -> str:
    """The endpoint ``a`` rounded outward (down if direction < 0) to ``digits`` digits."""
    q = _exact(a)
    if q == 0:
        return "0"
    e = len(str(abs(q.numerator) // abs(q.denominator))) - 1 if abs(q) >= 1 else \
        -len(str(abs(q.denominator) // abs(q.numerator)))
    scale = Fraction(10) ** (digits - 1 - e)
    v = q * scale
    n = (v.numerator // v.denominator) if direction < 0 else -((-v.numerator) // v.denominator)
    out = Fraction(n) / scale
    assert (out <= q) if direction < 0 else (out >= q)
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(mpmath.mpf(out.numerator) / out.denominator, digits + 2,
                           strip_zeros=True, min_fixed=-5, max_fixed=digits + 3)


def short(s: str, n: int) -> str:
    """Shorten a decimal string to about ``n`` characters for a table, keeping its
    exponent (JSON output keeps every digit)."""
    if len(s) <= n:
        return s
    if "e" in s:
        mant, exp = s.split("e")
        return mant[: max(3, n - len(exp) - 1)] + "e" + exp
    return s[:n]
