"""Building a spectrum plan (:mod:`symbolic.spectra.spectrum_plan`) from the symmetry layer.

Source: DESIGN.md section 3. The sympy side of the stored spectrum: the isotypic
decomposition and the representatives of every irreducible
(:mod:`symbolic.symmetry.isotypic`), each block's reduced system on the finer fixed space
(:class:`symbolic.systems.reduced_numeric.NumericReducedSystem`, built from the pair types), and
their exact data as JSON. Imported only when a plan is not stored yet.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy
from symbolic.symmetry.isotypic import copy_indices, isotypic_decomposition, representatives

__all__ = ["numeric_block_system", "build_plan_data"]


@lru_cache(maxsize=512)
def numeric_block_system(space: FixedSpace, label: str):
    """The block's reduced Hessian evaluated numerically from the pair types
    (:class:`symbolic.systems.reduced_numeric.NumericReducedSystem`: no sympy expansion, cost
    growing with the number of pair types), for every numeric backend. The same
    block as :func:`symbolic.spectra.spectrum.block_system` (tests/test_spectrum.py compares
    the two)."""
    from symbolic.systems.reduced_numeric import NumericReducedSystem

    reps = representatives(space, label)
    if reps.embedding is None:
        return NumericReducedSystem(space, check_d=False), reps
    return NumericReducedSystem(reps.fine, directions=reps.directions,
                                substitution=reps.embedding, arguments=space.symbols,
                                check_d=False), reps


def build_plan_data(label: str, d: Any = None) -> dict:
    """The spectrum plan of ``Fix(label)`` as JSON data (:mod:`symbolic.spectra.spectrum_plan`):
    per irreducible of the decomposition at ``d`` (None: generic), the stored reduced
    system of its block (:func:`numeric_block_system`), the copies present, the
    dimension polynomial and the Gram data; the layout and the zero-row groups."""
    from symbolic.systems.reduced_numeric import poly_coefficients

    space = parse_isotropy(label)
    dd = None if d is None else parse_d(d)
    q = str
    irreps = []
    for irr in isotypic_decomposition(space, dd):
        rs, _ = numeric_block_system(space, irr.label)
        reps = representatives(space, irr, dd)
        dim = ([q(c) for c in poly_coefficients(irr.dim_expr)] if dd is None
               else [q(Fraction(irr.dim_at(dd)))])
        irreps.append({
            "label": irr.label, "dim_expr": q(irr.dim_expr), "dim": dim,
            "system": rs.to_plan(), "copies": copy_indices(space, irr, dd),
            "orbits": [[q(c) for c in poly_coefficients(o)] for o in reps.orbit_sizes],
            "gram_directions": [[q(Fraction(x)) for x in row] for row in reps.directions]})
    # a block's rows are zero when all its D, O, P parameters are (its O exists only at
    # sizes >= 2, which check_d guarantees for blocks written with d: d-independent)
    zero_rows = [(f"the rows of block {a} of W are zero",
                  [p.name for p in space.params if p.kind in "DOP" and p.row == a])
                 for a in range(1, space.r + 1)]
    zero_rows += [(f"the rows of row-only block E{e} of W are zero",
                   [p.name for p in space.params if p.kind == "R" and p.row == e])
                  for e in range(1, len(space.extra) + 1)]
    return {"layout": space.layout.to_json(), "d": None if dd is None else q(dd),
            "zero_rows": zero_rows, "irreps": irreps}
