"""The full-matrix model against independent computations: Monte Carlo for the loss,
finite differences for gradient and Hessian, symmetry, closed forms at W = I."""

import mpmath
import numpy as np
import pytest

from symbolic import model
from symbolic.errors import NonDifferentiableError, ShapeError


def _mc_loss(W, V, n, seed):
    """0.5 E[(sum relu(Wx) - sum relu(Vx))^2] by sampling; returns (mean, std error)."""
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n // 250_000):
        x = rng.standard_normal((250_000, W.shape[1]))
        f = np.maximum(x @ W.T, 0).sum(1) - np.maximum(x @ V.T, 0).sum(1)
        vals.append(0.5 * f * f)
    v = np.concatenate(vals)
    return v.mean(), v.std() / np.sqrt(len(v))


@pytest.mark.parametrize("k,d,kt,seed", [(3, 4, 4, 0), (5, 3, 2, 1), (2, 6, 3, 2), (4, 4, 4, 3)])
def test_loss_matches_monte_carlo(k, d, kt, seed):
    rng = np.random.default_rng(100 + seed)
    W = rng.normal(size=(k, d))
    V = rng.normal(size=(kt, d))
    L = model.loss(W, V)
    m, se = _mc_loss(W, V, 1_000_000, seed)
    assert abs(L - m) < 4 * se, (L, m, se)


def test_gradient_and_hessian_match_finite_differences_float64():
    rng = np.random.default_rng(7)
    W, V = rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    g, H = model.gradient(W, V), model.hessian(W, V)
    h = 1e-6
    k, d = W.shape
    for i in range(k):
        for a in range(d):
            E = np.zeros_like(W)
            E[i, a] = h
            fd = (model.loss(W + E, V) - model.loss(W - E, V)) / (2 * h)
            assert abs(fd - g[i, a]) < 1e-8
            col = (model.gradient(W + E, V) - model.gradient(W - E, V)).ravel() / (2 * h)
            assert np.abs(col - H[:, i * d + a]).max() < 1e-7
    assert np.abs(H - H.T).max() < 1e-12


def test_gradient_and_hessian_match_finite_differences_mpmath_50_digits():
    W = [["0.7", "-0.3", "0.2"], ["0.1", "0.9", "-0.4"]]
    V = [["1", "0.2", "0"], ["0", "1", "0.5"], ["0.3", "0", "1"]]
    g = model.gradient(W, V, backend="mpmath", dps=60)
    H = model.hessian(W, V, backend="mpmath", dps=60)
    with mpmath.workdps(80):
        h = mpmath.mpf(10) ** -25
        Wm = [[mpmath.mpf(x) for x in r] for r in W]
        for i in range(2):
            for a in range(3):
                Wp = [list(r) for r in Wm]
                Wn = [list(r) for r in Wm]
                Wp[i][a] += h
                Wn[i][a] -= h
                fd = (model.loss(Wp, V, backend="mpmath", dps=80)
                      - model.loss(Wn, V, backend="mpmath", dps=80)) / (2 * h)
                assert abs(fd - g[i, a]) < mpmath.mpf(10) ** -40
                col = (model.gradient(Wp, V, backend="mpmath", dps=80)
                       - model.gradient(Wn, V, backend="mpmath", dps=80)) / (2 * h)
                for j in range(6):
                    assert abs(col.ravel()[j] - H[j, i * 3 + a]) < mpmath.mpf(10) ** -40


def test_loss_invariant_and_gradient_equivariant_under_permutations():
    rng = np.random.default_rng(11)
    k = d = 5
    W = rng.normal(size=(k, d))
    L, g, H = model.loss(W), model.gradient(W), model.hessian(W)
    for _ in range(3):
        pr, pc = rng.permutation(k), rng.permutation(d)  # independent: V = I is invariant
        Wp = W[pr][:, pc]
        assert abs(model.loss(Wp) - L) < 1e-12
        assert np.abs(model.gradient(Wp) - g[pr][:, pc]).max() < 1e-12
        idx = (pr[:, None] * d + pc[None, :]).ravel()
        assert np.abs(model.hessian(Wp) - H[np.ix_(idx, idx)]).max() < 1e-12
    # general V: permute columns of W and V together, rows of each independently
    V = rng.normal(size=(3, d))
    L = model.loss(W, V)
    pc = rng.permutation(d)
    assert abs(model.loss(W[rng.permutation(k)][:, pc], V[rng.permutation(3)][:, pc]) - L) < 1e-12
    # ... but not columns of W alone (a check that can fail)
    assert abs(model.loss(W[:, pc], V) - L) > 1e-6


@pytest.mark.parametrize("d", [4, 5, 8])
def test_global_minimum_closed_forms(d):
    """(At d = 3 the Y representation is empty and 1/4 + 1/(2 pi) is absent.)"""
    W = np.eye(d)
    assert model.loss(W) == pytest.approx(0, abs=1e-12)
    assert np.abs(model.gradient(W)).max() < 1e-14
    ev = np.linalg.eigvalsh(model.hessian(W))
    for target in (0.25 - 1 / (2 * np.pi), 0.25 + 1 / (2 * np.pi)):
        assert np.min(np.abs(ev - target)) < 1e-12
    Lm = model.loss(W, backend="mpmath", dps=50)
    assert abs(Lm) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("W", [
    [[1, 0, 0], [2, 0, 0], [0, 1, 1]],            # rows parallel to each other and a target
    [[1, 0, 0], [-1, 0, 0], [0, 0.5, 1]],         # antiparallel rows
    [[-1, 0, 0], [0, 1, 0], [0, 0, 1]],           # a row antiparallel to its target
])
def test_hessian_at_parallel_rows_is_the_finite_difference_limit(W):
    """Parallel rows: the loss is C^2 with a Lipschitz Hessian; FD errors fall like h."""
    H = model.hessian(W, backend="mpmath", dps=50)
    errs = []
    ctx = mpmath.workdps(80)
    ctx.__enter__()
    for e in (12, 16, 20):
        h = mpmath.mpf(10) ** -e
        err = 0
        for i in range(3):
            for a in range(3):
                Wp = [[mpmath.mpf(x) for x in r] for r in W]
                Wn = [[mpmath.mpf(x) for x in r] for r in W]
                Wp[i][a] += h
                Wn[i][a] -= h
                col = (model.gradient(Wp, backend="mpmath", dps=60)
                       - model.gradient(Wn, backend="mpmath", dps=60)).ravel() / (2 * h)
                err = max(err, max(abs(col[j] - H[j, i * 3 + a]) for j in range(9)))
        errs.append(err)
    ctx.__exit__(None, None, None)
    assert errs[-1] < mpmath.mpf(10) ** -15
    assert errs[-1] < errs[0] or errs[0] < mpmath.mpf(10) ** -20


def test_bad_input_is_a_clear_error():
    with pytest.raises(ShapeError, match="2-d"):
        model.loss([1, 2, 3])
    with pytest.raises(ShapeError, match="finite"):
        model.loss([[1, float("nan")], [0, 1]])
    with pytest.raises(ShapeError, match="finite"):
        model.gradient([[1, float("inf")], [0, 1]])
    with pytest.raises(ShapeError, match="width"):
        model.loss(np.eye(3), np.eye(2))
    with pytest.raises(ShapeError, match="not a number"):
        model.loss([["a", 1], [0, 1]])
    with pytest.raises(NonDifferentiableError, match="row 1"):
        model.gradient([[1, 0], [0, 0]])
    with pytest.raises(NonDifferentiableError, match="row 0"):
        model.hessian([[0, 0], [0, 1]], backend="mpmath")
    # the loss itself is defined at a zero row (continuous there)
    assert abs(model.loss([[1, 0], [0, 0]]) - model.loss([[1, 0], [0, 1e-14]])) < 1e-12
