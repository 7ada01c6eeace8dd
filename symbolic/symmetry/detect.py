r"""Isotropy detection: the block structure of a numeric weight matrix.

With the target ``V = I_d`` the loss is invariant under all of ``S_k x S_d``
(rows and columns permuted independently, DESIGN.md section 2), so a critical
point found in the full space (e.g. by gradient descent) sits in *some*
conjugate of a fixed space ``Fix(H)``. Detection finds ``H`` in the block family
of :mod:`symbolic.symmetry.groups`, the permutations that bring the point into block
form, and its parameters:

1. entries are clustered into values (within ``tol``);
2. colour refinement (1-dimensional Weisfeiler--Leman) on the bipartite graph
   rows x columns weighted by the clustered values gives row and column
   classes (for points of the block family these are the orbits of the
   isotropy group);
3. each class of rows is paired with a class of columns of the same size on
   which the submatrix has the diagonal pattern (one distinguished value ``D``
   per row and column, ``O`` elsewhere), which also matches rows to columns;
   unpaired row classes are row-only blocks (extra neurons, ``k > d``);
4. the parameters are orbit averages, and the reconstruction
   ``space.matrix(values, d)`` is checked against the permuted matrix.

Conventions where ``S_k x S_d`` leaves a choice (all choices describe the same
point up to the loss-preserving permutations): the spec is canonical -- the
largest block written ``d-<rest>``, the others as literals, largest first, then
row-only blocks, largest first; blocks of equal size are ordered by their class
(arbitrary but deterministic); in a ``2 x 2`` square ``[[a, b], [b, a]]`` both
values form a permutation pattern and ``D`` is taken as the one of larger
absolute value (as at the identity and in the catalogued spurious minima); literal
size-1 row and column classes are paired preferring the larger diagonal entry.
If the values give the point a larger group of the family than intended (e.g.
``D_2 = D_1`` and ``P_{12} = P_{21} = O_1`` in ``Fix(d-1,1)``), the larger group
is reported, since the classes in step 2 are those of the point.

Limitations: entries are clustered by single linkage (a chain of values each within
``tol`` of the next is one value; the reconstruction check then rejects a wrong
reading). A row-only neuron that duplicates the row of a diagonal block of size 1
(two equal neurons, one of them in the square part) merges with it in step 2 and
the point is rejected as not in the family.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symbolic.core.errors import IsotropyError, ShapeError
from symbolic.symmetry.groups import FixedSpace, parse_isotropy

__all__ = ["Detection", "detect_isotropy"]


@dataclass
class Detection:
    """Result of :func:`detect_isotropy`.

    ``W[row_perm][:, col_perm] == space.matrix(values, d)`` within the tolerance.
    """

    space: FixedSpace
    spec: str
    values: dict[str, Any]
    row_perm: list[int]
    col_perm: list[int]
    deviation: float

    def to_json(self, digits: int = 17) -> dict:
        from symbolic.core.formatting import decimal

        def fmt(v):
            return decimal(v, digits) if not isinstance(v, float) else repr(v)

        return {
            "isotropy": self.spec,
            "params": {k: fmt(v) for k, v in self.values.items()},
            "row_perm": [int(i) for i in self.row_perm],
            "col_perm": [int(i) for i in self.col_perm],
            "max_deviation": format(float(self.deviation), ".3e"),
        }


def _cluster(values: np.ndarray, tol: float) -> np.ndarray:
    flat = values.ravel()
    order = np.argsort(flat, kind="stable")
    labels = np.empty(flat.size, dtype=int)
    lab, prev = -1, None
    for idx in order:
        v = flat[idx]
        if prev is None or abs(v - prev) > tol * (1 + abs(v)):
            lab += 1
        labels[idx] = lab
        prev = v
    return labels.reshape(values.shape)


def _refine(L: np.ndarray) -> tuple[list[int], list[int]]:
    k, d = L.shape
    rc, cc = [0] * k, [0] * d
    while True:
        rsig = [(rc[i], tuple(sorted((int(L[i, j]), cc[j]) for j in range(d))))
                for i in range(k)]
        csig = [(cc[j], tuple(sorted((int(L[i, j]), rc[i]) for i in range(k))))
                for j in range(d)]
        rmap = {s: n for n, s in enumerate(sorted(set(rsig)))}
        cmap = {s: n for n, s in enumerate(sorted(set(csig)))}
        nrc, ncc = [rmap[s] for s in rsig], [cmap[s] for s in csig]
        if len(set(nrc)) == len(set(rc)) and len(set(ncc)) == len(set(cc)):
            return nrc, ncc
        rc, cc = nrc, ncc


def _diagonal_match(L: np.ndarray, Wf: np.ndarray, rows: list[int], cols: list[int]):
    """If L[rows][:, cols] has the diagonal pattern, the matching row -> col; else None."""
    S = L[np.ix_(rows, cols)]
    F = Wf[np.ix_(rows, cols)]
    p = len(rows)
    if p == 1:
        return {rows[0]: cols[0]}
    vals, counts = np.unique(S, return_counts=True)
    if len(vals) == 1:  # D = O: any bijection (the point has a larger isotropy)
        return dict(zip(rows, cols, strict=True))
    if len(vals) != 2:
        return None
    # a 2 x 2 square [[a, b], [b, a]]: both values fit; D = the larger in absolute value
    # (1 vs 0 at the identity; the negative diagonal of the small block of the known
    # spurious minima), then the larger
    def key(lab):
        v = float(F[S == lab][0])
        return (abs(v), v)

    for dval in sorted(vals, key=key, reverse=True):
        mask = S == dval
        if np.all(mask.sum(axis=0) == 1) and np.all(mask.sum(axis=1) == 1):
            return {rows[i]: cols[int(np.argmax(mask[i]))] for i in range(p)}
    return None


def detect_isotropy(W: Any, tol: float = 1e-8) -> Detection:
    """Detect the block isotropy of ``W`` (k x d, k >= d; target ``I_d``)."""
    try:
        A = np.array(W, dtype=object)
        Wf = np.array([[float(x) for x in row] for row in A], dtype=float)
    except (TypeError, ValueError):
        raise ShapeError("W must be a numeric matrix") from None
    if Wf.ndim != 2:
        raise ShapeError("W must be a finite 2-d matrix")
    if not np.all(np.isfinite(Wf)):
        i, j = (int(t) for t in np.argwhere(~np.isfinite(Wf))[0])
        raise ShapeError(f"W[{i}][{j}] = {A[i, j]} is not finite or outside the supported "
                         "range (|entries| below 1e308)")
    k, d = Wf.shape
    if k < d:
        raise IsotropyError(f"W has k = {k} < d = {d} rows: the block family needs k >= d")
    L = _cluster(Wf, tol)
    rc, cc = _refine(L)
    rclasses = {c: [i for i in range(k) if rc[i] == c] for c in sorted(set(rc))}
    cclasses = {c: [j for j in range(d) if cc[j] == c] for c in sorted(set(cc))}
    # Candidate column classes for every row class: genuine diagonal patterns first,
    # then constant squares (D = O); ties broken by the size of the diagonal values.
    rlist = sorted(rclasses.items(), key=lambda t: -len(t[1]))
    cands = []
    for _, rows in rlist:
        cs = []
        for ccl, cols in cclasses.items():
            if len(cols) != len(rows):
                continue
            match = _diagonal_match(L, Wf, rows, cols)
            if match is None:
                continue
            proper = len(np.unique(L[np.ix_(rows, cols)])) == 2 or len(rows) == 1
            score = float(np.mean([Wf[i, j] for i, j in match.items()]))
            cs.append((not proper, -score, ccl, match))
        cs.sort(key=lambda t: t[:3])
        cands.append(cs + [None])  # None: a row-only block
    best_err: IsotropyError | None = None
    for choice in _assignments(cands, len(cclasses)):
        try:
            return _build(A, Wf, d, tol, rlist, choice)
        except IsotropyError as exc:
            best_err = exc
    raise best_err or IsotropyError("W is not in the block family: some columns could not be "
                                    "paired with rows (no diagonal pattern)")


def _assignments(cands, n_cols, limit=2000):
    """Depth-first: pairings of row classes with distinct column classes (or none)."""
    out = 0
    chosen: list = []
    used: set = set()

    def rec(i):
        nonlocal out
        if out >= limit:
            return
        if i == len(cands):
            if len(used) == n_cols:
                out += 1
                yield list(chosen)
            return
        for c in cands[i]:
            if c is not None and c[2] in used:
                continue
            chosen.append(c)
            if c is not None:
                used.add(c[2])
            yield from rec(i + 1)
            chosen.pop()
            if c is not None:
                used.discard(c[2])

    yield from rec(0)


def _build(A, Wf, d, tol, rlist, choice) -> Detection:
    blocks: list[tuple[list[int], list[int]]] = []
    extra: list[list[int]] = []
    for (_, rows), c in zip(rlist, choice, strict=True):
        if c is None:
            extra.append(rows)
            continue
        match = c[3]
        rows_sorted = sorted(rows, key=lambda i: match[i])
        blocks.append((rows_sorted, [match[i] for i in rows_sorted]))
    if not blocks:
        raise IsotropyError("W is not in the block family")
    blocks.sort(key=lambda b: -len(b[0]))
    extra.sort(key=lambda e: -len(e))
    sizes = [len(b[0]) for b in blocks]
    rest = sum(sizes[1:])
    col_spec = ["d" if rest == 0 else f"d-{rest}"] + [str(s) for s in sizes[1:]]
    spec = ",".join(col_spec)
    if extra:
        spec += ";" + ",".join(str(len(e)) for e in extra)
    space = parse_isotropy(spec)
    try:
        space.check_d(d)
    except IsotropyError:
        raise IsotropyError(
            f"the symmetry of W (blocks {sizes}) is not in the block family: its largest "
            "block must have size >= 2 (a generic W has trivial isotropy)") from None
    row_perm = [i for b in blocks for i in b[0]] + [i for e in extra for i in e]
    col_perm = [j for b in blocks for j in b[1]]
    P = A[np.ix_(row_perm, col_perm)]
    masks = space.orbit_masks(d)
    values = {}
    for n in space.names:
        entries = list(P[masks[n] == 1])
        values[n] = sum(entries[1:], entries[0]) / len(entries)
    M = space.matrix([values[n] for n in space.names], d)
    dev = float(np.max(np.abs(np.array(M, dtype=float) - Wf[np.ix_(row_perm, col_perm)])))
    if dev > 10 * tol * (1 + np.abs(Wf).max()):
        raise IsotropyError(f"W is not in Fix({spec}) within tol = {tol} (deviation {dev:.2e})")
    return Detection(space, spec, values, row_perm, col_perm, dev)
