"""Deduplication under the normaliser (symbolic.symmetry.canonical), checked independently.

Group elements are checked against explicit permutation matrices of the full W in
tests/test_census_complete.py; here the orbit registry and the invariants are checked
against brute force over the enumerated group, and the coset representatives used for
the larger isotropy against the full group.
"""

import itertools

import numpy as np

from symbolic.critical.census import larger_isotropy
from symbolic.symmetry.canonical import (
    OrbitRegistry,
    normaliser_permutations,
    orbit_invariant,
    relabel_coset_representatives,
)
from symbolic.symmetry.groups import parse_isotropy


def test_group_orders():
    # d-m,1,...,1 with r-1 size-1 blocks: rows and columns of those blocks permuted
    # independently, (r-1)!^2 elements; relabellings are the diagonal (r-1)!
    for spec, order, cosets in (("d-1,1", 1, 1), ("d-2,1,1", 4, 2),
                                ("d-3,1,1,1", 36, 6), ("d-4,1,1,1,1", 576, 24)):
        assert len(normaliser_permutations(spec)) == order
        assert len(relabel_coset_representatives(spec)) == cosets
    # the group is closed under composition and inverses (brute force)
    G = normaliser_permutations("d-3,1,1,1")
    keys = {g.tobytes() for g in G}
    for g, h in itertools.product(G[:12], G[:12]):
        assert g[h].tobytes() in keys
        assert np.argsort(g).tobytes() in keys


def test_invariant_is_invariant_and_registry_finds_images():
    rng = np.random.default_rng(3)
    for spec in ("d-2,1,1", "d-3,1,1,1", "d-1,1;1", "d-2,2", "d-2,1,1;1,1"):
        fs = parse_isotropy(spec)
        G = normaliser_permutations(fs)
        reg = OrbitRegistry(fs, 1e-9)
        pts = rng.normal(size=(5, fs.dim))
        for x in pts:
            assert reg.add(x)[1]
        for i, x in enumerate(pts):
            for g in G[rng.choice(len(G), size=min(len(G), 8), replace=False)]:
                assert np.allclose(orbit_invariant(fs, x[g]), orbit_invariant(fs, x))
                # an image, slightly perturbed (below the tolerance), is the same class
                y = x[g] + 1e-11 * rng.normal(size=fs.dim)
                assert reg.add(y) == (i, False)
            # a point that is no image is new: brute force confirms it is no image
            z = x + 1e-4 * rng.normal(size=fs.dim)
            assert min(np.min(np.abs(z[G] - p).max(axis=1)) for p in pts) > 1e-9
            assert reg.find(z) is None


def test_registry_tolerance_has_no_rounding_boundary():
    """Two copies of one point straddling a rounding boundary of 6 decimals are one
    class (the rounded canonical key of the previous census split them)."""
    fs = parse_isotropy("d-2,1,1")
    x = np.linspace(0.1, 0.9, fs.dim)
    x[0] = 0.1234565  # on the boundary of rounding to 6 decimals
    reg = OrbitRegistry(fs, 1e-6)
    reg.add(x)
    y = x.copy()
    y[0] += 2e-9
    assert round(x[0], 6) != round(y[0], 6)
    assert reg.find(y) == 0


def test_larger_isotropy_over_coset_representatives_equals_full_group():
    """The coarsest label over the coset representatives equals the coarsest label over
    every element of the normaliser (brute force), at points with hidden structure."""
    rng = np.random.default_rng(0)
    for spec in ("d-3,1,1,1", "d-2,1,1", "d-1,1;1"):
        fs = parse_isotropy(spec)
        G = normaliser_permutations(fs)
        R = relabel_coset_representatives(fs)
        for _ in range(6):
            x = rng.normal(size=fs.dim)
            g = G[rng.integers(len(G))]
            # symmetrise: a point fixed by g has a coarser structure in some image
            y = (x + x[g] + x[g][g] + x[g][g][g]) / 4
            for z in (x, y, np.round(y, 1)):
                def coarsest(perms, z=z, fs=fs):
                    labs = [larger_isotropy(fs, list(z[p]), 1e-9) for p in perms]
                    labs = [lab for lab in labs if lab is not None]
                    return min((lab.count(",") for lab in labs), default=None)

                assert coarsest(R) == coarsest(G)
