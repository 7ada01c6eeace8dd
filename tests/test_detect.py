"""Isotropy detection: permuted block points and gradient-descent minima."""

import numpy as np
import pytest

from symbolic import model
from symbolic.detect import detect_isotropy
from symbolic.errors import IsotropyError
from symbolic.groups import parse_isotropy


@pytest.mark.parametrize("spec", ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"])
@pytest.mark.parametrize("d", [6, 9])
def test_recovers_randomly_permuted_points(spec, d):
    fs = parse_isotropy(spec)
    rng = np.random.default_rng(d)
    th = rng.normal(size=fs.dim)
    W = np.array(fs.matrix(th, d), dtype=float)
    pr, pc = rng.permutation(W.shape[0]), rng.permutation(d)
    det = detect_isotropy(W[pr][:, pc])
    assert det.spec == spec
    Wp = W[pr][:, pc]
    rebuilt = np.array(det.space.matrix([det.values[n] for n in det.space.names], d), float)
    assert np.allclose(Wp[det.row_perm][:, det.col_perm], rebuilt, atol=1e-12)
    assert sorted(np.round(list(det.values.values()), 9)) == sorted(np.round(th, 9))


def test_gradient_descent_minima_at_d10():
    """Plain GD in the full space (independent of the reduction) reaches points with
    5 (d-1,1) and 6 (d-2,2) distinct entries; detection names their groups."""
    found = {}
    for seed in (1, 3):
        rng = np.random.default_rng(seed)
        W = rng.normal(size=(10, 10)) / np.sqrt(10)
        for _ in range(20000):
            g = model.gradient(W)
            W -= 0.5 * g
            if np.abs(g).max() < 1e-11:
                break
        found[seed] = detect_isotropy(W, tol=1e-7).spec
    assert found == {1: "d-2,2", 3: "d-1,1"}


def test_not_in_the_family():
    W = np.random.default_rng(0).normal(size=(5, 5))  # generic: trivial isotropy
    with pytest.raises(IsotropyError, match="not in the block family"):
        detect_isotropy(W)
    with pytest.raises(IsotropyError, match="k >= d"):
        detect_isotropy(np.ones((2, 3)))
