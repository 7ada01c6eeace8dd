"""Tests of symbolic.critical.transition: the fractional d where a family changes type.

Independent checks: the spectrum module's own evaluation (isotypic blocks at a
rational d, symbolic.spectra.spectrum.spectrum) on both sides of the computed crossing,
and the stability of the digits under a change of working precision.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from symbolic.asymptotics.series import get_family, newton_point
from symbolic.critical.transition import find_transition
from symbolic.systems.reduced import ReducedSystem


@pytest.fixture(scope="module")
def d11_transition():
    found = find_transition("spurious-d-1,1", dps=50, d_values=list(range(4, 9)))
    assert len(found) == 1
    return found[0]


def test_d11_transition_bracket_and_residuals(d11_transition):
    t = d11_transition
    assert t.irrep == "std[1]"
    assert 5 < t.d < 6  # spurious minima exist from k = d = 6 on (Safran & Shamir 2018)
    assert (t.below, t.above) == ("saddle", "minimum")
    assert t.residual < mpmath.mpf(10) ** -40
    assert t.eigen_residual < mpmath.mpf(10) ** -40


def test_d11_transition_sign_change_via_spectrum(d11_transition):
    """The spectrum module (independent code path, rational d) sees the sign change."""
    from symbolic.spectra.spectrum import spectrum

    spec = get_family("spurious-d-1,1")
    R = ReducedSystem(spec.isotropy)
    idx = {}
    for side, delta in (("below", -1), ("above", 1)):
        dq = Fraction(mpmath.nstr(d11_transition.d + delta * mpmath.mpf(10) ** -20, 40))
        x, _, _ = newton_point(R, d11_transition.values, str(dq), dps=50)
        s = spectrum(R.space, x, dq, dps=50)
        lam = min(e.value for e in s.eigenvalues if e.irrep == "std[1]")
        assert abs(lam) < mpmath.mpf(10) ** -15  # the crossing is 1e-20 away
        idx[side] = lam
    assert idx["below"] < 0 < idx["above"]


@pytest.mark.slow
def test_d11_transition_digits_stable():
    a = find_transition("spurious-d-1,1", dps=50, d_values=[5, 6])[0]
    b = find_transition("spurious-d-1,1", dps=80, d_values=[5, 6])[0]
    assert abs(a.d - b.d) < mpmath.mpf(10) ** -40


def test_cli_transition(capsys):
    import json

    from symbolic.cli.main import main

    assert main(["transition", "--family", "spurious-d-1,1", "--dmin", "5", "--dmax", "6",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["transitions"][0]["d"].startswith("5.58550524742588000694")
    assert main(["transition", "--family", "nope"]) == 2


def test_bounded_family_transition_in_alt2():
    """The bounded Delta S_d family turns into a minimum between d = 5 and 6 through the
    Lambda^2 S block; below it the index counts whole irreducibles (dim alt2 = 6 at d=5)."""
    found = find_transition("bounded-d", dps=50, d_values=[5, 6])
    assert len(found) == 1
    t = found[0]
    assert t.irrep == "alt2[1]" and 5 < t.d < 6
    assert t.residual < mpmath.mpf(10) ** -40 and t.eigen_residual < mpmath.mpf(10) ** -40
    assert str(t.to_json(30)["d"]).startswith("5.763812734919571166924559558")


@pytest.mark.slow
def test_d22_transition():
    found = find_transition("spurious-d-2,2", dps=50, d_values=list(range(6, 10)))
    assert len(found) == 1
    t = found[0]
    assert t.irrep == "std[1]" and 7 < t.d < 8
    assert (t.below, t.above) == ("saddle", "minimum")
