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

from symbolic.symmetry.groups import FixedSpace, parse_isotropy

__all__ = ["normaliser_permutations", "canonical_form", "canonical_key", "apply_permutation",
           "relabel_coset_representatives", "orbit_invariant", "OrbitRegistry"]

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
    n_relabel = len(gens)  # the generators so far only relabel blocks
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
    return gens, n_relabel


@lru_cache(maxsize=64)
def _perms(label: str) -> np.ndarray:
    space = parse_isotropy(label)
    m = space.dim
    ident = np.arange(m, dtype=np.intp)
    gens, _ = _generators(space)
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


def _closure(gens: list[np.ndarray], m: int) -> np.ndarray:
    ident = np.arange(m, dtype=np.intp)
    seen = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier and len(seen) <= MAX_GROUP:
        nxt = []
        for p in frontier:
            for g in gens:
                q = p[g]
                if q.tobytes() not in seen:
                    seen[q.tobytes()] = q
                    nxt.append(q)
        frontier = nxt
    return np.array(list(seen.values()), dtype=np.intp)


@lru_cache(maxsize=64)
def _coset_reps(label: str) -> np.ndarray:
    space = parse_isotropy(label)
    gens, n_relabel = _generators(space)
    sub = _closure(gens[:n_relabel], space.dim)  # block relabellings
    seen: set = set()
    reps = []
    for g in _perms(label):
        if g.tobytes() in seen:
            continue
        reps.append(g)
        seen.update(q.tobytes() for q in g[sub])
    return np.array(reps, dtype=np.intp)


def relabel_coset_representatives(space: FixedSpace | str) -> np.ndarray:
    """One element ``g`` of the normaliser per class ``g R``, ``R`` the subgroup of block
    relabellings (simultaneous row-and-column transpositions of equal blocks, swaps of
    equal row-only blocks). Properties of a point that do not depend on how the blocks
    are numbered (its larger isotropy) need only these images: ``(r-1)!`` instead of
    ``(r-1)!^2`` for ``d-m,1,...,1``."""
    return _coset_reps(parse_isotropy(space).label)


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


@lru_cache(maxsize=64)
def _orbit_classes(label: str) -> tuple:
    space = parse_isotropy(label)
    groups: dict[str, list[int]] = {}
    for i, q in enumerate(space.params):
        groups.setdefault(str(sp.expand(q.orbit_size)), []).append(i)
    return tuple(np.array(v, dtype=np.intp) for v in groups.values())


def orbit_invariant(space: FixedSpace | str, X) -> np.ndarray:
    """An invariant of the normaliser, continuous and 1-Lipschitz in the max norm: the
    coordinates sorted within each class of equal orbit size (every element of the
    normaliser permutes coordinates of equal orbit size: it maps orbits of entries of
    ``W`` onto orbits). Points of one orbit have equal invariants; shape ``(N, m)``."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    return np.concatenate([np.sort(X[:, ix], axis=1)
                           for ix in _orbit_classes(parse_isotropy(space).label)], axis=1)


class OrbitRegistry:
    """Representatives of the normaliser orbits of points met so far (deduplication).

    A point ``x`` is in the class of the representative ``c`` when
    ``min_g max_p |x[g]_p - c_p| <= tol (1 + max |x|)``. Candidates are found by the
    invariant (:func:`orbit_invariant`, within the same tolerance: a necessary
    condition), and only they are compared image by image, so a new point costs one
    sort plus ``O(classes)`` comparisons of invariants; no image is enumerated for a
    point whose invariant matches no class (comparison is by tolerance, not by rounding,
    so no rounding boundary splits a class)."""

    def __init__(self, space: FixedSpace | str, tol: float = 1e-6) -> None:
        self.space = parse_isotropy(space)
        self.tol = tol
        self.reps: list[np.ndarray] = []
        self._inv = np.zeros((0, self.space.dim))
        self._G = normaliser_permutations(self.space)

    def __len__(self) -> int:
        return len(self.reps)

    def find(self, x) -> int | None:
        """Index of the class of ``x``, or None."""
        x = np.asarray(x, dtype=float)
        if not len(self.reps):
            return None
        tol = self.tol * (1 + np.max(np.abs(x)))
        v = orbit_invariant(self.space, x)[0]
        cand = np.nonzero(np.max(np.abs(self._inv - v[None, :]), axis=1) <= tol)[0]
        if not len(cand):
            return None
        imgs = x[self._G]  # (|G|, m)
        for c in cand:
            if np.min(np.max(np.abs(imgs - self.reps[c][None, :]), axis=1)) <= tol:
                return int(c)
        return None

    def add(self, x) -> tuple[int, bool]:
        """``(class index, True if new)``; a new point becomes its class representative."""
        x = np.asarray(x, dtype=float)
        i = self.find(x)
        if i is not None:
            return i, False
        self.reps.append(x.copy())
        self._inv = np.concatenate([self._inv, orbit_invariant(self.space, x)])
        return len(self.reps) - 1, True
