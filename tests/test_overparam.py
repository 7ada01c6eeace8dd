"""Over-parameterization (k = d + m): the splitting theorem against the full-matrix model,
certified inertia, interlacing bounds, reduced vs full spectra, perturbed targets, CLI."""

import json
from functools import lru_cache

import mpmath
import numpy as np
import pytest

from symbolic.catalogue.families import family
from symbolic.cli.main import main
from symbolic.core.errors import NonDifferentiableError, RelusymError
from symbolic.loss import model
from symbolic.overparam import split_point, splitting_matrix
from symbolic.overparam.split import certify_split, rayleigh_bound


@lru_cache(maxsize=8)
def _point(name: str, d: int):
    f = family(name)
    vals = f.seed_values if d == f.seed_d else f.point(d, digits=40)
    return f, [str(v) for v in f.space.values_list(vals)]


def _W(name, d):
    f, vals = _point(name, d)
    return np.array(f.space.matrix(vals, d), dtype=float)


def _inertia(ev, tol=1e-9):
    return (int((ev < -tol).sum()), int((abs(ev) <= tol).sum()), int((ev > tol).sum()))


@pytest.mark.parametrize("row", [0, 5])
@pytest.mark.parametrize("lambdas", [[0.3, 0.7], [0.5, 0.2, 0.3]])
def test_split_inertia_theorem_matches_full_matrix(row, lambdas):
    """In H_{k+m}(W_lambda) = In H_k(W) + m In(M_i), eigenvalues of the full matrices."""
    W = _W("spurious-d-1,1", 6)
    m = len(lambdas) - 1
    Hk = np.linalg.eigvalsh(model.hessian(W))
    mu = np.linalg.eigvalsh(splitting_matrix(W, row))
    Ws = np.array(split_point(W, row, lambdas), dtype=float)
    Hs = np.linalg.eigvalsh(model.hessian(Ws))
    pred = tuple(a + m * b for a, b in zip(_inertia(Hk), _inertia(mu), strict=True))
    assert _inertia(Hs) == pred
    assert pred[0] == 5 * m and pred[1] == m  # d - 1 descent directions per piece, m flat
    assert np.abs(model.gradient(Ws)).max() < 1e-14


def test_gradient_vanishes_along_the_split_segment_at_40_digits():
    f, vals = _point("spurious-d-1,1", 10)  # the 36-digit seed
    W = f.space.matrix(vals, 10)
    for lam in ["0.1", "0.5", "0.93"]:
        Ws = split_point(W, 9, lam)
        g = model.gradient(Ws, backend="mpmath", dps=40)
        assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -34
        assert abs(model.loss(Ws, backend="mpmath", dps=40)
                   - model.loss(W, backend="mpmath", dps=40)) < mpmath.mpf(10) ** -34
    with pytest.raises(NonDifferentiableError):  # lambda = 0: a zero row
        model.gradient(np.vstack([np.array(W, dtype=float), np.zeros((1, 10))]))
    with pytest.raises(RelusymError):
        split_point(W, 9, "0")


def test_splitting_matrix_is_the_residual_hessian():
    """M_i = E[r sigma''(w_i)] by finite differences (30 digits) of the residual
    correlation c(w) = sum_j F(w, w_j) - sum_l F(w, v_l), written with the loss only:
    c(w) = L(W with w as an extra row) - L(W) - |w|^2/4. (F is only C^2 at parallel
    rows, a |t|^3 term: the error of the differences is O(h), hence h = 1e-9.)"""
    f, vals = _point("spurious-d-2,2", 6)
    W = f.space.matrix(vals, 6)
    i, d = 4, 6
    mp = mpmath.MPContext()
    mp.dps = 30
    Wm = np.array([[mp.mpf(x) for x in r] for r in W], dtype=object)
    L0 = model.loss(Wm, backend="mpmath", dps=30)

    def c(w):
        return (model.loss(np.vstack([Wm, w]), backend="mpmath", dps=30) - L0
                - sum(x * x for x in w) / 4)

    M = splitting_matrix(np.array(W, dtype=float), i)
    h = mp.mpf(10) ** -9
    for a, b in [(0, 0), (4, 4), (5, 5), (0, 1), (0, 4), (4, 5)]:
        ea, eb = np.eye(d, dtype=int)[a] * h, np.eye(d, dtype=int)[b] * h
        w = Wm[i]
        fd = (c(w + ea + eb) - c(w + ea - eb) - c(w - ea + eb) + c(w - ea - eb)) / (4 * h * h)
        assert abs(fd - M[a, b]) < 1e-7
    assert np.abs(M @ np.array(W, dtype=float)[i]).max() < 1e-12  # w_i is in the kernel


def test_split_of_a_spurious_minimum_is_a_saddle_and_the_claim_minimum_fails():
    """Independent of any Hessian: the loss itself decreases along the descent direction
    (c, -c) of the split, while the k = d point is a minimum (no loss decrease along any
    Hessian eigenvector). A claim 'the split stays a minimum' is refuted."""
    W = _W("spurious-d-1,1", 8)
    H = model.hessian(W)
    ev, Q = np.linalg.eigh(H)
    assert ev[0] > 0.01  # k = d: a minimum
    for j in range(3):
        for s in (1e-3, -1e-3):
            assert model.loss(W + s * Q[:, j].reshape(W.shape)) > model.loss(W)
    mu, C = np.linalg.eigh(splitting_matrix(W, 7))
    Ws = np.array(split_point(W, 7, 0.5), dtype=float)
    u = np.zeros_like(Ws)
    u[7], u[8] = C[:, 0] / np.sqrt(2), -C[:, 0] / np.sqrt(2)
    L0 = model.loss(Ws)
    for s in (1e-2, -1e-2):
        assert model.loss(Ws + s * u) < L0 - 1e-6  # strictly downhill: not a minimum
    q = rayleigh_bound(Ws, 7, 8, C[:, 0])
    assert abs(q - 2 * mu[0]) < 1e-12  # mu / (2 lambda (1 - lambda)) at lambda = 1/2
    assert np.linalg.eigvalsh(model.hessian(Ws))[0] <= q + 1e-12  # Cauchy interlacing


def test_certified_split_inertia():
    from symbolic.spectra.certify import certify_point

    f, vals = _point("spurious-d-1,1", 6)
    cert = certify_point(f.space, vals, 6, dps=40)
    assert cert.verdict == "proved" and cert.classification == "minimum"
    for row in (0, 5):
        sc = certify_split(cert, f.space, 6, row, 2)
        assert sc.verdict == "proved", sc.reason
        assert sc.M_inertia == (5, 1, 0) and sc.index == 10 and sc.nullity == 2
        assert sc.classification == "saddle"
        mu = np.linalg.eigvalsh(splitting_matrix(_W("spurious-d-1,1", 6), row))
        for e, x in zip(sorted(sc.M_eigenvalues, key=lambda b: float(b.mid())), mu,
                        strict=True):
            assert e.overlaps(__import__("flint").arb(x, 1e-12))


def test_reduced_spectrum_of_the_split_in_fix_d_1_1_plus_1_matches_full_matrix():
    """The split of the size-1 block's row lies in Fix(d-1,1;1): its isotypic spectrum
    (reduced, with multiplicities) equals the full-matrix eigenvalues at d = 6."""
    from symbolic.spectra.spectrum import spectrum

    f, vals = _point("spurious-d-1,1", 6)
    v = dict(zip(f.space.names, [mpmath.mpf(x) for x in vals], strict=True))
    lam = mpmath.mpf("0.3")
    red = {"D1": v["D1"], "O1": v["O1"], "D2": lam * v["D2"], "P12": v["P12"],
           "P21": lam * v["P21"], "R11": (1 - lam) * v["P21"], "R12": (1 - lam) * v["D2"]}
    s = spectrum("d-1,1;1", red, 6, dps=30)
    reduced = np.array(sorted(float(x) for x in s.values()))
    Ws = np.array(split_point(_W("spurious-d-1,1", 6), 5, 0.3), dtype=float)
    full = np.linalg.eigvalsh(model.hessian(Ws))
    assert len(reduced) == 42 and np.abs(reduced - full).max() < 1e-10
    assert s.degenerate  # the segment direction is a zero eigenvalue


def test_overparam_table_rows():
    from symbolic.overparam import overparam

    r = overparam("spurious-d-1,1", 6, 1, digits=20)
    kinds = [(x.continuation.split(" (")[0], x.type, x.index) for x in r.rows]
    assert kinds[0] == ("k = d", "minimum", 0)
    splits = [x for x in r.rows if x.continuation.startswith("split")]
    assert len(splits) == 2 and all(x.index == 5 and x.verdict == "proved" for x in splits)
    assert r.rows[-1].type == "non-differentiable" and r.rows[-1].index is None
    for x in splits:  # the float64 smallest eigenvalue respects the certified bound
        assert float(x.smallest) <= float(x.bound.split()[-1]) + 1e-9
    with pytest.raises(RelusymError):
        overparam("spurious-d-1,1", "6.5", 1)
    with pytest.raises(RelusymError):
        overparam("spurious-d-1,1", 6, 0)


def test_perturbed_target_keeps_the_inertia():
    from symbolic.overparam.report import perturbation_rows

    pts = perturbation_rows(8, ["0", "0.05"], dps=20, max_dt=0.025)
    assert [p.index_k for p in pts] == [0, 0]
    assert [p.index_split_full for p in pts] == [7, 7]
    assert all(p.index_split_theorem == p.index_split_full for p in pts)
    assert all(p.grad_split < 1e-12 for p in pts)
    assert abs(pts[1].eig_min_k - pts[0].eig_min_k) < 0.01  # moves continuously
    assert float(pts[1].loss) != float(pts[0].loss)  # the target did change


def test_cli_json_and_bad_input(capsys):
    assert main(["overparam", "--family", "spurious-d-1,1", "--d", "6", "--m", "1",
                 "--json", "--digits", "20"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.overparam/1"
    assert doc["rows"][1]["index"] == 5 and doc["rows"][1]["verdict"] == "proved"
    assert main(["overparam", "--family", "spurious-d-1,1+split", "--d", "6"]) == 0
    assert "saddle" in capsys.readouterr().out
    assert main(["overparam", "--family", "nope", "--d", "6"]) == 2
    assert main(["overparam", "--family", "spurious-d-1,1", "--d", "6", "--m", "x"]) == 2


@pytest.mark.slow
def test_report_section_quick():
    from symbolic.overparam import report_section

    sec = report_section(quick=True)
    verdicts = {c.claim: c.verdict for c in sec.claims}
    assert "fail" not in verdicts.values()
    assert sec.seconds < 120


def test_certified_k_equals_d_spectrum_matches_full_matrix():
    """The reduced (isotypic) certified enclosures at k = d, expanded by multiplicity, hold
    every eigenvalue of the full d^2 x d^2 Hessian."""
    from symbolic.spectra.certify import certify_point

    f, vals = _point("spurious-d-2,2", 8)
    cert = certify_point(f.space, vals, 8, dps=30)
    encl = sorted([e for _, mult, e in cert.eigenvalues for _ in range(int(mult))],
                  key=lambda b: float(b.mid()))
    full = np.linalg.eigvalsh(model.hessian(_W("spurious-d-2,2", 8)))
    assert len(encl) == 64
    for e, x in zip(encl, full, strict=True):
        assert abs(float(e.mid()) - x) < 1e-9 + float(e.rad())


def test_newton_full_converges_to_the_requested_digits():
    from symbolic.overparam.perturb import newton_full, perturbation

    W0 = _W("spurious-d-1,1", 6)
    V = np.eye(6) + 1e-3 * perturbation(6, "diag")
    W = newton_full(W0, V, dps=30)
    g = model.gradient(W, V, backend="mpmath", dps=40)
    assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -24
    assert np.abs(np.array(W, dtype=float) - W0).max() > 1e-6  # the point moved with V
    with pytest.raises(RelusymError):
        perturbation(6, "nope")


@pytest.mark.slow
def test_fixed_space_census_with_one_extra_neuron_has_no_spurious_minimum():
    from symbolic.overparam import fixed_space_census

    cen = fixed_space_census("spurious-d-1,1", 6, 1, starts=40)
    assert cen and all(c["isotropy"] == "d-1,1;1" for c in cen)
    assert not [c for c in cen if c["kind"] == "minimum"]
