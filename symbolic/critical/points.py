"""The records of a census: a critical point (:class:`CriticalPoint`), a non-isolated
critical set (:class:`CriticalSet`), the census itself (:class:`Census`, with its search
record), and the classification helpers they share (larger isotropy, zero rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.formatting import decimal, loss_decimal
from symbolic.numerics.search import (
    zero_row_groups,
)
from symbolic.symmetry.canonical import normaliser_permutations
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace

__all__ = ["CriticalPoint", "CriticalSet", "Census", "larger_isotropy", "symmetry_images",
           "decimal_d"]


def decimal_d(d: Any) -> str:
    """``d`` as a string: an integer, or an exact rational ``p/q`` with its decimal value
    (fractional ``d`` must survive every output format)."""
    from fractions import Fraction

    if isinstance(d, Fraction) and d.denominator != 1:
        return f"{d.numerator}/{d.denominator}"
    return str(int(d)) if isinstance(d, Fraction) else str(d)


@dataclass
class CriticalPoint:
    """An isolated critical point of ``L`` in ``Fix(H)``, refined to ``digits``."""

    space: FixedSpace
    d: Any
    digits: int
    values: list
    loss: Any
    residual: Any
    larger_isotropy: str | None = None
    spectrum: Any = None
    certificate: Any = None
    zero_rows: list = field(default_factory=list)

    @property
    def differentiable(self) -> bool:
        """False when a row of ``W`` vanishes: ``L`` is not differentiable there, the
        point has no Hessian spectrum and no Morse index."""
        return not self.zero_rows

    @property
    def index_lower_bound(self) -> Any:
        """At a degenerate point: the number of clearly negative eigenvalues (below
        ``-tol``, with multiplicity), a lower bound of the Morse index; else the index."""
        if self.spectrum is None:
            return None
        if self.spectrum.index is not None:
            return self.spectrum.index
        return sum(e.multiplicity for e in self.spectrum.eigenvalues
                   if e.value < -self.spectrum.tol)

    @property
    def kind(self) -> str:
        """``minimum``, ``saddle``, ``degenerate saddle``, ``degenerate`` or
        ``non-differentiable (zero row)``; ``unclassified`` without a spectrum."""
        if not self.differentiable:
            return "non-differentiable (zero row)"
        if self.spectrum is None:
            return "unclassified"
        if self.spectrum.index is not None:
            return "minimum" if self.spectrum.index == 0 else "saddle"
        return "degenerate saddle" if self.index_lower_bound else "degenerate"

    @property
    def isotropy_note(self) -> str | None:
        """The larger isotropy of the point, if any (name used in notes/interfaces.md)."""
        return self.larger_isotropy

    def params(self) -> dict[str, Any]:
        return dict(zip(self.space.names, self.values, strict=True))

    def to_json(self, digits: int | None = None) -> dict:
        n = digits or self.digits
        out: dict[str, Any] = {
            "params": {k: decimal(v, n) for k, v in self.params().items()},
            "loss": loss_decimal(self.loss, n),
            "residual": decimal(self.residual, 3),
        }
        if self.larger_isotropy:
            out["larger_isotropy"] = self.larger_isotropy
        out["kind"] = self.kind
        out["differentiable"] = self.differentiable
        if not self.differentiable:
            out["zero_rows"] = list(self.zero_rows)
            out["note"] = ("a row of W is zero: the loss is not differentiable here; "
                           "no Hessian spectrum and no Morse index; the dead rows are "
                           "exact zeros and the residual is that of the live rows' "
                           "gradient equations")
        if self.spectrum is not None:
            idx = self.spectrum.index
            out["index"] = _jnum(idx)
            out["degenerate"] = self.spectrum.degenerate
            if idx is None:
                n_neg = self.index_lower_bound
                out["index_lower_bound"] = _jnum(n_neg)
                out["note"] = (
                    "degenerate: a Hessian eigenvalue is zero within the spectrum's tol; "
                    + (f"saddle, index >= {_jnum(n_neg)} ({_jnum(n_neg)} eigenvalues, with "
                       f"multiplicity, below -tol at {self.spectrum.digits} digits; not "
                       "interval-certified)" if n_neg else "no eigenvalue below -tol: "
                       "minimum or saddle not decided at second order"))
            out["spectrum"] = self.spectrum.to_json(n)
        if self.certificate is not None:
            cj = self.certificate.to_json(n)
            out["verdict"] = cj["verdict"]
            out["certificate"] = cj
        else:
            out["verdict"] = "not attempted"
        return out


def _jnum(m: Any) -> Any:
    """A multiplicity count for JSON: an int, or an exact rational string at fractional d."""
    from fractions import Fraction

    if m is None or isinstance(m, int):
        return m
    if isinstance(m, Fraction):
        return int(m) if m.denominator == 1 else f"{m.numerator}/{m.denominator}"
    return str(m)


@dataclass
class CriticalSet:
    """A non-isolated set of critical points (singular reduced Jacobian), reported once."""

    space: FixedSpace
    loss: Any
    dimension: int
    endpoints: int
    example: list
    zero_eigenvalues: int | None = None

    def to_json(self, digits: int) -> dict:
        out = {
            "loss": loss_decimal(self.loss, min(digits, 12)) if not isinstance(self.loss, float)
            else repr(self.loss),
            "newton_endpoints": self.endpoints,
            "example_params": {k: repr(float(v))
                               for k, v in zip(self.space.names, self.example, strict=True)},
        }
        if self.dimension >= 0:
            out["dimension"] = self.dimension
            out["note"] = ("non-isolated within Fix(H): the reduced Jacobian is singular; "
                           "dimension = its nullity at the example point")
        else:
            out["dimension_in_fix"] = 0
            out["zero_hessian_eigenvalues"] = self.zero_eigenvalues
            out["note"] = ("distinct points of Fix(H) with one loss and a degenerate Hessian "
                           f"({self.zero_eigenvalues} zero eigenvalues counted with "
                           "multiplicity): one non-isolated critical set of L, whose "
                           "directions leave Fix(H); not certified as isolated points")
        return out


@dataclass
class Census:
    space: FixedSpace
    d: Any
    digits: int
    points: list[CriticalPoint] = field(default_factory=list)
    sets: list[CriticalSet] = field(default_factory=list)
    starts: int = 0
    failed_refinements: int = 0
    search_d: Any = None
    search: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The census document (:func:`symbolic.core.schema.document`, kind ``census``):
        every number a decimal string (exact rationals ``p/q``), counts as integers."""
        from symbolic.core.schema import document

        extra = {} if self.search_d is None else {
            "search_d": str(self.search_d),
            "note": "float64 search at search_d, points continued to d in high precision"}
        return document("census", {**extra,
            "isotropy": self.space.label,
            "d": decimal_d(self.d),
            "search": self.search,
            "failed_refinements": self.failed_refinements,
            "digits": self.digits,
            "points": [p.to_json(self.digits) for p in self.points],
            "sets": [s.to_json(self.digits) for s in self.sets],
            "starts": self.starts,
        })

    def _rows(self, digits: int = 12) -> list[tuple[str, str, str, str]]:
        """(index, loss, type, isotropy) per point, then one row per non-isolated set."""
        rows = []
        for p in self.points:
            if not p.differentiable:
                idx = "n.d."
            elif p.spectrum is None:
                idx = "-"
            elif p.spectrum.index is not None:
                idx = str(p.spectrum.index)
            else:
                idx = f">= {p.index_lower_bound}"
            rows.append((idx, loss_decimal(p.loss, digits), p.kind,
                         p.larger_isotropy or self.space.label))
        for s in self.sets:
            loss = s.loss if isinstance(s.loss, float) else float(s.loss)
            kind = (f"non-isolated set, dimension {s.dimension} in Fix" if s.dimension >= 0
                    else f"non-isolated set ({s.zero_eigenvalues} zero eigenvalues)")
            rows.append(("-", f"{loss:.10g}", kind, self.space.label))
        return rows

    def _repr_html_(self) -> str:
        """A small HTML table (Jupyter): index, loss, type, isotropy."""
        from html import escape

        head = (f"<p>census of Fix({escape(self.space.label)}) at d = "
                f"{escape(decimal_d(self.d))}: {len(self.points)} points, "
                f"{len(self.sets)} non-isolated sets</p>")
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._rows())
        return (head + "<table><thead><tr><th>index</th><th>loss</th><th>type</th>"
                "<th>isotropy</th></tr></thead><tbody>" + body + "</tbody></table>")

    def _repr_latex_(self) -> str:
        """The same table as a LaTeX tabular (inside ``$...$``-free text mode)."""
        def tex(s: str) -> str:
            return s.replace(">=", r"$\geq$").replace("_", r"\_").replace("#", r"\#")

        lines = [r"\begin{tabular}{rlll}", r"index & loss & type & isotropy \\ \hline"]
        lines += [" & ".join(tex(c) for c in row) + r" \\" for row in self._rows()]
        lines.append(r"\end{tabular}")
        return "\n".join(lines)


def larger_isotropy(space: FixedSpace, values: list, tol: float) -> str | None:
    """The coarsest block structure whose equalities the point satisfies, if coarser.

    Two diagonal blocks ``a, b`` merge when ``D_a = D_b``, the off-diagonal
    entries inside and between them agree (``O_a = O_b = P_ab = P_ba``, where they
    exist) and their entries against every other block agree.
    """
    val = {q.symbol: v for q, v in zip(space.params, values, strict=True)}
    key = space._by_key  # (kind, row, col) -> symbol

    def get(kind, a, b):
        s = key.get((kind, a, b))
        return None if s is None else val[s]

    def close(x, y):
        return x is None or y is None or abs(x - y) <= tol * (1 + abs(x) + abs(y))

    parent = list(range(space.r + 1))

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    changed = True
    while changed:
        changed = False
        for a in range(1, space.r + 1):
            for b in range(a + 1, space.r + 1):
                if find(a) == find(b):
                    continue
                ok = close(get("D", a, a), get("D", b, b))
                offs = [get("O", a, a), get("O", b, b), get("P", a, b), get("P", b, a)]
                offs = [o for o in offs if o is not None]
                ok &= all(close(offs[0], o) for o in offs)
                for c in range(1, space.r + 1):
                    if c in (a, b):
                        continue
                    ok &= close(get("P", a, c), get("P", b, c))
                    ok &= close(get("P", c, a), get("P", c, b))
                for e in range(1, len(space.extra) + 1):
                    ok &= close(get("R", e, a), get("R", e, b))
                if ok:
                    parent[find(b)] = find(a)
                    changed = True
    groups: dict[int, list[int]] = {}
    for a in range(1, space.r + 1):
        groups.setdefault(find(a), []).append(a)
    if len(groups) == space.r:
        return None
    sizes = [sp.expand(sum(space.blocks[a - 1].size for a in g)) for g in groups.values()]
    sizes.sort(key=lambda s: (-sp.Poly(s, D_SYMBOL).degree(), str(s)))
    label = ",".join(str(s).replace(" ", "") for s in sizes)
    if space.extra:
        label += ";" + ",".join(str(b.size).replace(" ", "") for b in space.extra)
    return label


def symmetry_images(space: FixedSpace, x: np.ndarray) -> list[np.ndarray]:
    """Distinct images of a parameter vector under the normaliser of ``H``
    (:func:`symbolic.symmetry.canonical.normaliser_permutations`): simultaneous row-and-column
    permutations of equal blocks, column permutations of literal size-1 blocks, the
    column swap inside a literal size-2 block (``D <-> O``) and, at ``k > d``, the
    swap of a size-1 column block's row with a size-1 row-only block's row."""
    imgs = np.asarray(x, dtype=float)[normaliser_permutations(space)]
    out: list[np.ndarray] = []
    for w in imgs:
        if not any(np.allclose(w, u, rtol=1e-9, atol=1e-12) for u in out):
            out.append(w)
    return out


def _zero_rows(space: FixedSpace, x: np.ndarray, tol: float) -> list[str]:
    """Names of the row blocks of ``W`` whose entries all vanish (``|entry| <= tol``)."""
    return [name for name, ix in zero_row_groups(space)
            if ix and np.max(np.abs(x[ix])) <= tol]


def _zero_row_indices(space: FixedSpace, x: np.ndarray, tol: float) -> list[int]:
    """Indices of the parameters in the row blocks of ``W`` that vanish (``<= tol``)."""
    return sorted(i for _, ix in zero_row_groups(space)
                  if ix and np.max(np.abs(x[ix])) <= tol for i in ix)


def _min_row_norm(space: FixedSpace, x: np.ndarray) -> float:
    """The smallest max-entry over the row blocks of ``W`` (0 at a zero row)."""
    return min((float(np.max(np.abs(x[ix]))) for _, ix in zero_row_groups(space) if ix),
               default=0.0)


def _canonical_index(G: np.ndarray, x: np.ndarray, decimals: int = 8) -> int:
    rounded = np.round(x[G], decimals) + 0.0
    return int(np.lexsort(rounded.T[::-1])[0])


def _larger_isotropy_any(space, vals, G, tol) -> str | None:
    """:func:`larger_isotropy` maximised over the images under the normaliser (the
    merge test compares fixed positions; an image may show the coarser structure).
    Images that differ by a block relabelling give the same label: one per coset
    (:func:`symbolic.symmetry.canonical.relabel_coset_representatives`)."""
    from symbolic.symmetry.canonical import relabel_coset_representatives

    best = None
    for perm in relabel_coset_representatives(space):
        lab = larger_isotropy(space, [vals[i] for i in perm], tol)
        if lab is not None and (best is None or lab.count(",") < best.count(",")):
            best = lab
    return best
