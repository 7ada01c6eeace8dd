r"""The compiled form of a Hessian spectrum: a spectrum plan, evaluated without sympy.

Source: DESIGN.md section 3 and :mod:`symbolic.spectra.spectrum` (the method). On the
isotypic component of an irreducible ``V`` occurring ``m`` times the Hessian acts as
the pencil ``B u = lambda G u`` of size ``m``, each eigenvalue of multiplicity
``dim V``; ``B`` is the reduced Hessian of a finer fixed space along the copies'
directions, ``G_ab = sum_p theta_a[p] theta_b[p] |orbit_p|`` their Gram matrix.

A plan holds, per irreducible: its label, its dimension (a polynomial in ``d``), the
block's reduced system in stored form
(:meth:`symbolic.systems.reduced_numeric.NumericReducedSystem.to_plan`: pair types, count
polynomials, argument map), the copies present and the Gram data (orbit-size
polynomials and directions); and the fixed space's layout (:mod:`symbolic.symmetry.layout`)
and zero-row groups. Everything is exact (rationals as strings) and JSON.

The plan of the *generic* decomposition is valid at every ``d`` where
:meth:`~symbolic.symmetry.layout.SpaceLayout.generic_at` holds; it is built once with sympy
(:func:`symbolic.spectra.spectrum_build.build_plan_data`) and stored in the disk cache
(:mod:`symbolic.core.cache`, keyed by the label and the sources that define it), so a
later process evaluates spectra with no sympy import and no symbolic work. At a small
``d`` (a block of size 1, 2 or 3 written with ``d``) the plan of that ``d`` is built
(memory cache only). Every numeric spectrum of the package goes through
:meth:`SpectrumPlan.spectrum` / :meth:`SpectrumPlan.blocks`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from symbolic.core.backends import (
    ArbBackend,
    Backend,
    MpmathBackend,
    NumpyBackend,
    generalized_eigenvalues,
    get_backend,
    mpf_from_arb,
)
from symbolic.core.errors import NonDifferentiableError, PrecisionError
from symbolic.core.formatting import decimal
from symbolic.core.parsing import parse_d, parse_number
from symbolic.core.precision import guard_digits, raised, resolve, working_digits, zero_tolerance
from symbolic.symmetry.layout import SpaceLayout
from symbolic.systems.reduced_numeric import NumericReducedSystem

__all__ = ["IrrepInfo", "IrrepBlock", "Eigenvalue", "Spectrum", "SpectrumPlan",
           "plan_for", "generic_plan", "spectrum", "PLAN_SOURCES"]

#: The modules whose source defines a plan (its disk-cache key includes their hash).
PLAN_SOURCES = ("symbolic.spectra.spectrum_plan", "symbolic.spectra.spectrum_build",
                "symbolic.symmetry.isotypic",
                "symbolic.systems.reduced", "symbolic.systems.reduced_numeric",
                "symbolic.symmetry.groups",
                "symbolic.symmetry.layout")


@dataclass(frozen=True)
class IrrepInfo:
    """An irreducible as a plan records it: label and dimension polynomial (text)."""

    label: str
    dim_expr: str


@dataclass
class IrrepBlock:
    """The Hessian block of one irreducible: ``B u = lambda G u``, each eigenvalue
    of multiplicity ``dim``."""

    irrep: IrrepInfo
    dim: Any  # int, or Fraction at fractional d
    B: Any    # m x m Hessian block (numpy object array of backend numbers, or float array)
    G: Any    # m x m Gram matrix of the representatives (same type)


@dataclass
class Eigenvalue:
    """One eigenvalue of the Hessian with its multiplicity (the irreducible's dimension)."""

    value: Any               # mpf (or float with the numpy backend)
    multiplicity: Any        # int, or an exact Fraction at fractional d
    multiplicity_expr: str   # the dimension as a polynomial in d, e.g. "d - 2"
    irrep: str


@dataclass
class Spectrum:
    """The Hessian spectrum at a point, sorted by value.

    ``index``: number of negative eigenvalues counted with multiplicity; ``None``
    when the spectrum is ``degenerate`` (some eigenvalue is zero within ``tol``).
    ``digits``: significant digits of every eigenvalue (they are rounded to it);
    ``working_digits``: the precision the blocks were evaluated and solved at.
    """

    eigenvalues: list[Eigenvalue]
    index: Any
    degenerate: bool
    tol: Any = None
    digits: int = 0
    working_digits: int = 0
    isotropy: str = ""
    d: Any = None

    def to_json(self, digits: int | None = None) -> list[dict]:
        """``[{"value": "<decimal>", "multiplicity": int | str, "irrep": label}, ...]``."""
        n = digits or self.digits or 20
        return [{"value": decimal(e.value, n), "multiplicity": _count(e.multiplicity),
                 "multiplicity_expr": str(e.multiplicity_expr), "irrep": e.irrep}
                for e in self.eigenvalues]

    def values(self) -> list:
        """Every eigenvalue repeated by its multiplicity (integer ``d`` only; small ``d``)."""
        return [e.value for e in self.eigenvalues for _ in range(int(e.multiplicity))]

    def _rows(self, digits: int) -> list[tuple[str, str, str, str]]:
        return [(decimal(e.value, digits), str(e.multiplicity), e.irrep,
                 str(e.multiplicity_expr)) for e in self.eigenvalues]

    def _summary(self) -> str:
        idx = "degenerate" if self.index is None else f"index {self.index}"
        return (f"Hessian spectrum of Fix({self.isotropy}) at d = {self.d}: "
                f"{len(self.eigenvalues)} distinct eigenvalues, {idx}")

    def _repr_html_(self) -> str:
        from symbolic.core.formatting import html_table

        return html_table(self._summary(), ["eigenvalue", "multiplicity", "irrep", "dim"],
                          self._rows(min(self.digits or 20, 20)))

    def _repr_latex_(self) -> str:
        from symbolic.core.formatting import latex_table

        return latex_table(["\\lambda", "\\text{mult.}", "\\text{irrep}"],
                           [r[:3] for r in self._rows(min(self.digits or 20, 16))])


def _count(m: Any) -> int | str:
    """A multiplicity for JSON: an int, or ``"p/q"`` at fractional ``d``."""
    if isinstance(m, int) or (isinstance(m, Fraction) and m.denominator == 1):
        return int(m)
    return str(m)


def _horner(coeffs: list[Fraction], d: int | Fraction) -> Fraction:
    out = Fraction(0)
    for c in coeffs:
        out = out * d + c
    return out


class _IrrepPlan:
    """One irreducible of a plan (see the module docstring)."""

    def __init__(self, data: dict):
        F = Fraction
        self.info = IrrepInfo(str(data["label"]), str(data["dim_expr"]))
        self.dim = [F(c) for c in data["dim"]]
        self.system = NumericReducedSystem.from_plan(data["system"])
        self.n = len(data["system"]["directions"])
        self.idx = [int(i) for i in data["copies"]]
        self.orbits = [[F(c) for c in p] for p in data["orbits"]]
        self.gram_dirs = [[F(x) for x in row] for row in data["gram_directions"]]

    def dim_at(self, d: int | Fraction) -> int | Fraction:
        v = _horner(self.dim, d)
        return int(v) if v.denominator == 1 else v

    @lru_cache(maxsize=32)  # noqa: B019 - a handful of d values per plan
    def gram_at(self, d: int | Fraction) -> list[list[Fraction]]:
        """``G_ab = sum_p theta_a[p] theta_b[p] |orbit_p|`` exactly at ``d``."""
        orb = [_horner(o, d) for o in self.orbits]
        X = self.gram_dirs
        return [[sum((x * y * o for x, y, o in zip(X[i], X[j], orb, strict=True)),
                     Fraction(0)) for j in range(len(X))] for i in range(len(X))]


class SpectrumPlan:
    """A fixed space's spectrum computation as exact JSON data (module docstring).

    ``d``: None for the generic plan, else the ``d`` it was built for."""

    def __init__(self, data: dict):
        self.data = data
        self.layout = SpaceLayout.from_json(data["layout"])
        self.d = None if data["d"] is None else parse_d(data["d"])
        self.zero_rows = [(str(msg), list(names)) for msg, names in data["zero_rows"]]
        self.irreps = [_IrrepPlan(x) for x in data["irreps"]]

    @property
    def label(self) -> str:
        return self.layout.label

    def applies_at(self, d: int | Fraction) -> bool:
        return self.layout.generic_at(d) if self.d is None else d == self.d

    # --------------------------------------------------------------- blocks
    def values_list(self, values: Any) -> list:
        """The point's values in parameter order, checked (no nan/inf, no expressions)."""
        vals = self.layout.values_list(values)
        for v, name in zip(vals, self.layout.names, strict=True):
            if isinstance(v, (str, int, float, Fraction)) or \
                    (type(v).__module__ or "").startswith("mpmath"):
                parse_number(v, name)
        return vals

    def require_nonzero_rows(self, vals: list) -> None:
        """A zero row of ``W`` makes the loss non-differentiable (DESIGN.md section 1)."""
        zero = {n: _is_zero(v) for n, v in zip(self.layout.names, vals, strict=True)}
        for msg, names in self.zero_rows:
            if all(zero[n] for n in names):
                raise NonDifferentiableError(f"{msg} ({', '.join(names)} = 0): the loss is "
                                             "not differentiable there")

    def blocks(self, values: Any, d: int | Fraction, be: Backend, *,
               only: str | None = None) -> list[IrrepBlock]:
        """``(B, G)`` of every irreducible (or of the one labelled ``only``) at a point, in
        ``be``'s numbers (arb balls: rigorous enclosures; ``G`` is exact)."""
        vals = self.values_list(values)
        self.require_nonzero_rows(vals)
        flt = isinstance(be, NumpyBackend)
        out = []
        with be.context():
            for irr in self.irreps:
                if only is not None and irr.info.label != only:
                    continue
                B = np.asarray(irr.system.hessian(vals, d, backend=be),
                               dtype=float if flt else object).reshape(irr.n, irr.n)
                G = np.array([[be.number(g) for g in row] for row in irr.gram_at(d)],
                             dtype=float if flt else object)
                out.append(IrrepBlock(irr.info, irr.dim_at(d), B[np.ix_(irr.idx, irr.idx)],
                                      G))
        return out

    # ------------------------------------------------------------- spectrum
    def spectrum(self, values: Any, d: int | Fraction, *, digits: int,
                 backend: str = "mpmath", tol: Any = None) -> Spectrum:
        """Every distinct eigenvalue with multiplicity (:func:`symbolic.spectra.spectrum.spectrum`
        documents the precision rule; ``d`` is exact and already checked)."""
        numpy = getattr(backend, "name", backend) == "numpy"
        if numpy and guard_digits(d) > 10 + 3 * 4:
            raise PrecisionError(
                f"d = {d}: the numpy backend (float64, 16 digits) loses about 3 log10 d "
                "digits to cancellation and is limited to d < 10^4 here; use "
                "backend='mpmath'")
        work = working_digits(digits, d, "spectrum")
        for attempt in range(2):
            be = get_backend(backend, dps=work)
            try:
                eig = self._eigenvalues(values, d, be, digits)
                break
            except PrecisionError:
                if numpy or attempt:
                    raise
                work = raised(work)
        eig.sort(key=lambda e: e.value)
        if tol is None:
            tol = zero_tolerance([e.value for e in eig], d, digits, be)
        degenerate = any(abs(e.value) <= tol for e in eig)
        index = None if degenerate else sum(e.multiplicity for e in eig if e.value < 0)
        if isinstance(be, MpmathBackend):
            out = MpmathBackend(digits + 5)
            for e in eig:  # round to the requested digits (a decimal of `digits` digits)
                e.value = out.number(be.mp.nstr(e.value, digits, strip_zeros=False))
        return Spectrum(eig, index, degenerate, tol, digits, 16 if numpy else work,
                        self.label, d)

    def _eigenvalues(self, values: Any, d, be: Backend, digits: int) -> list[Eigenvalue]:
        """The eigenvalues of every block. With mpmath the blocks are *evaluated* in arb
        balls at the same working precision (python-flint: about 6 x faster than
        pure-Python mpmath) and their exact midpoints solved in ``be``'s context; a ball
        wider than ``10^-(digits + 2)`` of the block's scale means the working precision
        did not suffice (PrecisionError: the caller raises it)."""
        if isinstance(be, MpmathBackend):
            import flint

            bits = math.ceil(be.dps * math.log2(10)) + 8
            with flint.ctx.workprec(bits):
                blocks = self.blocks(values, d, ArbBackend(prec=bits))
                for blk in blocks:
                    entries = list(np.ravel(blk.B))
                    scale = max([abs(e.mid()) for e in entries] + [flint.arb(1)])
                    if any(not e.is_finite() or e.rad() > scale * flint.arb(10) ** -(digits + 2)
                           for e in entries):
                        raise PrecisionError(f"Hessian block {blk.irrep.label}: enclosure "
                                             f"wider than 10^-{digits + 2} at {be.dps} digits")
                    blk.B = np.array([[mpf_from_arb(x, be.mp) for x in row] for row in blk.B],
                                     dtype=object)
                    blk.G = np.array([[mpf_from_arb(x, be.mp) for x in row] for row in blk.G],
                                     dtype=object)
        else:
            blocks = self.blocks(values, d, be)
        return [Eigenvalue(lam, blk.dim, blk.irrep.dim_expr, blk.irrep.label)
                for blk in blocks for lam in generalized_eigenvalues(blk.B, blk.G, backend=be)]


def _is_zero(v: Any) -> bool:
    try:
        return bool(v == 0) if not isinstance(v, str) else Fraction(v) == 0
    except (TypeError, ValueError):
        return False


@lru_cache(maxsize=256)
def _plan(label: str, d: int | Fraction | None) -> SpectrumPlan:
    from symbolic.core.cache import read_entry, source_fingerprint, write_entry

    key = json.dumps([source_fingerprint(*PLAN_SOURCES), label, None if d is None
                      else str(d)])
    data = read_entry("spectrum-plan", key) if d is None else None
    if data is not None:
        try:
            return SpectrumPlan(data)
        except (KeyError, TypeError, ValueError):  # a foreign or torn entry: rebuild
            pass
    from symbolic.spectra.spectrum_build import build_plan_data

    data = build_plan_data(label, d)
    plan = SpectrumPlan(json.loads(json.dumps(data)))  # exactly what a reader gets
    if d is None:
        write_entry("spectrum-plan", key, data)
    return plan


def generic_plan(label: str) -> SpectrumPlan:
    """The plan of the generic decomposition of ``Fix(label)`` (memory, disk, built)."""
    return _plan(label, None)


def plan_for(label: str, d: int | Fraction) -> SpectrumPlan:
    """The plan of the fixed space ``label`` valid at ``d`` (exact, checked by the
    caller): the generic plan (memory, then disk, then built) when the decomposition at
    ``d`` is generic, else the plan of this ``d`` (built, memory cache)."""
    plan = _plan(label, None)
    plan.layout.check_d(d)
    return plan if plan.applies_at(d) else _plan(label, d)


def spectrum(space: Any, values: Any, d: Any, *, digits: int | None = None,
             dps: int | None = None, backend: str = "mpmath", tol: Any = None) -> Spectrum:
    """Every distinct Hessian eigenvalue with its multiplicity and irreducible.

    ``digits`` (default 50; ``dps`` is a deprecated alias): significant digits of each
    eigenvalue. The blocks are evaluated and solved at
    :func:`symbolic.core.precision.working_digits` ``(digits, d, "spectrum")`` (``digits +
    5 + 10 + 3 log10 d``: Hessian entries are sums of terms up to ``d^3`` that cancel),
    raised once when a Gram matrix is not positive definite at that precision; the
    eigenvalues are then *rounded* to ``digits`` significant digits (mpmath).

    ``tol``: an eigenvalue with ``|lambda| <= tol`` counts as zero (the spectrum is
    then degenerate and ``index`` is None). Default: ``10^(-3 digits / 4)`` times
    ``max(1, max |lambda| / max(1, d))`` (mpmath), ``1e-9`` times that scale (numpy):
    the largest eigenvalues grow like ``d`` (the trivial and ``std`` blocks).
    """
    digits = resolve(digits, dps, default=50)
    dd = parse_d(d)
    label = space if isinstance(space, str) else space.label
    return plan_for(label, dd).spectrum(values, dd, digits=digits, backend=backend, tol=tol)
