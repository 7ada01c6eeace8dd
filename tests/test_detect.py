"""Isotropy detection: permuted block points, larger symmetry, gradient-descent minima."""

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import IsotropyError, ShapeError
from symbolic.loss import model
from symbolic.symmetry.detect import detect_isotropy
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.reduced import reduced_system

SPECS = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1", "d-2,2;1", "d;2"]


def _permuted_point(spec, d, seed):
    fs = parse_isotropy(spec)
    rng = np.random.default_rng(seed)
    th = rng.normal(size=fs.dim)
    W = np.array(fs.matrix(th, d), dtype=float)
    pr, pc = rng.permutation(W.shape[0]), rng.permutation(d)
    return fs, th, W[pr][:, pc]


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("d", [6, 9])
def test_recovers_randomly_permuted_points(spec, d):
    fs, th, Wp = _permuted_point(spec, d, seed=d)
    det = detect_isotropy(Wp)
    assert det.spec == spec
    rebuilt = np.array(det.space.matrix([det.values[n] for n in det.space.names], d), float)
    assert np.allclose(Wp[det.row_perm][:, det.col_perm], rebuilt, atol=1e-12)
    assert sorted(det.row_perm) == list(range(Wp.shape[0]))
    assert sorted(det.col_perm) == list(range(d))
    # the same values up to the names: blocks of equal size (d-3,3 at d = 6, the 1,1 of
    # d-2,1,1) are interchangeable, so compare the multisets; with distinct sizes, by name
    assert np.allclose(sorted(det.values.values()), sorted(th), atol=1e-12)
    sizes = fs.sizes(d)[0]
    if len(set(sizes)) == len(sizes):
        want = dict(zip(fs.names, th, strict=True))
        for a, p in enumerate(sizes, start=1):  # convention: in a 2 x 2 square |D| > |O|
            if p == 2 and abs(want[f"D{a}"]) < abs(want[f"O{a}"]):
                want[f"D{a}"], want[f"O{a}"] = want[f"O{a}"], want[f"D{a}"]
        assert np.allclose([det.values[n] for n in fs.names], list(want.values()), atol=1e-12)


def test_high_precision_values_are_kept():
    """mpmath entries: the parameters come back to 50 digits (orbit averages of equal
    entries), not rounded to float."""
    mp = mpmath.MPContext()
    mp.dps = 50
    fs = parse_isotropy("d-2,2")
    th = [mp.sqrt(2) / 3, mp.pi / 100, mp.e / 4, -mp.mpf(1) / 7, mp.sqrt(3) / 50, -mp.mpf(1) / 9]
    W = fs.matrix(th, 8)
    rng = np.random.default_rng(0)
    pr, pc = rng.permutation(8), rng.permutation(8)
    det = detect_isotropy(W[pr][:, pc])
    assert det.spec == "d-2,2"
    for n, v in zip(fs.names, th, strict=True):
        assert abs(det.values[n] - v) < mp.mpf(10) ** -45


def test_reports_the_larger_group():
    """A point of Fix(d-1,1) whose values happen to make it fixed by all of Delta S_d is
    reported as 'd'; a symmetric point of Fix(d-2,1,1) as 'd-2,2'."""
    fs = parse_isotropy("d-1,1")
    W = np.array(fs.matrix({"D1": 0.8, "O1": 0.1, "D2": 0.8, "P12": 0.1, "P21": 0.1}, 7), float)
    det = detect_isotropy(W)
    assert det.spec == "d" and np.isclose(det.values["D1"], 0.8)
    fs = parse_isotropy("d-2,1,1")
    v = dict(zip(fs.names, np.random.default_rng(1).normal(size=fs.dim), strict=True))
    v["D3"], v["P32"], v["P13"], v["P31"] = v["D2"], v["P23"], v["P12"], v["P21"]
    det = detect_isotropy(np.array(fs.matrix(v, 7), float))
    assert det.spec == "d-2,2"
    # a 2 x 2 square: D2 is the one of larger absolute value (the convention)
    big, small = sorted([v["D2"], v["P23"]], key=abs, reverse=True)
    assert np.isclose(det.values["D2"], big) and np.isclose(det.values["O2"], small)
    # D = O inside a block: rows of the block coincide; still Fix(d-1,1), with D1 = O1
    fs = parse_isotropy("d-1,1")
    W = np.array(fs.matrix({"D1": 0.3, "O1": 0.3, "D2": 0.9, "P12": -0.2, "P21": 0.5}, 6), float)
    det = detect_isotropy(W[::-1])
    assert det.spec == "d-1,1" and np.isclose(det.values["D1"], det.values["O1"])


@pytest.mark.parametrize("name", ["global-minimum", "spurious-d-1,1", "spurious-d-2,2",
                                  "spurious-d-3,3", "bounded-d-1,1", "saddle-d-1,1"])
def test_catalogued_critical_points(name):
    """The family catalogue's critical points (40 digits, found by the solver), randomly
    permuted: detection returns the catalogued group and values, named as there."""
    from symbolic.catalogue.families import FAMILIES

    fam = FAMILIES[name]
    mp = mpmath.MPContext()
    mp.dps = 50
    fs = parse_isotropy(fam.isotropy)
    vals = {n: mp.mpf(v) for n, v in fam.seed_values.items()}
    W = fs.matrix(vals, fam.seed_d)
    rng = np.random.default_rng(len(name))
    det = detect_isotropy(W[rng.permutation(W.shape[0])][:, rng.permutation(W.shape[1])])
    assert det.spec == fam.isotropy
    for n in fs.names:
        assert abs(det.values[n] - vals[n]) < mp.mpf(10) ** -45


def _gradient_descent(seed, d=10, step=0.2, maxit=40000):
    """Plain GD in the full space (symbolic.loss.model.gradient; no use of the reduction)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d, d)) / np.sqrt(d)
    for _ in range(maxit):
        g = model.gradient(W)
        if np.linalg.norm(g) < 1e-10:
            return W
        W -= step * g
    return None


def _distinct(W, tol=1e-7):
    v = np.sort(W.ravel())
    return 1 + int(np.sum(np.diff(v) > tol))


def _check_minimum(W):
    det = detect_isotropy(W, tol=1e-7)
    assert _distinct(W) == det.space.dim or det.spec == "d"  # identity-like: 2 values
    # independent consistency: the detected parameters are a critical point of the
    # reduced system, and the reduced loss is the full loss
    rs = reduced_system(det.spec)
    th = [float(det.values[n]) for n in det.space.names]
    assert np.max(np.abs(rs.gradient(th, 10, backend="numpy"))) < 1e-8
    assert abs(rs.loss(th, 10, backend="numpy") - model.loss(W)) < 1e-10
    return det


def test_gradient_descent_minima_at_d10():
    """Seeds checked by hand: GD reaches a point with 6 distinct entries (d-2,2) from
    seed 1 and 5 (d-1,1) from seed 3."""
    found = {seed: _check_minimum(_gradient_descent(seed)) for seed in (1, 3)}
    assert {s: det.spec for s, det in found.items()} == {1: "d-2,2", 3: "d-1,1"}
    assert found[1].space.dim == 6 and found[3].space.dim == 5
    # they are the catalogued spurious minima (found there by Newton in Fix(H)), by name
    from symbolic.catalogue.families import FAMILIES

    for seed, name in ((1, "spurious-d-2,2"), (3, "spurious-d-1,1")):
        ref = FAMILIES[name].seed_values
        assert max(abs(float(found[seed].values[n]) - float(v)) for n, v in ref.items()) < 1e-9


@pytest.mark.slow
def test_gradient_descent_census_at_d10():
    """Many random starts: every converged point is detected, and both spurious types
    (5 and 6 distinct entries) appear besides the global minimum."""
    specs = []
    for seed in range(40):
        W = _gradient_descent(seed)
        if W is not None:
            specs.append(_check_minimum(W).spec)
    assert {"d", "d-1,1", "d-2,2"} <= set(specs)


def test_not_in_the_family_and_bad_input():
    W = np.random.default_rng(0).normal(size=(5, 5))  # generic: trivial isotropy
    with pytest.raises(IsotropyError, match="not in the block family"):
        detect_isotropy(W)
    with pytest.raises(IsotropyError, match="k >= d"):
        detect_isotropy(np.ones((2, 3)))
    with pytest.raises(ShapeError):
        detect_isotropy([[1.0, "x"], [0.0, 1.0]])
    with pytest.raises(ShapeError):
        detect_isotropy([[1.0, float("nan")], [0.0, 1.0]])
    # a point of the family perturbed by 1e-5: within tol = 1e-4 it is still d-1,1 (with
    # the deviation reported); with tol = 1e-9 it has the smaller symmetry it really has
    fs, _, Wp = _permuted_point("d-1,1", 6, 0)
    Wp[0, 0] += 1e-5
    det = detect_isotropy(Wp, tol=1e-4)
    assert det.spec == "d-1,1" and 1e-6 < det.deviation < 1e-5
    det = detect_isotropy(Wp, tol=1e-9)
    assert det.space.dim > 5 and det.deviation < 1e-12
