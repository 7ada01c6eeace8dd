"""Certified completeness (symbolic.critical.complete): soundness, the bounded region, zero rows.

Independent checks: the full-matrix model (symbolic.loss.model) for the region bounds and
for a multi-start Newton whose critical points must all be among the proved roots.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from symbolic.core.errors import RelusymError
from symbolic.critical.census import census
from symbolic.critical.complete import (
    REASON_ZERO_ROW,
    CompletenessError,
    _Engine,
    _excludes_zero,
    bounding_box,
    certify_complete,
)
from symbolic.loss import model
from symbolic.symmetry.groups import parse_isotropy

D = 10
SPURIOUS = [1.0043548232623238, -0.015811925805753115, -0.6990368174937945,
            0.18236775578871975, 0.12604236084341794]


@pytest.fixture(scope="module")
def cen11():
    return census("d-1,1", D, digits=20, with_spectrum=False)


@pytest.fixture(scope="module")
def full_points():
    """Critical points of Fix(d-1,1) at d = 10 from Newton on the full-matrix model."""
    fs = parse_isotropy("d-1,1")
    rng = np.random.default_rng(0)
    starts = [SPURIOUS, [1.0, 0.0, 1.0, 0.0, 0.0], [-0.8, 0.2, -0.8, 0.2, 0.2],
              [1.09, -0.009, -0.02, 0.11, -0.018]]
    starts += [list(rng.normal(size=5) * [1, 0.1, 1, 0.3, 0.3]) for _ in range(6)]
    out = []
    for x0 in starts:
        x = _full_newton(fs, x0, D)
        if x is not None and not any(np.allclose(x, y, atol=1e-8) for y in out):
            out.append(x)
    assert len(out) >= 3
    return out


def _spurious(points):
    """The spurious minimum (loss 0.0187...) and its loss, by the full model."""
    fs = parse_isotropy("d-1,1")
    for x in points:
        L = float(model.loss(np.array(fs.matrix(list(x), D), dtype=float)))
        if abs(L - 0.0187021945856) < 1e-9:
            return [float(v) for v in x], L
    raise AssertionError("spurious minimum not found")


def _full_newton(fs, x0, d, steps=40):
    """Newton on the full-matrix model restricted to Fix(H): gradient and Hessian of
    L(W(theta)) by the chain rule through the orbit masks (independent of reduced.py)."""
    masks = fs.orbit_masks(d)
    E = np.array([masks[n].ravel() for n in fs.names], dtype=float)  # dim x (k d)
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        W = np.array(fs.matrix(list(x), d), dtype=float)
        if np.any(np.linalg.norm(W, axis=1) < 1e-8):
            return None
        g = E @ np.asarray(model.gradient(W), dtype=float).ravel()
        H = E @ np.asarray(model.hessian(W), dtype=float) @ E.T
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None
        x = x - step
        if not np.all(np.isfinite(x)):
            return None
        if np.max(np.abs(step)) < 1e-12:
            W = np.array(fs.matrix(list(x), d), dtype=float)
            g = E @ np.asarray(model.gradient(W), dtype=float).ravel()
            return x if np.max(np.abs(g)) < 1e-9 else None
    return None


# ------------------------------------------------------------- (b) the region
def _check_bounds(points):
    """At every critical point: ||W||_F^2 <= 2C - 4L <= 2C, every row
    norm <= d, ||W||_F^2 = sum n_p theta_p^2, <grad L, W> = 0 (Euler), all checked on the
    full matrix, and the point lies in bounding_box."""
    fs = parse_isotropy("d-1,1")
    two_c = D + D * (D - 1) / math.pi
    box = bounding_box(fs, D)
    masks = fs.orbit_masks(D)
    counts = [int(masks[n].sum()) for n in fs.names]
    for x in points:
        x = [float(v) for v in x]
        W = np.array(fs.matrix(x, D), dtype=float)
        L = float(model.loss(W))
        fro = float(np.sum(W * W))
        assert abs(fro - sum(c * v * v for c, v in zip(counts, x, strict=True))) < 1e-12
        assert fro <= two_c - 4 * L + 1e-9
        assert fro <= two_c
        assert np.all(np.linalg.norm(W, axis=1) <= D)
        # a census point may have a dead block of rows (exact zeros, reported as such):
        # the loss is not differentiable there, the live rows are critical (Euler's
        # identity <grad L, W> = 0 on them)
        live = W[np.linalg.norm(W, axis=1) > 0]
        G = np.asarray(model.gradient(live), dtype=float)
        assert abs(float(np.sum(G * live))) < 1e-8
        for (lo, hi), v in zip(box, x, strict=True):
            assert float(lo) <= v <= float(hi)


def test_bounds_hold_at_full_model_points(full_points):
    _check_bounds(full_points)


@pytest.mark.slow
def test_bounds_hold_at_census_points(cen11):
    assert len(cen11.points) >= 5
    _check_bounds([p.values for p in cen11.points])


def test_bounding_box_numbers():
    """|theta_p| <= sqrt(2C / n_p) with n_p counted from the orbit masks, outward."""
    for spec in ("d-1,1", "d-2,2"):
        fs = parse_isotropy(spec)
        masks = fs.orbit_masks(D)
        two_c = D + D * (D - 1) / math.pi
        for (lo, hi), n in zip(bounding_box(fs, D), fs.names, strict=True):
            b = math.sqrt(two_c / int(masks[n].sum()))
            assert lo == -hi
            assert b <= float(hi) <= b + 1e-5
            assert hi.denominator & (hi.denominator - 1) == 0  # dyadic


# ------------------------------------------------------------- (a) soundness
def test_box_without_critical_point_is_excluded():
    reg = [("0.5", "0.52"), ("0.1", "0.12"), ("0.3", "0.32"), ("0.2", "0.22"), ("0.1", "0.12")]
    res = certify_complete("d-1,1", D, region=reg, max_boxes=200)
    assert res.verdict == "complete"
    assert res.roots == []
    assert res.undecided == []
    # independent: the full-matrix gradient is far from 0 on that box
    fs = parse_isotropy("d-1,1")
    W = np.array(fs.matrix([0.51, 0.11, 0.31, 0.21, 0.11], D), dtype=float)
    assert np.max(np.abs(np.asarray(model.gradient(W), dtype=float))) > 1e-2


def test_box_around_spurious_minimum_proves_one_root(full_points):
    x, loss = _spurious(full_points)
    reg = [(Fraction(v) - Fraction(1, 1000), Fraction(v) + Fraction(1, 1000)) for v in x]
    res = certify_complete("d-1,1", D, region=reg, max_boxes=2000, min_width="1e-4",
                           known=[x])
    assert res.verdict == "complete"
    assert len(res.roots) == 1
    root = res.roots[0]
    assert root.known_index is not None
    # float64 loss of the float64 root: agree to rounding (the enclosure is ~1e-16 wide)
    assert float(root.loss.lower()) - 1e-12 <= loss <= float(root.loss.upper()) + 1e-12
    assert float(root.loss.rad()) < 1e-12
    for b, v in zip(root.box, x, strict=True):
        assert float(b.lower()) - 1e-12 <= v <= float(b.upper()) + 1e-12  # a float64 root
    # independent multi-start Newton on the full model: every root found in the region
    # lies in the proved box
    fs = parse_isotropy("d-1,1")
    rng = np.random.default_rng(1)
    found = 0
    for _ in range(8):
        x0 = [float(lo) + (float(hi) - float(lo)) * rng.random() for lo, hi in reg]
        xr = _full_newton(fs, x0, D)
        if xr is None or not all(float(lo) <= v <= float(hi)
                                 for (lo, hi), v in zip(reg, xr, strict=True)):
            continue
        found += 1
        assert any(all(float(b.lower()) - 1e-12 <= v <= float(b.upper()) + 1e-12
                       for b, v in zip(r.box, xr, strict=True)) for r in res.roots)
    assert found >= 1
    js = res.to_json(10)
    assert js["verdict"] == "complete"
    lo, hi = js["proved_roots"][0]["loss"]
    assert Fraction(lo) <= Fraction(root.loss.mid().str(30, radius=False)) <= Fraction(hi)


def test_small_budget_is_never_complete(full_points):
    x, _ = _spurious(full_points)
    reg = [(Fraction(v) - Fraction(1, 100), Fraction(v) + Fraction(1, 100)) for v in x]
    res = certify_complete("d-1,1", D, region=reg, max_boxes=5)
    assert res.verdict == "incomplete-budget"
    assert res.undecided_fraction > 0
    # the full-model Newton root lies in the region: it is either proved or in an
    # undecided box, never silently dropped
    pt = [Fraction(v) for v in x]
    in_proved = any(all(float(b.lower()) - 1e-12 <= v <= float(b.upper()) + 1e-12
                        for b, v in zip(r.box, x, strict=True)) for r in res.roots)
    in_undecided = any(all(lo <= v <= hi for (lo, hi), v in zip(u.box, pt, strict=True))
                       for u in res.undecided)
    assert in_proved or in_undecided


# ------------------------------------------------------------- (c) zero rows
def test_nan_and_inf_count_as_containing_zero():
    import flint

    assert not _excludes_zero(flint.arb("nan"))
    assert not _excludes_zero(flint.arb("inf"))
    assert not _excludes_zero(flint.arb(1, "inf"))
    assert _excludes_zero(flint.arb(1, 0.5))
    assert not _excludes_zero(flint.arb(1, 2))


def test_region_touching_zero_row_is_undecided():
    """The last row (D2, P21) vanishes inside the box: L is not differentiable there."""
    reg = [("0.95", "1.05"), ("-0.02", "0.02"), ("-0.01", "0.01"), ("0.05", "0.1"),
           ("-0.01", "0.01")]
    res = certify_complete("d-1,1", D, region=reg, max_boxes=3000, min_width="0.3")
    assert res.verdict != "complete"
    reasons = res.reasons()
    assert REASON_ZERO_ROW in reasons
    assert reasons[REASON_ZERO_ROW][1] > 0
    js = res.to_json(8)
    assert js["verdict"] == res.verdict
    assert js["schema"] == "relusym.completeness/1"
    from symbolic.core.schema import dumps

    dumps("completeness", js)  # no binary float anywhere
    assert js["undecided_reasons"][REASON_ZERO_ROW]["boxes"] == reasons[REASON_ZERO_ROW][0]
    assert Fraction(js["undecided_fraction"]) >= res.undecided_fraction  # rounded up
    for u, ju in zip(res.undecided, js["undecided"], strict=False):
        for (lo, hi), (slo, shi) in zip(u.box, ju["box"], strict=True):
            assert Fraction(slo) <= lo and hi <= Fraction(shi)  # outward
    assert "zero row" in res.summary()
    # regression: the interval test itself never excludes a box holding a zero row
    # (the arb enclosures there are NaN)
    fs = parse_isotropy("d-1,1")
    eng = _Engine(fs, D, 96)
    box = [(Fraction(lo), Fraction(hi)) for lo, hi in
           [("0.95", "1.05"), ("-0.02", "0.02"), ("-0.01", "0.01"), ("0.05", "0.1"),
            ("-0.01", "0.01")]]
    assert eng.touches_zero_row(box)
    assert eng.test(box)[0] != "excluded"


# ------------------------------------------------------------- bad input
def test_bad_input_is_a_clear_error():
    with pytest.raises(CompletenessError, match="5 intervals"):
        certify_complete("d-1,1", D, region=[("0", "1")])
    with pytest.raises(CompletenessError, match="lo < hi"):
        certify_complete("d-1,1", D, region=[("1", "0")] * 5)
    with pytest.raises(CompletenessError, match="max_boxes"):
        certify_complete("d-1,1", D, max_boxes=0)
    with pytest.raises(RelusymError):
        certify_complete("d-1,1", D, min_width="__import__('os')")
    with pytest.raises(RelusymError):
        certify_complete("d-1,1", D, region=[("a", "1")] * 5)


# ------------------------------------------------------------- full runs
@pytest.mark.slow
def test_full_region_is_never_falsely_complete(cen11):
    """Over the whole bounding box zero rows are inside: never 'complete'; every proved
    root is a census point (the census is independent of the branch-and-prune)."""
    res = certify_complete("d-1,1", D, known=cen11, max_boxes=3000, min_width="0.05")
    assert res.verdict != "complete"
    assert res.undecided_fraction > 0
    for r in res.roots:
        assert r.known_index is not None


def test_subtract_partitions_the_box():
    """box = (box ∩ cube) ∪ pieces, with disjoint interiors: volumes add up exactly, and
    random points of the box lie in the cube or in a piece (never in two pieces' interiors)."""
    from symbolic.critical.complete import _subtract

    rng = np.random.default_rng(5)
    for _ in range(20):
        box = [(Fraction(int(a), 8), Fraction(int(a) + int(w), 8))
               for a, w in zip(rng.integers(-8, 8, 3), rng.integers(1, 8, 3), strict=True)]
        cube = [(Fraction(int(a), 8), Fraction(int(a) + int(w), 8))
                for a, w in zip(rng.integers(-8, 8, 3), rng.integers(1, 8, 3), strict=True)]
        pieces = _subtract(box, cube)

        def vol(b):
            out = Fraction(1)
            for lo, hi in b:
                out *= max(hi - lo, Fraction(0))
            return out

        inter = [(max(a, c), min(b, e)) for (a, b), (c, e) in zip(box, cube, strict=True)]
        if any(hi <= lo for lo, hi in inter):
            inter = [(Fraction(0), Fraction(0))]  # no interior in common
        assert vol(inter) + sum(vol(p) for p in pieces) == vol(box)
        for _ in range(20):
            pt = [Fraction(lo) + (hi - lo) * Fraction(int(rng.integers(0, 97)), 96)
                  for lo, hi in box]
            in_cube = all(lo <= v <= hi for (lo, hi), v in zip(cube, pt, strict=True))
            n = sum(all(lo <= v <= hi for (lo, hi), v in zip(p, pt, strict=True))
                    for p in pieces)
            assert in_cube or n >= 1
