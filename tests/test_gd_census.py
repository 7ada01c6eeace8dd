"""Gradient-descent census: protocol, training, refinement and naming of end points,
comparison with Safran and Shamir's published experiment (tests/data/safran_shamir_2018)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from symbolic.core.errors import RelusymError
from symbolic.experiments.classify import refine_endpoint, symmetry_breaking
from symbolic.experiments.gd import (
    SAFRAN_SHAMIR,
    Protocol,
    fast_gradient,
    gd_census,
    train,
)
from symbolic.experiments.report import SAFRAN_SHAMIR_2018, compare_row, published_spurious
from symbolic.experiments.stats import wilson_interval
from symbolic.loss import model

DATA = Path(__file__).parent / "data" / "safran_shamir_2018"


@pytest.fixture(scope="module")
def ss_points():
    return json.loads((DATA / "points.json").read_text())["points"]


def test_embedded_table_equals_extract():
    doc = json.loads((DATA / "fractions.json").read_text())
    assert doc["source"]["commit"] == "0719662d67ef69aa33aeec8e6c943e9aef9b861e"
    assert {int(k): v for k, v in doc["magnitude"].items()} == SAFRAN_SHAMIR_2018
    # the counts of the paper's table (0.3 % at k = 6 ... 94.9 % at k = 20)
    assert [published_spurious(k) for k in (6, 7, 10, 20)] == [3, 55, 346, 949]


def test_fast_gradient_is_the_model_gradient_and_matches_finite_differences():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((7, 6)) / math.sqrt(6)
    g = fast_gradient(W)
    assert np.array_equal(g, model.gradient(W))
    h = 1e-6  # independent check: central differences of the closed-form loss
    for i, a in [(0, 0), (3, 2), (6, 5)]:
        E = np.zeros_like(W)
        E[i, a] = h
        fd = (float(model.loss(W + E)) - float(model.loss(W - E))) / (2 * h)
        assert abs(fd - g[i, a]) < 1e-7


def test_stopping_rule_matches_the_published_points(ss_points):
    """Their stored points satisfy the stopping rule as read from findMinimum.m:
    max_i |2 pi grad_i L| <= 1e-9 (the last step is taken after the test, so the norm
    is a little below 1e-9, about 1e-9 * (1 - 0.1 * lambda))."""
    for p in ss_points:
        W = np.array([[float(x) for x in row] for row in p["W"]])
        g = model.gradient(W)
        scaled = 2 * math.pi * math.sqrt(float(np.max(np.sum(g * g, axis=1))))
        assert 5e-10 < scaled < 1e-9 * 1.01, (p["k"], p["index"], scaled)


def test_default_protocol_is_safran_shamir():
    p = SAFRAN_SHAMIR
    assert (p.optimizer, p.init, p.step_size, p.grad_tol, p.divergence, p.bad_value) == \
        ("gd", "xavier", 0.1, 1e-9, 1e4, 1e-3)
    # Xavier as in findBadMinima.m: randn(d, k)/sqrt(d), entries of variance 1/d
    from symbolic.experiments.gd import initial_point

    W = initial_point(np.random.default_rng(0), 60, 50, "xavier")
    assert W.shape == (60, 50) and abs(W.var() * 50 - 1) < 0.05
    with pytest.raises(RelusymError):
        Protocol(optimizer="lbfgs")
    with pytest.raises(RelusymError):
        Protocol(lr=-1.0)
    with pytest.raises(RelusymError):
        Protocol(steps=0)


def test_sgd_gradient_is_unbiased():
    """The sampled gradient of online SGD averages to the closed-form gradient."""
    rng = np.random.default_rng(2)
    W = rng.standard_normal((5, 5)) / math.sqrt(5)
    X = rng.standard_normal((400_000, 5))
    Z = X @ W.T
    r = np.maximum(Z, 0).sum(axis=1) - np.maximum(X, 0).sum(axis=1)
    G = ((Z > 0) * r[:, None]).T @ X / X.shape[0]
    assert np.max(np.abs(G - model.gradient(W))) < 0.01


def test_spurious_end_point_is_safran_shamirs_minimum(ss_points):
    """Run 7 of seed 0 at k = d = 8 ends at a spurious minimum: after refinement its loss
    agrees with Safran--Shamir's stored k = 8 point (refined the same way) to 35 digits,
    and with the float64 loss of their point (their MATLAB run) to 1e-14."""
    res = train(8, 8, seed=0, run=7)
    assert res.status == "converged"
    e = refine_endpoint(res.W, digits=45)
    assert e["status"] == "refined" and e["isotropy"] == "d-1,1"
    theirs = next(p for p in ss_points if p["k"] == 8)
    Wt = np.array([[float(x) for x in row] for row in theirs["W"]])
    et = refine_endpoint(Wt, digits=45)
    assert et["isotropy"] == "d-1,1"
    from fractions import Fraction

    assert abs(Fraction(e["loss"]) - Fraction(et["loss"])) < Fraction(1, 10**35)
    assert abs(float(model.loss(Wt)) - float(e["loss"])) < 1e-14
    assert float(e["move"]) < 1e-6


def test_published_points_refine_to_certified_minima(ss_points):
    """Every stored point for k = 6..10 refines in its detected fixed space to a
    certified local minimum whose loss matches the float64 loss of the stored point."""
    from symbolic.spectra.certify import certify_point

    for p in [q for q in ss_points if q["k"] <= 10]:
        W = np.array([[float(x) for x in row] for row in p["W"]])
        e = refine_endpoint(W, digits=40)
        assert e["status"] == "refined"
        assert abs(float(e["loss"]) - float(model.loss(W))) < 1e-13
        c = certify_point(e["isotropy"], e["params"], p["k"], dps=40)
        assert (c.verdict, c.classification, c.index) == ("proved", "minimum", 0)


@pytest.mark.slow
def test_published_points_up_to_13(ss_points):
    from symbolic.spectra.certify import certify_point

    isos = set()
    for p in [q for q in ss_points if q["k"] > 10]:
        W = np.array([[float(x) for x in row] for row in p["W"]])
        e = refine_endpoint(W, digits=40)
        assert abs(float(e["loss"]) - float(model.loss(W))) < 1e-13
        c = certify_point(e["isotropy"], e["params"], p["k"], dps=40)
        assert (c.verdict, c.classification, c.index) == ("proved", "minimum", 0)
        isos.add(e["isotropy"])
    assert {"d-1,1", "d-2,2", "d-3,3"} <= isos


def test_tiny_census_k6():
    """k = d = 6, 20 runs: every run converges; the minima are named; the fraction of
    spurious runs is compatible with Safran--Shamir's 3/1000."""
    s = gd_census(6, 6, 20, seed=0, digits=30, workers=1, progress=False)
    assert s.runs == 20 and not s.not_converged and not s.unidentified
    assert sum(g.count for g in s.groups) == 20
    names = {g.name for g in s.groups}
    assert "global-minimum" in names
    for g in s.groups:
        assert g.certificate.verdict == "proved"
    row = compare_row(6, s.spurious_count, 20)
    assert row["agree"]
    doc = s.to_json()
    from symbolic.core.schema import dumps

    dumps("gd-census", doc)  # no binary float anywhere


def test_census_names_spurious_family_k8():
    s = gd_census(8, 8, 8, seed=0, digits=30, workers=1, progress=False)
    sp = [g for g in s.groups if g.spurious]
    assert len(sp) == 1 and sp[0].family == "spurious-d-1,1" and sp[0].runs == [7]
    assert sp[0].index == 0 and sp[0].symmetry["maximal"] is True
    assert s.least_symmetry_breaking()["runs_at_maximal_isotropy"] == 1
    assert s.spurious_count == s.bad_threshold_count == 1


def test_other_optimizers_converge_after_polish():
    p = Protocol(optimizer="adam", lr=0.01, steps=300)
    r = train(4, 4, p, seed=1, run=0)
    assert r.status == "converged" and r.steps == 300 and r.polish_steps > 0
    p = Protocol(optimizer="sgd", steps=200, batch=64)
    r = train(4, 4, p, seed=1, run=0)
    assert r.status == "converged" and r.polish_steps > 0
    e = refine_endpoint(r.W, digits=30)
    assert e["status"] == "refined"
    r2 = train(4, 4, p, seed=1, run=0)
    assert np.array_equal(r.W, r2.W)  # seeded


def test_step_cap_reports_not_converged():
    s = gd_census(5, 5, 3, Protocol(steps=50), seed=0, workers=1, progress=False,
                  certify=False)
    assert len(s.not_converged) == 3 and s.groups == []
    assert "not converged: 3" in s.text()


def test_wilson_interval_independent():
    """Wilson bounds are the roots of (p_hat - p)^2 = z^2 p (1 - p) / n."""
    z = 1.959963984540054
    for c, n in [(3, 20), (0, 20), (126, 1000), (20, 20)]:
        ph = c / n
        a = 1 + z * z / n
        roots = np.sort(np.roots([a, -(2 * ph + z * z / n), ph * ph]).real)
        lo, hi = wilson_interval(c, n)
        assert abs(lo - max(roots[0], 0)) < 1e-12 and abs(hi - min(roots[1], 1)) < 1e-12


def test_symmetry_breaking():
    s = symmetry_breaking("d-1,1", 8)
    assert s["maximal"] and s["index_in_target"] == "8" and not s["unbroken"]
    assert symmetry_breaking("d-2,2", 10)["index_in_target"] == str(math.comb(10, 2))
    assert symmetry_breaking("d-6,6", 12)["maximal"] is False  # S_6 x S_6 < S_6 wr S_2
    assert symmetry_breaking("d-2,1,1", 9)["maximal"] is False
    assert symmetry_breaking("d", 7)["unbroken"] is True


def test_bad_input():
    with pytest.raises(RelusymError):
        gd_census(4, 5, 3)
    with pytest.raises(RelusymError):
        gd_census(4, 4, 0)
    from symbolic.cli.main import main

    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "2", "--lr", "-1"]) == 2
    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "x"]) == 2
    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "2", "--compare",
                 "safran-shamir", "--quiet", "--workers", "1"]) == 2


def test_cli_json_and_compare(capsys):
    from symbolic.cli.main import main

    assert main(["gd-census", "--k", "6", "--d", "6", "--runs", "3", "--workers", "1",
                 "--quiet", "--json", "--compare", "safran-shamir", "--digits", "25"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.gd-census/1"
    assert doc["compare"]["safran-shamir"]["published_fraction"] == "0.0030"
    assert doc["minima"][0]["name"] == "global-minimum"


@pytest.mark.slow
def test_fraction_against_safran_shamir_k8():
    """k = d = 8, 300 runs on 2 processes: the Wilson interval overlaps theirs (0.126)."""
    s = gd_census(8, 8, 300, seed=8, digits=30, workers=2, progress=False)
    row = compare_row(8, s.spurious_count, 300)
    assert row["agree"], row
    assert all(g.symmetry["maximal"] for g in s.groups if g.spurious)


def test_compare_row_and_plot(tmp_path):
    from symbolic.experiments.report import plot_fractions

    same = compare_row(10, 35, 100)  # 0.35 against their 0.346
    assert same["agree"] and abs(float(same["z"])) < 0.2
    off = compare_row(10, 5, 100)  # 0.05: far below
    assert not off["agree"] and float(off["z"]) < -5
    png = tmp_path / "f.png"
    plot_fractions([same], png)
    assert png.stat().st_size > 10_000 and png.with_suffix(".pdf").exists()


@pytest.mark.slow
def test_report_section_quick(tmp_path):
    from symbolic.experiments.report import report_section

    sec = report_section(quick=True, out_dir=tmp_path)
    assert [c.verdict for c in sec.claims] == ["pass", "pass", "pass"]
    assert Path(sec.figures[0].png).exists()
    assert sec.seconds < 120


@pytest.mark.slow
def test_census_match_finds_published_point(ss_points):
    """Safran--Shamir's k = 9 Delta(S_7 x S_2) minimum is a point of relusym census."""
    from symbolic.experiments.classify import census_match

    p = next(q for q in ss_points if q["k"] == 9 and q["index"] == 1)
    e = refine_endpoint(np.array([[float(x) for x in r] for r in p["W"]]), digits=30)
    assert e["isotropy"] == "d-2,2"
    pos, total = census_match("d-2,2", list(e["params"].values()), 9)
    assert pos is not None and total > 5


def test_summarise_without_certificates(ss_points):
    """Records -> groups without certification: spurious by the refined loss."""
    from symbolic.experiments.classify import summarise

    p = next(q for q in ss_points if q["k"] == 8)
    e = refine_endpoint(np.array([[float(x) for x in r] for r in p["W"]]), digits=30)
    recs = [{"run": i, "status": "converged", "bad": True, "endpoint": e,
             "loss_float": "0.0215"} for i in range(3)]
    recs.append({"run": 3, "status": "max-steps", "bad": None, "endpoint": None,
                 "loss_float": "0.3"})
    s = summarise(recs, k=8, d=8, protocol=SAFRAN_SHAMIR, seed=0, digits=30, certify=False)
    assert len(s.groups) == 1 and s.groups[0].runs == [0, 1, 2]
    assert s.spurious_count == 3 and len(s.not_converged) == 1
    assert s.groups[0].family == "spurious-d-1,1" and s.groups[0].classification == "uncertified"
