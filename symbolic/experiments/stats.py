"""Statistics of experiments: binomial intervals, their outward-rounded text, and the
size checks shared by every census of training runs."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError

__all__ = ["wilson_interval", "interval_text", "check_sizes"]


def wilson_interval(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95 % for the default ``z``)."""
    if n <= 0:
        return (0.0, 1.0)
    ph = count / n
    den = 1 + z * z / n
    c = (ph + z * z / (2 * n)) / den
    h = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
    return (max(0.0, c - h), min(1.0, c + h))


def interval_text(lo: float, hi: float) -> list[str]:
    """``[lo, hi]`` as 4-decimal strings rounded outward (the printed interval contains
    the computed one)."""
    a = math.floor(Fraction(lo) * 10**4)  # exact: lo * 1e4 in floats may round up
    b = math.ceil(Fraction(hi) * 10**4)
    return [_four(a), _four(b)]


def _four(n: int) -> str:
    """``n / 10^4`` as a decimal string with 4 decimals (exact)."""
    sign = "-" if n < 0 else ""
    q, r = divmod(abs(n), 10**4)
    return f"{sign}{q}.{r:04d}"


def check_sizes(k: Any, d: Any, runs: Any) -> None:
    """``k >= d >= 2`` and ``runs >= 1``, integers (a clear error otherwise)."""
    for name, v, lo in (("k", k, 2), ("d", d, 2), ("runs", runs, 1)):
        if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < lo:
            raise RelusymError(f"{name} must be an integer >= {lo}, got {v!r}")
    if k < d:
        raise RelusymError(f"k = {k} < d = {d}: the census needs at least as many neurons as "
                           "targets (the isotropy detection reads the block family)")
