"""The numeric reduced evaluator agrees with the full-matrix model (independent), with
the symbolic ReducedSystem, with finite differences of its own loss, and handles
parallel / antiparallel rows and zero rows."""

from functools import cache

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import NonDifferentiableError, RelusymError
from symbolic.loss import model
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.reduced import ReducedSystem
from symbolic.systems.reduced_numeric import NumericReducedSystem


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never touch the user's cache directory."""
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path_factory.mktemp("relusym-cache")))


ALL = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-3,2,1", "d-1,1;1", "d;2", "d-2,1,1;1"]


@cache
def _rs(spec):
    return ReducedSystem(spec)


def _point(dim, seed, dps=None):
    x = np.random.default_rng(seed).normal(size=dim)
    return [mpmath.mpf(repr(float(v))) for v in x] if dps else [float(v) for v in x]


def _full(fs, th, d, backend, dps=50):
    """Loss, reduced gradient (orbit sums) and Hessian E H E^T of the full model."""
    W = fs.matrix(th, d)
    L = model.loss(W, backend=backend, dps=dps)
    g = fs.project(model.gradient(W, backend=backend, dps=dps), d)
    H = model.hessian(W, backend=backend, dps=dps)
    masks = fs.orbit_masks(d)
    E = np.array([masks[n].ravel() for n in fs.names],
                 dtype=object if backend != "numpy" else float)
    return L, np.array(g), E.dot(H).dot(E.T)


@pytest.mark.parametrize("spec", ALL)
def test_agrees_with_full_model_numpy_batch(spec):
    """float64 batch vs the full k x d model at integer d = 6..8 (independent code)."""
    fs = parse_isotropy(spec)
    nr = NumericReducedSystem(fs)
    for d in (6, 7, 8):
        if d < fs.min_d():
            continue
        pts = np.array([_point(fs.dim, 10 * d + s) for s in range(2)])
        out = nr.batch(pts, d)
        assert out["loss"].shape == (2,) and out["gradient"].shape == (2, fs.dim)
        assert out["hessian"].shape == (2, fs.dim, fs.dim)
        for j in range(2):
            L, g, H = _full(fs, list(pts[j]), d, "numpy")
            assert abs(out["loss"][j] - L) < 1e-10 * (1 + abs(L))
            assert np.allclose(out["gradient"][j], g, rtol=1e-10, atol=1e-10)
            assert np.allclose(out["hessian"][j], H, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("spec", ["d", "d-1,1", "d-2,1,1", "d-1,1;1", "d;2"])
def test_agrees_with_full_model_mpmath_50_digits(spec):
    fs = parse_isotropy(spec)
    d = max(fs.min_d(), 5)
    th = _point(fs.dim, 3, dps=50)
    nr = NumericReducedSystem(fs)
    out = nr.evaluate(th, d, backend="mpmath", dps=60)
    L, g, H = _full(fs, th, d, "mpmath", dps=60)
    tol = mpmath.mpf(10) ** -50
    assert abs(out["loss"] - L) < tol
    assert max(abs(a - b) for a, b in zip(out["gradient"], g, strict=True)) < tol
    assert max(abs(x) for x in (out["hessian"] - H).ravel()) < tol


@pytest.mark.parametrize("spec", ALL)
def test_agrees_with_reduced_system_fractional_d(spec):
    """mpmath at 50 digits and numpy vs the symbolic ReducedSystem at d = 17/2."""
    rs = _rs(spec)
    nr = NumericReducedSystem(spec)
    th = _point(rs.space.dim, 5, dps=50)
    d = "8.5"
    tol = mpmath.mpf(10) ** -48
    out = nr.evaluate(th, d, backend="mpmath", dps=55)
    assert abs(out["loss"] - rs.loss(th, d, dps=55)) < tol
    g = rs.gradient(th, d, dps=55)
    assert max(abs(a - b) for a, b in zip(out["gradient"], g, strict=True)) < tol
    H = rs.hessian(th, d, dps=55)
    assert max(abs(x) for x in (out["hessian"] - H).ravel()) < tol
    X = np.array([[float(v) for v in th], _point(rs.space.dim, 6)])
    b = nr.batch(X, 8.5)
    gn = rs.gradient(list(X.T), 8.5, backend="numpy")
    Hn = rs.hessian(list(X.T), 8.5, backend="numpy")
    assert np.allclose(b["gradient"], gn.T, rtol=1e-10, atol=1e-10)
    assert np.allclose(b["hessian"], np.moveaxis(Hn, -1, 0), rtol=1e-10, atol=1e-10)
    assert np.allclose(b["loss"], rs.loss(list(X.T), 8.5, backend="numpy"), rtol=1e-10)


@pytest.mark.parametrize("spec", ["d-1,1", "d-3,2,1", "d-2,1,1;1"])
def test_finite_differences_of_own_loss(spec):
    """Central differences at 40 digits of the loss (gradient) and of the gradient (Hessian)."""
    nr = NumericReducedSystem(spec)
    n = nr.space.dim
    th = _point(n, 11, dps=40)
    d = "9.25"
    dps = 60
    h = mpmath.mpf(10) ** -15
    out = nr.evaluate(th, d, dps=dps)
    for p in range(n):
        up = list(th)
        dn = list(th)
        with mpmath.workdps(60):  # the perturbed points exactly, not at 15 digits
            up[p] += h
            dn[p] -= h
        fd = (nr.loss(up, d, dps=dps) - nr.loss(dn, d, dps=dps)) / (2 * h)
        tol = mpmath.mpf(10) ** -24
        assert abs(fd - out["gradient"][p]) < tol * (1 + abs(fd))
        gfd = (nr.gradient(up, d, dps=dps) - nr.gradient(dn, d, dps=dps)) / (2 * h)
        assert max(abs(a - b) / (1 + abs(a))
                   for a, b in zip(gfd, out["hessian"][:, p], strict=True)) < tol


def test_global_minimum_parallel_rows():
    """W = I_d: every student row exactly parallel to its target. Loss 0, gradient 0,
    Hessian equal to the full model's (limits), at 50 digits; the two d-independent
    eigenvalues 1/4 +- 1/(2 pi) of DESIGN.md section 3 appear in the full spectrum."""
    fs = parse_isotropy("d-1,1")
    th = [1, 0, 1, 0, 0]
    nr = NumericReducedSystem(fs)
    out = nr.evaluate(th, 6, dps=50)
    L, g, H = _full(fs, th, 6, "mpmath", dps=50)
    tol = mpmath.mpf(10) ** -45
    assert abs(out["loss"]) < tol and max(abs(x) for x in out["gradient"]) < tol
    assert max(abs(x) for x in (out["hessian"] - H).ravel()) < tol
    b = nr.batch(np.array([th], dtype=float), 6)
    assert abs(b["loss"][0]) < 1e-13 and np.allclose(b["gradient"][0], 0, atol=1e-13)
    assert np.allclose(b["hessian"][0], np.array(H, dtype=float), atol=1e-12)
    ev = np.linalg.eigvalsh(np.array(model.hessian(np.eye(6)), dtype=float))
    for lam in (0.25 - 1 / (2 * np.pi), 0.25 + 1 / (2 * np.pi)):
        assert np.min(np.abs(ev - lam)) < 1e-12


def test_antiparallel_and_parallel_row_pairs():
    """Rows antiparallel to the targets (D = -1) and all rows equal (parallel row pairs)."""
    for spec, th, d in (("d", [-1, 0], 5), ("d-1,1", [0.5, 0.5, 0.5, 0.5, 0.5], 6),
                        ("d-1,1", [-1, 0, 1, 0, 0], 6)):
        fs = parse_isotropy(spec)
        out = NumericReducedSystem(fs).evaluate(th, d, dps=40)
        L, g, H = _full(fs, th, d, "mpmath", dps=40)
        tol = mpmath.mpf(10) ** -35
        assert abs(out["loss"] - L) < tol
        assert max(abs(a - b) for a, b in zip(out["gradient"], g, strict=True)) < tol
        assert max(abs(x) for x in (out["hessian"] - H).ravel()) < tol


def test_zero_rows():
    """A zero row: loss as the full model (F(0, u) = 0); gradient refused (mpmath) or
    NaN (numpy batch) -- never a silently wrong number."""
    fs = parse_isotropy("d-1,1")
    th = [1, 0, 0, 0, 0]  # the last row of W is zero
    nr = NumericReducedSystem(fs)
    assert abs(nr.loss(th, 6) - model.loss(fs.matrix(th, 6), backend="mpmath")) \
        < mpmath.mpf(10) ** -40
    with pytest.raises(NonDifferentiableError):
        nr.gradient(th, 6)
    with pytest.raises(NonDifferentiableError):
        nr.hessian(th, 6, backend="numpy")
    b = nr.batch(np.array([th, [1, 0.1, 1, 0.1, 0.1]], dtype=float), 6)
    assert np.all(np.isnan(b["gradient"][0])) and np.all(np.isnan(b["hessian"][0]))
    assert np.all(np.isfinite(b["gradient"][1])) and np.isfinite(b["loss"][0])


def test_arb_encloses_mpmath():
    nr = NumericReducedSystem("d-2,1,1")
    th = _point(nr.space.dim, 2, dps=50)
    ref = nr.evaluate(th, "10.5", dps=60)
    ball = nr.evaluate(th, "10.5", backend="arb", dps=50)
    assert float(ball["loss"].rad()) < 1e-40
    assert abs(float(ball["loss"].mid()) - float(ref["loss"])) < 1e-40
    for a, b in zip(ball["gradient"], ref["gradient"], strict=True):
        assert float(a.rad()) < 1e-40 and abs(float(a.mid()) - float(b)) < 1e-40
    for a, b in zip(ball["hessian"].ravel(), ref["hessian"].ravel(), strict=True):
        assert float(a.rad()) < 1e-40 and abs(float(a.mid()) - float(b)) < 1e-40
    # at the global minimum (exactly parallel rows) the enclosure stays finite and tight
    gm = nr.evaluate(_gm(nr.space), 10, backend="arb", dps=30)
    assert all(abs(float(x.mid())) < 1e-25 and float(x.rad()) < 1e-20 for x in gm["gradient"])
    assert all(x.is_finite() and float(x.rad()) < 1e-10 for x in gm["hessian"].ravel())


def _gm(fs):
    """Parameters of W = I_d in a fixed space: D = 1, everything else 0."""
    return [1 if q.kind == "D" else 0 for q in fs.params]


def test_directions_and_substitution_match_reduced_system():
    """A Hessian block of the spectrum (refined space, representatives as directions,
    embedding as substitution) agrees with the symbolic ReducedSystem built the same way."""
    from symbolic.spectra.spectrum import block_system

    space = parse_isotropy("d-1,1")
    for irrep in ("std[1]",):
        rs, _ = block_system(space, irrep)
        assert rs.substitution  # a refined space with an embedding
        nr = NumericReducedSystem(rs.space, directions=rs.directions,
                                  substitution=rs.substitution, arguments=rs.arg_symbols,
                                  check_d=False)
        th = _point(len(rs.arg_symbols), 4, dps=40)
        assert len(rs.arg_symbols) == space.dim
        Hs = rs.hessian(th, 9, dps=40)
        Hn = nr.hessian(th, 9, dps=40)
        assert Hs.shape == Hn.shape
        assert max(abs(x) for x in (Hs - Hn).ravel()) < mpmath.mpf(10) ** -35


def test_bad_input():
    nr = NumericReducedSystem("d-1,1")
    bad = "__import__('os').system('echo pwned')"
    with pytest.raises(RelusymError):
        nr.loss([bad, 0, 1, 0, 0], 6)
    with pytest.raises(RelusymError):
        nr.loss([1, 0, 1, 0, 0], bad)
    with pytest.raises(RelusymError):
        nr.loss([1, 0, 1, 0], 6)
    with pytest.raises(RelusymError):
        nr.loss([1, 0, 1, 0, 0], 1)  # d too small for the blocks
    with pytest.raises(RelusymError):
        nr.batch(np.zeros((3, 4)), 6)
    with pytest.raises(RelusymError):
        nr.loss([1, 0, 1, 0, 0], 6, backend="sympy")


def test_drop_in_for_reduced_system_calls():
    """The calls symbolic/numerics/solve.py makes: an MpmathBackend object with an mpf d, numpy
    batches as one array per parameter, ZeroDivisionError at a zero row."""
    from symbolic.core.backends import MpmathBackend, NumpyBackend

    rs, nr = _rs("d-2,1,1"), NumericReducedSystem("d-2,1,1")
    be = MpmathBackend(40)
    th = [be.number(x) for x in _point(rs.space.dim, 9)]
    dd = be.number(12)
    a, b = rs.gradient(th, dd, backend=be), nr.gradient(th, dd, backend=be)
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < mpmath.mpf(10) ** -35
    X = np.random.default_rng(1).normal(size=(rs.space.dim, 4))
    for f in ("gradient", "hessian", "loss"):
        u = getattr(rs, f)(list(X), 12.0, backend=NumpyBackend())
        v = getattr(nr, f)(list(X), 12.0, backend=NumpyBackend())
        assert np.shape(u) == np.shape(v) and np.allclose(u, v, rtol=1e-10, atol=1e-10)
    zero = [1 if q.kind == "D" and q.row == 1 else 0 for q in rs.space.params]
    with pytest.raises(ZeroDivisionError):
        nr.gradient(zero, dd, backend=be)
