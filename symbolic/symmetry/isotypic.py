r"""Isotypic decomposition of ``M(k, d)`` under a block isotropy group.

Source: DESIGN.md section 3. The group ``H = Delta(S_{p_1} x ... x S_{p_r}) x
S_{m_1} x ... x S_{m_s}`` acts on ``M(k, d)`` by permuting the rows and columns of
each diagonal block together and the rows of each row-only block. As an
``H``-representation, with ``R^p = 1 + S`` (``S`` the standard representation,
``dim S = p - 1``):

* a diagonal square ``(a, a)``: ``R^p (x) R^p = 2*1 + 3*S_a + Lambda^2 S_a + Y_a``,
  ``dim Lambda^2 S_a = (p-1)(p-2)/2``, ``dim Y_a = p(p-3)/2``;
* a rectangle of two distinct blocks (diagonal or row-only ``e``, diagonal ``b``):
  ``(1 + S_e)(1 + S_b) = 1 + S_e + S_b + S_e (x) S_b``.

Small blocks: size 1 carries only the trivial representation; for ``p = 2``,
``Lambda^2 S = 0``, ``Y = 0`` and the square holds only two copies of ``S``; for
``p = 3``, ``Y = 0``. The irreducibles of different blocks are pairwise
non-isomorphic (they are nontrivial on different factors of ``H``).

Representatives. Every copy of an irreducible is given by "the same abstract
vector" (``x = e_1 - e_2`` on two marked indices of a block, or the patterns of
``Lambda^2 S`` and ``Y`` on three or four marked indices), so the copies
correspond under ``H``-equivariant isomorphisms. A representative is fixed by
the subgroup ``H'`` of ``H`` that fixes the marked indices pointwise, so it lies
in ``Fix(H')`` -- the fixed space of the refined isotropy where each marked
index is a block of size 1 (:meth:`FixedSpace.refine`). Its coordinates there
(one number per orbit of ``H'``) are the *direction* vectors handed to
:class:`~symbolic.systems.reduced.ReducedSystem` by :mod:`symbolic.spectra.spectrum`.

Copy count (``r`` diagonal blocks, ``s`` row-only blocks): ``triv``: ``dim Fix(H)``;
``std[a]``: ``3 + 2(r - 1) + s`` (``2 + ...`` when ``p_a = 2``); ``std[E<e>]``: ``r``;
``std[a]xstd[b]``: 2; ``std[E<e>]xstd[b]``: 1; ``alt2[a]``, ``sym[a]``: 1. The
identity ``sum copies * dim = k d`` is checked in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.errors import IsotropyError
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy, poly_at

__all__ = [
    "Irrep",
    "Representatives",
    "isotypic_decomposition",
    "representatives",
    "copy_indices",
    "dimension_count",
]

#: Row descriptor: ("diag" | "extra", block (1-based), marker or None); column: (block, marker).
RowDesc = tuple[str, int, int | None]
ColDesc = tuple[int, int | None]
Pattern = Callable[[RowDesc, ColDesc, bool], int]


@dataclass(frozen=True)
class Irrep:
    """An irreducible type occurring in ``M(k, d)`` under ``H``.

    ``label``: ``"triv"``, ``"std[1]"``, ``"std[E1]"``, ``"std[1]xstd[2]"``,
    ``"std[E1]xstd[2]"``, ``"alt2[1]"`` (``Lambda^2 S``), ``"sym[1]"`` (``Y``).
    ``dim_expr``: its dimension as a polynomial in ``d``; ``copies``: its
    multiplicity in ``M(k, d)`` (the size of its Hessian block); ``copy_names``
    names each copy (e.g. ``"x1^T@(1,1)"``).
    """

    label: str
    dim_expr: sp.Expr
    copies: int
    kind: str = field(default="", compare=False)
    blocks: tuple = field(default=(), compare=False)
    copy_names: tuple[str, ...] = field(default=(), compare=False)

    def dim_at(self, d: Any) -> int | Fraction:
        """The dimension at a numeric ``d`` (exact)."""
        return poly_at(self.dim_expr, parse_d(d))


# ----------------------------------------------------------------- abstract vectors
def _x(m: int | None) -> int:
    """``x = e_1 - e_2`` on the marked indices of a block."""
    return 1 if m == 1 else (-1 if m == 2 else 0)


_ALT = {(1, 2): 1, (2, 1): -1, (2, 3): 1, (3, 2): -1, (3, 1): 1, (1, 3): -1}
_SYM = {(1, 2): 1, (2, 1): 1, (3, 4): 1, (4, 3): 1,
        (1, 3): -1, (3, 1): -1, (2, 4): -1, (4, 2): -1}


def _size_class(size: sp.Expr, d: Any) -> int | None:
    """The size of a block as an integer when it is small (1, 2, 3); None if it is
    generic (depends on d and d is None, or is >= 4 / non-integer)."""
    if d is None:
        if size.has(D_SYMBOL):
            return None
        v = int(size)
    else:
        v = poly_at(size, parse_d(d))
        if isinstance(v, Fraction):
            return None
    return v if v <= 3 else None


def _std_copies(space: FixedSpace, a: int, small: int | None) -> list[tuple[str, Pattern]]:
    """Copies of ``S_a`` for diagonal block ``a`` (markers 1, 2 in block ``a``)."""
    out: list[tuple[str, Pattern]] = [
        (f"x1^T@({a},{a})",
         lambda r, c, s: _x(r[2]) if r[0] == "diag" and r[1] == a and c[0] == a else 0),
        (f"1x^T@({a},{a})",
         lambda r, c, s: _x(c[1]) if r[0] == "diag" and r[1] == a and c[0] == a else 0),
    ]
    if small != 2:  # for p = 2, x1^T + 1x^T = 2 diag(x)
        out.append((f"diag(x)@({a},{a})",
                    lambda r, c, s: _x(r[2]) if (r[0] == "diag" and r[1] == a and c[0] == a
                                                 and s) else 0))
    for b in range(1, space.r + 1):
        if b == a:
            continue
        out.append((f"x1^T@({a},{b})",
                    lambda r, c, s, b=b: _x(r[2]) if r[0] == "diag" and r[1] == a
                    and c[0] == b else 0))
        out.append((f"1x^T@({b},{a})",
                    lambda r, c, s, b=b: _x(c[1]) if r[0] == "diag" and r[1] == b
                    and c[0] == a else 0))
    for e in range(1, len(space.extra) + 1):
        out.append((f"1x^T@(E{e},{a})",
                    lambda r, c, s, e=e: _x(c[1]) if r[0] == "extra" and r[1] == e
                    and c[0] == a else 0))
    return out


def _decompose(space: FixedSpace, d: Any) -> list[tuple[Irrep, dict, dict, list]]:
    """Irreps with (diagonal splits, row-only splits, [(copy name, pattern)])."""
    p = [b.size for b in space.blocks]
    m = [b.size for b in space.extra]
    small = [_size_class(s, d) for s in p]
    esmall = [_size_class(s, d) for s in m]
    out: list[tuple[Irrep, dict, dict, list]] = []

    def add(label, kind, blocks, dim, splits, esplits, copies):
        dim = sp.expand(dim)
        out.append((Irrep(label, dim, len(copies), kind, blocks,
                          tuple(n for n, _ in copies)), splits, esplits, copies))

    add("triv", "triv", (), sp.Integer(1), {}, {}, [(q.name, None) for q in space.params])
    for a in range(1, space.r + 1):
        if small[a - 1] == 1:
            continue
        pa = p[a - 1]
        add(f"std[{a}]", "std", (("diag", a),), pa - 1, {a: [1, 1]}, {},
            _std_copies(space, a, small[a - 1]))
    for e in range(1, len(m) + 1):
        if esmall[e - 1] == 1:
            continue
        copies = [(f"x1^T@(E{e},{b})",
                   lambda r, c, s, e=e, b=b: _x(r[2]) if r[0] == "extra" and r[1] == e
                   and c[0] == b else 0) for b in range(1, space.r + 1)]
        add(f"std[E{e}]", "std", (("extra", e),), m[e - 1] - 1, {}, {e: [1, 1]}, copies)
    for a in range(1, space.r + 1):
        for b in range(a + 1, space.r + 1):
            if small[a - 1] == 1 or small[b - 1] == 1:
                continue
            copies = [
                (f"xy^T@({a},{b})",
                 lambda r, c, s, a=a, b=b: _x(r[2]) * _x(c[1])
                 if r[0] == "diag" and r[1] == a and c[0] == b else 0),
                (f"yx^T@({b},{a})",
                 lambda r, c, s, a=a, b=b: _x(r[2]) * _x(c[1])
                 if r[0] == "diag" and r[1] == b and c[0] == a else 0),
            ]
            add(f"std[{a}]xstd[{b}]", "stdxstd", (("diag", a), ("diag", b)),
                (p[a - 1] - 1) * (p[b - 1] - 1), {a: [1, 1], b: [1, 1]}, {}, copies)
    for e in range(1, len(m) + 1):
        for b in range(1, space.r + 1):
            if esmall[e - 1] == 1 or small[b - 1] == 1:
                continue
            copies = [(f"xy^T@(E{e},{b})",
                       lambda r, c, s, e=e, b=b: _x(r[2]) * _x(c[1])
                       if r[0] == "extra" and r[1] == e and c[0] == b else 0)]
            add(f"std[E{e}]xstd[{b}]", "stdxstd", (("extra", e), ("diag", b)),
                (m[e - 1] - 1) * (p[b - 1] - 1), {b: [1, 1]}, {e: [1, 1]}, copies)
    for a in range(1, space.r + 1):
        pa = p[a - 1]
        if small[a - 1] not in (1, 2):
            copies = [(f"alt@({a},{a})",
                       lambda r, c, s, a=a: _ALT.get((r[2], c[1]), 0)
                       if r[0] == "diag" and r[1] == a and c[0] == a else 0)]
            add(f"alt2[{a}]", "alt2", (("diag", a),), (pa - 1) * (pa - 2) / 2,
                {a: [1, 1, 1]}, {}, copies)
        if small[a - 1] is None:
            copies = [(f"sym@({a},{a})",
                       lambda r, c, s, a=a: _SYM.get((r[2], c[1]), 0)
                       if r[0] == "diag" and r[1] == a and c[0] == a else 0)]
            add(f"sym[{a}]", "sym", (("diag", a),), pa * (pa - 3) / 2,
                {a: [1, 1, 1, 1]}, {}, copies)
    return out


def isotypic_decomposition(space: FixedSpace | str, d: Any = None) -> list[Irrep]:
    """The irreducibles of ``M(k, d)`` under ``H`` with dimensions and multiplicities.

    ``d=None``: generic ``d`` (every block written with ``d`` is large); at a
    numeric ``d`` the small-block special cases apply (sizes 1, 2, 3).
    """
    space = parse_isotropy(space)
    if d is not None:
        space.check_d(parse_d(d))
    return [irr for irr, *_ in _decompose(space, d)]


def dimension_count(space: FixedSpace | str, d: Any = None) -> sp.Expr:
    """``sum copies * dim`` over the decomposition (must equal ``k d``)."""
    irreps = isotypic_decomposition(space, d)
    tot = sp.expand(sum(i.copies * i.dim_expr for i in irreps))
    return tot if d is None else sp.Rational(str(Fraction(poly_at(tot, parse_d(d)))))


# ----------------------------------------------------------------- representatives
@dataclass
class Representatives:
    """Representatives of every copy of one irreducible, as directions in a fixed space.

    ``fine``: the fixed space containing them (``space`` itself for ``triv``);
    ``embedding``: fine symbol -> coarse symbol (None for ``triv``); ``directions``:
    one row per copy, coordinates in ``fine.params`` order (integers);
    ``orbit_sizes``: the fine parameters' orbit sizes (polynomials in ``d``).
    """

    irrep: Irrep
    fine: FixedSpace
    embedding: dict | None
    directions: list[list[int]]
    orbit_sizes: list[sp.Expr]
    space: FixedSpace | None = None
    info: dict | None = None

    def gram_expr(self) -> sp.Matrix:
        """``G_{ab} = <X_a, X_b> = sum_p theta_a[p] theta_b[p] orbit_p(d)``."""
        n = len(self.directions)
        return sp.Matrix(n, n, lambda i, j: sp.expand(sum(
            x * y * o for x, y, o in zip(self.directions[i], self.directions[j],
                                         self.orbit_sizes, strict=True))))

    def matrices(self, d: int) -> list[np.ndarray]:
        """The representative matrices at integer ``d``, in the coarse space's row and
        column order (the fine space's remainder blocks may be empty at small ``d``)."""
        if self.info is None:
            return [np.array(self.fine.matrix(t, d), dtype=int) for t in self.directions]
        assert self.space is not None
        rows, cols = self.space.row_layout(d)
        blocks = {}  # coarse ("diag"|"extra", block) -> concrete indices (rows / cols)
        for i, rb in enumerate(rows):
            blocks.setdefault(rb, []).append(i)
        colblocks: dict = {}
        for j, b in enumerate(cols):
            colblocks.setdefault(b, []).append(j)

        def fine_indices(kind, fine_block):
            par = self.info["parent" if kind == "diag" else "extra_parent"]
            pcs = self.info["pieces" if kind == "diag" else "extra_pieces"]
            coarse = par[fine_block - 1]
            idx = blocks[(kind, coarse)] if kind == "extra" else colblocks[coarse]
            start = 0
            for f in pcs[coarse]:
                size = self.fine.extra[f - 1].size if kind == "extra" else \
                    self.fine.blocks[f - 1].size
                n = int(size.subs(D_SYMBOL, d)) if size.has(D_SYMBOL) else int(size)
                if f == fine_block:
                    return idx[start:start + n]
                start += n
            raise AssertionError  # pragma: no cover

        out = []
        for theta in self.directions:
            M = np.zeros((len(rows), len(cols)), dtype=int)
            for q, v in zip(self.fine.params, theta, strict=True):
                if v == 0:
                    continue
                ci = fine_indices("diag", q.col)
                if q.kind == "R":
                    ri = fine_indices("extra", q.row)
                else:
                    ri = fine_indices("diag", q.row)
                for a, i in enumerate(ri):
                    for b, j in enumerate(ci):
                        same = q.kind in ("D", "O") and a == b
                        if q.kind == "D" and same or q.kind == "O" and not same \
                                or q.kind in ("P", "R"):
                            M[i, j] = v
            out.append(M)
        return out


@lru_cache(maxsize=256)
def _generic_representatives(space: FixedSpace, label: str) -> Representatives:
    for irr, splits, esplits, copies in _decompose(space, None):
        if irr.label != label:
            continue
        if irr.kind == "triv":
            n = space.dim
            return Representatives(irr, space, None,
                                   [[int(i == j) for j in range(n)] for i in range(n)],
                                   [q.orbit_size for q in space.params])
        fine, info = space.refine(splits, esplits)
        dirs = []
        for _, pat in copies:
            row = []
            for q in fine.params:
                r, c, same = _fine_entry(q, info, splits, esplits)
                row.append(int(pat(r, c, same)))
            dirs.append(row)
        return Representatives(irr, fine, info["embedding"], dirs,
                               [q.orbit_size for q in fine.params], space, info)
    raise IsotropyError(f"{space.label!r} has no irreducible {label!r}")


def _fine_entry(q, info, splits, esplits) -> tuple[RowDesc, ColDesc, bool]:
    """(row desc, col desc, same index) of a representative entry of fine parameter ``q``."""

    def marker(fine_block, par, pcs, spl):
        coarse = par[fine_block - 1]
        if coarse not in spl:
            return None
        pos = pcs[coarse].index(fine_block) + 1
        return pos if pos <= len(spl[coarse]) else None

    parent, pieces = info["parent"], info["pieces"]
    col = (parent[q.col - 1], marker(q.col, parent, pieces, splits))
    if q.kind == "R":
        ep, epc = info["extra_parent"], info["extra_pieces"]
        return ("extra", ep[q.row - 1], marker(q.row, ep, epc, esplits)), col, False
    row = ("diag", parent[q.row - 1], marker(q.row, parent, pieces, splits))
    return row, col, q.kind == "D"


def copy_indices(space: FixedSpace | str, irrep: Irrep | str, d: Any = None) -> list[int]:
    """Indices of the copies present at ``d`` among the generic copies of ``irrep``
    (at small block sizes some copies are dependent and dropped, e.g. ``diag(x)`` at p = 2)."""
    space = parse_isotropy(space)
    label = irrep.label if isinstance(irrep, Irrep) else str(irrep)
    generic = _generic_representatives(space, label).irrep.copy_names
    if d is None:
        return list(range(len(generic)))
    here = [i for i in isotypic_decomposition(space, d) if i.label == label]
    if not here:
        raise IsotropyError(f"{space.label!r} has no irreducible {label!r} at d = {d}")
    return [generic.index(n) for n in here[0].copy_names]


def representatives(space: FixedSpace | str, irrep: Irrep | str, d: Any = None
                    ) -> Representatives:
    """Representatives of every copy of ``irrep`` (at generic ``d`` or a numeric ``d``).

    The fine space is always the generic refinement (its remainder blocks may be
    empty at small ``d``: their orbits then have size 0).
    """
    space = parse_isotropy(space)
    label = irrep.label if isinstance(irrep, Irrep) else str(irrep)
    gen = _generic_representatives(space, label)
    if d is None:
        return gen
    idx = copy_indices(space, label, d)
    irr = next(i for i in isotypic_decomposition(space, d) if i.label == label)
    return Representatives(irr, gen.fine, gen.embedding, [gen.directions[i] for i in idx],
                           gen.orbit_sizes, gen.space, gen.info)
