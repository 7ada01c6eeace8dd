r"""The precision policy of relusym: digits of the *answer* in, working precision derived.

A user (CLI ``--digits``, Python ``digits=``) asks for the number of significant
digits of the result. Each algorithm derives its working precision from that and
from ``d`` with one rule, in the spirit of mpmath's ``ctx.prec += ...`` inside an
algorithm (never a caller adding its own offset):

.. math::  \mathrm{working} = \mathrm{digits} + \mathrm{margin}(\mathrm{algorithm})
           + \mathrm{guard}(d), \qquad
           \mathrm{guard}(d) = 10 + 3\,(\lfloor \log_{10} d \rfloor + 1)
           \quad (d > 1;\ 10 \text{ for } d \le 1).

*Why* ``3 log10 d``: the reduced sums over orbits carry terms of size up to
``d^3`` (orbit sizes ``~ d^2`` times kernel values ``~ d``) whose leading digits
cancel in a gradient or Hessian entry of size ``O(1)``; the Gram matrices of the
isotypic blocks have entries ``1 .. d^2``. ``guard(d)`` is computed exactly from
the decimal length of ``floor(d)`` (no float, so no overflow at ``d = 10^100``).

The ``margin`` of an algorithm covers its own error amplification (a Newton
tolerance two digits below the answer, a root in ``d`` of an eigenvalue, a
Krawczyk test that needs a few bits beyond the width of the box); it is listed in
:data:`MARGINS`. An algorithm whose check fails (a Gram matrix not positive
definite in floating point, a Krawczyk test not deciding) raises its precision
with :func:`raised` and says so; every result reports the working precision it
used (``working_digits`` in the Python result and in its JSON document).

The range of ``digits`` is the same everywhere: :data:`MIN_DIGITS` to
:data:`MAX_DIGITS` (:func:`check_digits`). ``dps`` (an older name of the same
thing) is accepted by the Python API as a deprecated alias (:func:`resolve`) and
by the CLI as ``--dps`` with a warning.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symbolic.core.errors import PrecisionError

__all__ = [
    "MIN_DIGITS",
    "MAX_DIGITS",
    "MARGINS",
    "Precision",
    "check_digits",
    "guard_digits",
    "working_digits",
    "working_bits",
    "raised",
    "resolve",
    "mp_context",
    "bits_to_digits",
    "cli_digits",
    "zero_tolerance",
]

#: Smallest and largest number of significant digits a user may ask for.
MIN_DIGITS = 10
MAX_DIGITS = 500

#: Extra digits per algorithm, on top of :func:`guard_digits` (see the module docstring).
MARGINS: dict[str, int] = {
    "loss": 0,         # one evaluation: the guard digits alone
    "newton": 5,       # tolerance 10^-(digits + 2) on residual and step
    "spectrum": 5,     # Cholesky + symmetric eigensolve of an m x m block, m <= 6
    "track": 5,        # Newton corrector along a branch
    "transition": 10,  # root in d of an eigenvalue, itself a function of a Newton solve
    "certify": 10,     # Krawczyk: the box must be wider than the rounding errors
}


def guard_digits(d: Any = None) -> int:
    r"""Guard digits at dimension ``d``: ``10 + 3 (floor(log10 d) + 1)`` for ``d > 1``
    (the decimal length of ``floor(d)``), ``10`` for ``d <= 1``; exact.

    ``d=None`` (generic, symbolic ``d``) counts as ``d = 1``.
    """
    if d is None:
        return 10
    dd = abs(_exact_d(d))
    if dd <= 1:
        return 10
    q = dd.numerator // dd.denominator  # floor(d) >= 1
    n = len(str(q))  # floor(log10 d) + 1 >= ceil(log10 d)
    return 10 + 3 * n


def _exact_d(d: Any) -> Fraction:
    if isinstance(d, (int, Fraction)):
        return Fraction(d)
    from symbolic.core.parsing import parse_number

    return Fraction(parse_number(d, "d"))


def check_digits(digits: Any, what: str = "digits") -> int:
    """A requested number of significant digits as an int in ``[MIN_DIGITS, MAX_DIGITS]``,
    or a :class:`~symbolic.core.errors.PrecisionError` naming the range."""
    if isinstance(digits, bool):
        raise PrecisionError(f"{what} = {digits!r} is not a number")
    if isinstance(digits, str):
        from symbolic.core.errors import RelusymError
        from symbolic.core.parsing import parse_number

        try:
            digits = parse_number(digits, what)
        except RelusymError as exc:
            raise PrecisionError(str(exc)) from None
    if isinstance(digits, Fraction) and digits.denominator == 1:
        digits = int(digits)
    if not isinstance(digits, int):
        raise PrecisionError(f"{what} = {digits!r} must be an integer (significant digits)")
    if digits < MIN_DIGITS:
        raise PrecisionError(f"{what} = {digits}: must be at least {MIN_DIGITS} "
                             f"(and at most {MAX_DIGITS}) significant digits")
    if digits > MAX_DIGITS:
        raise PrecisionError(f"{what} = {digits}: must be at most {MAX_DIGITS} "
                             f"(and at least {MIN_DIGITS}) significant digits")
    return digits


def working_digits(digits: int, d: Any = None, algorithm: str = "newton") -> int:
    """Decimal working precision of ``algorithm`` for ``digits`` correct digits at ``d``."""
    if algorithm not in MARGINS:
        raise KeyError(f"no precision margin for algorithm {algorithm!r}; add it to MARGINS")
    return int(digits) + MARGINS[algorithm] + guard_digits(d)


def working_bits(digits: int, d: Any = None, algorithm: str = "certify") -> int:
    """The same working precision in bits (for arb): ``ceil(working * log2 10) + 8``."""
    return math.ceil(working_digits(digits, d, algorithm) * math.log2(10)) + 8


def bits_to_digits(bits: int) -> int:
    """Decimal digits held by ``bits`` bits (rounded down)."""
    return int(bits * math.log10(2))


def raised(working: int) -> int:
    """The next working precision after a failed check: one and a half times, plus 10."""
    return int(working) * 3 // 2 + 10


def resolve(digits: Any = None, dps: Any = None, *, default: int = 30,
            what: str = "digits") -> int:
    """``digits`` (preferred) or its deprecated alias ``dps``, checked; ``default`` if
    neither. Both given and different is an error."""
    if dps is not None:
        dps = check_digits(dps, "dps")
        if digits is not None and check_digits(digits, what) != dps:
            raise PrecisionError(f"dps = {dps} and {what} = {digits} disagree: give {what}")
        return dps
    return check_digits(default if digits is None else digits, what)


def mp_context(working: int):
    """A private :class:`mpmath.MPContext` at ``working`` decimal digits."""
    import mpmath

    mp = mpmath.MPContext()
    mp.dps = int(working)
    return mp


@dataclass(frozen=True)
class Precision:
    """What an algorithm used: the requested ``digits`` and its ``working`` digits."""

    digits: int
    working: int
    algorithm: str = "newton"

    @classmethod
    def for_(cls, digits: Any, d: Any = None, algorithm: str = "newton") -> Precision:
        digits = check_digits(digits)
        return cls(digits, working_digits(digits, d, algorithm), algorithm)

    def raised(self) -> Precision:
        return Precision(self.digits, raised(self.working), self.algorithm)

    def to_json(self) -> dict:
        return {"digits": self.digits, "working_digits": self.working}


def zero_tolerance(values: list, d: Any, digits: int, be: Any) -> Any:
    """The threshold below which a Hessian eigenvalue counts as zero: ``10^(-3 digits/4)``
    times ``max(1, max |lambda| / max(1, d))`` (mpmath) or ``1e-9`` times that scale
    (numpy). The largest eigenvalues grow like ``d`` while the working precision keeps
    ``digits`` digits of the ``O(1)`` ones (:mod:`symbolic.core.precision`), so the scale is
    ``max|lambda| / d``. One rule for the spectrum, the census and the Morse index on
    Fix(H) along a branch (:func:`symbolic.numerics.track.fix_index`)."""
    from symbolic.core.backends import MpmathBackend

    scale = max([abs(v) for v in values] + [1])
    if isinstance(be, MpmathBackend):
        dmp = be.number(_exact_d(d))
        scale = max(be.mp.mpf(1), scale / max(1, dmp))
        return scale * be.mp.mpf(10) ** (-(3 * digits) // 4)
    return max(1.0, float(scale) / max(1.0, float(_exact_d(d)))) * 1e-9


def cli_digits(args: Any, default: int = 20) -> int:
    """``--digits`` of a parsed command line, or its deprecated alias ``--dps`` (with a
    warning on stderr), checked by :func:`check_digits`."""
    digits = getattr(args, "digits", None)
    if digits is not None:
        digits = check_digits(digits, "--digits")
    dps = getattr(args, "dps", None)
    if dps is not None:
        dps = check_digits(dps, "--dps")
        print("relusym: warning: --dps is deprecated, use --digits", file=sys.stderr)
        if digits is not None and digits != dps:
            raise PrecisionError(f"--dps {dps} and --digits {digits} disagree: give --digits")
        digits = dps
    return default if digits is None else digits

