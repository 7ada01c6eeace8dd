"""The isotropy grammar and fixed-point spaces."""

import numpy as np
import pytest
import sympy as sp

from symbolic.errors import IsotropyError
from symbolic.groups import D_SYMBOL, parse_d, parse_isotropy


@pytest.mark.parametrize("spec,dim", [("d", 2), ("d-1,1", 5), ("d-2,2", 6), ("d-3,3", 6),
                                      ("d-2,1,1", 10), ("d-1,1;1", 7), ("2d-3,3-d", None)])
def test_dimensions(spec, dim):
    if dim is None:
        with pytest.raises(IsotropyError, match="decreases"):
            parse_isotropy(spec)
        return
    assert parse_isotropy(spec).dim == dim


@pytest.mark.parametrize("bad,msg", [
    ("", "non-empty"), ("d-1,,1", "empty block"), ("d-1,2", "add up"), ("x", "only integers"),
    ("d;", "empty block"), ("d-1,1;1;1", "at most one"), ("d+-1", "affine"), ("0,d", "< 1"),
])
def test_malformed(bad, msg):
    with pytest.raises(IsotropyError, match=msg):
        parse_isotropy(bad)


def test_d_too_small_and_parse_d():
    with pytest.raises(IsotropyError, match="too small"):
        parse_isotropy("d-2,2").check_d(3)
    parse_isotropy("d-2,2").check_d(4)
    assert parse_isotropy("d-3,3").min_d() == 5
    from fractions import Fraction

    assert parse_d("10.5") == Fraction(21, 2) and parse_d("1e8") == 10**8
    for bad in ("ten", "-3", "0", True):
        with pytest.raises(IsotropyError):
            parse_d(bad)


@pytest.mark.parametrize("spec", ["d", "d-1,1", "d-2,2", "d-2,1,1", "d-1,1;1", "d-2,2;2"])
def test_orbits_partition_the_matrix(spec):
    fs = parse_isotropy(spec)
    for d in (6, 9):
        masks = fs.orbit_masks(d)
        total = sum(masks.values())
        assert np.all(total == 1)  # every entry in exactly one orbit
        for q in fs.params:
            assert masks[q.name].sum() == int(q.orbit_size.subs(D_SYMBOL, d))
        # the matrix is fixed by the group: permuting rows and columns of a block together
        th = np.random.default_rng(0).normal(size=fs.dim)
        W = np.array(fs.matrix(th, d), dtype=float)
        p0 = int(fs.blocks[0].size.subs(D_SYMBOL, d))
        perm = np.arange(d)
        perm[:p0] = np.random.default_rng(1).permutation(p0)
        rows = np.concatenate([perm, np.arange(d, W.shape[0])])
        assert np.array_equal(W[rows][:, perm], W)
        # ... and not by a transposition across blocks (a check that can fail)
        if fs.r > 1:
            sw = np.arange(d)
            sw[0], sw[d - 1] = d - 1, 0
            rows = np.concatenate([sw, np.arange(d, W.shape[0])])
            assert not np.array_equal(W[rows][:, sw], W)


def test_refine_embedding_reproduces_the_matrix():
    fs = parse_isotropy("d-1,1;2")
    fine, info = fs.refine({1: [1, 1]}, {1: [1, 1]})
    th = np.random.default_rng(3).normal(size=fs.dim)
    sub = dict(zip(fs.symbols, th, strict=True))
    fv = [float(sp.sympify(info["embedding"][s]).subs(sub)) for s in fine.symbols]
    d = 7
    assert np.allclose(np.array(fs.matrix(th, d), float), np.array(fine.matrix(fv, d), float))
