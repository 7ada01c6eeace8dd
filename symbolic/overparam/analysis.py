r"""The over-parameterization table: how a ``k = d`` family continues into ``k = d + m``.

For a catalogued family (:mod:`symbolic.catalogue.families`) at dimension ``d`` the point ``W``
is certified at ``k = d`` (:func:`symbolic.spectra.certify.certify_point`: Krawczyk box and
eigenvalue enclosures) and continued into ``k = d + m`` in three ways:

* **split** of one row of block ``a`` into ``m + 1`` pieces (a simplex of critical
  points; :mod:`symbolic.overparam.split`): certified inertia
  ``In H_k + m In(M_i)``, the smallest eigenvalue of the full ``(k+m) d`` Hessian at
  the equal split (float64, printed to 10 digits), and the certified Cauchy
  interlacing bound ``lambda_min <= (m + 1) mu_min(M_i)``;
* **symmetric split** of every row of block ``a`` into halves (when the block has
  exactly ``m`` rows): the continuation that keeps the isotropy; inertia
  ``In H_k + p In(M_i)``;
* **zero extra rows**: the loss is not differentiable there; no Hessian, no index.
  It is not a local minimum when some ``M_i`` has a (certified) negative eigenvalue.

Optionally (``census=True``) the fixed space ``Fix(H; m)`` (the isotropy with one
row-only block of ``m`` identical extra neurons, e.g. ``d-1,1;1``) is searched with
:func:`symbolic.critical.census.census` for isolated spurious minima at ``k = d + m``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symbolic.catalogue.families import family as _family
from symbolic.core.errors import RelusymError
from symbolic.core.formatting import enclosure
from symbolic.loss import model
from symbolic.overparam.split import (
    certify_split,
    descent_directions,
    row_orbits,
    split_point,
)
from symbolic.symmetry.groups import parse_d

__all__ = ["Row", "OverparamResult", "overparam", "fixed_space_census"]

HEADER = ["family", "d", "m", "continuation", "loss", "type", "index",
          "smallest eigenvalue", "interlacing bound", "verdict"]


@dataclass
class Row:
    """One row of the table (every number already a decimal string)."""

    family: str
    d: int
    m: int
    continuation: str
    type: str
    index: Any
    smallest: str
    bound: str
    verdict: str
    note: str = ""
    descent: list = field(default_factory=list)
    loss: str = "-"

    def cells(self) -> list[str]:
        return [self.family, str(self.d), str(self.m), self.continuation, self.loss, self.type,
                "-" if self.index is None else str(self.index), self.smallest, self.bound,
                self.verdict]

    def to_json(self) -> dict:
        return {"family": self.family, "d": self.d, "m": self.m,
                "continuation": self.continuation, "loss": self.loss, "type": self.type,
                "index": self.index,
                "smallest_eigenvalue": self.smallest, "interlacing_bound": self.bound,
                "verdict": self.verdict, "note": self.note, "descent": self.descent}


@dataclass
class OverparamResult:
    family: str
    d: int
    m: int
    digits: int
    rows: list[Row]
    census: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"family": self.family, "d": self.d, "m": self.m, "digits": self.digits,
                "header": HEADER, "rows": [r.to_json() for r in self.rows],
                "fixed_space_census": self.census}


def _dec(x: float, digits: int = 10) -> str:
    return f"{x:.{digits}g}"


def _lower(b) -> str:
    return enclosure(b, 12)[0]


def overparam(name: str, d: Any, m: int, *, digits: int = 30, census: bool = False,
              census_starts: int = 100) -> OverparamResult:
    """The table for family ``name`` at ``d`` (integer, small: the full-matrix checks
    build ``(d+m) d`` square Hessians) and ``m`` extra neurons."""
    fam = _family(name, warn=False)
    dd = parse_d(d)
    if not isinstance(dd, int) or not 3 <= dd <= 40:
        raise RelusymError(f"d = {d}: overparam needs an integer d between 3 and 40 "
                           "(it builds full (d+m) d square Hessians)")
    if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 4:
        raise RelusymError(f"m = {m!r}: use an integer number of extra neurons 1..4")
    from symbolic.spectra.certify import certify_point

    space = fam.space
    vals = fam.seed_values if dd == fam.seed_d else fam.point(dd, digits=digits + 10)
    cert = certify_point(space, vals, dd, dps=digits + 10)
    rows: list[Row] = []
    if cert.verdict == "proved" and cert.index is not None:
        kind = "minimum" if cert.index == 0 else "saddle"
        lo = min(cert.eigenvalues, key=lambda t: float(t[2].mid()))[2]
        rows.append(Row(name, dd, 0, "k = d (catalogue point)", kind, int(cert.index),
                        _lower(lo), "-", "proved",
                        "certified: Krawczyk box and eigenvalue enclosures"))
    else:
        rows.append(Row(name, dd, 0, "k = d (catalogue point)", "unknown", None, "-", "-",
                        "unknown", cert.reason))
    W = space.matrix(cert.box if cert.verdict == "proved" else
                     [str(v) for v in space.values_list(vals)], dd)
    Wf = np.array([[float(x.mid()) if hasattr(x, "mid") else float(x) for x in r]
                   for r in W])
    _, cols = space.row_layout(dd)
    any_negative = False
    for label, rows_of in row_orbits(space, dd):
        i = rows_of[0]
        sc = certify_split(cert, space, dd, i, m, dps=digits + 10)
        # the stabiliser of row i fixes its own column: a block of its own
        own = list(cols)
        if i < len(own):
            own[i] = 0
        desc = descent_directions(Wf, i, own)
        mu = min(sc.M_eigenvalues, key=lambda e: float(e.mid())) if sc.M_eigenvalues \
            else None
        if sc.M_inertia and sc.M_inertia[0] > 0:
            any_negative = True
        dj = [{"mu": _dec(x.mu), "multiplicity": x.multiplicity, "component": x.component}
              for x in desc]
        # split of one row into m + 1 equal pieces
        Ws = np.array(split_point(Wf, i, 1 / (m + 1), m), dtype=float)
        ev = np.linalg.eigvalsh(model.hessian(Ws))
        bound = "-"
        if mu is not None and mu < 0:
            bound = "<= " + enclosure(mu * (m + 1), 12)[1]
        rows.append(Row(name, dd, m, f"split one row of {label} (row {i})",
                        _type(sc), sc.index, _dec(float(ev[0])), bound, sc.verdict,
                        f"nullity {sc.nullity}: a {m}-simplex of critical points; "
                        f"{sc.reason}" if sc.verdict == "proved" else sc.reason, dj))
        # symmetric split of the whole block (keeps the isotropy)
        p = len(rows_of)
        if p == m and sc.verdict == "proved":
            Wss = Wf.copy()
            extra = []
            for r in rows_of:
                Wss[r] = Wf[r] / 2
                extra.append(Wf[r] / 2)
            Wss = np.vstack([Wss] + extra)
            ev2 = np.linalg.eigvalsh(model.hessian(Wss))
            idx = sc.k_index + p * sc.M_inertia[0]
            rows.append(Row(name, dd, m, f"symmetric split of {label} (each of its "
                            f"{p} row(s) halved; isotropy kept)",
                            f"saddle (degenerate, nullity {p})" if idx else
                            "degenerate minimum", idx,
                            _dec(float(ev2[0])), bound if p == 1 else "-", "proved",
                            f"In H_k + {p} In(M_i) (the rows of the block are conjugate)"))
    rows.append(Row(name, dd, m, f"{m} zero extra row(s)", "non-differentiable", None, "-",
                    "-", "proved" if any_negative else "unknown",
                    "the loss is not differentiable at a zero row: no Hessian, no index; "
                    + ("not a local minimum: split points of equal loss arbitrarily close "
                       "are certified saddles" if any_negative else
                       "no certified negative eigenvalue of any M_i")))
    # the loss is the same at every continuation (the network function is unchanged)
    if cert.verdict == "proved" and cert.loss is not None:
        lo, hi = enclosure(cert.loss, 15, nonnegative=True)
        for r in rows:
            r.loss = f"[{lo}, {hi}]"
    res = OverparamResult(name, dd, m, digits, rows)
    if census:
        res.census = fixed_space_census(name, dd, m, starts=census_starts)
    return res


def _type(sc) -> str:
    if sc.verdict != "proved":
        return "unknown"
    return (f"saddle (degenerate, nullity {sc.nullity})" if sc.index else
            "degenerate minimum")


def fixed_space_census(name: str, d: int, m: int, *, starts: int = 100, digits: int = 20
                       ) -> list[dict]:
    """Isolated critical points of ``Fix(H; m)`` (``m`` identical extra neurons) at ``d``
    with loss ``> 0``, by :func:`symbolic.critical.census.census`: kind, index, loss and the
    Frobenius distance of the first ``d`` rows to the family's point (a search, not
    a proof of completeness)."""
    from symbolic.critical.census import census
    from symbolic.symmetry.groups import parse_isotropy

    fam = _family(name, warn=False)
    label = f"{fam.isotropy};{m}"
    sp = parse_isotropy(label)
    vals = fam.seed_values if d == fam.seed_d else fam.point(d, digits=30)
    W0 = np.array(fam.space.matrix([str(v) for v in fam.space.values_list(vals)], d),
                  dtype=float)
    c = census(sp, d, digits=digits, starts=starts, progress=False)
    out = []
    for p in c.points:
        if float(p.loss) <= 1e-12:
            continue
        Wp = np.array(sp.matrix([float(v) for v in p.values], d), dtype=float)
        out.append({"isotropy": label, "kind": p.kind,
                    "index": None if p.spectrum is None else p.spectrum.index,
                    "loss": _dec(float(p.loss), 12),
                    "distance_to_family_point": _dec(float(np.linalg.norm(Wp[:d] - W0)), 4),
                    "extra_row_norm": _dec(float(np.linalg.norm(Wp[d:])), 4)})
    return out
