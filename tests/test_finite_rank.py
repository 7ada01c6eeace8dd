"""symbolic.finite.rank: exact rank over Q against independent routes."""

from fractions import Fraction

import flint
import numpy as np
import pytest

from symbolic.finite.data import dataset_from_rows
from symbolic.finite.network import init_params, jacobian_float, params_from_vector
from symbolic.finite.rank import exact_rank, float_rank, rank_mod_p
from symbolic.finite.regions import pattern_of, region_jacobian


def _det_fraction(rows):
    """Determinant by Gaussian elimination in Fractions (independent of flint)."""
    a = [[Fraction(x) for x in r] for r in rows]
    n, det = len(a), Fraction(1)
    for k in range(n):
        p = next((i for i in range(k, n) if a[i][k] != 0), None)
        if p is None:
            return Fraction(0)
        if p != k:
            a[k], a[p] = a[p], a[k]
            det = -det
        det *= a[k][k]
        for i in range(k + 1, n):
            f = a[i][k] / a[k][k]
            a[i] = [x - f * y for x, y in zip(a[i], a[k], strict=True)]
    return det


@pytest.mark.parametrize("shape,rank", [((6, 9), 6), ((8, 5), 5), ((7, 7), 4), ((10, 12), 3)])
def test_exact_equals_svd_rank_well_conditioned(shape, rank):
    rng = np.random.default_rng(sum(shape) + rank)
    A = rng.integers(-9, 10, size=(shape[0], rank)) @ rng.integers(-9, 10, size=(rank, shape[1]))
    r = exact_rank(A.astype(object))
    assert r.rank == rank == np.linalg.matrix_rank(A.astype(float))
    assert r.rank == flint.fmpz_mat(A.tolist()).rank()  # fraction-free elimination
    # the certifying minor is non-singular (determinant by hand in Fractions)
    minor = [[int(A[i, j]) for j in r.cols] for i in r.rows]
    assert len(r.rows) == r.rank and _det_fraction(minor) != 0


def test_rational_matrix_and_zero_columns():
    M = [[Fraction(1, 3), 0, Fraction(2, 3)], [Fraction(1, 2), 0, 1], [1, 0, 5]]
    assert exact_rank(M).rank == 2  # rows 1 and 2 are proportional
    assert exact_rank([[0, 0], [0, 0]]).rank == 0


def test_float_ambiguous_but_exact_full_rank():
    """Two data points 10^-20 apart: float64 cannot tell the rows apart, the exact rank is 2
    (the Jacobian of a one-neuron network with bias has rows (x_j, 1))."""
    data = dataset_from_rows([[0], [Fraction(1, 10**20)]], [0, 0])
    net = init_params(1, (1,), seed=0)
    net = params_from_vector(net, [1, 1])  # w = 1, b = 1: active on both points
    A = pattern_of(net, data)
    M, _ = region_jacobian(A, net, data)
    assert exact_rank(M).rank == 2
    assert float_rank(jacobian_float(net, data.X_float())) == 1  # the float answer is wrong
    assert _det_fraction([[Fraction(0), 1], [Fraction(1, 10**20), 1]]) != 0


def test_exactly_deficient_with_huge_entries():
    """Row 2 = k row 1 with 21-digit integers: exact rank 1 (determinant 0 by hand)."""
    a, b, k = 10**20 + 1, 10**20 + 7, 10**20 + 3
    M = [[a, b], [k * a, k * b], [a + 1, b]]
    assert exact_rank(M).rank == 2
    assert exact_rank(M[:2]).rank == 1 and _det_fraction(M[:2]) == 0


def test_deficient_network_jacobian():
    """Every neuron active on every point: J has the columns v_i (x_j, 1), rank 2 < n."""
    data = dataset_from_rows([[1], [2], [3], [5]], [0, 0, 0, 0])
    net = init_params(1, (3,), seed=0)
    net = params_from_vector(net, [1, 2, 3, 1, 1, 1])
    M, _ = region_jacobian(pattern_of(net, data), net, data)
    r = exact_rank(M)
    assert r.rank == 2 and r.method.startswith("minor mod p")
    assert float_rank(M.astype(float)) == 2


def test_rank_mod_p_is_a_lower_bound():
    # 3 * 5 = 15: singular mod 3 and mod 5, regular over Q
    assert rank_mod_p([[3, 0], [0, 5]], 3) == 1
    assert exact_rank([[3, 0], [0, 5]]).rank == 2


def test_float_rank_from_one_svd_matches_numpy():
    from symbolic.finite.rank import float_rank_and_sv

    rng = np.random.default_rng(5)
    for k in range(1, 6):
        A = rng.standard_normal((7, k)) @ rng.standard_normal((k, 9))
        for dt in (np.float64, np.float32):
            r, S = float_rank_and_sv(A, dt)
            assert r == int(np.linalg.matrix_rank(A.astype(dt))) == k and len(S) == 7


def test_disagreement_is_explained():
    from symbolic.finite.rank import float_rank_and_sv
    from symbolic.finite.sampling import _explain

    J = np.array([[0.0, 1.0], [1e-20, 1.0]])  # exact rank 2 (see above), float rank 1
    fr, S = float_rank_and_sv(J)
    d = _explain(J, np.float64, 2, fr, S, S, 0)
    assert fr == 1 and d["explained"] and "ill-conditioned" in d["reason"]
