"""symbolic.finite.regions: certificates checked independently of the code producing them."""

import itertools
from fractions import Fraction

import numpy as np
import pytest

from symbolic.finite.data import random_dataset
from symbolic.finite.network import (
    forward,
    forward_float,
    init_params,
    loss_float,
    params_from_vector,
)
from symbolic.finite.rank import exact_rank
from symbolic.finite.regions import (
    cone_nonempty,
    cover_count,
    critical_points_in_region,
    neuron_patterns,
    pattern_of,
    region_inequalities,
    region_jacobian,
    region_nonempty,
    step_patterns,
    zero_loss_in_region,
)


def _signs_exact(theta, data, m):
    """Sign of w_i . x_j + b_i for every (j, i), evaluated in Fractions from scratch."""
    d0 = data.d0
    X = data.X()
    W = [theta[i * d0:(i + 1) * d0] for i in range(m)]
    b = theta[m * d0:]
    return np.array([[sum((w * x for w, x in zip(W[i], X[j], strict=True)), Fraction(0)) + b[i]
                      for i in range(m)] for j in range(data.n)], dtype=object)


def test_sampled_parameters_lie_in_their_region():
    data = random_dataset(9, 2, seed=1)
    net = init_params(2, (7,), seed=2)
    A = pattern_of(net, data)
    Z = data.X_float() @ net.layers[0].W_float().T + net.layers[0].b_float()
    assert ((Z > 0) == A).all()  # float signs (no value near 0 here)
    S = _signs_exact(net.vector(), data, 7)
    assert ((S > 0) == A).all() and (S != 0).all()
    G = region_inequalities(A, data)
    th = net.vector()
    assert all(sum(int(g) * t for g, t in zip(row, th, strict=True)) > 0 for row in G.tolist())


def test_lp_nonempty_point_is_interior():
    data = random_dataset(8, 2, seed=3)
    cells = neuron_patterns(data)
    rng = np.random.default_rng(0)
    A = np.array([cells[k][0] for k in rng.integers(0, len(cells), size=5)], dtype=bool).T
    f = region_nonempty(A, data)
    assert f.verdict == "proved"
    S = _signs_exact(f.point, data, 5)
    assert ((S > 0) == A).all() and (S != 0).all()


def test_empty_cone_certificate():
    """d0 = 1, sorted points x1 < x2 < x3: on, off, on is not realisable (Gordan)."""
    data = random_dataset(3, 1, seed=0)
    order = sorted(range(3), key=lambda j: data.KX[j, 0])
    signs = np.zeros(3, dtype=int)
    signs[order[0]], signs[order[1]], signs[order[2]] = 1, -1, 1
    f = cone_nonempty(signs, data)
    assert f.verdict == "disproved"
    lam = f.certificate["lambda"]
    X = data.X()
    assert all(t >= 0 for t in lam) and sum(lam) > 0
    for k in range(2):  # sum_j lam_j s_j (x_j, 1) = 0 exactly
        assert sum(lam[j] * int(signs[j]) * ([X[j][0], 1][k]) for j in range(3)) == 0


def test_step_patterns_are_exactly_the_realisable_ones():
    data = random_dataset(5, 1, seed=4)
    steps = set(step_patterns(data))
    assert len(steps) == 2 * 5
    for s in itertools.product([1, -1], repeat=5):
        f = cone_nonempty(np.array(s), data)
        assert f.verdict in ("proved", "disproved")
        assert (f.verdict == "proved") == (tuple(x > 0 for x in s) in steps)


@pytest.mark.parametrize("n,d0", [(6, 2), (5, 3)])
def test_cell_count_is_covers_formula(n, d0):
    cells = neuron_patterns(random_dataset(n, d0, seed=n))
    assert len(cells) == cover_count(n, d0) == len({c for c, _ in cells})


def test_zero_loss_point_is_a_zero_of_the_network():
    data = random_dataset(4, 1, seed=5, box=(-1, 1))
    net = init_params(1, (10,), seed=1, output="alternating")
    A = pattern_of(net, data)
    f = zero_loss_in_region(A, net, data)
    assert f.verdict == "proved"
    net2 = params_from_vector(net, f.point)
    fw = forward(net2, data)
    assert not fw.boundary and (fw.A[0] == A).all()  # in the same region
    assert fw.outputs() == data.y()  # zero loss, exactly
    r = exact_rank(region_jacobian(A, net, data)[0]).rank
    # the global-minimum set near the point: moving along ker J keeps zero loss
    J = region_jacobian(A, net, data)[0].astype(float)
    _, s, Vt = np.linalg.svd(J)
    kernel = Vt[r:]
    assert kernel.shape[0] == 20 - r  # dimension 2m - rank
    th = net2.vector_float()
    for v in kernel[:5]:
        assert loss_float(net2, data, th + 1e-9 * v) < 1e-20


def test_no_zero_loss_certificates_are_valid():
    # (a) J theta = y inconsistent: y is not in the column space (exact rank test)
    data = random_dataset(6, 1, seed=7, box=(-1, 1))
    net = init_params(1, (3,), seed=8, output="alternating")
    A = pattern_of(net, data)
    f = zero_loss_in_region(A, net, data)
    assert f.verdict == "disproved" and not f.certificate
    M, c = region_jacobian(A, net, data)
    My = np.hstack([M, np.array([[int(k) * c // data.den] for k in data.Ky], dtype=object)])
    assert exact_rank(My).rank > exact_rank(M).rank
    # (b) consistent equations, excluded by the sign constraints: a Motzkin certificate
    data = random_dataset(5, 1, seed=5, box=(-1, 1))
    net = init_params(1, (4,), seed=5, output="alternating")
    A = pattern_of(net, data)
    f = zero_loss_in_region(A, net, data)
    assert f.verdict == "disproved" and f.certificate
    lam, mu = f.certificate["lambda"], f.certificate["mu"]
    G = region_inequalities(A, data).tolist()
    M, c = region_jacobian(A, net, data)
    y = data.y()
    assert all(t >= 0 for t in lam) and sum(lam) > 0
    for p in range(len(G[0])):  # G^T lam = J^T mu
        lhs = sum(lam[r] * G[r][p] for r in range(len(G)))
        rhs = sum(mu[j] * Fraction(int(M[j, p]), c) for j in range(data.n))
        assert lhs == rhs
    assert sum(a * b for a, b in zip(y, mu, strict=True)) <= 0


def test_bad_local_minimum_in_a_deficient_region():
    """A rank-deficient region with a verified interior critical point of positive loss:
    the gradient vanishes (finite differences) and no nearby point is lower."""
    data = random_dataset(5, 1, seed=1, box=(-1, 1))
    net = init_params(1, (3,), seed=0, output="alternating")
    A = pattern_of(net, data)
    r = exact_rank(region_jacobian(A, net, data)[0]).rank
    assert r < 5
    f, ell = critical_points_in_region(A, net, data)
    assert f.verdict == "proved" and ell > 0
    net2 = params_from_vector(net, f.point)
    assert (pattern_of(net2, data) == A).all()
    th = net2.vector_float()
    L0 = loss_float(net2, data, th)
    assert abs(L0 - float(ell)) < 1e-12
    h = 1e-6
    grad = [(loss_float(net2, data, th + h * e) - loss_float(net2, data, th - h * e)) / (2 * h)
            for e in np.eye(len(th))]
    assert max(abs(g) for g in grad) < 1e-7
    rng = np.random.default_rng(0)
    for _ in range(50):
        d = rng.standard_normal(len(th))
        assert loss_float(net2, data, th + 1e-5 * d / np.linalg.norm(d)) >= L0 - 1e-13
    assert float(forward_float(net2, data.X_float()).sum()) == pytest.approx(
        float(sum(forward(net2, data).outputs())))
