"""Catalogue of named families of critical points.

A family is a branch ``theta(d)`` of critical points of one isotropy type,
followed in ``d`` (:mod:`symbolic.numerics.track`). Each entry records a seed point at
``seed_d`` (36 significant digits) and how it was found. Seeds were computed by
``relusym census`` (batched Newton from 400 seeded starts, refined to 45
digits) at ``d = 10`` and classified with the isotypic Hessian spectrum; the
facts quoted in ``expected`` come from ``shared/research/papers.md`` (abstracts
and independent numerical checks) and are compared, not assumed, by the tests
and by :mod:`symbolic.asymptotics.series`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from symbolic.core.errors import RelusymError

if TYPE_CHECKING:  # the catalogue is plain data: sympy is imported only for .space
    from symbolic.symmetry.groups import FixedSpace

__all__ = ["Family", "FAMILIES", "ALIASES", "family", "family_names", "resolve_name",
           "OverparamFamily", "OVERPARAM_FAMILIES", "overparam_family"]

_HOW_CENSUS = ("census of Fix({iso}) at d = 10 (400 seeded starts, seed 0; batched float64 "
               "Newton, refined to 45 digits with mpmath Newton); Morse index from the "
               "isotypic Hessian spectrum")


@dataclass(frozen=True)
class Family:
    """A named family: isotropy, seed point and provenance."""

    name: str
    isotropy: str
    description: str
    seed_d: int
    seed_values: dict[str, str]
    how_found: str
    kind: str  # "global minimum" | "spurious minimum" | "saddle"
    found_by_gd: bool
    expected: dict[str, str] = field(default_factory=dict)
    #: exact closed-form point independent of d (series need no numerics), if known
    exact: dict[str, int] | None = None
    #: Morse index of the reduced Hessian on Fix(H) along the branch (inertia of the
    #: Hessian of ell(theta); 0 for minima). Checked at the seed by the tests.
    fix_index: int = 0

    @property
    def space(self) -> FixedSpace:
        from symbolic.symmetry.groups import parse_isotropy

        return parse_isotropy(self.isotropy)

    def point(self, d: Any, *, digits: int = 30) -> list[str]:
        """The family's critical point at ``d``, as decimal strings in the order of
        ``space.variables``: the one continuation, :func:`symbolic.numerics.track.point_at`
        (cached in memory and on disk). Raises RelusymError, naming the family, when the
        branch cannot be followed to ``d``."""
        from symbolic.numerics.track import point_at

        try:
            return point_at(self.space, self.seed_values, self.seed_d, d, digits=digits)
        except RelusymError as exc:
            raise RelusymError(f"family {self.name!r} could not be followed to d = {d}: "
                               f"{exc}") from exc

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "isotropy": self.isotropy,
            "kind": self.kind,
            "found_by_gradient_descent": self.found_by_gd,
            "description": self.description,
            "seed_d": self.seed_d,
            "seed_params": dict(self.seed_values),
            "how_found": self.how_found,
            "expected": dict(self.expected),
        }


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family(
            "global-minimum", "d",
            "W = V = I_d: the global minimum, loss 0, for every d.",
            10, {"D1": "1", "O1": "0"},
            "exact (W = V)", "global minimum", True,
            {"loss": "0", "hessian": "contains 1/4 - 1/(2 pi) and 1/4 + 1/(2 pi)"},
            exact={"D1": 1, "O1": 0},
        ),
        Family(
            "spurious-d-1,1", "d-1,1",
            "The spurious minimum gradient descent finds: one neuron points nearly "
            "opposite its target (W_dd -> -1), the others tilt by O(1/d).",
            10,
            {"D1": "1.00435482326232390695190826089087945",
             "O1": "-0.0158119258057531148904252484942420405",
             "D2": "-0.699036817493794538842744230206685236",
             "P12": "0.182367755788719755209773272253744232",
             "P21": "0.126042360843417945025066359810287837"},
            _HOW_CENSUS.format(iso="d-1,1") + "; gradient descent from random starts at "
            "k = d = 10 reaches it", "spurious minimum", True,
            {"d*loss as d -> oo": "1/2 - 2/pi**2"},
        ),
        Family(
            "spurious-d-2,2", "d-2,2",
            "Spurious minimum with two 'bad' neurons (loss about twice the d-1,1 loss).",
            10,
            {"D1": "0.997563561314310579957366738361061116",
             "O1": "-0.0374123427002829086589290134051383140",
             "D2": "-0.729840438807842760453759635173775030",
             "O2": "0.153264703663583546096485172064757070",
             "P12": "0.191012349002599376670719577117027161",
             "P21": "0.135519279105699018329717240150525571"},
            _HOW_CENSUS.format(iso="d-2,2") + "; gradient descent at k = d = 10 reaches "
            "points with this isotropy (6 distinct entries)", "spurious minimum", True,
        ),
        Family(
            "spurious-d-3,3", "d-3,3",
            "Spurious minimum with three 'bad' neurons.",
            10,
            {"D1": "0.976982766882511827301265710095303178",
             "O1": "-0.0674347053564114385095517710563674629",
             "D2": "-0.755182535073049813513554687100186827",
             "O2": "0.160397459073788023277362585119386836",
             "P12": "0.199114776741626645980563177060115260",
             "P21": "0.145418606447873906551259579251947257"},
            _HOW_CENSUS.format(iso="d-3,3"), "spurious minimum", True,
        ),
        Family(
            "bounded-d", "d",
            "Hidden minimum with isotropy Delta S_d near W = -I + (2/d)(J - I): every "
            "neuron nearly opposite its target; loss bounded away from 0.",
            10,
            {"D1": "-0.800304034462803127923003428349945846",
             "O1": "0.198476522490322555682880239238140531"},
            _HOW_CENSUS.format(iso="d") + "; gradient descent from random starts does "
            "not reach it", "spurious minimum", False,
            {"loss as d -> oo": "1/2 - 1/pi"},
        ),
        Family(
            "bounded-d-1,1", "d-1,1",
            "Hidden minimum: the d-1 neurons of the large block flipped, the last one "
            "aligned with its target; loss bounded away from 0.",
            10,
            {"D1": "-0.774510339889674618266504681641185846",
             "O1": "0.217862586773172435140455533521071498",
             "D2": "1.06456357018307101693742776300141942",
             "P12": "-0.00787636166070646502291725574738894391",
             "P21": "0.0194022292664365009470198554169857236"},
            _HOW_CENSUS.format(iso="d-1,1") + "; gradient descent from random starts does "
            "not reach it", "spurious minimum", False,
        ),
        Family(
            "saddle-d-1,1", "d-1,1",
            "Saddle of index 1 in Fix(d-1,1) at d = 10 (one symmetric descent direction).",
            10,
            {"D1": "1.09226507922147734985088986931576760",
             "O1": "-0.00900880724570857054802202609193764606",
             "D2": "-0.0197864743811173525409848991448063390",
             "P12": "0.109925210692374729458860198585715668",
             "P21": "-0.0176702310008710163400746897760242495"},
            _HOW_CENSUS.format(iso="d-1,1"), "saddle", False,
            fix_index=1,
        ),
    ]
}


#: Deprecated names (of the former catalogue in :mod:`symbolic.asymptotics.series`) -> canonical
#: names.
ALIASES: dict[str, str] = {
    "global-min": "global-minimum", "global": "global-minimum",
    "global_min": "global-minimum", "identity": "global-minimum",
    "d-1,1": "spurious-d-1,1", "d-1,1-min": "spurious-d-1,1",
    "d-2,2": "spurious-d-2,2", "d-2,2-min": "spurious-d-2,2",
    "d-3,3": "spurious-d-3,3",
    "bounded-Sd": "bounded-d", "bounded-sd": "bounded-d", "bounded": "bounded-d",
    "delta-sd": "bounded-d", "hidden-d": "bounded-d",
}


def family_names() -> list[str]:
    """The canonical family names (those of ``relusym families``)."""
    return list(FAMILIES)


def resolve_name(name: str) -> tuple[str, bool]:
    """``(canonical name, was_alias)`` for a family name, or a clear RelusymError."""
    if not isinstance(name, str):
        raise RelusymError(f"family name {name!r} is not a string")
    key = name.strip()
    if key in FAMILIES:
        return key, False
    if key in ALIASES:
        return ALIASES[key], True
    over = globals().get("OVERPARAM_FAMILIES", {}).get(key)  # defined below, at import
    if over is not None:
        raise RelusymError(
            f"{key!r} is a k = d + {over.m} family ({over.mechanism} of {over.parent}): "
            "`relusym overparam --family` takes it"
            + (" and `relusym series`" if over.mechanism == "split" else "")
            + f"; this command follows the k = d families (e.g. --family {over.parent})")
    raise RelusymError(f"unknown family {name!r}; known families: {', '.join(FAMILIES)}")


def deprecation_note(name: str) -> str | None:
    """The note to print for a deprecated family name (None for a canonical one)."""
    canon, alias = resolve_name(name)
    if not alias:
        return None
    return f"note: family name {name!r} is deprecated; use {canon!r}"


def family(name: str, *, warn: bool = True) -> Family:
    """Look up a family by name (clear error listing the known names).

    Old names (:data:`ALIASES`) are accepted; with ``warn`` they emit a
    :class:`FutureWarning` naming the canonical name.
    """
    canon, alias = resolve_name(name)
    if alias and warn:
        warnings.warn(f"family name {name!r} is deprecated; use {canon!r}", FutureWarning,
                      stacklevel=2)
    return FAMILIES[canon]


# ----------------------------------------------------------------- k > d (over-parameterization)
_ANNIHILATION = ("Arjevani and Field, Annihilation of spurious minima in two-layer ReLU "
                 "networks, NeurIPS 2022 (the question); positive homogeneity, DESIGN.md "
                 "section 9 (the construction)")


@dataclass(frozen=True)
class OverparamFamily:
    """A family of critical sets at ``k = d + m`` built from a ``k = d`` family.

    ``mechanism``: ``"split"`` (row ``row`` of the parent replaced by the pieces
    ``lambda w``, ``(1 - lambda) w``: a segment of critical points,
    :mod:`symbolic.overparam.split`) or ``"zero"`` (``m`` zero extra rows: the loss is
    not differentiable there). ``row`` is ``"first"`` or ``"last"`` (the parent's first
    or last row; the last is the row of the last, small block). ``isotropy``: the
    fixed space holding the whole set (the grammar of :mod:`symbolic.symmetry.groups`), when
    the grammar can express it.
    """

    name: str
    parent: str
    m: int
    mechanism: str
    row: str
    isotropy: str | None
    description: str
    kind: str
    how_found: str
    source: str = _ANNIHILATION
    expected: dict[str, str] = field(default_factory=dict)

    def row_index(self, d: int) -> int:
        return d - 1 if self.row == "last" else 0

    def point(self, d: Any, lam: Any = "1/2", *, digits: int = 30):
        """The ``(d + m) x d`` matrix at ``d`` (split weight ``lam`` in ``(0, 1)``; for
        ``"zero"`` the parent's point with ``m`` zero rows appended)."""
        import numpy as np

        par = family(self.parent, warn=False)
        vals = par.seed_values if d == par.seed_d else par.point(d, digits=digits)
        from fractions import Fraction

        from symbolic.loss.splitting import split_point

        W = par.space.matrix([Fraction(str(v)) for v in par.space.values_list(vals)], d)
        if self.mechanism == "zero":
            return np.vstack([W, np.zeros((self.m, W.shape[1]), dtype=object)])

        lq = Fraction(str(lam)) if isinstance(lam, str) else lam
        return split_point(W, self.row_index(d), lq, self.m)

    def to_json(self) -> dict:
        return {"name": self.name, "parent": self.parent, "k": f"d+{self.m}",
                "extra_neurons": self.m, "mechanism": self.mechanism, "row": self.row,
                "isotropy": self.isotropy, "kind": self.kind,
                "description": self.description, "how_found": self.how_found,
                "source": self.source, "expected": dict(self.expected)}


def _split_isotropy(parent: str) -> str | None:
    """The fixed space holding the split of the parent's last row, read from the label
    (the catalogue stays sympy-free; tests/test_families.py checks every one against the
    split point's matrix): the last block becomes ``k - 1, 1`` (the split row on its own)
    and the extra neuron a row-only block of size 1 -- ``d-1,1 -> d-1,1;1``,
    ``d-2,2 -> d-2,1,1;1``, ``d -> d-1,1;1``. None when the label is not of that form."""
    if ";" in parent:
        return None
    sizes = [t.strip() for t in parent.split(",")]
    last = sizes[-1]
    if last == "1":
        return f"{parent};1"
    if last.isdigit():
        sizes[-1:] = [str(int(last) - 1), "1"]
    elif last == "d" and len(sizes) == 1:
        sizes = ["d-1", "1"]
    else:
        return None
    return ",".join(sizes) + ";1"


def _overparam_entries() -> list[OverparamFamily]:
    out = []
    spurious = [f for f in FAMILIES.values() if f.kind == "spurious minimum"]
    how = ("constructed from the catalogue point (exact: relu(lambda w.x) = lambda "
           "relu(w.x)); gradient zero along the segment checked with the full-matrix "
           "model at 40 digits (tests/test_overparam.py); type from the certified "
           "inertia In H_k + In(M_i) (relusym overparam)")
    for f in spurious:
        iso = _split_isotropy(f.isotropy)
        out.append(OverparamFamily(
            f"{f.name}+split", f.name, 1, "split", "last", iso,
            f"k = d + 1: the last row of {f.name} split into lambda w and (1 - lambda) w, "
            "0 < lambda < 1: a segment of critical points with the loss of the parent.",
            "saddle (non-isolated)", how,
            expected={"index": "index(parent) + #{eig M_i < 0} (= d - 1 at d = 6..10)",
                      "nullity": "1 (the segment)"}))
        out.append(OverparamFamily(
            f"{f.name}+zero", f.name, 1, "zero", "last", f"{f.isotropy};1",
            f"k = d + 1: {f.name} with one zero extra row (the end lambda = 1 of the split "
            "segment).", "non-differentiable (zero row)",
            "constructed; not a local minimum when some M_i has a negative eigenvalue "
            "(relusym overparam)",
            expected={"index": "none: the loss is not differentiable at a zero row"}))
    return out


#: The k > d families (one name each), kept apart from :data:`FAMILIES`, whose entries
#: are isolated k = d branches followed in d by the rest of the package.
OVERPARAM_FAMILIES: dict[str, OverparamFamily] = {f.name: f for f in _overparam_entries()}


def overparam_family(name: str) -> OverparamFamily:
    """Look up a k > d family by name (clear error listing the known names)."""
    if not isinstance(name, str) or name.strip() not in OVERPARAM_FAMILIES:
        raise RelusymError(f"unknown k > d family {name!r}; known: "
                           f"{', '.join(OVERPARAM_FAMILIES)}")
    return OVERPARAM_FAMILIES[name.strip()]
