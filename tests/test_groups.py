"""The isotropy grammar and fixed-point spaces."""

import numpy as np
import pytest
import sympy as sp

from symbolic.core.errors import IsotropyError
from symbolic.symmetry.groups import D_SYMBOL, parse_d, parse_isotropy


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
    for bad in ("ten", "-3", "0", True, "1e400"):
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


@pytest.mark.parametrize("spec,k,names", [
    ("d;1", D_SYMBOL + 1, ["D1", "O1", "R11"]),
    ("d-1,1;1", D_SYMBOL + 1, ["D1", "O1", "D2", "P12", "P21", "R11", "R12"]),
    ("d-1,1;2,1", D_SYMBOL + 3,
     ["D1", "O1", "D2", "P12", "P21", "R11", "R12", "R21", "R22"]),
    ("d;d", 2 * D_SYMBOL, ["D1", "O1", "R11"]),
])
def test_row_only_blocks(spec, k, names):
    """Row-only blocks add rows (k > d) with one parameter per column block; rows of a
    row-only block are all equal (S_m permutes them), columns are untouched."""
    fs = parse_isotropy(spec)
    assert sp.expand(fs.k_expr - k) == 0 and fs.names == names
    d = 5
    th = np.random.default_rng(2).normal(size=fs.dim)
    W = np.array(fs.matrix(th, d), dtype=float)
    assert W.shape == (int(k.subs(D_SYMBOL, d)), d)
    start = d
    for blk in fs.extra:  # rows of one row-only block are equal
        m = int(blk.size.subs(D_SYMBOL, d))
        assert np.all(W[start:start + m] == W[start])
        start += m
    # orbit sizes of the R parameters: (size of the row-only block) x (column block size)
    masks = fs.orbit_masks(d)
    for q in fs.params:
        if q.kind == "R":
            assert masks[q.name].sum() == int(q.orbit_size.subs(D_SYMBOL, d))
            assert masks[q.name][:d].sum() == 0  # only in the extra rows


@pytest.mark.parametrize("bad,msg", [
    ("d;0", "< 1"), ("d;x", "only integers"), ("d-1,1;", "empty block"), (";1", "empty block"),
    ("d;-1", "< 1"), ("d*2", "affine"), ("d-1,1;1-d", "decreases"),
])
def test_malformed_row_only(bad, msg):
    with pytest.raises(IsotropyError, match=msg):
        parse_isotropy(bad)


def test_d_too_small_messages_name_the_block_and_the_minimum():
    with pytest.raises(IsotropyError, match=r"block d - 2 has size 1.*smallest integer d is 4"):
        parse_isotropy("d-2,2").check_d(3)
    with pytest.raises(IsotropyError, match=r"row-only block d - 3 .*smallest integer d is 5"):
        parse_isotropy("d-2,2;d-3").check_d(4)
    with pytest.raises(IsotropyError, match="integer d"):
        parse_isotropy("d-1,1").matrix([1, 0, 1, 0, 0], "10.5")
    fs = parse_isotropy("d-1,1")
    with pytest.raises(IsotropyError, match="missing"):
        fs.values_list({"D1": 1})
    with pytest.raises(IsotropyError, match="5 parameters"):
        fs.values_list([1, 2])
    # fractional d is fine for the sizes (the reduced system evaluates there)
    from fractions import Fraction

    assert fs.sizes("10.5") == ([Fraction(19, 2), 1], [])


# ------------------------------------------------------------------ FixedSpace.at (issue 12)
@pytest.mark.parametrize("spec", ["d", "d-1,1", "d-2,2", "d-2,1,1", "d-1,1;1", "d-1,1;2"])
@pytest.mark.parametrize("d", [7, "31/3", "10.5", 10**30])
def test_space_at_matches_sympy_substitution(spec, d):
    """Independent check: sympy's exact substitution of the same polynomials."""
    from fractions import Fraction

    import sympy as sp

    from symbolic.symmetry.groups import D_SYMBOL, parse_d

    try:
        fs = parse_isotropy(spec)
    except Exception:  # noqa: BLE001 - a grammar the parser refuses is not this test's job
        pytest.skip(f"{spec} not in the grammar")
    dd = parse_d(d)
    try:
        at = fs.at(d)
    except IsotropyError:
        pytest.skip(f"{spec} does not fit d = {d}")
    dq = sp.Rational(Fraction(dd).numerator, Fraction(dd).denominator)
    for q, o in zip(fs.params, at.orbit_sizes, strict=True):
        assert Fraction(o) == Fraction(str(sp.expand(q.orbit_size).subs(D_SYMBOL, dq)))
        assert type(o) is (int if Fraction(o).denominator == 1 else Fraction)
    assert at.k == Fraction(str(fs.k_expr.subs(D_SYMBOL, dq)))
    assert list(at.block_sizes) == fs.sizes(dd)[0]
    assert at.d == dd and fs.at(d) is at  # cached


def test_space_at_checks_d():
    with pytest.raises(IsotropyError, match="too small"):
        parse_isotropy("d-2,2").at(3)
    with pytest.raises(IsotropyError):
        parse_isotropy("d").at("nan")
