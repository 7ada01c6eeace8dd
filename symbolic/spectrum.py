r"""Hessian spectrum through the isotypic decomposition: O(1) in d.

Source: DESIGN.md section 3. At a point ``W`` of ``Fix(H)`` the Hessian commutes
with ``H``; on the isotypic component of an irreducible ``V`` occurring ``m``
times it acts as an ``m x m`` matrix, each eigenvalue repeated ``dim V`` times.

Method. Take the copies ``X_1, ..., X_m`` of the same abstract vector of ``V``
(:func:`symbolic.isotypic.representatives`). Each ``X_alpha`` and ``W`` lie in
the fixed space of the finer group ``H'`` fixing the marked indices, where
``W = W(theta)`` is linear, so

.. math::  B_{\alpha\beta} = \langle X_\alpha, \nabla^2 L(W)\, X_\beta\rangle
           = \theta_\alpha^T\, \nabla^2 \ell_{H'}(\theta_W)\, \theta_\beta ,

the reduced Hessian of ``Fix(H')`` along the directions ``theta_alpha`` (the
coordinates of ``X_alpha``), evaluated at the embedding of ``W``'s parameters:
:class:`~symbolic.reduced.ReducedSystem` with ``directions``/``substitution``.
With the Gram matrix ``G_{alpha beta} = <X_alpha, X_beta> = sum_p
theta_alpha[p] theta_beta[p] |orbit_p|`` and ``Hess X_beta = sum_alpha X_alpha
M_{alpha beta}`` we get ``B = G M``: the eigenvalues on the component solve
``B u = lambda G u``. Every entry is a closed form in the parameters and ``d``;
nothing loops over ``d``.

Blocks are built once per (space, irreducible) and cached (~0.1-1 s each);
evaluation then costs the same at ``d = 10`` and ``d = 10^6``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from symbolic.backends import (
    ArbBackend,
    Backend,
    MpmathBackend,
    NumpyBackend,
    generalized_eigenvalues,
    get_backend,
    mpf_from_arb,
    symmetric_eigen,
)
from symbolic.errors import IsotropyError, NonDifferentiableError, PrecisionError
from symbolic.formatting import decimal
from symbolic.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy, poly_at
from symbolic.isotypic import (
    Irrep,
    Representatives,
    copy_indices,
    isotypic_decomposition,
    representatives,
)
from symbolic.parsing import parse_number
from symbolic.precision import guard_digits, raised, resolve, working_digits, zero_tolerance
from symbolic.reduced import ReducedSystem

__all__ = [
    "Irrep",
    "IrrepBlock",
    "Eigenvalue",
    "Spectrum",
    "isotypic_decomposition",
    "isotypic_blocks",
    "block_system",
    "generalized_eigenvalues",
    "symmetric_eigen",
    "group_eigenvalues",
    "zero_tolerance",
    "block_pencil",
    "spectrum",
    "block_exprs",
    "exact_blocks",
    "exact_spectrum",
    "global_minimum_spectrum",
    "guard_digits",
]

# re-exported: the eigen-solve lives with the arithmetic (symbolic.backends), the zero
# threshold with the precision policy (symbolic.precision)
_ = (guard_digits, symmetric_eigen, generalized_eigenvalues, zero_tolerance)


_NUMPY = NumpyBackend


def _BlockSystem(*args, **kwargs) -> ReducedSystem:
    """A reduced system on a refined space, evaluated at the coarse space's ``d``.

    The refined space's remainder blocks may be empty or of size 1 at small ``d``
    (e.g. ``d - 4`` at ``d = 4``): their orbits have size 0 and drop out of every
    sum, so the refined space's own size check (meant for user input) is skipped;
    validity of ``d`` is checked on the coarse space.
    """
    return ReducedSystem(*args, check_d=False, **kwargs)


@dataclass
class IrrepBlock:
    """The Hessian block of one irreducible: ``B u = lambda G u``, each eigenvalue
    of multiplicity ``dim``."""

    irrep: Irrep
    dim: Any  # int, or Fraction at fractional d
    B: Any    # m x m Hessian block (numpy object array of backend numbers, or float array)
    G: Any    # m x m Gram matrix of the representatives (same type)


@lru_cache(maxsize=512)
def _block_system(space: FixedSpace, label: str) -> tuple[ReducedSystem, Representatives]:
    reps = representatives(space, label)
    if reps.embedding is None:
        rs: ReducedSystem = _BlockSystem(space)
    else:
        rs = _BlockSystem(reps.fine, directions=reps.directions,
                          substitution=reps.embedding, arguments=space.symbols)
    return rs, reps


def block_system(space: FixedSpace | str, irrep: Irrep | str
                 ) -> tuple[ReducedSystem, Representatives]:
    """The (cached) reduced system whose Hessian along the generic representatives is
    the block ``B`` of ``irrep``, and the representatives. ``rs.hessian_exprs`` is
    ``B`` as a sympy matrix in the coarse parameters and ``d``; ``reps.gram_expr()``
    is ``G``. At a small ``d`` take the submatrices :func:`copy_indices`."""
    space = parse_isotropy(space)
    label = irrep.label if isinstance(irrep, Irrep) else str(irrep)
    return _block_system(space, label)


@lru_cache(maxsize=512)
def numeric_block_system(space: FixedSpace, label: str):
    """The block's reduced Hessian evaluated numerically from the pair types
    (:class:`symbolic.reduced_numeric.NumericReducedSystem`: no sympy expansion, cost
    growing with the number of pair types), for every numeric backend. The same
    block as :func:`block_system` (tests/test_spectrum.py compares the two)."""
    from symbolic.reduced_numeric import NumericReducedSystem

    reps = representatives(space, label)
    if reps.embedding is None:
        return NumericReducedSystem(space, check_d=False), reps
    return NumericReducedSystem(reps.fine, directions=reps.directions,
                                substitution=reps.embedding, arguments=space.symbols,
                                check_d=False), reps


@lru_cache(maxsize=256)
def _plan(space: FixedSpace, d: int | Fraction) -> list:
    """Per irreducible at this ``d``: (irrep, reduced system, copy indices, dim, exact Gram)."""
    out = []
    for irr in isotypic_decomposition(space, d):
        rs, gen = numeric_block_system(space, irr.label)
        idx = copy_indices(space, irr, d)
        reps = representatives(space, irr, d)
        out.append((irr, rs, len(gen.directions), idx, irr.dim_at(d), _exact_gram(reps, d)))
    return out


def _exact_gram(reps: Representatives, d: int | Fraction) -> list[list[Fraction]]:
    """``G_ab = sum_p theta_a[p] theta_b[p] |orbit_p|`` exactly at ``d``."""
    orb = [Fraction(poly_at(o, d)) for o in reps.orbit_sizes]
    n = len(reps.directions)
    return [[sum((Fraction(x * y) * o for x, y, o in zip(
        reps.directions[i], reps.directions[j], orb, strict=True)), Fraction(0))
        for j in range(n)] for i in range(n)]


def _gram(be: Backend, G: list) -> Any:
    """The exact Gram matrix in the backend's numbers (exact balls for arb)."""
    return np.array([[be.number(g) for g in row] for row in G],
                    dtype=float if isinstance(be, _NUMPY) else object)


def block_pencil(space: FixedSpace | str, irrep: Irrep | str, values: Any, d: Any, *,
                 backend: Backend) -> IrrepBlock:
    """The pencil ``(B, G)`` of one irreducible at a point, in the *generic*
    decomposition (valid at real, fractional ``d``: the transition in ``d`` solves
    ``lambda_min(B, G) = 0`` with it). ``d``: exact (int, Fraction, string) or an mpf,
    converted exactly."""
    space = parse_isotropy(space)
    label = irrep.label if isinstance(irrep, Irrep) else str(irrep)
    dd = parse_d(d)
    rs, reps = numeric_block_system(space, label)
    n = len(reps.directions)
    B = np.asarray(rs.hessian(space.values_list(values), dd, backend=backend),
                   dtype=float if isinstance(backend, _NUMPY) else object).reshape(n, n)
    irr = next(i for i in isotypic_decomposition(space) if i.label == label)
    return IrrepBlock(irr, irr.dim_at(dd), B, _gram(backend, _exact_gram(reps, dd)))


def isotypic_blocks(space: FixedSpace | str, values: Any, d: Any, *,
                    backend: str | Backend = "mpmath", dps: int = 50) -> list[IrrepBlock]:
    """The Hessian blocks ``B`` and Gram matrices ``G`` of every irreducible at a point.

    ``values``: the point's parameters in ``space.params`` order or a dict by name
    (mpf, arb balls, floats, strings, ...). ``d``: int, Fraction or decimal string.
    Works with every backend; with ``"arb"`` and ball values the blocks are rigorous
    enclosures (``G`` is exact).
    """
    space = parse_isotropy(space)
    dd = parse_d(d)
    space.check_d(dd)
    be = get_backend(backend, dps=dps)
    vals = space.values_list(values)
    for v, name in zip(vals, space.names, strict=True):
        if isinstance(v, (str, int, float, Fraction)) or \
                (type(v).__module__ or "").startswith("mpmath"):
            parse_number(v, name)  # no nan/inf, no expressions
    _require_nonzero_rows(space, vals, dd)
    out = []
    with be.context():
        for irr, rs, n, idx, dim, G in _plan(space, dd):
            B = np.asarray(rs.hessian(vals, dd, backend=be),
                           dtype=float if isinstance(be, _NUMPY) else object).reshape(n, n)
            out.append(IrrepBlock(irr, dim, B[np.ix_(idx, idx)], _gram(be, G)))
    return out


def _is_zero(v: Any) -> bool:
    try:
        return bool(v == 0) if not isinstance(v, str) else Fraction(v) == 0
    except (TypeError, ValueError):
        return False


def _require_nonzero_rows(space: FixedSpace, vals: list, d: int | Fraction) -> None:
    """A zero row of ``W`` makes the loss non-differentiable (DESIGN.md section 1)."""
    ps, _ = space.sizes(d)
    zero = {q.name: _is_zero(v) for q, v in zip(space.params, vals, strict=True)}
    for a in range(1, space.r + 1):
        names = [q.name for q in space.params if q.kind in "DOP" and q.row == a
                 and not (q.kind == "O" and ps[a - 1] < 2)]
        if all(zero[n] for n in names):
            raise NonDifferentiableError(
                f"the rows of block {a} of W are zero ({', '.join(names)} = 0): the loss "
                "is not differentiable there")
    for e in range(1, len(space.extra) + 1):
        names = [q.name for q in space.params if q.kind == "R" and q.row == e]
        if all(zero[n] for n in names):
            raise NonDifferentiableError(
                f"the rows of row-only block E{e} of W are zero: the loss is not "
                "differentiable there")


def group_eigenvalues(values: list, tol: Any) -> list[list]:
    """``[[value, count], ...]``: sorted eigenvalues of a full matrix grouped into
    multiplicities (consecutive values within ``tol * max(1, |v|)``)."""
    out: list[list] = []
    for v in sorted(values):
        if out and abs(v - out[-1][0]) <= tol * max(1, abs(v)):
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return out


@dataclass
class Eigenvalue:
    """One eigenvalue of the Hessian with its multiplicity (the irreducible's dimension)."""

    value: Any               # mpf (or float with the numpy backend)
    multiplicity: Any        # int, or an exact Fraction at fractional d
    multiplicity_expr: sp.Expr
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
        out = []
        for e in self.eigenvalues:
            out.append({
                "value": decimal(e.value, n),
                "multiplicity": _count(e.multiplicity),
                "multiplicity_expr": str(e.multiplicity_expr),
                "irrep": e.irrep,
            })
        return out

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
        from symbolic.formatting import html_table

        return html_table(self._summary(), ["eigenvalue", "multiplicity", "irrep", "dim"],
                          self._rows(min(self.digits or 20, 20)))

    def _repr_latex_(self) -> str:
        from symbolic.formatting import latex_table

        return latex_table(["\\lambda", "\\text{mult.}", "\\text{irrep}"],
                           [r[:3] for r in self._rows(min(self.digits or 20, 16))])


def _count(m: Any) -> int | str:
    """A multiplicity for JSON: an int, or ``"p/q"`` at fractional ``d``."""
    if isinstance(m, int) or (isinstance(m, Fraction) and m.denominator == 1):
        return int(m)
    return str(m)


def spectrum(space: FixedSpace | str, values: Any, d: Any, *, digits: int | None = None,
             dps: int | None = None, backend: str = "mpmath", tol: Any = None) -> Spectrum:
    """Every distinct Hessian eigenvalue with its multiplicity and irreducible.

    ``digits`` (default 50; ``dps`` is a deprecated alias): significant digits of each
    eigenvalue. The blocks are evaluated and solved at
    :func:`symbolic.precision.working_digits` ``(digits, d, "spectrum")`` (``digits +
    5 + 10 + 3 log10 d``: Hessian entries are sums of terms up to ``d^3`` that cancel),
    raised once when a Gram matrix is not positive definite at that precision; the
    eigenvalues are then *rounded* to ``digits`` significant digits (mpmath).

    ``tol``: an eigenvalue with ``|lambda| <= tol`` counts as zero (the spectrum is
    then degenerate and ``index`` is None). Default: ``10^(-3 digits / 4)`` times
    ``max(1, max |lambda| / max(1, d))`` (mpmath), ``1e-9`` times that scale (numpy):
    the largest eigenvalues grow like ``d`` (the trivial and ``std`` blocks).
    """
    digits = resolve(digits, dps, default=50)
    space = parse_isotropy(space)
    dd = parse_d(d)
    numpy = getattr(backend, "name", backend) == "numpy"
    if numpy and guard_digits(dd) > 10 + 3 * 4:
        raise PrecisionError(
            f"d = {d}: the numpy backend (float64, 16 digits) loses about 3 log10 d digits "
            "to cancellation and is limited to d < 10^4 here; use backend='mpmath'")
    work = working_digits(digits, dd, "spectrum")
    for attempt in range(2):
        be = get_backend(backend, dps=work)
        try:
            eig = _eigenvalues(space, values, dd, be, digits)
            break
        except PrecisionError:
            if numpy or attempt:
                raise
            work = raised(work)
    eig.sort(key=lambda e: e.value)
    if tol is None:
        tol = zero_tolerance([e.value for e in eig], dd, digits, be)
    degenerate = any(abs(e.value) <= tol for e in eig)
    index = None if degenerate else sum(e.multiplicity for e in eig if e.value < 0)
    if isinstance(be, MpmathBackend):
        out = MpmathBackend(digits + 5)
        for e in eig:  # round to the requested digits (a decimal of `digits` digits)
            e.value = out.number(be.mp.nstr(e.value, digits, strip_zeros=False))
    return Spectrum(eig, index, degenerate, tol, digits, 16 if numpy else work,
                    space.label, dd)


def _eigenvalues(space: FixedSpace, values: Any, dd, be: Backend,
                 digits: int) -> list[Eigenvalue]:
    """The eigenvalues of every block. With mpmath the blocks are *evaluated* in arb
    balls at the same working precision (python-flint: about 6 x faster than
    pure-Python mpmath) and their exact midpoints solved in ``be``'s context; a ball
    wider than ``10^-(digits + 2)`` of the block's scale means the working precision
    did not suffice (PrecisionError: the caller raises it)."""
    eig: list[Eigenvalue] = []
    if isinstance(be, MpmathBackend):
        import flint

        bits = math.ceil(be.dps * math.log2(10)) + 8
        with flint.ctx.workprec(bits):
            blocks = isotypic_blocks(space, values, dd, backend=ArbBackend(prec=bits))
            for blk in blocks:
                entries = list(np.ravel(blk.B))
                scale = max([abs(e.mid()) for e in entries] + [flint.arb(1)])
                if any(not e.is_finite() or e.rad() > scale * flint.arb(10) ** -(digits + 2)
                       for e in entries):
                    raise PrecisionError(f"Hessian block {blk.irrep.label}: enclosure wider "
                                         f"than 10^-{digits + 2} at {be.dps} digits")
                blk.B = np.array([[mpf_from_arb(x, be.mp) for x in row] for row in blk.B],
                                 dtype=object)
                blk.G = np.array([[mpf_from_arb(x, be.mp) for x in row] for row in blk.G],
                                 dtype=object)
    else:
        blocks = isotypic_blocks(space, values, dd, backend=be)
    for blk in blocks:
        for lam in generalized_eigenvalues(blk.B, blk.G, backend=be):
            eig.append(Eigenvalue(lam, blk.dim, blk.irrep.dim_expr, blk.irrep.label))
    return eig


# ------------------------------------------------------------------ exact (sympy)
def block_exprs(space: FixedSpace | str, irrep: Irrep | str) -> tuple[sp.Matrix, sp.Matrix]:
    """The block ``B`` (sympy, exact in ``pi``, roots and ``acos``; symbolic in the
    parameters of ``space`` and ``d``) and the Gram matrix ``G`` (polynomials in ``d``)
    of ``irrep`` at generic ``d``. For a 1 x 1 block the eigenvalue is ``B/G``.

    At points with parallel rows these expressions contain removable ``0/0``: use
    :func:`exact_blocks` (values substituted first) or the numeric backends there.
    """
    rs, reps = block_system(space, irrep)
    return rs.hessian_exprs, reps.gram_expr()


def _exact_value(v: Any, name: str) -> sp.Expr:
    """A user value as an exact sympy number: sympy numbers/expressions free of
    symbols are kept; everything else goes through :func:`parse_number` (strings are
    never sympified)."""
    if isinstance(v, sp.Basic) and not isinstance(v, sp.Float):
        if v.free_symbols or not v.is_number:
            raise IsotropyError(f"{name} = {v!r}: a number is required")
        if v.is_finite is False or v.has(sp.nan, sp.zoo):
            raise IsotropyError(f"{name} = {v!r} is not a finite number")
        return v
    x = parse_number(v, name)
    return sp.Rational(x.numerator, x.denominator) if isinstance(x, Fraction) else sp.Integer(x)


def exact_blocks(space: FixedSpace | str, values: Any, d: Any = None
                 ) -> list[tuple[Irrep, sp.Matrix, sp.Matrix]]:
    """``(irrep, B, G)`` as exact sympy matrices at exact parameter values.

    ``d=None`` keeps ``d`` symbolic (generic decomposition). The point's values are
    substituted *before* the kernel is evaluated, so parallel rows are handled by
    the exact limit (the sympy backend's vanishing quotient is 0 at ``G = 0``).
    """
    space = parse_isotropy(space)
    vals = [_exact_value(v, n) for v, n in zip(space.values_list(values), space.names,
                                                strict=True)]
    out = []
    for irr in isotypic_decomposition(space, d):
        rs, _ = block_system(space, irr)
        idx = copy_indices(space, irr, d)
        B = sp.Matrix(rs.hessian(vals, d, backend="sympy")).extract(idx, idx)
        G = representatives(space, irr, d).gram_expr()
        if d is not None:
            dq = Fraction(parse_d(d))
            G = G.subs(D_SYMBOL, sp.Rational(dq.numerator, dq.denominator))
        B = B.applyfunc(lambda e: sp.simplify(e))
        out.append((irr, B, G))
    return out


def exact_spectrum(space: FixedSpace | str, values: Any, d: Any = None
                   ) -> list[tuple[sp.Expr, sp.Expr, str]]:
    """Exact eigenvalues ``(lambda, multiplicity, irrep)`` from :func:`exact_blocks`
    (roots of ``det(B - lambda G)``; a root of multiplicity ``r`` in the block
    is listed with multiplicity ``r * dim``)."""
    lam = sp.Symbol("lambda")
    out = []
    for irr, B, G in exact_blocks(space, values, d):
        dim = irr.dim_expr if d is None else sp.Integer(irr.dim_at(d))
        poly = sp.factor(sp.together((B - lam * G).det()))
        roots = sp.roots(sp.Poly(sp.numer(sp.together(poly)), lam))
        if sum(roots.values()) != B.shape[0]:
            raise IsotropyError(f"could not solve the {irr.label} block in closed form")
        for r, k in roots.items():
            out.append((sp.simplify(r), sp.expand(k * dim), irr.label))
    return out


def global_minimum_spectrum() -> list[tuple[sp.Expr, sp.Expr, str]]:
    """The Hessian spectrum at the global minimum ``W = I_d`` in closed form in ``d``
    (isotropy ``Delta S_d``: ``D1 = 1``, ``O1 = 0``)."""
    return exact_spectrum("d", {"D1": 1, "O1": 0}, None)
