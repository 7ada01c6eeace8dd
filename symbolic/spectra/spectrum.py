r"""Hessian spectrum through the isotypic decomposition: O(1) in d.

Source: DESIGN.md section 3. At a point ``W`` of ``Fix(H)`` the Hessian commutes
with ``H``; on the isotypic component of an irreducible ``V`` occurring ``m``
times it acts as an ``m x m`` matrix, each eigenvalue repeated ``dim V`` times.

Method. Take the copies ``X_1, ..., X_m`` of the same abstract vector of ``V``
(:func:`symbolic.symmetry.isotypic.representatives`). Each ``X_alpha`` and ``W`` lie in
the fixed space of the finer group ``H'`` fixing the marked indices, where
``W = W(theta)`` is linear, so

.. math::  B_{\alpha\beta} = \langle X_\alpha, \nabla^2 L(W)\, X_\beta\rangle
           = \theta_\alpha^T\, \nabla^2 \ell_{H'}(\theta_W)\, \theta_\beta ,

the reduced Hessian of ``Fix(H')`` along the directions ``theta_alpha`` (the
coordinates of ``X_alpha``), evaluated at the embedding of ``W``'s parameters:
:class:`~symbolic.systems.reduced.ReducedSystem` with ``directions``/``substitution``.
With the Gram matrix ``G_{alpha beta} = <X_alpha, X_beta> = sum_p
theta_alpha[p] theta_beta[p] |orbit_p|`` and ``Hess X_beta = sum_alpha X_alpha
M_{alpha beta}`` we get ``B = G M``: the eigenvalues on the component solve
``B u = lambda G u``. Every entry is a closed form in the parameters and ``d``;
nothing loops over ``d``.

Blocks are built once per (space, irreducible) and cached (~0.1-1 s each);
evaluation then costs the same at ``d = 10`` and ``d = 10^6``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp

from symbolic.core.backends import (
    Backend,
    NumpyBackend,
    generalized_eigenvalues,
    get_backend,
    symmetric_eigen,
)
from symbolic.core.errors import IsotropyError
from symbolic.core.parsing import parse_number
from symbolic.core.precision import guard_digits, zero_tolerance
from symbolic.spectra.spectrum_plan import (
    Eigenvalue,
    IrrepBlock,
    Spectrum,
    generic_plan,
    plan_for,
    spectrum,
)
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy
from symbolic.symmetry.isotypic import (
    Irrep,
    Representatives,
    copy_indices,
    isotypic_decomposition,
    representatives,
)
from symbolic.systems.reduced import ReducedSystem

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

# re-exported: the eigen-solve lives with the arithmetic (symbolic.core.backends), the zero
# threshold with the precision policy (symbolic.core.precision)
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


def block_pencil(space: FixedSpace | str, irrep: Irrep | str, values: Any, d: Any, *,
                 backend: Backend) -> IrrepBlock:
    """The pencil ``(B, G)`` of one irreducible at a point, in the *generic*
    decomposition (valid at real, fractional ``d``: the transition in ``d`` solves
    ``lambda_min(B, G) = 0`` with it). ``d``: exact (int, Fraction, string) or an mpf,
    converted exactly."""
    space = parse_isotropy(space)
    label = irrep.label if isinstance(irrep, Irrep) else str(irrep)
    dd = parse_d(d)
    blocks = generic_plan(space.label).blocks(values, dd, backend, only=label)
    if not blocks:
        raise IsotropyError(f"{space.label!r} has no irreducible {label!r}")
    return blocks[0]


def isotypic_blocks(space: FixedSpace | str, values: Any, d: Any, *,
                    backend: str | Backend = "mpmath", dps: int = 50) -> list[IrrepBlock]:
    """The Hessian blocks ``B`` and Gram matrices ``G`` of every irreducible at a point.

    ``values``: the point's parameters in ``space.params`` order or a dict by name
    (mpf, arb balls, floats, strings, ...). ``d``: int, Fraction or decimal string.
    Works with every backend; with ``"arb"`` and ball values the blocks are rigorous
    enclosures (``G`` is exact). Evaluated from the spectrum plan
    (:func:`symbolic.spectra.spectrum_plan.plan_for`).
    """
    space = parse_isotropy(space)
    dd = parse_d(d)
    space.check_d(dd)
    be = get_backend(backend, dps=dps)
    return plan_for(space.label, dd).blocks(values, dd, be)


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
