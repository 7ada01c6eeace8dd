"""symbolic.finite.network: exact forward pass and Jacobian against independent routes."""

from fractions import Fraction

import numpy as np
import pytest

from symbolic.core.errors import RelusymError
from symbolic.finite.data import dataset_from_rows, random_dataset
from symbolic.finite.network import (
    forward,
    forward_float,
    init_params,
    jacobian_exact,
    jacobian_float,
    loss_exact,
    loss_float,
    params_from_vector,
)
from symbolic.finite.regions import pattern_of, region_jacobian


def _fd_jacobian(net, X, h=1e-6):
    th = net.vector_float()
    cols = [(forward_float(net, X, th + h * e) - forward_float(net, X, th - h * e)) / (2 * h)
            for e in np.eye(len(th))]
    return np.array(cols).T


@pytest.mark.parametrize("d0,widths,train_output", [
    (1, (5,), False), (2, (4,), True), (2, (4, 3), False), (3, (3, 3, 2), True)])
def test_jacobian_against_finite_differences(d0, widths, train_output):
    data = random_dataset(6, d0, seed=11)
    net = init_params(d0, widths, seed=5, train_output=train_output)
    assert not forward(net, data).boundary
    J = np.array(jacobian_exact(net, data), dtype=float)
    assert J.shape == (6, net.num_params)
    np.testing.assert_allclose(J, _fd_jacobian(net, data.X_float()), atol=1e-7)
    np.testing.assert_allclose(J, jacobian_float(net, data.X_float()), atol=1e-12)


def test_exact_forward_matches_relu_by_hand():
    # f(x) = 2 relu(x - 1/2) - relu(-x + 1/3), by hand at x = 1, 0, -1
    data = dataset_from_rows([[1], [0], [-1]], [0, 0, 0])
    net = init_params(1, (2,), seed=0)
    net = params_from_vector(net, [1, -1, Fraction(-1, 2), Fraction(1, 3)])
    from symbolic.finite.network import Network

    net = Network(net.layers, np.array([2, -1], dtype=object), 1)
    out = forward(net, data).outputs()
    assert out == [1, Fraction(-1, 3), Fraction(-4, 3)]
    assert loss_exact(net, data) == (1 + Fraction(1, 9) + Fraction(16, 9)) / 2
    assert abs(loss_float(net, data) - float(loss_exact(net, data))) < 1e-15


def test_loss_is_the_region_quadratic():
    """Inside the region of theta the loss equals 1/2 |J_A theta' - y|^2 exactly, with J_A
    built from the pattern alone (not from the network's chain rule)."""
    rng = np.random.default_rng(3)
    data = random_dataset(7, 2, seed=4)
    net = init_params(2, (6,), seed=9)
    A = pattern_of(net, data)
    M, c = region_jacobian(A, net, data)
    theta = net.vector()
    y = data.y()
    checked = 0
    for _ in range(20):
        step = [Fraction(int(k), 2**40) for k in rng.integers(-2**20, 2**20, size=len(theta))]
        th2 = [a + b for a, b in zip(theta, step, strict=True)]
        net2 = params_from_vector(net, th2)
        if forward(net2, data).boundary or not (pattern_of(net2, data) == A).all():
            continue  # left the region
        f = [sum((Fraction(int(M[j, p]), c) * th2[p] for p in range(len(th2))), Fraction(0))
             for j in range(data.n)]
        quad = sum(((a - b) ** 2 for a, b in zip(f, y, strict=True)), Fraction(0)) / 2
        assert loss_exact(net2, data) == quad
        checked += 1
    assert checked >= 10


def test_region_jacobian_equals_network_jacobian():
    data = random_dataset(5, 3, seed=2)
    net = init_params(3, (4,), seed=1)
    M, c = region_jacobian(pattern_of(net, data), net, data)
    J = jacobian_exact(net, data)
    assert [[Fraction(int(x), c) for x in row] for row in M.tolist()] == J


def test_bad_input():
    with pytest.raises(RelusymError):
        random_dataset(0, 1)
    with pytest.raises(RelusymError):
        init_params(1, (0,))
    with pytest.raises(RelusymError):
        init_params(1, (3,), output="zeros")
    net = init_params(2, (3,))
    with pytest.raises(RelusymError):
        forward(net, random_dataset(3, 1))
    with pytest.raises(RelusymError):
        params_from_vector(net, [1, 2])
