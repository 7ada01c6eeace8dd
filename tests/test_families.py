"""The family catalogue: seeds are critical points of the stated kind."""

import mpmath
import pytest

from symbolic.catalogue.families import FAMILIES, OVERPARAM_FAMILIES, family
from symbolic.core.errors import RelusymError
from symbolic.loss import model
from symbolic.numerics.solve import newton
from symbolic.spectra.spectrum import spectrum


@pytest.mark.parametrize("name", list(FAMILIES))
def test_seed_is_a_critical_point_of_the_full_model(name):
    f = family(name)
    fs = f.space
    vals = [f.seed_values[n] for n in fs.names]  # decimal strings, exact input
    W = fs.matrix(vals, f.seed_d)
    g = model.gradient(W, backend="mpmath", dps=40)
    assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -30
    r = newton(fs, f.seed_values, f.seed_d, dps=40)
    assert r.converged
    s = spectrum(fs, r.values, f.seed_d, dps=40)
    if f.kind == "saddle":
        assert s.index and s.index > 0
    else:
        assert s.index == 0


def test_unknown_family():
    with pytest.raises(RelusymError, match="known families"):
        family("nope")


def test_family_point_follows_the_branch():
    f = family("bounded-d")
    v = f.point(10**4, digits=25)
    assert abs(float(v[0]) + 1) < 1e-3


@pytest.mark.parametrize("name", list(FAMILIES))
def test_declared_fix_index_matches_trivial_block(name):
    """Family.fix_index (index on Fix(H), checked by series/transition continuation) is the
    number of negative eigenvalues of the trivial isotypic block of the full spectrum."""
    f = family(name)
    s = spectrum(f.space, f.seed_values, f.seed_d, dps=40)
    neg = sum(1 for e in s.eigenvalues if e.irrep == "triv" and e.value < 0)
    assert neg == f.fix_index


def test_aliases_point_to_catalogue_names():
    from symbolic.catalogue.families import ALIASES, resolve_name

    for old, new in ALIASES.items():
        assert new in FAMILIES and old not in FAMILIES
        assert resolve_name(old) == (new, True)
    assert resolve_name("bounded-d") == ("bounded-d", False)
    with pytest.warns(FutureWarning, match="bounded-d"):
        assert family("bounded-Sd") is FAMILIES["bounded-d"]
    assert family("bounded-Sd", warn=False) is FAMILIES["bounded-d"]


# ------------------------------------------------------------------ k > d families


@pytest.mark.parametrize("name", [n for n in OVERPARAM_FAMILIES if n.endswith("+split")])
def test_overparam_split_family_is_critical_at_40_digits(name):
    f = OVERPARAM_FAMILIES[name]
    par = family(f.parent)
    W = f.point(par.seed_d, "0.37")
    assert W.shape == (par.seed_d + f.m, par.seed_d)
    g = model.gradient(W, backend="mpmath", dps=40)
    assert max(abs(x) for x in g.ravel()) < mpmath.mpf(10) ** -30
    if f.isotropy:  # the whole segment lies in the named fixed space
        from symbolic.symmetry.groups import parse_isotropy

        sp = parse_isotropy(f.isotropy)
        proj = sp.project(W, par.seed_d)
        back = sp.matrix([p / n for p, n in zip(proj, [int(m.sum()) for m in
                          sp.orbit_masks(par.seed_d).values()], strict=True)], par.seed_d)
        assert max(abs(float(a - b)) for a, b in zip(back.ravel(), W.ravel(),
                                                     strict=True)) < 1e-30


def test_overparam_zero_family_is_not_differentiable_and_names_resolve():
    from symbolic.catalogue.families import overparam_family
    from symbolic.core.errors import NonDifferentiableError

    f = overparam_family("spurious-d-1,1+zero")
    with pytest.raises(NonDifferentiableError):
        model.gradient(f.point(10))
    with pytest.raises(RelusymError, match="known"):
        overparam_family("spurious-d-1,1")
    for n, f in OVERPARAM_FAMILIES.items():
        assert f.to_json()["name"] == n and f.parent in FAMILIES and n not in FAMILIES
        assert f.source and f.how_found


def test_split_isotropy_read_from_the_label_holds_the_split_point():
    """The catalogue reads the split family's fixed space from the parent's label (no
    sympy at import); independently, the split point's matrix (fam.point) must lie in it:
    every orbit of the parsed fixed space constant, every entry outside the orbits 0."""
    import numpy as np

    from symbolic.symmetry.groups import parse_isotropy

    seen = set()
    for f in OVERPARAM_FAMILIES.values():
        if f.mechanism != "split":
            continue
        assert f.isotropy is not None, f.name
        space = parse_isotropy(f.isotropy)
        seen.add(f.isotropy)
        for d in (7, 8):
            W = np.array(f.point(d, "1/3", digits=20), dtype=object)
            masks = space.orbit_masks(d)
            assert W.shape == (d + 1, d)
            for n, m in masks.items():
                vals = {str(x) for x in W[m == 1]}
                assert len(vals) == 1, (f.name, n, d)
            outside = sum(masks.values()) == 0
            assert all(x == 0 for x in W[outside]), f.name
    assert {"d-1,1;1", "d-2,1,1;1", "d-3,2,1;1"} <= seen


def test_catalogue_import_does_not_import_sympy():
    import subprocess
    import sys

    code = "import sys, symbolic.catalogue.families; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
