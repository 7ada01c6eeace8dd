"""Arithmetic backends: one small interface, four implementations.

The formulas of relusym (:mod:`symbolic.loss.kernel`) are written once against this
interface, in the spirit of mpmath's contexts: a backend supplies numbers,
``pi``, a square root of a quantity known to be nonnegative, the angle between
two vectors from their Gram data, and the *vanishing quotient* that carries the
parallel-row limit of the Hessian.

=========  ==========================================  =============================
backend    numbers                                     use
=========  ==========================================  =============================
sympy      exact expressions (``pi``, radicals)        derivation, series, LaTeX
mpmath     ``mpf`` in a private context (``dps``)      high precision
arb        python-flint balls (``prec`` bits)          rigorous enclosures
numpy      float64 arrays                              speed
=========  ==========================================  =============================

Precision is held by the backend object, never by a global that leaks: mpmath
numbers live in a private :class:`mpmath.MPContext`; arb evaluation runs inside
``backend.context()`` (``flint.ctx.workprec``), which restores the caller's
precision afterwards.

The vanishing quotient. Near parallel rows the Hessian of the kernel contains
``N / sqrt(G)`` where ``G = |w|^2|u|^2 - (w.u)^2`` (the Gram determinant) and the
quotient obeys ``|N / sqrt(G)| <= bound`` with a bound that itself tends to 0
as ``G -> 0`` (the loss is twice differentiable there, DESIGN.md section 1).
Each backend implements this limit: exactly (0 when ``G = 0``), or, for arb, by
the rigorous enclosure ``[-bound, bound]`` when the ball of ``G`` contains 0.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.core.parsing import parse_number

__all__ = [
    "Backend",
    "SympyBackend",
    "MpmathBackend",
    "ArbBackend",
    "NumpyBackend",
    "get_backend",
    "arb_from_mpf",
    "to_arb",
    "mpf_from_arb",
    "symmetric_eigen",
    "generalized_eigenvalues",
]


def _elementwise(f):
    """Apply a scalar function elementwise to numpy object arrays, else directly."""

    def wrapper(self, *args):
        if any(isinstance(a, np.ndarray) for a in args):
            return np.vectorize(lambda *xs: f(self, *xs), otypes=[object])(*args)
        return f(self, *args)

    wrapper.__doc__ = f.__doc__
    wrapper.__name__ = f.__name__
    return wrapper


class Backend:
    """Interface of an arithmetic backend (see the module docstring)."""

    name: str = "abstract"
    exact: bool = False
    rigorous: bool = False
    #: whether ``vq`` uses its ``bound`` (only interval backends need it)
    needs_bound: bool = False

    def context(self):
        """A context manager inside which this backend's arithmetic is valid."""
        return contextlib.nullcontext()

    def number(self, x: Any):  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def pi(self):  # pragma: no cover - interface
        raise NotImplementedError

    def sqrt(self, x):  # pragma: no cover - interface
        """Square root of ``max(x, 0)`` (x is known to be mathematically >= 0)."""
        raise NotImplementedError

    def angle(self, S, C, A, B):  # pragma: no cover - interface
        """Angle ``t in [0, pi]`` between w and u, with ``|w|^2 = A``, ``|u|^2 = B``,
        ``w.u = C`` and ``S = sqrt(A B - C^2)``."""
        raise NotImplementedError

    def vq(self, num, G, bound):  # pragma: no cover - interface
        """``num / sqrt(G)``, given ``|num / sqrt(G)| <= bound``; 0 in the limit ``G -> 0``."""
        raise NotImplementedError

    def to_str(self, x, digits: int) -> str:  # pragma: no cover - interface
        """A decimal string of ``x`` with ``digits`` significant digits."""
        raise NotImplementedError


class SympyBackend(Backend):
    """Exact symbolic arithmetic with sympy (``pi``, radicals and ``acos`` kept exact)."""

    name = "sympy"
    exact = True

    def __init__(self):
        import sympy

        self.sp = sympy

    def number(self, x):
        """An exact sympy number. Strings go through :func:`parse_number` (never
        ``sympify``: a user string must not be evaluated)."""
        sp = self.sp
        if isinstance(x, sp.Basic):
            return x
        if isinstance(x, bool):
            raise RelusymError(f"{x!r} is not a number")
        if isinstance(x, int):
            return sp.Integer(x)
        if isinstance(x, float):
            if not np.isfinite(x):
                raise RelusymError(f"{x!r} is not a finite number")
            return sp.Float(x)
        q = parse_number(x, "value")
        if isinstance(q, Fraction):
            return sp.Rational(q.numerator, q.denominator)
        return sp.Integer(q)

    @property
    def pi(self):
        return self.sp.pi

    @_elementwise
    def sqrt(self, x):
        return self.sp.sqrt(x)

    @_elementwise
    def angle(self, S, C, A, B):
        if S == 0:
            # Parallel (C > 0) or antiparallel (C < 0) pair: the angle is 0 or pi.
            return self.sp.pi if self.sp.sympify(C).is_negative else self.sp.S.Zero
        return self.sp.acos(C / self.sp.sqrt(A * B))

    @_elementwise
    def vq(self, num, G, bound):
        if G == 0 or num == 0:
            return self.sp.S.Zero
        return num / self.sp.sqrt(G)

    def to_str(self, x, digits):
        return str(self.sp.N(x, digits))


class MpmathBackend(Backend):
    """Arbitrary precision with a private :class:`mpmath.MPContext` of ``dps`` digits."""

    name = "mpmath"

    def __init__(self, dps: int = 50):
        self.mp = mpmath.MPContext()
        self.mp.dps = int(dps)
        self.dps = int(dps)

    def number(self, x):
        mp = self.mp
        if type(x) is int:
            return mp.mpf(x)
        if isinstance(x, Fraction):
            return mp.mpf(x.numerator) / x.denominator
        if isinstance(x, (np.floating, np.integer)):
            x = x.item()
        if hasattr(x, "_mpf_"):
            return mp.mpf(x)
        if isinstance(x, str):  # exact parse: no 'nan', 'inf' or expressions
            q = Fraction(parse_number(x, "value"))
            return mp.mpf(q.numerator) / q.denominator
        if isinstance(x, (int, float)):
            return mp.mpf(x)
        # sympy numbers and anything with an evalf
        try:
            import sympy

            if isinstance(x, sympy.Basic):
                return mp.mpf(str(sympy.N(x, self.dps + 10)))
        except ImportError:  # pragma: no cover
            pass
        return mp.mpf(x)

    @property
    def pi(self):
        return self.mp.pi

    @_elementwise
    def sqrt(self, x):
        return self.mp.sqrt(x) if x > 0 else self.mp.zero

    @_elementwise
    def angle(self, S, C, A, B):
        return self.mp.atan2(S, C)

    def vq(self, num, G, bound):
        if not isinstance(G, np.ndarray):  # one pair: a scalar G, num may be an array
            if G <= 0:
                return num * 0 if isinstance(num, np.ndarray) else self.mp.zero
            return num * (1 / self.mp.sqrt(G))
        return self._vq_elementwise(num, G, bound)

    @_elementwise
    def _vq_elementwise(self, num, G, bound):
        if G <= 0:
            return self.mp.zero
        return num / self.mp.sqrt(G)

    def to_str(self, x, digits):
        return self.mp.nstr(x, digits, strip_zeros=False)


class ArbBackend(Backend):
    """Rigorous ball arithmetic with python-flint ``arb`` at ``prec`` bits."""

    name = "arb"
    rigorous = True
    needs_bound = True

    def __init__(self, prec: int | None = None, dps: int | None = None):
        import flint

        self.flint = flint
        if prec is None:
            prec = int((dps or 50) * 3.33) + 16
        self.prec = int(prec)

    def context(self):
        return self.flint.ctx.workprec(self.prec)

    def number(self, x):
        """An arb ball of ``x``: :func:`to_arb` (the one conversion to arb)."""
        return to_arb(x)

    @property
    def pi(self):
        return self.flint.arb.pi()

    @_elementwise
    def sqrt(self, x):
        return x.nonnegative_part().sqrt()

    @_elementwise
    def angle(self, S, C, A, B):
        arb = self.flint.arb
        if C < 0:
            # Near antiparallel pairs S's ball touches 0 and atan2(S, C) would straddle
            # its branch cut at the negative axis (a ball of width 2 pi); S >= 0, so
            # t = pi - atan2(S, -C) is the same angle, evaluated where atan2 is analytic.
            return arb.pi() - arb.atan2(S, -C)
        return arb.atan2(S, C)

    def vq(self, num, G, bound):
        if not isinstance(G, np.ndarray) and G > 0:  # one pair, G proved positive
            return num * (1 / G.sqrt())
        return self._vq_elementwise(num, G, bound)

    @_elementwise
    def _vq_elementwise(self, num, G, bound):
        arb = self.flint.arb
        if G > 0:
            return num / G.sqrt()
        # G's ball touches 0: the caller's bound encloses the quotient.
        return arb(0, abs(bound).abs_upper())

    def to_str(self, x, digits):
        return x.str(digits, radius=False)


class NumpyBackend(Backend):
    """float64, vectorised over numpy arrays."""

    name = "numpy"

    def number(self, x):
        if isinstance(x, Fraction):
            return x.numerator / x.denominator
        if isinstance(x, str):
            q = Fraction(parse_number(x, "value"))
            return q.numerator / q.denominator
        return float(x)

    @property
    def pi(self):
        return np.pi

    def sqrt(self, x):
        return np.sqrt(np.maximum(x, 0.0))

    def angle(self, S, C, A, B):
        return np.arctan2(S, C)

    def vq(self, num, G, bound):
        G = np.asarray(G, dtype=float)
        pos = G > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            q = num / np.sqrt(np.where(pos, G, 1.0))
        out = np.where(pos, q, 0.0)
        return out if out.ndim else float(out)

    def to_str(self, x, digits):
        return repr(float(x))


def arb_from_mpf(x):
    """The exact binary value of an mpmath number as an arb (sign and every bit kept,
    whatever the precision of the context the number came from)."""
    from flint import arb

    sign, man, exp, _ = x._mpf_
    if not man:
        return arb(0)
    man = -int(man) if sign else int(man)
    two = arb(2)
    return arb(man) * two ** int(exp) if exp >= 0 else arb(man) / two ** int(-exp)


def to_arb(x: Any):
    """The one conversion of a number to a python-flint ``arb``.

    Balls pass through; ints, floats (their binary value) and mpmath numbers (every
    bit, :func:`arb_from_mpf`) convert exactly; a Fraction, a sympy Rational or a
    decimal string (parsed exactly by :func:`symbolic.core.parsing.parse_number`) becomes
    the ball of the rational at the current arb precision (exact when dyadic)."""
    import flint

    if isinstance(x, flint.arb):
        return x
    if isinstance(x, bool):
        raise TypeError(f"cannot convert {x!r} to an arb ball")
    if isinstance(x, (np.floating, np.integer)):
        x = x.item()
    if isinstance(x, (int, float)):
        if isinstance(x, float) and not np.isfinite(x):
            raise RelusymError(f"{x!r} is not a finite number")
        return flint.arb(x)
    if hasattr(x, "_mpf_"):
        return arb_from_mpf(x)
    if isinstance(x, str):
        x = parse_number(x, "value")
        if isinstance(x, int):
            return flint.arb(x)
    if isinstance(x, Fraction):
        return flint.arb(flint.fmpq(x.numerator, x.denominator))
    try:
        import sympy

        if isinstance(x, sympy.Rational):
            return flint.arb(flint.fmpq(int(x.p), int(x.q)))
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"cannot convert {x!r} to an arb ball")


def mpf_from_arb(x, mp=None):
    """The exact midpoint of an arb ball as an mpf of the context ``mp`` (rounded to
    its precision; mpmath's global context when None), without a decimal string."""
    import mpmath

    mp = mp or mpmath.mp
    man, exp = x.mid().man_exp()
    return mp.ldexp(mp.mpf(int(man)), int(exp))


def digits_bits(dps: int) -> int:
    """Bits for arb at ``dps`` decimal digits: ``ceil(dps log2 10) + 8`` (the rule of
    :func:`symbolic.core.precision.working_bits`, for a precision already chosen)."""
    import math

    return math.ceil(dps * math.log2(10)) + 8


def arb_midpoints(entries: Any, mp: Any, rel: Any) -> list | None:
    """The exact midpoints (mpf of ``mp``) of arb balls evaluated at the working
    precision, when every ball is finite and no wider than ``rel`` times the scale
    ``max(1, max |mid|)``; None otherwise (the caller then evaluates in mpmath or raises
    its precision). The one "evaluate in arb, solve in mpmath" conversion: arb
    evaluation of the reduced functions is 10-20 x faster than pure-Python mpmath."""
    import flint

    flat = list(np.ravel(np.asarray(entries, dtype=object)))
    if any(not x.is_finite() for x in flat):
        return None
    scale = max([abs(x.mid()) for x in flat] + [flint.arb(1)])
    if any(x.rad() > scale * flint.arb(rel) for x in flat):
        return None
    return [mpf_from_arb(x, mp) for x in flat]


# ------------------------------------------------------------------ linear algebra
def _precision_error(msg: str):
    from symbolic.core.errors import PrecisionError

    return PrecisionError(msg)


def _mp_matrix(mp, A: Any):
    """A square matrix (nested lists, numpy object array, mpmath matrix) in ``mp``."""
    n = len(A)
    return mp.matrix([[mp.mpf(A[i][j]) for j in range(n)] for i in range(n)])


def symmetric_eigen(A: Any, *, backend: Backend, vectors: bool = False):
    """Eigenvalues (ascending) of a symmetric matrix, and with ``vectors`` the matrix of
    eigenvectors (columns): numpy ``eigh`` in float64; with mpmath the eigenvalues by
    python-flint's approximate solver at the context's precision, the eigenvectors by
    ``eigsy`` in the backend's private context. The one symmetric eigen-solve of the package (the
    generalized pencils here, the enclosures of :mod:`symbolic.spectra.certify`, the full
    Hessian of ``relusym evaluate``, the Morse index on Fix(H) in :mod:`symbolic.numerics.track`).
    """
    if isinstance(backend, NumpyBackend):
        Af = np.asarray(A, dtype=float)
        Af = (Af + Af.T) / 2
        if vectors:
            return np.linalg.eigh(Af)
        return np.linalg.eigvalsh(Af)
    if not isinstance(backend, MpmathBackend):
        raise RelusymError("symmetric_eigen: use an mpmath or numpy backend (for arb, "
                           "enclose the eigenvalues with symbolic.spectra.certify)")
    mp = backend.mp
    n = len(A)
    M = _mp_matrix(mp, A)
    M = (M + M.T) / 2
    if vectors:
        E, Q = mp.eigsy(M)
        order = sorted(range(n), key=lambda k: E[k])
        vals = [E[k] for k in order]
        return vals, mp.matrix([[Q[i, k] for k in order] for i in range(n)])
    return _approx_eigenvalues(mp, M)


def _approx_eigenvalues(mp, M) -> list:
    """Eigenvalues (ascending, real parts) of a matrix with real spectrum, by
    python-flint's approximate QR eigen-solver at the precision of ``mp`` (no error
    bounds, as mpmath's; 30-40 x faster than ``mp.eigsy`` at 17 x 17, 60 digits).
    tests/test_backends.py checks it against ``mp.eigsy`` and closed forms."""
    import flint

    n = M.rows
    with flint.ctx.workprec(digits_bits(mp.dps)):
        A = flint.acb_mat([[arb_from_mpf(M[i, j]) for j in range(n)] for i in range(n)])
        ev = A.eig(algorithm="approx")
        return sorted(mpf_from_arb(e.real, mp) for e in ev)


def generalized_eigenvalues(B: Any, G: Any, *, backend: str | Backend = "mpmath",
                            dps: int = 50) -> list:
    """Eigenvalues of ``B u = lambda G u`` (``B`` symmetric, ``G`` positive definite),
    ascending: float64 Cholesky ``G = L L^T`` and ``eigvalsh`` of ``L^{-1} B L^{-T}``, or
    (mpmath) the approximate eigenvalues of ``G^{-1} B`` by python-flint at the context's
    precision. ``dps``: working digits when ``backend`` is a name.
    A Gram matrix not positive definite at this precision raises PrecisionError (the
    caller raises its working precision: :func:`symbolic.core.precision.raised`)."""
    be = get_backend(backend, dps=dps)
    if isinstance(be, NumpyBackend):
        Bf, Gf = np.asarray(B, dtype=float), np.asarray(G, dtype=float)
        if not (np.all(np.isfinite(Bf)) and np.all(np.isfinite(Gf))):
            raise _precision_error("the Hessian block overflows float64 at this d: use "
                                   "the mpmath backend")
        try:
            L = np.linalg.cholesky(Gf)
        except np.linalg.LinAlgError:
            raise _precision_error("the Gram matrix is numerically singular in float64 "
                                   "at this d: use the mpmath backend") from None
        Li = np.linalg.inv(L)
        return sorted(symmetric_eigen(Li @ Bf @ Li.T, backend=be).tolist())
    if not isinstance(be, MpmathBackend):
        raise RelusymError("generalized_eigenvalues: use backend 'mpmath' or 'numpy' "
                           "(for arb, enclose the eigenvalues of the blocks separately)")
    mp = be.mp
    n = len(B)
    Bm, Gm = _mp_matrix(mp, B), _mp_matrix(mp, G)
    if n == 1:
        return [Bm[0, 0] / Gm[0, 0]]
    import flint

    # G^-1 B (similar to the symmetric L^-1 B L^-T: real spectrum) by flint's
    # approximate solve, then its approximate eigenvalues, at the context's precision
    with flint.ctx.workprec(digits_bits(mp.dps)):
        Ga = flint.arb_mat([[arb_from_mpf(Gm[i, j]) for j in range(n)] for i in range(n)])
        Ba = flint.arb_mat([[arb_from_mpf(Bm[i, j]) for j in range(n)] for i in range(n)])
        try:
            C = Ga.solve(Ba, algorithm="approx")
        except ZeroDivisionError:
            raise _precision_error(f"the Gram matrix is numerically singular at {mp.dps} "
                                   "digits: raise the working precision") from None
        Cm = mp.matrix([[mpf_from_arb(C[i, j], mp) for j in range(n)] for i in range(n)])
    return _approx_eigenvalues(mp, Cm)


def get_backend(name: str | Backend, *, dps: int = 50, prec: int | None = None) -> Backend:
    """Return a backend by name: ``"sympy"``, ``"mpmath"``, ``"arb"`` or ``"numpy"``."""
    if isinstance(name, Backend):
        return name
    if name == "sympy":
        return SympyBackend()
    if name == "mpmath":
        return MpmathBackend(dps)
    if name == "arb":
        return ArbBackend(prec=prec, dps=dps)
    if name == "numpy":
        return NumpyBackend()
    from symbolic.core.errors import RelusymError

    raise RelusymError(f"unknown backend {name!r}: use sympy, mpmath, arb or numpy")
