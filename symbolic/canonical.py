r"""Canonical form of a point of ``Fix(H)`` under the normaliser of ``H`` (deduplication).

``L`` is invariant under all of ``S_k x S_d`` (target ``I_d``). The elements of
``S_k x S_d`` that map ``Fix(H)`` onto itself act on the parameters of ``Fix(H)``
by *permuting coordinates*; two critical points related by such an element are
the same critical point up to symmetry (DESIGN.md sections 2 and 9). Generators
used here (each a permutation of the parameter list of :class:`FixedSpace`):

* a simultaneous row-and-column transposition of two column blocks of equal size
  (``D_a <-> D_b``, ``O_a <-> O_b``, ``P_ac <-> P_bc``, ``P_ca <-> P_cb``,
  ``R_ea <-> R_eb``);
* a row transposition of two row-only blocks of equal size (``R_ac <-> R_bc``);
* a column transposition of two literal size-1 column blocks ``a, b`` (every row's
  entries in columns ``a`` and ``b`` swap: ``D_a <-> P_ab``, ``P_ba <-> D_b``,
  ``P_ca <-> P_cb``, ``R_ea <-> R_eb``);
* the column transposition inside a literal size-2 block (``D_a <-> O_a``);
* the row transposition of a literal size-1 column block ``a`` with a literal
  size-1 row-only block ``e`` (``k > d``): ``D_a <-> R_ea``, ``P_ab <-> R_eb``.

The generated group ``G`` (a permutation group on the ``m = dim Fix(H)``
coordinates) is enumerated once per space and cached. The canonical form of a
point ``x`` is the lexicographically smallest of the ``|G|`` rounded images
``round(x[g])``: one key per point, compared by hashing, never pairwise.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from symbolic.groups import FixedSpace, parse_isotropy

__all__ = ["normaliser_permutations", "canonical_form", "canonical_key", "apply_permutation"]

#: Largest group enumerated (the spaces of the package stay far below it).
MAX_GROUP = 50_000


def _generators(space: FixedSpace) -> list[np.ndarray]:
    idx = {(q.kind, q.row, q.col): i for i, q in enumerate(space.params)}
    keys = [(q.kind, q.row, q.col) for q in space.params]
    r, s = space.r, len(space.extra)
    size = [b.size for b in space.blocks]
    esize = [b.size for b in space.extra]

    def lit(blk, n):
        return blk.literal and sp.expand(blk.size - n) == 0

    def from_map(f) -> np.ndarray:
        """Permutation ``perm`` with new[i] = old[perm[i]]; ``f`` maps a key to its source."""
        return np.array([idx[f(k)] for k in keys], dtype=np.intp)

    gens = []
    for a in range(1, r + 1):
        for b in range(a + 1, r + 1):
            if sp.expand(size[a - 1] - size[b - 1]) == 0:
                p = {a: b, b: a}

                def f(k, p=p):
                    kind, i, j = k
                    if kind == "R":
                        return ("R", i, p.get(j, j))
                    return (kind, p.get(i, i), p.get(j, j))

                gens.append(from_map(f))
    for e in range(1, s + 1):
        for f2 in range(e + 1, s + 1):
            if sp.expand(esize[e - 1] - esize[f2 - 1]) == 0:
                p = {e: f2, f2: e}
                gens.append(from_map(lambda k, p=p: ("R", p.get(k[1], k[1]), k[2])
                                     if k[0] == "R" else k))
    ones = [a for a in range(1, r + 1) if lit(space.blocks[a - 1], 1)]
    twos = [a for a in range(1, r + 1) if lit(space.blocks[a - 1], 2)]
    eones = [e for e in range(1, s + 1) if lit(space.extra[e - 1], 1)]

    def col_key(i, j):
        """Key of the entry in row block ``i`` (column block), column block ``j``."""
        if i == j:
            return ("D", i, i)  # size-1 blocks: the only entry is diagonal
        return ("P", i, j)

    for ia, a in enumerate(ones):
        for b in ones[ia + 1:]:
            p = {a: b, b: a}

            def fc(k, p=p):
                kind, i, j = k
                if kind == "R":
                    return ("R", i, p.get(j, j))
                if kind == "O":
                    return k
                jj = p.get(j, j)
                if kind == "D":  # row i = j: column j's entry comes from column p(j)
                    if i in p:
                        return col_key(i, jj)
                    return k
                # P_ij, i != j
                if i in p:
                    return col_key(i, jj)
                return ("P", i, jj)

            gens.append(from_map(fc))
    for a in twos:
        gens.append(from_map(lambda k, a=a: {("D", a, a): ("O", a, a),
                                             ("O", a, a): ("D", a, a)}.get(k, k)))
    for a in ones:
        for e in eones:
            def fr(k, a=a, e=e):
                kind, i, j = k
                if kind == "R" and i == e:
                    return col_key(a, j)
                if kind in ("D", "P") and i == a:
                    return ("R", e, j)
                return k

            gens.append(from_map(fr))
    return gens


@lru_cache(maxsize=64)
def _perms(label: str) -> np.ndarray:
    space = parse_isotropy(label)
    m = space.dim
    ident = np.arange(m, dtype=np.intp)
    gens = _generators(space)
    seen = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier:
        nxt = []
        for p in frontier:
            for g in gens:
                q = p[g]  # apply g after p: new[i] = (x[p])[g[i]]
                kb = q.tobytes()
                if kb not in seen:
                    seen[kb] = q
                    nxt.append(q)
        if len(seen) > MAX_GROUP:
            break
        frontier = nxt
    return np.array(list(seen.values()), dtype=np.intp)


def normaliser_permutations(space: FixedSpace | str) -> np.ndarray:
    """All coordinate permutations of the generated normaliser group, shape ``(|G|, m)``.

    Row ``g`` maps a parameter vector ``x`` to ``x[g]`` (a point of ``Fix(H)`` with
    the same loss; a critical point iff ``x`` is one)."""
    return _perms(parse_isotropy(space).label)


def apply_permutation(x, perm) -> np.ndarray:
    """The image ``x[perm]`` of a parameter vector."""
    return np.asarray(x, dtype=float)[np.asarray(perm)]


def canonical_form(space: FixedSpace | str, x, *, decimals: int = 6) -> np.ndarray:
    """The image of ``x`` under the normaliser that is lexicographically smallest after
    rounding to ``decimals`` (relative to ``1 + |x|``): one representative per orbit."""
    G = normaliser_permutations(space)
    x = np.asarray(x, dtype=float)
    imgs = x[G]  # (|G|, m)
    rounded = np.round(imgs, decimals) + 0.0  # -0.0 -> 0.0
    order = np.lexsort(rounded.T[::-1])
    return imgs[order[0]]


def canonical_key(space: FixedSpace | str, x, *, decimals: int = 6) -> tuple:
    """A hashable key, equal for points related by the normaliser (to the rounding)."""
    c = canonical_form(space, x, decimals=decimals)
    return tuple((np.round(c, decimals) + 0.0).tolist())
