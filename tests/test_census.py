"""Census of fixed spaces: contains the gradient-descent minima and the hidden ones;
losses agree with an independent full-matrix computation; d-independence."""

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import IsotropyError, PrecisionError, RelusymError
from symbolic.critical.census import census, larger_isotropy, symmetry_images
from symbolic.loss import model
from symbolic.symmetry.groups import parse_isotropy


def _gd_minimum(seed: int, d: int = 10) -> float:
    """Plain gradient descent in the FULL space (independent of the reduction)."""
    return float(model.loss(_gd_point(seed, d)))


def _gd_point(seed: int, d: int):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d, d)) / np.sqrt(d)
    step = min(0.5, 4.0 / d)
    for _ in range(40000):
        g = model.gradient(W)
        W -= step * g
        if np.abs(g).max() < 1e-11:
            break
    return W


@pytest.fixture(scope="module")
def census_d11_10():
    return census("d-1,1", 10, digits=45, starts=300)


def test_census_d11_contains_gd_minimum_and_hidden_minima(census_d11_10):
    c = census_d11_10
    losses = [float(p.loss) for p in c.points]
    gd = _gd_minimum(3)  # seed 3 reaches the d-1,1 spurious minimum
    assert gd > 1e-3
    assert min(abs(gd - L) for L in losses) < 1e-9
    # hidden minima that GD from random starts does not reach (DESIGN 4a)
    for target in (0.0766366620210779, 0.0720567069928378):
        i = int(np.argmin([abs(L - target) for L in losses]))
        assert abs(losses[i] - target) < 1e-12
        assert c.points[i].spectrum.index == 0
    # saddles of index 1 and 9 = 1 + 8 (a whole standard representation descends)
    assert {p.spectrum.index for p in c.points if p.differentiable} >= {0, 1, 9}
    # the global minimum is there, with its larger isotropy reported
    g = [p for p in c.points if abs(p.loss) < 1e-40]
    assert g and g[0].larger_isotropy == "d"


def test_census_losses_agree_with_full_matrix_50_digits(census_d11_10):
    fs = parse_isotropy("d-1,1")
    assert any(not p.differentiable for p in census_d11_10.points)  # zero-row points too
    for p in census_d11_10.points:
        W = fs.matrix(p.values, 10)
        if not p.differentiable:
            # dead rows are exact zeros; the live rows solve their gradient equations:
            # the network without the dead neurons has the same loss and is critical
            live = [i for i in range(W.shape[0]) if any(v != 0 for v in W[i])]
            assert 0 < len(live) < W.shape[0]
            W = W[live]
        L = model.loss(W, backend="mpmath", dps=55)
        assert abs(L - p.loss) < mpmath.mpf(10) ** -40
        g = model.gradient(W, backend="mpmath", dps=55)
        assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -35


def test_census_reports_non_isolated_sets_once(census_d11_10):
    c = census_d11_10
    assert c.sets, "the d-1,1 fixed space at d = 10 holds non-isolated critical sets"
    set_losses = [float(s.loss) for s in c.sets]
    assert len(set_losses) == len({round(x, 8) for x in set_losses})
    for s in c.sets:
        # (zero-row points may close a set of parallel rows: they are listed apart)
        assert all(abs(float(p.loss) - float(s.loss)) > 1e-8
                   for p in c.points if p.differentiable)


def test_census_d22_contains_gd_minimum():
    c = census("d-2,2", 10, digits=30, starts=200)
    gd = _gd_minimum(1)  # seed 1 reaches the d-2,2 minimum (6 distinct entries)
    assert min(abs(gd - float(p.loss)) for p in c.points) < 1e-9
    # symmetric duplicates (D2 <-> O2: a column swap inside the size-2 block) removed
    keys = [round(float(p.loss), 12) for p in c.points
            if p.spectrum is not None and p.spectrum.index is not None]
    assert len(keys) == len(set(keys))


def test_census_cost_and_content_do_not_depend_on_d():
    c = census("d-1,1", 10**6, digits=30, starts=200)
    losses = sorted(float(p.loss) for p in c.points)
    # the d-1,1 minimum: d * L -> 1/2 - 2/pi^2 (papers.md) ...
    assert any(abs(L * 1e6 - (0.5 - 2 / np.pi**2)) < 1e-3 for L in losses)
    # ... and the hidden Delta S_d minimum: L -> 1/2 - 1/pi
    assert any(abs(L - (0.5 - 1 / np.pi)) < 1e-3 for L in losses)
    # the loss keeps its digits at large d despite the cancellation of O(d^2) terms:
    # at the global minimum W = I it is 0 to the requested digits (was 1e-26 at d = 1e8
    # without guard digits)
    gm = [p for p in c.points if p.isotropy_note == "d" and p.loss < 1e-6]
    assert gm and abs(gm[0].loss) < mpmath.mpf(10) ** -30
    expected = [1, 0, 1, 0, 0]
    assert all(mpmath.almosteq(v, x, 1e-25)
               for v, x in zip(gm[0].values, expected, strict=True))


def test_fractional_d_census_is_continuous():
    from symbolic.numerics.track import track

    b = track("d-1,1", [1, 0, -1, 0, 0], 10, 11, digits=30, initial_step=0.02, progress=False)
    mid = [p for p in b.points if 10.3 < float(p.d) < 10.7]
    c = census("d-1,1", "10.5", digits=30, starts=200)
    target = np.array([float(v) for v in
                       next(p for p in b.points if float(p.d) == 11).values])
    pts = [np.array([float(v) for v in p.values]) for p in c.points]
    # the branch point at 10.5 lies between those at 10 and 11 and is in the census
    x10 = np.array([float(v) for v in b.points[0].values])
    x105 = min(pts, key=lambda x: np.abs(x - (x10 + target) / 2).max())
    assert np.abs(x105 - (x10 + target) / 2).max() < 0.01
    assert mid  # the continuation passed through fractional d


def test_larger_isotropy_and_symmetry_images():
    fs = parse_isotropy("d-2,2")
    assert larger_isotropy(fs, [1, 0, 1, 0, 0, 0], 1e-12) == "d"
    assert larger_isotropy(fs, [1, 0, -1, 0, 0, 0], 1e-12) is None
    imgs = symmetry_images(fs, np.array([1.0, 0.1, 0.2, 0.3, 0.4, 0.5]))
    assert any(np.allclose(v, [1.0, 0.1, 0.3, 0.2, 0.4, 0.5]) for v in imgs)
    # every image is a critical point iff the original is: check with the loss
    from symbolic.numerics.solve import system_for

    rs = system_for(fs)
    base = rs.loss([1.0, 0.1, 0.2, 0.3, 0.4, 0.5], 8, backend="numpy")
    for v in imgs:
        assert abs(rs.loss(list(v), 8, backend="numpy") - base) < 1e-12


def test_census_bad_input():
    with pytest.raises(PrecisionError):
        census("d-1,1", 10, digits=5)
    with pytest.raises(IsotropyError, match="too small"):
        census("d-2,2", 3)
    with pytest.raises(IsotropyError):
        census("d-1,,1", 10)
    with pytest.raises(RelusymError):
        census("d-1,1", "ten")


@pytest.mark.slow
@pytest.mark.parametrize("d", [12, 20])
@pytest.mark.parametrize("spec", ["d-1,1", "d-2,2", "d"])
def test_census_at_larger_d_contains_gd_minima(d, spec):
    """Every gradient-descent minimum (full space) whose detected isotropy is ``spec``
    appears in the census of Fix(spec); losses agree with the full model to 40 digits."""
    from symbolic.symmetry.detect import detect_isotropy

    c = census(spec, d, digits=40, starts=400)
    losses = [float(p.loss) for p in c.points]
    fs = parse_isotropy(spec)
    for p in c.points:
        W = fs.matrix(p.values, d)
        assert abs(model.loss(W, backend="mpmath", dps=50) - p.loss) < mpmath.mpf(10) ** -40
    matched = 0
    for seed in range(8):
        W = _gd_point(seed, d)
        try:
            det = detect_isotropy(W, tol=1e-7)
        except IsotropyError:
            continue
        if det.spec == spec:
            L = float(model.loss(W))
            assert min(abs(L - x) for x in losses) < 1e-8
            matched += 1
    if spec == "d-1,1":
        assert matched >= 1


@pytest.mark.slow
def test_census_beyond_float_range_by_continuation():
    """d = 1e20: the float64 search runs at 1e8 and the points are continued in d."""
    c = census("d-1,1", "1e20", digits=30, starts=200)
    assert c.search_d == 10**8
    losses = [float(p.loss) for p in c.points]
    assert any(abs(L * 1e20 - (0.5 - 2 / np.pi**2)) < 1e-8 for L in losses)
    assert any(abs(L - (0.5 - 1 / np.pi)) < 1e-8 for L in losses)
    fs = parse_isotropy("d-1,1")
    from symbolic.numerics.solve import system_for

    rs = system_for(fs)
    for p in c.points:  # every reported point solves the reduced system at d = 1e20
        g = rs.gradient(p.values, "1e20", dps=90)
        sizes = [q.orbit_size.subs(q.orbit_size.free_symbols.pop(), 10**20)
                 if q.orbit_size.free_symbols else q.orbit_size for q in fs.params]
        assert max(abs(x) / int(s) for x, s in zip(g, sizes, strict=True)) < 1e-25


def _full_gradient_max(fs, x, d):
    W = np.array(fs.matrix(list(x), d), dtype=float)
    return np.abs(model.gradient(W)).max()


def test_per_start_deflation_finds_a_different_critical_point():
    """Deflating the root a start reached sends the same start to another root; every
    endpoint is a critical point of the full-matrix loss (independent gradient)."""
    from symbolic.numerics.search import deflated_newton_float, random_starts
    from symbolic.numerics.solve import newton_float

    fs = parse_isotropy("d-2,1,1")
    rng = np.random.default_rng(4)
    S = random_starts(fs, 6, 40, rng)
    X, r = newton_float(fs, S, 6)
    ok = np.nonzero(r < 1e-10)[0]
    assert len(ok) >= 20
    X2, r2 = deflated_newton_float(fs, S[ok], 6, X[ok][:, None, :])
    conv = np.nonzero(r2 < 1e-10)[0]
    assert len(conv) >= len(ok) // 3
    for j in conv:
        assert np.abs(X2[j] - X[ok[j]]).max() > 1e-5  # not the deflated root
        assert _full_gradient_max(fs, X2[j], 6) < 1e-9
    # a deflated root is never returned as converged
    X3, r3 = deflated_newton_float(fs, X[ok] + 1e-9, 6, X[ok][:, None, :])
    assert not np.any((r3 < 1e-10) & (np.abs(X3 - X[ok]).max(axis=1) < 1e-7))


def test_levenberg_marquardt_endpoints_are_critical_points():
    from symbolic.numerics.search import levenberg_marquardt_float, random_starts

    fs = parse_isotropy("d-1,1;1")
    S = random_starts(fs, 5, 30, np.random.default_rng(2))
    X, r = levenberg_marquardt_float(fs, S, 5)
    conv = np.nonzero(r < 1e-10)[0]
    assert len(conv) >= 10
    for j in conv:
        W = np.array(fs.matrix(list(X[j]), 5), dtype=float)
        if np.min(np.linalg.norm(W, axis=1)) > 1e-6:
            assert np.abs(model.gradient(W)).max() < 1e-9


def test_soft_mode_starts_follow_the_smallest_hessian_eigenvector():
    """Independent: the full-matrix Hessian restricted to Fix(H) (chain rule through the
    orbit masks) has the direction of the starts as an eigenvector."""
    from symbolic.numerics.search import soft_mode_starts
    from symbolic.numerics.solve import newton_float

    fs, d = parse_isotropy("d-1,1"), 6
    X, r = newton_float(fs, np.array([[1.0, -0.1, -0.9, 0.1, 0.1]]), d)
    x = X[0]
    assert r[0] < 1e-10
    S = soft_mode_starts(fs, x, d, modes=1, steps=(0.01,))
    masks = fs.orbit_masks(d)
    E = np.array([np.asarray(masks[n], dtype=float).ravel() for n in fs.names])
    sq = np.sqrt(E.sum(axis=1))
    B = E / sq[:, None]  # orthonormal basis of Fix(H) in R^{k d}
    Hf = B @ model.hessian(np.array(fs.matrix(list(x), d), dtype=float)) @ B.T
    ev, V = np.linalg.eigh(Hf)
    v = (S[0] - x) * sq
    v /= np.linalg.norm(v)
    j = int(np.argmin(np.abs(ev)))
    assert abs(abs(v @ V[:, j]) - 1) < 1e-8


def test_census_json_document_and_notebook_reprs(census_d11_10):
    from symbolic.core.schema import dumps

    c = census_d11_10
    doc = c.to_json()
    assert doc["schema"] == "relusym.census/1" and "relusym" in doc
    dumps("census", doc)  # refuses binary floats anywhere in the document
    html = c._repr_html_()
    assert html.count("<tr>") == len(c.points) + len(c.sets) + 1
    assert "<th>isotropy</th>" in html
    tex = c._repr_latex_()
    assert tex.startswith(r"\begin{tabular}") and tex.count(r"\\") == len(c.points) + \
        len(c.sets) + 1
    with pytest.raises(RelusymError):
        census("d-1,1", 5, workers=0)


@pytest.mark.parametrize("spec", ["d-2,1,1", "d-3,1,1,1", "d-1,1;1"])
def test_coarse_seeds_embed_critical_points_as_critical_points(spec):
    """Every merge of two blocks (coarse labels in one block order, so permuted merges
    share one search) embeds a critical point of the coarse space as a critical point
    of the fine one with the same full-matrix loss (independent: symbolic.loss.model)."""
    from symbolic.loss import model as full
    from symbolic.numerics.search import coarser_spaces, embed
    from symbolic.numerics.solve import newton

    d = 9
    fine = parse_isotropy(spec)
    pairs = coarser_spaces(fine)
    labels = [c.label for c, _ in pairs]
    for lab in set(labels):  # one order of the blocks: no two labels are permutations
        blocks = lab.split(";")[0].split(",")
        assert blocks[1:] == sorted(blocks[1:], key=lambda b: -int(b)), lab
    rng = np.random.default_rng(3)
    for coarse, emb in pairs:
        r = None
        for _ in range(20):  # a critical point of the coarse space from a random start
            r = newton(coarse, [str(v) for v in rng.normal(size=coarse.dim)], d,
                       digits=20, maxiter=60)
            if r.converged and all(abs(float(v)) < 50 for v in r.values):
                break
        assert r is not None and r.converged
        xc = np.array([float(v) for v in r.values])
        xf = embed(xc, emb)[0]
        Wc = np.array(coarse.matrix(list(xc), d), dtype=float)
        Wf = np.array(fine.matrix(list(xf), d), dtype=float)
        assert abs(full.loss(Wc, backend="numpy") - full.loss(Wf, backend="numpy")) < 1e-12
        assert np.max(np.abs(full.gradient(Wf, backend="numpy"))) < 1e-9


def test_search_split_over_workers_finds_the_same_points():
    """Batches split over two local processes (fixed chunks of rows) give exactly the
    serial search's classes, and the budget bounds the number of starts."""
    from symbolic.critical.explore import _SEARCH_MEMO, search_fixed_space
    from symbolic.numerics.parallel import LocalProcessExecutor

    _SEARCH_MEMO.clear()
    a = search_fixed_space("d-2,1,1", 8, max_starts=1500)
    _SEARCH_MEMO.clear()
    with LocalProcessExecutor(2) as ex:
        b = search_fixed_space("d-2,1,1", 8, max_starts=1500, executor=ex)
    _SEARCH_MEMO.clear()
    assert len(a.isolated) == len(b.isolated) > 10
    assert all(np.array_equal(x, y) for x, y in zip(a.isolated, b.isolated, strict=True))
    for r in (a, b):
        assert r.info["total_starts"] <= 1500
        assert sum(r.info["new_classes_by_start"].values()) == r.info["classes"]
        if r.info["stopped_because"].startswith("start budget"):
            assert r.info["confidence"].startswith("incomplete")
