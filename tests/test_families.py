"""The family catalogue: seeds are critical points of the stated kind."""

import mpmath
import pytest

from symbolic import model
from symbolic.errors import RelusymError
from symbolic.families import FAMILIES, family
from symbolic.solve import newton
from symbolic.spectrum import spectrum


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
    from symbolic.families import ALIASES, resolve_name

    for old, new in ALIASES.items():
        assert new in FAMILIES and old not in FAMILIES
        assert resolve_name(old) == (new, True)
    assert resolve_name("bounded-d") == ("bounded-d", False)
    with pytest.warns(FutureWarning, match="bounded-d"):
        assert family("bounded-Sd") is FAMILIES["bounded-d"]
    assert family("bounded-Sd", warn=False) is FAMILIES["bounded-d"]
