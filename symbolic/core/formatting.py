"""Numbers leave relusym as decimal strings at the requested precision.

:func:`decimal` turns an mpmath ``mpf``, a python-flint ``arb`` (its midpoint;
use :func:`interval` for a rigorous enclosure), a sympy number, a Fraction or
an int into a decimal string with ``digits`` significant digits. Floats are
accepted only from the numpy backend and are printed with ``repr`` precision
(17 digits at most), never silently padded.

Intervals leave relusym rounded OUTWARD, in every format: :func:`enclosure` turns an
arb ball, or a pair of exact endpoints (decimal strings, Fractions, ints, mpf), into
decimal strings ``[lo', hi']`` with ``lo' <= lo`` and ``hi' >= hi``, computed exactly
with rationals (never through a float); shortening an enclosure for a table is the
same function with fewer digits. ``nonnegative=True`` intersects with ``[0, oo)``
(for a loss, which is ``>= 0``): a proved enclosure ``[-1e-65, 1e-65]`` of the
global-minimum loss prints as ``[0, 1e-65]``, never as a negative loss.
:func:`loss_decimal` is the matching point value (``0`` when the enclosure or the
rounding noise reaches below 0), :func:`latex_number` / :func:`latex_interval` write
the same strings in LaTeX scientific notation (``1.04\\times10^{-55}``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath

__all__ = ["decimal", "interval", "short", "enclosure", "round_outward", "exact_value",
           "loss_decimal", "latex_number", "latex_interval", "interval_text", "html_table",
           "latex_table", "exact_str"]


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
    if isinstance(x, str):  # a decimal string (e.g. a cached point), re-rounded
        with mpmath.workdps(max(digits, len(x)) + 5):
            return mpmath.nstr(mpmath.mpf(x), digits, strip_zeros=False, min_fixed=-5,
                               max_fixed=digits + 1)
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
    """A rigorous enclosure ``[lo, hi]`` of an arb ball as decimal strings (outward).

    Same as :func:`enclosure` (kept for the callers that use this name)."""
    if type(x).__name__ != "arb":
        raise TypeError("interval() needs an arb ball")
    return enclosure(x, digits)


def exact_value(a: Any) -> Fraction:
    """The exact rational value of an exact number: an exact arb (an endpoint, radius
    0), an mpmath ``mpf`` (a binary float), a decimal string, a Fraction or an int.
    Python floats are refused (their decimal form is not what was meant)."""
    if isinstance(a, bool):
        raise TypeError(f"cannot read {a!r} as an exact number")
    if isinstance(a, (int, Fraction)):
        return Fraction(a)
    if isinstance(a, str):
        try:
            return Fraction(a.strip())
        except ValueError:
            raise ValueError(f"not a decimal number: {a!r}") from None
    if type(a).__name__ == "arb":
        if not a.is_finite():
            raise ValueError("the ball is not finite")
        if not a.rad() == 0:
            raise ValueError("exact_value() needs an exact arb (radius 0)")
        man, exp = a.man_exp()
        man, exp = int(man), int(exp)
        return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2 ** (-exp))
    if hasattr(a, "_mpf_"):
        if not mpmath.isfinite(a):
            raise ValueError(f"not a finite number: {a!r}")
        from symbolic.core.parsing import mpf_fraction

        return mpf_fraction(a)
    raise TypeError(f"cannot read {a!r} as an exact number")


_exact = exact_value  # old private name


def _exponent10(q: Fraction) -> int:
    """``floor(log10 |q|)`` for ``q != 0``, exactly."""
    a = abs(q)
    e = len(str(a.numerator)) - len(str(a.denominator))
    while Fraction(10) ** e > a:
        e -= 1
    while Fraction(10) ** (e + 1) <= a:
        e += 1
    return e


def round_outward(q: Any, digits: int, direction: int) -> str:
    """The exact number ``q`` rounded to ``digits`` significant digits, DOWN (towards
    -oo) when ``direction < 0``, UP (towards +oo) otherwise, as a decimal string.

    The result ``r`` satisfies ``r <= q`` (down) or ``r >= q`` (up) exactly and is
    within one unit of the ``digits``-th digit of ``q``. Fixed notation for exponents
    ``-5 .. digits + 1``, otherwise ``1.04e-55``."""
    if digits < 1:
        raise ValueError("digits must be at least 1")
    q = exact_value(q)
    if q == 0:
        return "0"
    e = _exponent10(q)
    v = q * Fraction(10) ** (digits - 1 - e)
    n = v.numerator // v.denominator if direction < 0 else -((-v.numerator) // v.denominator)
    if abs(n) >= 10**digits:  # rounded up to the next power of ten
        n //= 10
        e += 1
    out = Fraction(n) * Fraction(10) ** (e - digits + 1)
    assert (out <= q) if direction < 0 else (out >= q)
    if n == 0:  # cannot happen (|v| >= 10^(digits-1)), kept for safety
        return "0"
    sign = "-" if n < 0 else ""
    m = str(abs(n)).rstrip("0") or "0"
    if -5 <= e <= digits + 1:
        if e < 0:
            body = "0." + "0" * (-e - 1) + m
        elif len(m) <= e + 1:
            body = m + "0" * (e + 1 - len(m))
        else:
            body = m[: e + 1] + "." + m[e + 1:]
    else:
        body = m[0] + ("." + m[1:] if len(m) > 1 else "") + f"e{e}"
    res = sign + body
    assert Fraction(res) == out
    return res


def enclosure(x: Any, digits: int, *, nonnegative: bool = False) -> list[str]:
    """An enclosure rounded OUTWARD to ``digits`` significant digits: ``[lo', hi']``
    with ``lo' <= lo`` and ``hi' >= hi`` exactly.

    ``x``: an arb ball (its exact endpoints are used, whatever the working precision)
    or a pair ``(lo, hi)`` of exact numbers (decimal strings as written by this
    module, Fractions, ints, mpf): re-shortening an already outward enclosure stays
    outward. ``nonnegative``: the quantity is known to be ``>= 0`` (a loss): the
    enclosure is intersected with ``[0, oo)``; an enclosure entirely below 0 is a
    contradiction and raises ``ValueError``."""
    if type(x).__name__ == "arb":
        import flint

        if not x.is_finite():
            raise ValueError("the ball is not finite (no enclosure)")
        with flint.ctx.workprec(max(flint.ctx.prec, 4096)):
            lo, hi = exact_value(x.lower()), exact_value(x.upper())
    else:
        try:
            a, b = x
        except (TypeError, ValueError):
            raise TypeError(f"enclosure() needs an arb ball or a pair (lo, hi), got "
                            f"{x!r}") from None
        lo, hi = exact_value(a), exact_value(b)
        if lo > hi:
            raise ValueError(f"empty interval [{a}, {b}]")
    if nonnegative:
        if hi < 0:
            raise ValueError(f"the enclosure [{float(lo):.3e}, {float(hi):.3e}] of a "
                             "non-negative quantity lies below 0")
        lo = max(lo, Fraction(0))
    return [round_outward(lo, digits, -1), round_outward(hi, digits, +1)]


def loss_decimal(x: Any, digits: int) -> str:
    """A loss (``>= 0`` by definition) as a decimal string with ``digits`` digits.

    An arb ball prints its midpoint when the ball lies in ``(0, oo)`` and ``"0"``
    when it reaches 0 or below (what the enclosure proves is then ``[0, hi]``: see
    :func:`enclosure` with ``nonnegative``); a value (mpf, ...) below 0 is rounding
    noise about a loss 0 and prints as ``"0"``. Never a negative loss."""
    if type(x).__name__ == "arb":
        if x.is_finite() and not x > 0:
            if x < 0:
                raise ValueError("the enclosure of a non-negative loss lies below 0")
            return "0"
        return decimal(x, digits)
    if isinstance(x, str):
        return "0" if exact_value(x) <= 0 else x
    try:
        if x <= 0:
            return "0"
    except TypeError:
        pass
    return decimal(x, digits)


def latex_number(s: str) -> str:
    """A decimal string (``-1.04e-55``) in LaTeX scientific notation
    (``-1.04\\times10^{-55}``); fixed-notation strings are returned unchanged."""
    s = s.strip()
    if "e" in s.lower():
        mant, exp = s.lower().split("e")
        ex = int(exp)
        return f"{mant}\\times10^{{{ex}}}"
    return s


def latex_interval(lo: str, hi: str) -> str:
    """``[lo, hi]`` (decimal strings) as LaTeX math (without the ``$``)."""
    return f"[{latex_number(lo)},\\ {latex_number(hi)}]"


def interval_text(x: Any, digits: int, *, nonnegative: bool = False) -> str:
    """``"[lo, hi]"``: :func:`enclosure` as one string (Markdown and plain text)."""
    lo, hi = enclosure(x, digits, nonnegative=nonnegative)
    return f"[{lo}, {hi}]"


def short(s: str, n: int) -> str:
    """Shorten a decimal string to at most about ``n`` characters for a table, keeping
    its exponent and rounding to NEAREST (exactly, on the rational value; the old
    truncation rounded towards 0). A point value only: shorten an enclosure with
    :func:`enclosure` (outward). JSON output keeps every digit."""
    if len(s) <= n:
        return s
    try:
        q = Fraction(s.strip())
    except ValueError:
        if "e" in s:
            mant, exp = s.split("e")
            return mant[: max(3, n - len(exp) - 1)] + "e" + exp
        return s[:n]
    if q == 0:
        return "0"
    best = None
    for k in range(max(n, 1), 0, -1):
        lo, hi = round_outward(q, k, -1), round_outward(q, k, +1)
        r = lo if q - Fraction(lo) <= Fraction(hi) - q else hi
        best = r
        if len(r) <= n:
            break
    return best


def html_table(caption: str, header: list[str], rows: list, *, limit: int = 40) -> str:
    """A short HTML table for notebooks (``_repr_html_``): a caption, a header row and
    at most ``limit`` rows (the rest counted in a last line). Cells are escaped."""
    from html import escape

    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows[:limit])
    more = (f"<tr><td colspan='{len(header)}'>... {len(rows) - limit} more rows</td></tr>"
            if len(rows) > limit else "")
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}{more}</tbody></table>")


def latex_table(header: list[str], rows: list, *, limit: int = 40) -> str:
    """A LaTeX ``array`` for notebooks (``_repr_latex_``); cells are decimal strings
    (written with :func:`latex_number`) or LaTeX already. At most ``limit`` rows."""
    def cell(c: Any) -> str:
        t = str(c)
        try:
            Fraction(t)
            return latex_number(t)
        except (ValueError, ZeroDivisionError):
            return t if t.startswith("\\") or t.startswith("[") else \
                "\\text{" + t.replace("_", "\\_") + "}"

    lines = [" & ".join(header) + r" \\ \hline"]
    lines += [" & ".join(cell(c) for c in row) + r" \\" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(rf"\multicolumn{{{len(header)}}}{{c}}{{\dots\ {len(rows) - limit}"
                     r"\text{ more}} \\")
    return "$$\\begin{array}{" + "r" * len(header) + "}\n" + "\n".join(lines) + \
        "\n\\end{array}$$"


def exact_str(q: Any) -> str:
    """An exact rational as a string: an integer, a finite decimal (``10.5``, when the
    denominator has no prime factor but 2 and 5) or ``p/q`` (``31/3``); never rounded."""
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    den, k2, k5 = q.denominator, 0, 0
    while den % 2 == 0:
        den //= 2
        k2 += 1
    while den % 5 == 0:
        den //= 5
        k5 += 1
    if den != 1:
        return f"{q.numerator}/{q.denominator}"
    n = max(k2, k5)
    scaled = abs(q.numerator) * 10**n // q.denominator
    sign = "-" if q < 0 else ""
    digits = str(scaled).rjust(n + 1, "0")
    return f"{sign}{digits[:-n]}.{digits[-n:]}".rstrip("0").rstrip(".")
