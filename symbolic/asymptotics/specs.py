"""Family specifications for the series: a catalogue entry (:mod:`symbolic.catalogue.families`)
or a custom start, as the engine needs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbolic.core.errors import RelusymError
from symbolic.symmetry.groups import parse_isotropy


# ------------------------------------------------------------------ families
@dataclass(frozen=True)
class FamilySpec:
    """A family of critical points: a fixed space and a seed point at ``d0``.

    Named families come from the one catalogue, :mod:`symbolic.catalogue.families`
    (:func:`get_family`); :func:`custom_family` builds one from a user seed.
    """

    name: str
    isotropy: str
    d0: Any
    seed: dict  # name -> value (decimal string or number)
    description: str = ""
    exact: dict | None = None  # exact closed-form point (independent of d), if known
    sqrt_q: int | None = None  # coefficient field Q(pi)(sqrt(q)) if needed (else found)
    fix_index: int | None = None  # Morse index on Fix(H) (None: taken from the seed)
    #: a k > d family made by neuron splitting: ``(parent name, row, lambda)``; its
    #: series is the parent's mapped exactly (:mod:`symbolic.asymptotics.split_series`)
    split: tuple | None = None


def custom_family(isotropy: str, start: dict, d0: Any, name: str = "custom") -> FamilySpec:
    """A family defined by a seed point ``start`` (name -> value) of ``isotropy`` at ``d0``.

    Values and ``d0`` are parsed exactly (:mod:`symbolic.core.parsing`); ``d0`` must be a
    positive dimension the isotropy fits.
    """
    from symbolic.core.parsing import parse_number, parse_params
    from symbolic.symmetry.groups import parse_d

    space = parse_isotropy(isotropy)
    vals = parse_params(start, list(space.names))
    d0q = parse_number(d0, "d0")
    if d0q <= 0:
        raise RelusymError(f"d0 = {d0!r} must be positive")
    d0q = parse_d(d0q)
    space.check_d(d0q)
    return FamilySpec(name, isotropy, d0q, {n: vals[n] for n in space.names},
                      f"seed {', '.join(f'{k}={v}' for k, v in vals.items())} at d = {d0q}")


def get_family(name: str) -> FamilySpec:
    """A family by name from the catalogue :mod:`symbolic.catalogue.families` (old names accepted
    as deprecated aliases, with a FutureWarning)."""
    from symbolic.catalogue.families import OVERPARAM_FAMILIES, family

    if isinstance(name, str) and name.strip() in OVERPARAM_FAMILIES:
        return split_spec(OVERPARAM_FAMILIES[name.strip()])
    fam = family(name, warn=False)
    from symbolic.catalogue.families import resolve_name

    if resolve_name(name)[1]:
        import warnings

        warnings.warn(f"family name {name!r} is deprecated; use {fam.name!r}", FutureWarning,
                      stacklevel=2)
    return spec_from_family(fam)


def spec_from_family(fam: Any) -> FamilySpec:
    """The :class:`FamilySpec` of a catalogue entry
    (:class:`symbolic.catalogue.families.Family`)."""
    return FamilySpec(fam.name, fam.isotropy, fam.seed_d, dict(fam.seed_values),
                      fam.description, exact=fam.exact, fix_index=fam.fix_index)


#: the split weight of a split family's series (the two pieces equal: the point has the
#: extra symmetry exchanging them)
DEFAULT_LAMBDA = "1/2"


def split_spec(ofam: Any, lam: str = DEFAULT_LAMBDA) -> FamilySpec:
    """The :class:`FamilySpec` of a catalogued split family
    (:class:`symbolic.catalogue.families.OverparamFamily`): the parent's seed mapped by
    :func:`symbolic.asymptotics.split_series.split_map`."""
    from fractions import Fraction

    from symbolic.asymptotics.split_series import split_map
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
