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
from typing import Any

from symbolic.asymptotics.specs import FamilySpec
from symbolic.core.errors import RelusymError
from symbolic.symmetry.groups import FixedSpace, parse_isotropy

__all__ = ["split_spec", "split_map", "split_family_series"]

#: the split weight of the series (the two pieces equal: the point has the extra symmetry
#: exchanging them)
DEFAULT_LAMBDA = "1/2"


def split_spec(ofam: Any, lam: str = DEFAULT_LAMBDA) -> FamilySpec:
    """The :class:`FamilySpec` of a catalogued split family
    (:class:`symbolic.catalogue.families.OverparamFamily`)."""
    from symbolic.catalogue.families import family

    if ofam.mechanism != "split" or ofam.isotropy is None:
        raise RelusymError(f"family {ofam.name!r} ({ofam.mechanism}) has no series: only split "
                           "families whose fixed space the grammar expresses have one (a zero "
                           "row is not a differentiable point)")
    par = family(ofam.parent, warn=False)
    parent_space = parse_isotropy(par.isotropy)
    child = parse_isotropy(ofam.isotropy)
    M = split_map(parent_space, child, ofam.row, Fraction(lam))
    pv = [Fraction(str(par.seed_values[n])) for n in parent_space.names]
    seed = {n: str(sum((c * v for c, v in zip(row, pv, strict=True)), Fraction(0)))
            for n, row in zip(child.names, M, strict=True)}
    return FamilySpec(ofam.name, ofam.isotropy, par.seed_d, seed,
                      f"{ofam.description} Series at lambda = {lam}.",
                      split=(ofam.parent, ofam.row, str(lam)))


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


def split_family_series(spec: FamilySpec, order: int, **kw) -> Any:
    """The child's :class:`~symbolic.asymptotics.series.FamilySeries`: the parent's series
    (:func:`~symbolic.asymptotics.series.family_series` with the same options; ``previous``
    a child of lower order) mapped by :func:`split_map`, checked by the child's gradient."""
    import math

    from symbolic.asymptotics.series import FamilySeries, _evaluate, family_series
    from symbolic.asymptotics.specs import get_family
    from symbolic.systems.reduced import ReducedSystem

    parent_name, row, lam = spec.split
    previous = kw.pop("previous", None)
    prev_parent = previous._cache.get("parent") if previous is not None else None
    kw.pop("fit", None)
    par = family_series(get_family(parent_name), order, previous=prev_parent, fit=False, **kw)
    child = parse_isotropy(spec.isotropy)
    M = split_map(par.space, child, row, Fraction(lam))

    def combine(row_m, items, zero):
        out = zero
        for c, t in zip(row_m, items, strict=True):
            if c:
                out = out + t * c
        return out

    from symbolic.systems.puiseux import PiField, Series

    theta = [combine(r, par.theta, Series(0, [])) for r in M]
    limits = [combine(r, par.limits, PiField(0)) for r in M]
    fs = FamilySeries(spec, child, theta, order, limits, list(par.newton_steps), {},
                      field_q=par.field_q, engine=par.engine)
    fs._cache["parent"] = par
    g = _evaluate(ReducedSystem(child), theta, "gradient", fs._cap(), fs.field_q, fs.engine)
    known = []
    for nm, gi in zip(child.names, g, strict=True):
        if not gi.is_zero_to_prec():
            raise RelusymError(f"family {spec.name}: the reduced gradient of Fix({child.label}) "
                               f"does not vanish on the split series (component {nm}); "
                               "not printed")
        known.append(gi.prec)
    top = min(known)
    fs.validation = {"parent": {k: v for k, v in par.validation.items() if k != "slopes"},
                     "gradient_zero_to": None if top == math.inf else int(top)}
    return fs
