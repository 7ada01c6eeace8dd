"""Tangency arcs (symbolic.arcs): every claim re-checked in the full-matrix model.

Independent checks: the Lagrange condition with the full k x d gradient of
symbolic.loss.model (not the reduced one), the isotropy by permutations of the full
matrix, the arc's eigen-direction against the full Hessian, c3 by finite
differences of the full-matrix loss, the expansion against direct evaluation at
small r, m(r)/M(r) against direct constrained optimisation on the sphere, and
negative tests (points off the arc, a wrong group, bad input).
"""

import json

import mpmath
import numpy as np
import pytest

from symbolic.arcs.checks import (
    full_lagrange_residual,
    sphere_extrema,
    sphere_index,
    verify_isotropy,
)
from symbolic.arcs.core import compute_arcs, family_directions
from symbolic.arcs.expansion import expansion
from symbolic.arcs.trace import trace_arc
from symbolic.cli.main import main
from symbolic.core.errors import RelusymError
from symbolic.loss import model

D = 6
DIGITS = 20  # directions at 30 digits


@pytest.fixture(scope="module")
def bounded():
    return family_directions("bounded-d", D, DIGITS)


@pytest.fixture(scope="module")
def arcs(bounded):
    """The alt2 arc (lowest eigenvalue) and a std arc of bounded-d at d = 6."""
    dirs = bounded[3]
    alt2 = next(x for x in dirs if x.irrep.startswith("alt2"))
    std = next(x for x in dirs if x.irrep.startswith("std") and x.space.fine.dim == 5)
    return {"alt2": trace_arc(alt2, 1, 0.6, steps=3), "std": trace_arc(std, 1, 0.6, steps=3),
            "std-": trace_arc(std, -1, 0.6, steps=3)}


def _W(asp, theta):
    return np.array(asp.matrix(theta), dtype=float)


def test_directions_are_eigenvectors_of_the_full_hessian(bounded):
    iso, vals, S, dirs = bounded
    Wc = dirs[0].space.matrix(dirs[0].space.theta_c)
    H = np.asarray(model.hessian(np.array(Wc, dtype=float)), dtype=float)
    full = np.linalg.eigvalsh(H)
    # every distinct eigenvalue of the full 36 x 36 Hessian has an arc direction
    lams = sorted({round(float(x.eigenvalue), 9) for x in dirs})
    distinct = sorted({round(float(x), 9) for x in full})
    assert lams == distinct
    for x in dirs:
        V = np.array(x.space.matrix(x.vector), dtype=float).ravel()
        assert abs(np.linalg.norm(V) - 1) < 1e-12  # v^T N v = 1 is the Frobenius norm
        assert np.linalg.norm(H @ V - float(x.eigenvalue) * V) < 1e-9


def test_arc_points_satisfy_lagrange_in_the_full_model(arcs):
    for arc in arcs.values():
        assert arc.status == "reached" and len(arc.points) == 3
        asp = arc.direction.space
        for p in arc.points:
            res, dn = full_lagrange_residual(asp, p.theta(asp.theta_c), p.mu, p.r, dps=40)
            assert res < mpmath.mpf(10) ** -22, (arc.name, p.r, res)
            assert dn < mpmath.mpf(10) ** -25
            # the loss recorded is the full-matrix loss
            W = asp.matrix(p.theta(asp.theta_c))
            assert abs(model.loss(W, backend="mpmath", dps=40) - p.loss) < 1e-25


def test_points_off_the_arc_fail_the_lagrange_check(arcs):
    arc = arcs["std"]
    asp = arc.direction.space
    p = arc.points[1]
    mp = asp.be.mp
    # rotate u inside the sphere by 1e-4 along another coordinate: still |W - W_c| = r
    N = [mp.mpf(s.numerator) / s.denominator for s in asp.sizes]
    w = [mp.zero] * len(p.u)
    w[0] = mp.mpf(1)
    dot = sum(N[i] * w[i] * p.u[i] for i in range(len(w)))
    w = [w[i] - dot * p.u[i] for i in range(len(w))]
    nw = mp.sqrt(sum(N[i] * w[i] ** 2 for i in range(len(w))))
    eps = mp.mpf("1e-4")
    u2 = [(p.u[i] + eps * w[i] / nw) / mp.sqrt(1 + eps**2) for i in range(len(w))]
    theta = [c + p.r * x for c, x in zip(asp.theta_c, u2, strict=True)]
    res, dn = full_lagrange_residual(asp, theta, p.mu, p.r)
    assert dn < 1e-25  # on the sphere ...
    assert res > 1e-7  # ... but not a critical point of L on it
    res2, _ = full_lagrange_residual(asp, p.theta(asp.theta_c), p.mu * (1 + 1e-6), p.r)
    assert res2 > 1e-9  # the wrong multiplier fails too


def test_isotropy_verified_by_permutations(arcs):
    from symbolic.symmetry.detect import detect_isotropy

    for arc in arcs.values():
        asp = arc.direction.space
        for p in arc.points:
            W = _W(asp, p.theta(asp.theta_c))
            v = verify_isotropy(W)
            assert v["isotropy"] == p.isotropy == arc.direction.isotropy
            assert v["invariant"] and v["broken"]
    # the arcs break the symmetry of W_c: Delta S_6 -> Delta(S_4 x S_1 x S_1), Delta(S_5 x S_1)
    assert arcs["alt2"].points[0].isotropy == "d-2,1,1"
    assert arcs["std"].points[0].isotropy == "d-1,1"
    # negative: the claimed group of W_c (Delta S_6) does not fix an arc point
    asp = arcs["alt2"].direction.space
    det_c = detect_isotropy(_W(asp, asp.theta_c))
    assert det_c.spec == "d"
    v = verify_isotropy(_W(asp, arcs["alt2"].points[0].theta(asp.theta_c)), claimed=det_c)
    assert not v["invariant"]


def test_sphere_index_min_and_max_arcs(bounded, arcs):
    """The minimising arc is a local minimum on each sphere (index 0); the arc of the top
    eigenvalue a local maximum (index k d - 1)."""
    asp = arcs["alt2"].direction.space
    for p in arcs["alt2"].points:
        assert sphere_index(asp, p.theta(asp.theta_c), p.mu, p.r) == 0
    top = bounded[3][-1]
    arc = trace_arc(top, 1, "0.3", steps=1, isotropy=False)
    p = arc.points[0]
    assert sphere_index(top.space, p.theta(top.space.theta_c), p.mu, p.r) == D * D - 1
    # a std arc is a saddle on the sphere
    asp = arcs["std"].direction.space
    p = arcs["std"].points[0]
    assert 0 < sphere_index(asp, p.theta(asp.theta_c), p.mu, p.r) < D * D - 1


def test_critical_point_on_the_minimising_arc(arcs):
    """mu changes sign on the alt2 arc of bounded-d (d = 6): a critical point of L there,
    checked with the full gradient and classified; a wrong bracket is refused."""
    from symbolic.arcs.critical import critical_point_on_arc

    arc = arcs["alt2"]
    asp = arc.direction.space
    pts = arc.points
    j = next(i for i in range(len(pts) - 1) if pts[i].mu > 0 > pts[i + 1].mu)
    c = critical_point_on_arc(asp, pts[j], pts[j + 1], digits=20)
    assert c["status"] == "refined", c
    assert float(pts[j].r) < float(c["r"]) < float(pts[j + 1].r)
    assert mpmath.mpf(c["full_gradient_max"]) < 1e-20
    assert c["index"] == 1 and c["negative"] == [("triv", "1")]
    # the point is on the sphere of radius r and is a critical point: W(r) far from W_c
    W = np.array(asp.fine.matrix([mpmath.mpf(x) for x in asp.theta_c], D), dtype=float)
    g = np.asarray(model.gradient(W), dtype=float)
    assert np.max(np.abs(g)) < 1e-12  # W_c itself is critical ...
    assert float(c["r"]) > 0.1  # ... and the saddle is a different point


def test_conjugate_arcs(bounded, arcs):
    dirs = bounded[3]
    alt2 = arcs["alt2"].direction
    assert alt2.conjugate_minus
    minus = trace_arc(alt2, -1, 0.6, steps=3)
    for a, b in zip(arcs["alt2"].points, minus.points, strict=True):
        assert abs(a.loss - b.loss) < 1e-25  # conjugate arcs: equal loss
    std = arcs["std"].direction
    assert not std.conjugate_minus
    assert abs(arcs["std"].points[0].loss - arcs["std-"].points[0].loss) > 1e-6
    assert any(x.conjugate_minus for x in dirs) and not all(x.conjugate_minus for x in dirs)


def test_expansion_against_full_matrix_differences_and_direct_evaluation(arcs):
    std = arcs["std"].direction
    asp = std.space
    ex = expansion(std, 1, digits=20)
    Wc = asp.matrix(asp.theta_c)
    V = asp.matrix(std.vector)
    with mpmath.workdps(45):
        def phi(t):
            return model.loss(Wc + mpmath.mpf(t) * V, backend="mpmath", dps=45)
        h = mpmath.mpf("1e-6")
        third = (phi(2 * h) - 2 * phi(h) + 2 * phi(-h) - phi(-2 * h)) / (2 * h**3)
        assert abs(third / 6 - ex.c3) < 1e-9
        assert abs(ex.c2 - std.eigenvalue / 2) < 1e-25
        assert abs(ex.c3) > 1e-3  # a genuine cubic term
    # direct evaluation on the arc at small r: the error of the quartic model is O(r^5)
    arc = trace_arc(std, 1, "0.02", steps=2, isotropy=False)
    errs = []
    for p in arc.points:
        W = asp.matrix(p.theta(asp.theta_c))
        L = model.loss(W, backend="mpmath", dps=40)
        errs.append(abs(L - ex.value(p.r)))
    assert errs[1] < 1e-8 and errs[0] < errs[1] / 16  # ratio 2^5 = 32 expected
    # dL/dr = mu r along the arc: mu = lambda + 3 c3 r + 4 c4 r^2 + O(r^3)
    merr = [abs(p.mu - (std.eigenvalue + 3 * ex.c3 * p.r + 4 * ex.c4 * p.r**2))
            for p in arc.points]
    assert merr[1] < 1e-5 and merr[0] < merr[1] / 5  # ratio 2^3 = 8 expected
    # without c4 the error is O(r^4) and much larger
    p = arc.points[1]
    assert abs(ex.value(p.r) - ex.c4 * p.r**4 - ex.value(p.r)) > 10 * errs[1]


def test_alt2_expansion_is_even(arcs):
    ex = expansion(arcs["alt2"].direction, 1, digits=20)
    assert abs(ex.c3) < 1e-25 and ex.c4 < 0


def test_m_and_M_against_direct_optimisation():
    res = compute_arcs("bounded-d", D, rmax="0.3", steps=1, digits=DIGITS, which="extreme")
    e = res.extrema[0]
    Wc = res.records[0]  # any arc: all share W_c
    iso, vals, _, dirs = family_directions("bounded-d", D, DIGITS)
    W0 = np.array(dirs[0].space.coarse.matrix(list(vals), D), dtype=float)
    lo, hi = sphere_extrema(W0, 0.3, starts=2, seed=1)
    assert abs(lo - float(e["m"])) < 1e-9, (lo, e["m"], Wc["key"])
    assert abs(hi - float(e["M"])) < 1e-9


def test_arc_record_of_an_arc_stopped_at_once(bounded, monkeypatch):
    """An arc that stops before its first radius gives a record without points (and m(r)
    is then not 'complete')."""
    import symbolic.arcs.core as core
    from symbolic.arcs.trace import Arc

    dr = bounded[3][0]
    monkeypatch.setattr(core, "trace_arc", lambda d, s, r, steps: Arc(d, s, [], "stopped", "x"))
    rec = core.arc_record(dr, 1, "0.1", 2, DIGITS)
    assert rec["points"] == [] and rec["status"] == "stopped" and rec["critical_point"] is None
    other = dict(rec, key="other", points=[{"r": "0.1", "loss": "1"}])
    ext = core.extrema([rec, other], 2)
    assert len(ext) == 1 and not ext[0]["complete"]


def test_cli_json_and_errors(capsys, tmp_path):
    out = tmp_path / "arcs.jsonl"
    rc = main(["arcs", "--family", "bounded-d", "--d", "6", "--rmax", "0.2", "--steps", "2",
               "--which", "lowest", "--digits", "20", "--json", "--quiet", "--out", str(out)])
    cap = capsys.readouterr()
    assert rc == 0
    doc = json.loads(cap.out)
    assert doc["schema"] == "relusym.arcs/1"
    assert doc["arcs"][0]["irrep"] == "alt2[1]" and len(doc["arcs"][0]["points"]) == 2
    assert len(out.read_text().splitlines()) == 1  # streamed journal, resumable
    for argv in (["--d", "6.5"], ["--d", "6", "--rmax", "-1"], ["--d", "6", "--steps", "0"]):
        rc = main(["arcs", "--family", "bounded-d", *argv, "--quiet"])
        assert rc == 2
    assert main(["arcs", "--family", "nope", "--d", "6"]) == 2
    with pytest.raises(RelusymError):
        compute_arcs("global-minimum", 6)


@pytest.mark.slow
def test_all_arcs_against_direct_optimisation_d6():
    for name in ("bounded-d", "spurious-d-1,1"):
        res = compute_arcs(name, D, rmax="0.6", steps=3, digits=DIGITS, which="all")
        iso, vals, _, dirs = family_directions(name, D, DIGITS)
        W0 = np.array(dirs[0].space.coarse.matrix(list(vals), D), dtype=float)
        for e in res.extrema:
            lo, hi = sphere_extrema(W0, float(e["r"]), starts=3, seed=2)
            assert abs(lo - float(e["m"])) < 1e-8 and abs(hi - float(e["M"])) < 1e-8


@pytest.mark.slow
def test_eps_estimates_match_exact_series():
    """The Richardson estimates of the O(d^-1/2) terms against symbolic.asymptotics.series."""
    from symbolic.arcs.compare import eps_terms, exact_eps_terms

    for name in ("bounded-d",):
        exact = exact_eps_terms(name)
        for t in eps_terms(name, (1600, 6400)):
            cands = [e for e in exact if e["irrep"] == t["irrep"]]
            assert min(abs(mpmath.mpf(e["c1_value"]) - mpmath.mpf(t["c1_estimate"]))
                       for e in cands) < 2e-3


@pytest.mark.slow
def test_report_section_quick(tmp_path):
    from symbolic.arcs import report_section

    sec = report_section(quick=True, out_dir=tmp_path)
    assert [c.verdict for c in sec.claims] == ["pass"] * 6
    assert len(sec.figures) == 3
    # paths relative to the report folder, under figures/ (the LaTeX report includes them
    # from there; they used to point one folder above it)
    assert all(f.png.startswith("figures/") and (tmp_path / f.png).exists()
               and (tmp_path / f.pdf).exists() for f in sec.figures)
    assert sec.seconds < 600


@pytest.mark.slow
def test_derivation_quick(capsys, monkeypatch):
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "derivations" / "tangency_arcs.py"
    monkeypatch.setattr("sys.argv", [str(script), "--quick"])
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert out.count("[pass]") == 6 and "[fail]" not in out
