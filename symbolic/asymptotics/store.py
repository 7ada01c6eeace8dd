"""Conversions of exact series: the disk cache (keys tied to the source of the series
modules), the JSON form of series and of their coefficients, numeric values
(:func:`to_mpf`, :func:`evaluate_truncated`)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
from flint import fmpq

from symbolic.systems.puiseux import (
    PiField,
    Quad,
    Series,
)

# ------------------------------------------------------------------ disk cache
#: the modules whose source determines a series (cache invalidation)
_SERIES_SOURCES = ("symbolic.asymptotics.series", "symbolic.asymptotics.profile",
                   "symbolic.asymptotics.eigen", "symbolic.asymptotics.store",
                   "symbolic.asymptotics.specs", "symbolic.systems.puiseux",
                   "symbolic.systems.pifield",
                   "symbolic.systems.reduced_series",
                   "symbolic.systems.reduced", "symbolic.symmetry.groups",
                   "symbolic.symmetry.isotypic",
                   "symbolic.spectra.spectrum", "symbolic.catalogue.families")


def _cache_key(key: list) -> str:
    import json

    from symbolic.core.cache import source_fingerprint

    return json.dumps([key, source_fingerprint(*_SERIES_SOURCES)], sort_keys=True,
                      default=str)


def _cache_get(key: list) -> Any:
    """The cached JSON value for ``key`` (None: missing, disabled, foreign or corrupt):
    :func:`symbolic.core.cache.read_entry`; strings and integers only, never evaluated."""
    from symbolic.core.cache import read_entry

    return read_entry("series", _cache_key(key))


def _cache_put(key: list, value: Any) -> None:
    """Store ``value`` (JSON) atomically: :func:`symbolic.core.cache.write_entry`."""
    from symbolic.core.cache import write_entry

    write_entry("series", _cache_key(key), value)


def _coef_to_json(c: Any) -> Any:
    """An exact coefficient as strings: ``[num coeffs, den coeffs]`` or, in Q(pi)(sqrt q),
    ``{"q": q, "a": ..., "b": ...}``."""
    if isinstance(c, Quad):
        q = c.qv if isinstance(c.qv, int) else _coef_to_json(c.qv)
        return {"q": q, "a": _coef_to_json(c.a), "b": _coef_to_json(c.b)}
    r = c.reduced()
    return [[str(x) for x in r.num.coeffs()], [str(x) for x in r.den.coeffs()]]


def _coef_from_json(j: Any) -> Any:
    from flint import fmpq_poly

    from symbolic.core.parsing import parse_number

    if isinstance(j, dict):
        q = int(j["q"]) if isinstance(j["q"], (int, str)) else _coef_from_json(j["q"])
        return Quad(_coef_from_json(j["a"]), _coef_from_json(j["b"]), q)

    def poly(cs):
        out = []
        for x in cs:
            v = Fraction(parse_number(x, "cached coefficient"))
            out.append(fmpq(v.numerator, v.denominator))
        return fmpq_poly(out)

    num, den = poly(j[0]), poly(j[1])
    return PiField(num, den, True) if not num.is_zero() else PiField(0)


def _series_to_json(t: Series) -> dict:
    return {"v": t.v, "prec": None if t.prec == math.inf else int(t.prec),
            "c": [_coef_to_json(c) for c in t.c]}


def _series_from_json(j: dict) -> Series:
    prec = math.inf if j["prec"] is None else int(j["prec"])
    return Series._make(int(j["v"]), [_coef_from_json(c) for c in j["c"]], prec)


# ------------------------------------------------------------ numeric values
def to_mpf(c: Any, mp: Any = None):
    """The value of an element of Q(pi) (or Q(pi)(sqrt q)) in an mpmath context."""
    mp = mp or mpmath.mp
    if isinstance(c, Quad):
        q = c.qv if isinstance(c.qv, int) else to_mpf(c.qv, mp)
        return to_mpf(c.a, mp) + to_mpf(c.b, mp) * mp.sqrt(q)

    def ev(poly):
        tot = mp.zero
        for a in reversed(poly.coeffs()):
            tot = tot * mp.pi + mp.mpf(int(a.p)) / int(a.q)
        return tot

    return ev(c.num) / ev(c.den)


def evaluate_truncated(s: Series, eps_value: Any, n: int, dps: int = 50):
    """``sum_{k < n} c_k eps^k`` (absolute orders) at a numeric ``eps`` (mpmath)."""
    mp = mpmath.MPContext()
    mp.dps = dps
    e = mp.mpf(eps_value)
    tot = mp.zero
    for i, c in enumerate(s.c):
        k = s.v + i
        if k >= n:
            break
        tot += to_mpf(c, mp) * e**k
    return tot
