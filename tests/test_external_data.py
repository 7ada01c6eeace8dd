"""The public gradient-descent data sets shipped under tests/data, checked against
their own stored summaries with relusym's independent full-matrix model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from symbolic.loss import model

ROOT = Path(__file__).resolve().parents[1]
SYS = ROOT / "tests" / "data" / "safran_yehudai_shamir_2020" / "minima.json"
SS = ROOT / "tests" / "data" / "safran_shamir_2018"


def _derivation():
    spec = importlib.util.spec_from_file_location("atlas_safran",
                                                  ROOT / "derivations" / "atlas_safran.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_safran_yehudai_shamir_minima_rebuild_to_their_critical_points():
    """Rebuilt from the compact form, every stored minimum has the gradient norm they
    stored (our closed-form gradient, not theirs), and the runs per k add up to 500."""
    ms = json.loads(SYS.read_text())["minima"]
    rebuild = _derivation().reconstruct_matrix
    assert {m["k"] for m in ms} == set(range(6, 21))
    for k in range(6, 21):
        assert sum(m["multiplicity"] for m in ms if m["k"] == k) == 500
    for m in ms:
        W = np.array(rebuild(m["vals"], m["p"]))
        assert W.shape == (m["k"], m["k"])
        g = float(np.linalg.norm(np.asarray(model.gradient(W), dtype=float)))
        theirs = float(m["grad_norm"])
        assert g < 1e-8
        assert abs(g - theirs) <= 1e-3 * theirs + 1e-13, (m["k"], m["p"], g, theirs)


def test_safran_shamir_points_cover_k_6_to_20_with_their_counts():
    pts = json.loads((SS / "points.json").read_text())["points"]
    fr = json.loads((SS / "fractions.json").read_text())["magnitude"]
    assert {p["k"] for p in pts} == set(range(6, 21))
    for k in range(6, 21):
        assert sum(p["magnitude"] for p in pts if p["k"] == k) == sum(fr[str(k)])
