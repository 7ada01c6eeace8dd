r"""Series of the k = d + 1 families made by neuron splitting (DESIGN.md section 9).

A critical point ``W`` of a ``k = d`` family with its last row ``w`` replaced by
``lambda w`` and an extra row ``(1 - lambda) w`` is critical at ``k = d + 1`` for every
``0 < lambda < 1`` (``relu`` is positively homogeneous, so the network function and the
loss do not change: Arjevani & Field, NeurIPS 2022, the annihilation mechanism). The map
``theta_parent -> theta_child`` from the parent's fixed space into the child's
(``Fix(d-1,1) -> Fix(d-1,1;1)`` for ``d-1,1``) is linear with rational coefficients, so
the child's series is the parent's series mapped *exactly*: the loss series is the
parent's, and the Hessian eigenvalue series of the child (the isotypic blocks of the
``k = d + 1`` space on the mapped series, :mod:`symbolic.asymptotics.eigen`) are new.

Checks: the parent's series is validated against its own branch
(:func:`symbolic.asymptotics.profile.check_branch`); the child's reduced gradient,
evaluated on the mapped series, must vanish to its known order (an independent check of
the map and of symmetric criticality). The segment direction gives one eigenvalue that
is exactly zero.
"""

from __future__ import annotations

from fractions import Fraction

from symbolic.core.errors import RelusymError
from symbolic.symmetry.groups import FixedSpace, parse_isotropy

__all__ = ["split_map", "map_split"]


def split_map(parent: FixedSpace, child: FixedSpace, row: str, lam: Fraction) -> list[list]:
    """The rational matrix ``M`` (child.dim x parent.dim) with ``theta_child = M
    theta_parent`` for the split of the parent's ``row`` (``"last"`` or ``"first"``) into
    ``lam w`` and an extra row ``(1 - lam) w``. Read off the matrices at two integer ``d``
    (it must not depend on ``d``) and checked: every entry of a child orbit must be equal."""
    from symbolic.loss.splitting import split_point

    if not 0 < lam < 1:
        raise RelusymError(f"split weight lambda = {lam} must lie in (0, 1)")
    d0 = max(int(parent.min_d()), int(child.min_d()), 5)
    maps = []
    for d in (d0, d0 + 1):
        masks = child.orbit_masks(d)
        cols = []
        for p in range(parent.dim):
            e = [Fraction(int(i == p)) for i in range(parent.dim)]
            W = parent.matrix(e, d)
            i = d - 1 if row == "last" else 0
            Wc = split_point(W, i, [lam, 1 - lam])
            vals = []
            for n in child.names:
                entries = {Fraction(x) for x in Wc[masks[n] == 1]}
                if len(entries) != 1:
                    raise RelusymError(f"the split point is not in Fix({child.label}): the "
                                       f"orbit of {n} holds {sorted(entries)}")
                vals.append(entries.pop())
            off = sum(masks.values()) == 0  # entries of W outside every orbit must be 0
            if any(Fraction(x) != 0 for x in Wc[off]):
                raise RelusymError(f"the split point is not in Fix({child.label})")
            cols.append(vals)
        maps.append([[cols[p][q] for p in range(parent.dim)] for q in range(child.dim)])
    if maps[0] != maps[1]:
        raise RelusymError("the split map depends on d: not a family map")
    return maps[0]


def map_split(split: tuple, parent_space: FixedSpace, child_label: str, theta: list,
              limits: list) -> tuple[FixedSpace, list, list]:
    """The child's fixed space, parameter series and limits from the parent's (``split``
    = ``(parent name, row, lambda)``): ``theta_child = M theta_parent`` with
    ``M = split_map(...)`` (exact rational combinations of the series)."""
    from symbolic.systems.puiseux import PiField, Series

    _, row, lam = split
    child = parse_isotropy(child_label)
    M = split_map(parent_space, child, row, Fraction(lam))

    def combine(row_m, items, zero):
        out = zero
        for c, t in zip(row_m, items, strict=True):
            if c:
                out = out + t * c
        return out

    return (child, [combine(r, theta, Series(0, [])) for r in M],
            [combine(r, limits, PiField(0)) for r in M])
