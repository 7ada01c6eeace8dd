"""Tests of the isotypic decomposition (symbolic.symmetry.isotypic).

Independent checks: the dimension count ``sum copies * dim = k d``; representative
matrices rebuilt directly from their abstract patterns on concrete indices; the
span of the H-orbit of every representative has exactly the irreducible's
dimension (irreducible, not a mixture); copies of one irreducible correspond
under an H-equivariant map (the joint orbit span has the same dimension);
components of different irreducibles are orthogonal; Gram matrices are positive
definite at every d.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp

from symbolic.core.errors import IsotropyError
from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy
from symbolic.symmetry.isotypic import (
    copy_indices,
    dimension_count,
    isotypic_decomposition,
    representatives,
)

GRAMMAR = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]
EXTRA = ["d-2,2;3", "d-2,2;d", "d-4,2,2", "d-1,1;2", "2,d-2", "d-3,2,1;1,2"]


@pytest.mark.parametrize("spec", GRAMMAR + EXTRA)
def test_dimension_count_generic_and_numeric(spec):
    s = parse_isotropy(spec)
    assert sp.expand(dimension_count(s) - s.k_expr * D_SYMBOL) == 0
    for d in range(s.min_d(), 11):
        k = int(s.k_expr.subs(D_SYMBOL, d))
        assert dimension_count(s, d) == k * d, (spec, d)
        for irr in isotypic_decomposition(s, d):
            assert irr.dim_at(d) >= 1


def test_known_decompositions():
    """DESIGN.md section 3: d-2,2 at d = 10 and d-1,1 at d = 10."""
    dec = {i.label: (i.copies, i.dim_at(10)) for i in isotypic_decomposition("d-2,2", 10)}
    assert dec == {"triv": (6, 1), "std[2]": (4, 1), "std[1]": (5, 7),
                   "std[1]xstd[2]": (2, 7), "alt2[1]": (1, 21), "sym[1]": (1, 20)}
    dec = {i.label: (i.copies, i.dim_at(10)) for i in isotypic_decomposition("d-1,1", 10)}
    assert dec == {"triv": (5, 1), "std[1]": (5, 8), "alt2[1]": (1, 28), "sym[1]": (1, 27)}


def test_small_blocks():
    # d-2,2 at d = 4: the big block has size 2 (sign rep, 2 square copies; no alt2/sym)
    dec = {i.label: i for i in isotypic_decomposition("d-2,2", 4)}
    assert "alt2[1]" not in dec and "sym[1]" not in dec
    assert dec["std[1]"].copies == 4 and "diag(x)@(1,1)" not in dec["std[1]"].copy_names
    # at d = 5 it has size 3: alt2 (the sign of S_3), no sym
    dec = {i.label: i for i in isotypic_decomposition("d-2,2", 5)}
    assert "alt2[1]" in dec and "sym[1]" not in dec and dec["alt2[1]"].dim_at(5) == 1
    assert copy_indices("d-2,2", "std[1]", 4) == [0, 1, 3, 4]
    with pytest.raises(IsotropyError):
        isotypic_decomposition("d-3,3", 4)


# ------------------------------------------------------------ concrete checks
def _layout(s, d):
    """Concrete row / column blocks; marked index t of a block = its t-th index."""
    rows, cols = s.row_layout(d)
    col_idx = {}
    for j, b in enumerate(cols):
        col_idx.setdefault(b, []).append(j)
    row_idx = {}
    for i, rb in enumerate(rows):
        row_idx.setdefault(rb, []).append(i)
    return rows, cols, row_idx, col_idx


def _x(idx):
    v = {}
    v[idx[0]] = 1
    v[idx[1]] = -1
    return v


ALT = [(0, 1, 1), (1, 0, -1), (1, 2, 1), (2, 1, -1), (2, 0, 1), (0, 2, -1)]
SYM = [(0, 1, 1), (1, 0, 1), (2, 3, 1), (3, 2, 1), (0, 2, -1), (2, 0, -1), (1, 3, -1),
       (3, 1, -1)]


def _direct_matrix(s, d, name):
    """Build a representative from its copy name on concrete indices (independent of
    the fine-parameter bookkeeping)."""
    rows, cols, row_idx, col_idx = _layout(s, d)
    M = np.zeros((len(rows), len(cols)), dtype=int)
    m = re.fullmatch(r"(.*)@\((E?)(\d+),(\d+)\)", name)
    pat, rE, ra, cb = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
    rkey = ("extra", ra) if rE else ("diag", ra)
    R, C = row_idx[rkey], col_idx[cb]
    if pat == "x1^T":
        for i, v in _x(R).items():
            M[i, C] = v
    elif pat == "1x^T":
        for j, v in _x(C).items():
            M[R, j] = v
    elif pat == "diag(x)":
        for i, v in _x(R).items():
            M[i, i] = v
    elif pat in ("xy^T", "yx^T"):
        for i, v in _x(R).items():
            for j, w in _x(C).items():
                M[i, j] = v * w
    elif pat in ("alt", "sym"):
        for a, b, v in (ALT if pat == "alt" else SYM):
            M[R[a], C[b]] = v
    else:  # a trivial coordinate: its orbit mask
        raise AssertionError(name)
    return M


def _random_group_element(s, d, rng):
    """A random element of H: a permutation of rows and one of columns."""
    rows, cols, row_idx, col_idx = _layout(s, d)
    rp = np.arange(len(rows))
    cp = np.arange(len(cols))
    for b, idx in col_idx.items():
        perm = rng.permutation(idx)
        cp[idx] = perm
        rp[row_idx[("diag", b)]] = perm  # rows of a diagonal block move with its columns
    for key, idx in row_idx.items():
        if key[0] == "extra":
            rp[idx] = rng.permutation(idx)
    return rp, cp


def _act(g, M):
    rp, cp = g
    out = np.empty_like(M)
    out[np.ix_(rp, cp)] = M
    return out


@pytest.mark.parametrize("spec,d", [("d", 6), ("d-1,1", 6), ("d-2,2", 4), ("d-2,2", 7),
                                    ("d-3,3", 7), ("d-2,1,1", 6), ("d-1,1;1", 5),
                                    ("d-2,2;3", 7), ("d-3,3", 6)])
def test_representatives(spec, d):
    s = parse_isotropy(spec)
    rng = np.random.default_rng(d)
    group = [_random_group_element(s, d, rng) for _ in range(40)]
    k = int(s.k_expr.subs(D_SYMBOL, d))
    # the group elements preserve Fix(H) pointwise (sanity of the test's H)
    P = np.array(s.matrix(list(range(1, s.dim + 1)), d), dtype=int)
    assert all((_act(g, P) == P).all() for g in group)
    comps = {}
    for irr in isotypic_decomposition(s, d):
        reps = representatives(s, irr, d)
        mats = reps.matrices(d)
        assert len(mats) == irr.copies
        if irr.label != "triv":
            for name, M in zip(irr.copy_names, mats, strict=True):
                assert (M == _direct_matrix(s, d, name)).all(), (irr.label, name)
                assert M.shape == (k, d)
        # Gram matrix = Frobenius inner products, positive definite
        G = np.array(reps.gram_expr().subs(D_SYMBOL, d), dtype=float)
        F = np.array([[np.sum(A * B) for B in mats] for A in mats], dtype=float)
        assert np.allclose(G, F)
        assert np.linalg.eigvalsh(G).min() > 0.5
        if irr.label == "triv":
            continue
        dim = irr.dim_at(d)
        orbits = [np.stack([_act(g, M).ravel() for g in group]) for M in mats]
        for O in orbits:
            assert np.linalg.matrix_rank(O) == dim, irr.label
        joint = np.concatenate(orbits, axis=1)
        assert np.linalg.matrix_rank(joint) == dim, irr.label  # equivariant correspondence
        comps[irr.label] = np.concatenate(orbits, axis=0)
    labels = list(comps)
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert np.abs(comps[a] @ comps[b].T).max() == 0, (a, b)
