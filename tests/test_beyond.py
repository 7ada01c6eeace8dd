"""The gradient-descent experiment beyond the closed form (symbolic.experiments.beyond):
erf networks (Williams' kernel), uniform inputs and a second hidden layer (sampled
losses). Independent checks: Monte Carlo, central differences, the closed-form ReLU
loss, permutation invariance."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symbolic.cli.main import main
from symbolic.core.errors import RelusymError
from symbolic.experiments.beyond import (
    Setting,
    beyond_census,
    beyond_run_task,
    erf_gradient,
    erf_loss,
    sampled_loss_and_gradient,
)
from symbolic.loss import model


def test_erf_loss_matches_monte_carlo():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(5)
    W = rng.normal(size=(4, 3)) * 0.8
    X = rng.normal(size=(400_000, 3))
    r = special.erf(X @ W.T).sum(axis=1) - special.erf(X).sum(axis=1)
    mc, se = 0.5 * np.mean(r * r), 0.5 * np.std(r * r) / np.sqrt(len(X))
    assert abs(erf_loss(W) - mc) < 4 * se


def test_erf_gradient_matches_central_differences():
    rng = np.random.default_rng(2)
    W = rng.normal(size=(5, 4))
    g = erf_gradient(W)
    h = 1e-6
    for i in range(5):
        for j in range(4):
            E = np.zeros_like(W)
            E[i, j] = h
            fd = (erf_loss(W + E) - erf_loss(W - E)) / (2 * h)
            assert abs(g[i, j] - fd) < 1e-7
    assert np.abs(erf_gradient(np.eye(4))).max() < 1e-15  # the target is critical


def test_erf_loss_is_exactly_symmetric():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(5, 5))
    rows, cols = rng.permutation(5), rng.permutation(5)
    # S_k x S_d: rows of W permuted; columns of W and of V = I permuted together
    assert abs(erf_loss(W[rows][:, cols]) - erf_loss(W)) < 1e-13


@pytest.mark.parametrize("name", ["uniform", "deep"])
def test_sampled_gradient_matches_central_differences(name):
    s = Setting(name, samples=500)
    rng = np.random.default_rng(4)
    X = rng.uniform(-1.7, 1.7, size=(500, 3)) if name == "uniform" else rng.normal(size=(500, 3))
    ps = [rng.normal(size=(3, 3))] + ([rng.normal(size=(3, 3))] if name == "deep" else [])
    _, gs = sampled_loss_and_gradient(s, ps, X)
    h = 1e-6
    for a in range(len(ps)):
        for i in range(3):
            for j in range(3):
                up = [q.copy() for q in ps]
                dn = [q.copy() for q in ps]
                up[a][i, j] += h
                dn[a][i, j] -= h
                fd = (sampled_loss_and_gradient(s, up, X)[0]
                      - sampled_loss_and_gradient(s, dn, X)[0]) / (2 * h)
                assert abs(gs[a][i, j] - fd) < 1e-6


def test_deep_network_with_identity_second_layer_is_the_closed_form_model():
    """relu(I relu(W x)) = relu(W x): the deep sampled loss at W_2 = I estimates the
    closed-form ReLU loss (DESIGN.md section 1) within Monte Carlo error."""
    rng = np.random.default_rng(7)
    W = rng.normal(size=(4, 4)) / 2
    X = rng.normal(size=(300_000, 4))
    L, _ = sampled_loss_and_gradient(Setting("deep", samples=10), [W, np.eye(4)], X)
    r = np.maximum(X @ W.T, 0).sum(axis=1) - np.maximum(X, 0).sum(axis=1)
    se = 0.5 * np.std(r * r) / np.sqrt(len(X))
    assert abs(L - float(model.loss(W))) < 4 * se


def test_uniform_inputs_are_not_gaussian():
    """The uniform setting is a different loss: at a generic W its sampled loss is far
    (more than 5 standard errors) from the Gaussian closed form."""
    rng = np.random.default_rng(8)
    W = rng.normal(size=(3, 3))
    s = Setting("uniform", samples=10)
    X = rng.uniform(-np.sqrt(3), np.sqrt(3), size=(400_000, 3))
    L, _ = sampled_loss_and_gradient(s, [W], X)
    r = np.maximum(X @ W.T, 0).sum(axis=1) - np.maximum(X, 0).sum(axis=1)
    se = 0.5 * np.std(r * r) / np.sqrt(len(X))
    assert abs(L - float(model.loss(W))) > 5 * se


def test_run_task_detects_exact_isotropy_in_erf_setting():
    s = Setting("erf")
    r = beyond_run_task({"k": 4, "d": 4, "seed": 0, "run": 0, "setting": s.to_json(),
                         "fingerprint": "f"})
    assert r["status"] == "converged" and not r["approximate"]
    W = np.array([[float(v) for v in row] for row in r["W"]])
    assert np.abs(erf_gradient(W)).max() < 1e-7
    # the end point is in the detected fixed space up to the detection tolerance
    assert r["isotropy"] is not None and r["symmetry"]["blocks"]


def test_beyond_census_streams_and_resumes(tmp_path):
    out = tmp_path / "runs.jsonl"
    a = beyond_census("erf", 4, 4, 3, seed=1, workers=1, out=out, progress=False)
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 3 and a["runs"] == 3
    assert sum(c["count"] for c in a["minima"]) == a["converged"]
    b = beyond_census("erf", 4, 4, 5, seed=1, workers=1, out=out, resume=True,
                      progress=False)
    assert b["runs"] == 5 and len(out.read_text().splitlines()) == 5
    first = {c["isotropy"]: c["count"] for c in a["minima"]}
    for c in b["minima"]:
        assert c["count"] >= first.get(c["isotropy"], 0)


def test_resume_refuses_another_experiments_journal(tmp_path):
    out = tmp_path / "runs.jsonl"
    beyond_census("erf", 3, 3, 2, seed=1, workers=1, out=out, progress=False)
    with pytest.raises(RelusymError, match="another experiment"):
        beyond_census("erf", 3, 3, 2, seed=2, workers=1, out=out, resume=True,
                      progress=False)
    assert len(out.read_text().splitlines()) == 2


def test_interval_text_rounds_outward():
    """The printed Wilson interval (4 decimals) parsed back contains the computed one."""
    from fractions import Fraction

    from symbolic.experiments.stats import interval_text, wilson_interval

    for n in (1, 7, 40, 200, 1000, 12345):
        for count in {0, 1, n // 3, n // 2, n - 1, n}:
            lo, hi = wilson_interval(count, n)
            a, b = interval_text(lo, hi)
            assert Fraction(a) <= Fraction(lo) and Fraction(b) >= Fraction(hi), (count, n)
            assert len(a.split(".")[1]) == len(b.split(".")[1]) == 4
    # a float just below a 4-decimal grid point whose product with 1e4 rounds up to it
    lo = 0.0036999999999999997
    assert lo * 1e4 == 37.0 and Fraction(lo) < Fraction(37, 10**4)
    assert interval_text(lo, 0.5) == ["0.0036", "0.5000"]


def test_bad_settings_are_refused(capsys):
    with pytest.raises(RelusymError, match="setting"):
        Setting("tanh")
    with pytest.raises(RelusymError, match="samples"):
        Setting("uniform", samples=3)
    assert main(["gd-census", "--setting", "erf", "--k", "4", "--d", "4", "--runs", "2",
                 "--optimizer", "adam"]) == 2
    assert "--setting erf" in capsys.readouterr().err
    assert main(["gd-census", "--setting", "uniform", "--k", "4", "--d", "4", "--runs", "2",
                 "--samples", "5"]) == 2
    assert "--samples" in capsys.readouterr().err


def test_cli_erf_json(capsys):
    assert main(["gd-census", "--setting", "erf", "--k", "3", "--d", "3", "--runs", "2",
                 "--workers", "1", "--quiet", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.gd-census/1" and doc["setting"]["name"] == "erf"
    assert doc["runs"] == 2
