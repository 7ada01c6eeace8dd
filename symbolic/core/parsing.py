"""Parsing of user numbers at the public boundary: exact, restricted, never ``eval``.

Every public entry point (CLI and Python API) turns user-supplied numbers into
exact Python numbers here, once: ``int`` or :class:`fractions.Fraction` for
decimals and rationals (``"10.5"``, ``"1e8"``, ``"-3/7"``). Strings are matched
against a decimal/rational grammar and never handed to ``sympify`` or ``eval``;
``nan``, ``inf`` and anything else are rejected with a :class:`RelusymError`
naming the offending input. Numbers that are already numeric (``int``,
``Fraction``, ``float``, ``mpmath.mpf``, sympy ``Rational``/``Integer``/``Float``)
are converted exactly (a float keeps its binary value); non-finite ones are
rejected.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from symbolic.core.errors import RelusymError

__all__ = ["parse_number", "parse_params", "parse_int", "mpf_fraction", "parse_d", "MAX_D"]

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_RATIONAL = re.compile(r"[+-]?\d+\s*/\s*\d+")
#: Decimal exponents beyond this are refused (an exact Fraction of 10**10**6 is a hang).
_MAX_EXPONENT = 10_000


def _exact(value: Fraction) -> int | Fraction:
    return int(value) if value.denominator == 1 else value


def mpf_fraction(x: Any) -> Fraction:
    """The exact value of a finite mpmath ``mpf`` (of any context) as a Fraction: sign,
    mantissa and exponent read from ``x._mpf_`` (``mpf.man_exp`` drops the sign, and
    ``mpmath.mpf(x)`` would round to the global context's 53 bits)."""
    sign, man, exp, _ = x._mpf_
    if not man:
        return Fraction(0)
    q = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -q if sign else q


def parse_number(value: Any, what: str = "number") -> int | Fraction:
    """An exact rational from user input; ``what`` names it in the error message.

    >>> parse_number("10.5"), parse_number("1e8"), parse_number("-3/7")
    (Fraction(21, 2), 100000000, Fraction(-3, 7))
    """
    if isinstance(value, bool):
        raise RelusymError(f"{what} = {value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return _exact(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RelusymError(f"{what} = {value!r} is not a finite number")
        return _exact(Fraction(value))
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.fullmatch(text):
            m = re.search(r"[eE]([+-]?\d+)$", text)
            if m and abs(int(m.group(1))) > _MAX_EXPONENT:
                raise RelusymError(f"{what} = {value!r}: exponent out of range")
            return _exact(Fraction(text))
        if _RATIONAL.fullmatch(text):
            num, den = (int(t) for t in text.split("/"))
            if den == 0:
                raise RelusymError(f"{what} = {value!r}: division by zero")
            return _exact(Fraction(num, den))
        raise RelusymError(f"{what} = {value!r} is not a number "
                           "(expected an integer, a decimal such as 0.25 or 1e-3, or p/q)")
    # mpmath mpf / sympy numbers, without importing them eagerly
    mod = type(value).__module__ or ""
    if mod.startswith("mpmath"):
        import mpmath

        if not mpmath.isfinite(value) or getattr(value, "imag", 0):
            raise RelusymError(f"{what} = {value!r} is not a finite real number")
        return _exact(mpf_fraction(value))
    if mod.startswith("sympy"):
        import sympy as sp

        if isinstance(value, sp.Rational):
            return _exact(Fraction(int(value.p), int(value.q)))
        if isinstance(value, sp.Float) and value.is_finite:
            return parse_number(value._to_mpmath(value._prec), what)
        raise RelusymError(f"{what} = {value!r} is not a number (symbolic expressions "
                           "are not accepted here)")
    if mod.startswith("numpy"):
        import numpy as np

        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return parse_number(float(value), what)
    raise RelusymError(f"{what} = {value!r} is not a number")


def parse_int(value: Any, what: str, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]`` from user input, or a clear error."""
    x = parse_number(value, what)
    if not isinstance(x, int):
        raise RelusymError(f"{what} = {value!r} must be an integer")
    if minimum is not None and x < minimum:
        raise RelusymError(f"{what} = {value!r} must be at least {minimum}")
    if maximum is not None and x > maximum:
        raise RelusymError(f"{what} = {value!r} must be at most {maximum}")
    return x


def parse_params(text: str | dict, names: list[str] | None = None) -> dict[str, int | Fraction]:
    """``"D1=1,O1=-0.5"`` (or a dict) as ``{name: exact number}``.

    With ``names`` given, unknown and missing names are errors.
    """
    if isinstance(text, dict):
        items = list(text.items())
    else:
        if not isinstance(text, str) or not text.strip():
            raise RelusymError("parameters: expected NAME=VALUE pairs, e.g. D1=1,O1=0")
        items = []
        for part in text.split(","):
            if "=" not in part:
                raise RelusymError(f"parameters: {part.strip()!r} is not NAME=VALUE")
            k, v = part.split("=", 1)
            items.append((k.strip(), v.strip()))
    out: dict[str, int | Fraction] = {}
    for k, v in items:
        if not isinstance(k, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", k):
            raise RelusymError(f"parameters: {k!r} is not a parameter name")
        if k in out:
            raise RelusymError(f"parameters: {k} given twice")
        out[k] = parse_number(v, k)
    if names is not None:
        unknown = [k for k in out if k not in names]
        missing = [n for n in names if n not in out]
        if unknown:
            raise RelusymError(f"parameters: unknown name(s) {', '.join(unknown)}; "
                               f"this fixed space has {', '.join(names)}")
        if missing:
            raise RelusymError(f"parameters: missing {', '.join(missing)} "
                               f"(this fixed space has {', '.join(names)})")
    return out


#: Largest supported dimension (d^2 stays far inside the float64 range).
MAX_D = 10**100


def parse_d(value: Any) -> int | Fraction:
    """Parse a dimension: an integer, a decimal (``10.5``) or ``1e8``; returned exactly.

    >>> parse_d("10.5"), parse_d("1e8"), parse_d(12)
    (Fraction(21, 2), 100000000, 12)
    """
    from symbolic.core.errors import IsotropyError

    if isinstance(value, bool):
        raise IsotropyError(f"d = {value!r} is not a number")
    if isinstance(value, int):
        out: int | Fraction = value
    elif isinstance(value, Fraction):
        out = value
    else:
        try:  # exact, restricted grammar: no nan/inf, no huge exponents, no eval
            out = parse_number(value.strip() if isinstance(value, str) else value, "d")
        except RelusymError as exc:
            raise IsotropyError(str(exc)) from None
    if isinstance(out, Fraction) and out.denominator == 1:
        out = int(out)
    if out <= 0:
        raise IsotropyError(f"d = {value!r} must be positive")
    if out > MAX_D:
        raise IsotropyError(f"d = {value!r} is too large: relusym supports d up to 1e100 "
                            "(orbit sizes ~ d^2 must stay within float64 for the search)")
    return out
