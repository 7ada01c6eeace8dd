"""The full-matrix model against independent computations: Monte Carlo for the loss,
finite differences for gradient and Hessian (float64 and 50-digit mpmath), symmetry,
closed forms at W = I, the parallel-row limit, and bad input."""

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import NonDifferentiableError, RelusymError, ShapeError
from symbolic.loss import model

# --------------------------------------------------------------------------- Monte Carlo


def _mc_loss(W, V, n, seed, chunk=200_000):
    """0.5 E[(sum relu(Wx) - sum relu(Vx))^2] by sampling x ~ N(0, I_d).

    Returns (mean, standard error). Independent of the closed form: only relu and sums.
    """
    rng = np.random.default_rng(seed)
    s = s2 = 0.0
    for _ in range(n // chunk):
        x = rng.standard_normal((chunk, W.shape[1]))
        f = np.maximum(x @ W.T, 0).sum(1) - np.maximum(x @ V.T, 0).sum(1)
        v = 0.5 * f * f
        s += v.sum()
        s2 += (v * v).sum()
    mean = s / n
    return mean, np.sqrt((s2 / n - mean * mean) / n)


@pytest.mark.parametrize("k,d,kt,seed", [
    (3, 4, 4, 0),      # k != d
    (5, 3, 2, 1),      # k > d, k_t != d
    (2, 6, 3, 2),      # k < d, k_t != d
    (4, 4, 4, 3),
    (3, 5, None, 4),   # default target V = I_5
])
def test_loss_matches_monte_carlo(k, d, kt, seed):
    rng = np.random.default_rng(100 + seed)
    W = rng.normal(size=(k, d))
    V = rng.normal(size=(kt, d)) if kt else None
    L = model.loss(W, V)
    m, se = _mc_loss(W, np.eye(d) if V is None else V, 1_000_000, seed)
    assert abs(L - m) < 4 * se, (L, m, se)
    # the test has teeth: it resolves a 1 % error of the closed form
    assert 4 * se < 0.01 * abs(L)


# --------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("k,d,kt,seed", [(3, 4, 2, 7), (5, 3, None, 8), (2, 2, 3, 9)])
def test_gradient_and_hessian_match_finite_differences_float64(k, d, kt, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(k, d))
    V = rng.normal(size=(kt, d)) if kt else None
    g, H = model.gradient(W, V), model.hessian(W, V)
    assert g.shape == (k, d) and H.shape == (k * d, k * d)
    h = 1e-6
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
    """Central differences at 50 digits with h = 1e-20: truncation O(h^2) = 1e-40,
    rounding 1e-50 / h = 1e-30, so agreement to 1e-25 is a sharp test."""
    W = [["0.7", "-0.3", "0.2"], ["0.1", "0.9", "-0.4"]]
    V = [["1", "0.2", "0"], ["0", "1", "0.5"], ["0.3", "0", "1"], ["-0.5", "0.1", "0.2"]]
    dps = 50
    g = model.gradient(W, V, backend="mpmath", dps=dps)
    H = model.hessian(W, V, backend="mpmath", dps=dps)
    mp = mpmath.MPContext()
    mp.dps = dps
    h = mp.mpf(10) ** -20
    tol = mp.mpf(10) ** -25
    Wm = [[mp.mpf(x) for x in r] for r in W]
    k, d = 2, 3
    for i in range(k):
        for a in range(d):
            Wp = [list(r) for r in Wm]
            Wn = [list(r) for r in Wm]
            Wp[i][a] += h
            Wn[i][a] -= h
            fd = (model.loss(Wp, V, backend="mpmath", dps=dps)
                  - model.loss(Wn, V, backend="mpmath", dps=dps)) / (2 * h)
            assert abs(fd - g[i, a]) < tol
            col = (model.gradient(Wp, V, backend="mpmath", dps=dps)
                   - model.gradient(Wn, V, backend="mpmath", dps=dps)).ravel() / (2 * h)
            for j in range(k * d):
                assert abs(col[j] - H[j, i * d + a]) < tol
    for j in range(k * d):
        for m in range(j):
            assert abs(H[j, m] - H[m, j]) < mp.mpf(10) ** -45


# --------------------------------------------------------------------------- symmetry


def _perm_index(pr, pc, d):
    return (pr[:, None] * d + pc[None, :]).ravel()


@pytest.mark.parametrize("k,d", [(5, 5), (3, 5), (6, 4)])
def test_identity_target_is_invariant_under_all_row_and_column_permutations(k, d):
    """V = I_d: L(W[pi][:, rho]) = L(W) for every (pi, rho) in S_k x S_d (a column
    permutation permutes the coordinates of x; the target sum is invariant)."""
    rng = np.random.default_rng(11 + k)
    W = rng.normal(size=(k, d))
    L, g, H = model.loss(W), model.gradient(W), model.hessian(W)
    for _ in range(3):
        pr, pc = rng.permutation(k), rng.permutation(d)
        Wp = W[pr][:, pc]
        assert abs(model.loss(Wp) - L) < 1e-12
        assert np.abs(model.gradient(Wp) - g[pr][:, pc]).max() < 1e-12
        idx = _perm_index(pr, pc, d)
        assert np.abs(model.hessian(Wp) - H[np.ix_(idx, idx)]).max() < 1e-12


@pytest.mark.parametrize("k,d,kt,seed", [(4, 3, 5, 21), (2, 5, 3, 22), (3, 3, 3, 23)])
def test_general_target_joint_column_and_independent_row_permutations(k, d, kt, seed):
    """General V: L(W[pi][:, rho], V[sigma][:, rho]) = L(W, V) for random pi in S_k,
    sigma in S_kt, rho in S_d (rho permutes the coordinates of x, applied to both; the
    sums over rows are permutation invariant); gradient and Hessian are equivariant
    (permuted by (pi, rho) only; sigma does not act on them)."""
    rng = np.random.default_rng(seed)
    W, V = rng.normal(size=(k, d)), rng.normal(size=(kt, d))
    L, g, H = model.loss(W, V), model.gradient(W, V), model.hessian(W, V)
    for _ in range(3):
        pr, ps, pc = rng.permutation(k), rng.permutation(kt), rng.permutation(d)
        Wp, Vp = W[pr][:, pc], V[ps][:, pc]
        assert abs(model.loss(Wp, Vp) - L) < 1e-12
        assert np.abs(model.gradient(Wp, Vp) - g[pr][:, pc]).max() < 1e-12
        idx = _perm_index(pr, pc, d)
        assert np.abs(model.hessian(Wp, Vp) - H[np.ix_(idx, idx)]).max() < 1e-12
    # teeth: with a non-trivial column permutation of W alone the loss changes
    pc = np.roll(np.arange(d), 1)
    assert abs(model.loss(W[:, pc], V) - L) > 1e-6


def test_general_target_invariance_only_under_its_stabiliser():
    """For a general V the symmetry group is {(pi, rho): V[:, rho] = V up to row
    permutation}. Build V as the orbit of a random row under the 3-cycle rho =
    (0 1 2) of the columns of R^4: then (pi, rho) is a symmetry for every pi,
    while the transposition (2 3) is not."""
    rng = np.random.default_rng(5)
    d, k = 4, 3
    rho = np.array([1, 2, 0, 3])
    r = rng.normal(size=d)
    V = np.array([r, r[rho], r[rho][rho]])          # V[:, rho] = V rolled by one row
    assert np.allclose(V[:, rho], np.roll(V, -1, axis=0))
    W = rng.normal(size=(k, d))
    L, g, H = model.loss(W, V), model.gradient(W, V), model.hessian(W, V)
    for _ in range(3):
        pr = rng.permutation(k)
        Wp = W[pr][:, rho]
        assert abs(model.loss(Wp, V) - L) < 1e-12
        assert np.abs(model.gradient(Wp, V) - g[pr][:, rho]).max() < 1e-12
        idx = _perm_index(pr, rho, d)
        assert np.abs(model.hessian(Wp, V) - H[np.ix_(idx, idx)]).max() < 1e-12
    # a column permutation outside the stabiliser of V changes the loss
    tau = np.array([0, 1, 3, 2])
    assert abs(model.loss(W[:, tau], V) - L) > 1e-6
    # ... whereas moving V along with W is always a symmetry (rotation invariance)
    assert abs(model.loss(W[:, tau], V[:, tau]) - L) < 1e-12


# --------------------------------------------------------------------------- global minimum


@pytest.mark.parametrize("d", [4, 5, 8])
def test_global_minimum_closed_forms(d):
    """W = V = I_d: L = 0, grad = 0, and 1/4 -+ 1/(2 pi) are Hessian eigenvalues.
    (At d = 3 the representation carrying 1/4 + 1/(2 pi) is empty.)"""
    W = np.eye(d)
    assert model.loss(W) == pytest.approx(0, abs=1e-12)
    assert np.abs(model.gradient(W)).max() < 1e-14
    ev = np.linalg.eigvalsh(model.hessian(W))
    for target in (0.25 - 1 / (2 * np.pi), 0.25 + 1 / (2 * np.pi)):
        assert np.min(np.abs(ev - target)) < 1e-12
    assert ev.min() > 0  # a strict local minimum (up to the symmetry, none here)


def test_global_minimum_at_high_precision():
    mp = mpmath.MPContext()
    mp.dps = 40
    d = 4
    W = np.eye(d, dtype=int)
    assert abs(model.loss(W, backend="mpmath", dps=40)) < mp.mpf(10) ** -38
    g = model.gradient(W, backend="mpmath", dps=40)
    assert max(abs(x) for x in g.ravel()) < mp.mpf(10) ** -38
    H = model.hessian(W, backend="mpmath", dps=40)
    ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
    for target in (mp.mpf(1) / 4 - 1 / (2 * mp.pi), mp.mpf(1) / 4 + 1 / (2 * mp.pi)):
        assert min(abs(v - target) for v in ev) < mp.mpf(10) ** -35


# --------------------------------------------------------------------------- parallel rows


@pytest.mark.parametrize("W", [
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],            # W = V: every row parallel to a target
    [[2, 0, 0], [1, 0, 0], [0, 1, 1]],            # rows parallel to each other and a target
    [[1, 0, 0], [-1, 0, 0], [0, 0.5, 1]],         # antiparallel rows
    [[-1, 0, 0], [0, 1, 0], [0, 0, 1]],           # a row antiparallel to its target
])
def test_hessian_at_parallel_rows_is_the_finite_difference_limit(W):
    """At parallel/antiparallel pairs the loss is C^2 with a Hessian that is only
    Lipschitz, so the central difference of the closed-form gradient converges like
    O(h): check err(h) <= 10 h at h = 1e-8, 1e-12, 1e-16 (60-digit mpmath)."""
    dps = 60
    H = model.hessian(W, backend="mpmath", dps=dps)
    mp = mpmath.MPContext()
    mp.dps = dps
    k = d = 3
    for e in (8, 12, 16):
        h = mp.mpf(10) ** -e
        err = mp.zero
        for i in range(k):
            for a in range(d):
                Wp = [[mp.mpf(x) for x in r] for r in W]
                Wn = [[mp.mpf(x) for x in r] for r in W]
                Wp[i][a] += h
                Wn[i][a] -= h
                col = (model.gradient(Wp, backend="mpmath", dps=dps)
                       - model.gradient(Wn, backend="mpmath", dps=dps)).ravel() / (2 * h)
                err = max(err, max(abs(col[j] - H[j, i * d + a]) for j in range(k * d)))
        assert err < 10 * h, (e, err)


def test_hessian_at_parallel_rows_numpy_equals_mpmath():
    W = [[2, 0, 0], [1, 0, 0], [0, -1, 0], [0, 0, 3]]
    Hm = model.hessian(W, backend="mpmath", dps=30)
    Hn = model.hessian(np.array(W, float))
    assert np.all(np.isfinite(Hn))
    assert np.abs(Hn - np.array(Hm, dtype=float)).max() < 1e-14


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("W,match", [
    ([1, 2, 3], "2-d"),
    (np.zeros((2, 2, 2)), "2-d"),
    ([], "2-d"),
    ([[]], "2-d"),
    ([[1, 2], [3]], "2-d"),                      # ragged
    (3.0, "2-d"),
    ([[1, float("nan")], [0, 1]], "finite"),
    ([[1, float("inf")], [0, 1]], "finite"),
    ([[1, 0], [float("-inf"), 1]], r"W\[1,0\].*finite"),
    ([["nan", "1"], ["0", "1"]], "finite"),
    ([["a", 1], [0, 1]], "not a number"),
    ([[None, 1], [0, 1]], "not a number"),
    ([[{}, 1], [0, 1]], "not a number"),
    ([[1j, 1], [0, 1]], "not a number"),
    ([[[1], 2], [3, 4]], "not a number"),
    ([[True, 0], [0, 1]], "not a number"),
])
@pytest.mark.parametrize("backend", ["numpy", "mpmath", "arb"])
def test_bad_matrix_is_a_shape_error(W, match, backend):
    for fn in (model.loss, model.gradient, model.hessian):
        with pytest.raises(ShapeError, match=match):
            fn(W, backend=backend)


@pytest.mark.parametrize("V,match", [
    (np.eye(2), "width 2"),
    ([1, 0, 0], "2-d"),
    ([[1, 0, float("nan")]], "V.*finite"),
    ([["x", 0, 0]], "V.*not a number"),
])
def test_bad_target_is_a_shape_error(V, match):
    for fn in (model.loss, model.gradient, model.hessian):
        with pytest.raises(ShapeError, match=match):
            fn(np.eye(3), V)


@pytest.mark.parametrize("backend", ["numpy", "mpmath", "arb", "sympy"])
def test_zero_row_gradient_and_hessian_raise_naming_the_row(backend):
    W = [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    with pytest.raises(NonDifferentiableError, match="row 2"):
        model.gradient(W, backend=backend)
    with pytest.raises(NonDifferentiableError, match="row 0"):
        model.hessian([[0, 0], [0, 1]], backend=backend)


def test_zero_row_loss_is_defined_and_continuous():
    """F(0, u) = 0, so a zero row contributes nothing: L equals the loss of W without
    that row, and it is the limit of L along a vanishing row."""
    W = np.array([[1.0, 0.3, 0.0], [0.0, 0.0, 0.0], [0.2, -1.0, 0.5]])
    L0 = model.loss(W)
    assert abs(L0 - model.loss(W[[0, 2]])) < 1e-14
    E = np.zeros_like(W)
    E[1] = [0.3, -0.2, 0.9]
    assert abs(model.loss(W + 1e-9 * E) - L0) < 1e-8
    Lm = model.loss(W, backend="mpmath", dps=30)
    assert abs(float(Lm) - L0) < 1e-14


def test_every_error_is_a_relusym_error():
    for exc in (ShapeError, NonDifferentiableError):
        assert issubclass(exc, RelusymError)
    with pytest.raises(RelusymError):
        model.loss([[1, 2], [3]])


# --------------------------------------------------------------------- second-layer weights


def _mc_loss_weighted(W, V, alpha, beta, n, seed, chunk=200_000):
    """0.5 E[(alpha . relu(Wx) - beta . relu(Vx))^2] by sampling (mean, standard error)."""
    rng = np.random.default_rng(seed)
    s = s2 = 0.0
    for _ in range(n // chunk):
        x = rng.standard_normal((chunk, W.shape[1]))
        f = np.maximum(x @ W.T, 0) @ alpha - np.maximum(x @ V.T, 0) @ beta
        v = 0.5 * f * f
        s += v.sum()
        s2 += (v * v).sum()
    mean = s / n
    return mean, np.sqrt((s2 / n - mean * mean) / n)


@pytest.mark.parametrize("k,d,kt,seed", [(3, 4, 4, 0), (5, 3, 2, 1), (2, 5, 3, 2)])
def test_weighted_loss_matches_monte_carlo(k, d, kt, seed):
    rng = np.random.default_rng(200 + seed)
    W, V = rng.normal(size=(k, d)), rng.normal(size=(kt, d))
    alpha, beta = rng.normal(size=k), rng.uniform(0.5, 2, size=kt)
    L = model.loss(W, V, alpha=alpha, beta=beta)
    m, se = _mc_loss_weighted(W, V, alpha, beta, 1_000_000, seed)
    assert abs(L - m) < 4 * se, (L, m, se)
    assert 4 * se < 0.01 * abs(L)
    # the weights matter: the unweighted loss is far outside the sampling error
    assert abs(model.loss(W, V) - m) > 20 * se


def test_default_weights_are_all_ones_and_leave_results_unchanged():
    rng = np.random.default_rng(5)
    W, V = rng.normal(size=(4, 3)), rng.normal(size=(2, 3))
    ones_k, ones_t = np.ones(4), np.ones(2)
    assert model.loss(W, V) == model.loss(W, V, alpha=ones_k, beta=ones_t)
    assert np.array_equal(model.gradient(W, V), model.gradient(W, V, alpha=ones_k))
    assert np.array_equal(model.hessian(W, V), model.hessian(W, V, beta=ones_t))
    H = model.hessian(W, V, wrt_alpha=True)
    assert np.array_equal(H[:12, :12], model.hessian(W, V))


def test_weighted_gradient_and_hessian_match_finite_differences_float64():
    rng = np.random.default_rng(11)
    k, d, kt = 3, 4, 2
    W, V = rng.normal(size=(k, d)), rng.normal(size=(kt, d))
    alpha, beta = rng.normal(size=k), rng.normal(size=kt)

    def L(x):
        return model.loss(x[:k * d].reshape(k, d), V, alpha=x[k * d:], beta=beta)

    def g(x):
        gw, ga = model.gradient(x[:k * d].reshape(k, d), V, alpha=x[k * d:], beta=beta,
                                wrt_alpha=True)
        return np.concatenate([gw.ravel(), ga])

    x = np.concatenate([W.ravel(), alpha])
    H = model.hessian(W, V, alpha=alpha, beta=beta, wrt_alpha=True)
    assert H.shape == (k * d + k, k * d + k)
    h = 1e-6
    for e in np.eye(len(x)):
        assert abs((L(x + h * e) - L(x - h * e)) / (2 * h) - g(x) @ e) < 1e-8
        assert np.abs((g(x + h * e) - g(x - h * e)) / (2 * h) - H @ e).max() < 1e-7
    assert np.abs(H - H.T).max() < 1e-12


def test_weighted_gradient_and_hessian_match_finite_differences_mpmath_30_digits():
    """Central differences at 30 digits, h = 1e-12: truncation 1e-24, rounding 1e-18."""
    dps = 30
    W = [["0.7", "-0.3", "0.2"], ["0.1", "0.9", "-0.4"], ["-0.6", "0.2", "0.5"]]
    V = [["1", "0.2", "0"], ["0", "1", "0.5"]]
    alpha, beta = ["0.8", "-1.3", "2.1"], ["1.5", "0.4"]
    mp = mpmath.MPContext()
    mp.dps = dps
    k, d = 3, 3
    x0 = [mp.mpf(v) for r in W for v in r] + [mp.mpf(a) for a in alpha]

    def split(x):
        return [x[i * d:(i + 1) * d] for i in range(k)], x[k * d:]

    def L(x):
        Wx, ax = split(x)
        return model.loss(Wx, V, alpha=ax, beta=beta, backend="mpmath", dps=dps)

    def g(x):
        Wx, ax = split(x)
        gw, ga = model.gradient(Wx, V, alpha=ax, beta=beta, backend="mpmath", dps=dps,
                                wrt_alpha=True)
        return list(gw.ravel()) + list(ga)

    H = model.hessian(W, V, alpha=alpha, beta=beta, backend="mpmath", dps=dps,
                      wrt_alpha=True)
    g0 = g(x0)
    h, tol = mp.mpf(10) ** -12, mp.mpf(10) ** -15
    n = len(x0)
    for j in range(n):
        xp, xn = list(x0), list(x0)
        xp[j] += h
        xn[j] -= h
        assert abs((L(xp) - L(xn)) / (2 * h) - g0[j]) < tol
        gp, gn = g(xp), g(xn)
        for i in range(n):
            assert abs((gp[i] - gn[i]) / (2 * h) - H[i, j]) < tol


def test_weighted_model_on_exact_and_interval_backends():
    import sympy as sp

    # W = I_2 with alpha = (2, 1): residual relu(x_1), loss F(e1, e1)/2 = 1/4 exactly
    assert sp.nsimplify(model.loss([[1, 0], [0, 1]], backend="sympy", alpha=[2, 1])) == \
        sp.Rational(1, 4)
    W = [["0.5", "0.25"], ["-0.75", "1"]]
    Hm = model.hessian(W, alpha=["1.5", "-0.5"], backend="mpmath", dps=40, wrt_alpha=True)
    Ha = model.hessian(W, alpha=["1.5", "-0.5"], backend="arb", dps=40, wrt_alpha=True)
    import flint

    for i in range(6):
        for j in range(6):
            ball = Ha[i, j]
            assert ball.rad() < 1e-30
            assert ball.overlaps(flint.arb(mpmath.nstr(Hm[i, j], 38), 1e-36))


def test_bad_weights_are_shape_errors():
    W = np.eye(3)
    with pytest.raises(ShapeError, match="alpha"):
        model.loss(W, alpha=[1, 2])
    with pytest.raises(ShapeError, match="beta"):
        model.gradient(W, beta=[[1, 2, 3]])
    with pytest.raises(ShapeError, match="alpha"):
        model.hessian(W, alpha=[1, "nan", 2])
