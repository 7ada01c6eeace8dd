"""Interval certificates: they prove what is true, and refuse (or disprove) what is not."""

from fractions import Fraction

import mpmath
import pytest

from symbolic.catalogue.families import FAMILIES, family
from symbolic.loss import model
from symbolic.numerics.solve import newton, system_for
from symbolic.spectra.certify import certify_point, krawczyk
from symbolic.spectra.spectrum import spectrum


def _contains(ball, value) -> bool:
    import flint

    with flint.ctx.workprec(400):
        return ball.contains(flint.arb(mpmath.nstr(value, 100)))


@pytest.fixture(scope="module")
def d11_cert():
    f = family("spurious-d-1,1")
    return certify_point(f.isotropy, f.seed_values, 10, dps=60)


def test_d11_minimum_is_proved_with_enclosures(d11_cert):
    c = d11_cert
    assert c.verdict == "proved" and c.classification == "minimum" and c.index == 0
    f = family("spurious-d-1,1")
    # the reference point at 90 digits: the proved box is ~1e-77 wide
    r = newton(f.isotropy, f.seed_values, 10, digits=90)
    # loss enclosure contains the reduced loss and the full-matrix loss at the 60-digit
    # point (evaluated at 90 digits: the enclosure is ~1e-76 wide, tighter than the
    # rounding error of a 60-digit evaluation)
    assert _contains(c.loss, system_for(f.isotropy).loss(r.values, 10, dps=90))
    W = f.space.matrix(r.values, 10)
    assert _contains(c.loss, model.loss(W, backend="mpmath", dps=90))
    assert c.loss.rad() < 1e-40
    # every eigenvalue of the spectrum lies in an enclosure of its irrep, multiplicities
    # add up to k d = 100
    s = spectrum(f.isotropy, r.values, 10, digits=90)
    assert sum(m for _, m, _ in c.eigenvalues) == 100
    for e in s.eigenvalues:
        assert any(lab == e.irrep and _contains(b, e.value) for lab, _, b in c.eigenvalues)
    j = c.to_json(25)
    assert j["verdict"] == "proved" and Fraction(j["loss"][0]) < Fraction(j["loss"][1])
    assert "certified" not in j  # three-way verdicts only (issue 12)
    assert j["moved_far"] is False and Fraction(j["distance_to_input"]) < Fraction("1e-30")


@pytest.mark.parametrize("d", [10, 20, 1000, "10.5"])
def test_global_minimum_exactly_parallel_rows(d):
    c = certify_point("d", {"D1": "1", "O1": "0"}, d, dps=50)
    assert c.verdict == "proved" and c.classification == "minimum"
    assert _contains(c.loss, 0)
    lo = min(float(b.mid()) for _, _, b in c.eigenvalues)
    assert abs(lo - (0.25 - 1 / (2 * 3.141592653589793))) < 1e-12


@pytest.mark.parametrize("name,d", [("saddle-d-1,1", 10), ("bounded-d", 1000),
                                    ("spurious-d-1,1", "10.5")])
def test_other_families(name, d):
    f = FAMILIES[name]
    vals = f.seed_values if d == 10 else f.point(d, digits=40)
    c = certify_point(f.isotropy, vals, d, dps=50)
    assert c.verdict == "proved"
    assert c.classification == ("saddle" if f.kind == "saddle" else "minimum")


def test_shifted_box_is_not_certified():
    f = family("spurious-d-1,1")
    r = newton(f.isotropy, f.seed_values, 10, dps=60)
    shifted = list(r.values)
    shifted[0] += mpmath.mpf(10) ** -20  # far outside a box of radius 1e-30
    verdict, reason, _ = krawczyk(f.isotropy, shifted, "1e-30", 10, prec=300)
    assert verdict == "disproved", reason
    c = certify_point(f.isotropy, shifted, 10, dps=60, radius="1e-30", refine=False)
    assert c.verdict != "proved" and not c.certified
    assert c.to_json(10)["verdict"] != "proved"


def test_random_point_is_not_certified():
    c = certify_point("d-1,1", ["0.3", "0.1", "-0.2", "0.5", "0.05"], 10, dps=40,
                      refine=False)
    assert c.verdict in ("disproved", "unknown")
    assert c.classification == "unknown"


def test_too_large_box_is_never_a_false_proof():
    f = family("spurious-d-1,1")
    c = certify_point(f.isotropy, f.seed_values, 10, dps=40, radius="0.3")
    assert c.verdict in ("unknown", "proved")
    if c.verdict == "proved":  # then the box holds the root and enclosures are valid
        assert c.loss.contains(c.loss.mid())


def test_degenerate_point_is_not_classified():
    """A critical point with zero Hessian eigenvalues (all rows equal: part of a
    non-isolated critical set of L). Existence in Fix(d) may be proved; the type must
    not be claimed."""
    r = newton("d", ["0.155734604090093874", "0.155734604090093874"], 10, dps=50)
    assert r.converged
    s = spectrum("d", r.values, 10, dps=50)
    assert s.degenerate and s.index is None  # independent: the spectrum sees the zero
    c = certify_point("d", r.values, 10, dps=50)
    assert c.classification == "unknown" and c.index is None
    assert "encloses 0" in c.reason or "overlap" in c.reason


@pytest.mark.slow
@pytest.mark.parametrize("name", ["global-minimum", "spurious-d-1,1", "spurious-d-2,2"])
@pytest.mark.parametrize("d", [20, 1000, 10**6, "20.5"])
def test_families_at_large_d(name, d):
    f = FAMILIES[name]
    c = certify_point(f.isotropy, f.point(d, digits=50), d, dps=60)
    assert c.verdict == "proved" and c.classification == "minimum"


def test_too_low_precision_does_not_claim_a_minimum():
    """Global minimum at d = 10^6: Hessian entries are O(d), the smallest eigenvalue is
    0.0908. At 24 bits existence is still proved but eigenvalues cannot be separated
    from 0: the type must be unknown (at 64 bits the same point is a proved minimum)."""
    vals = {"D1": "1", "O1": "0"}
    c = certify_point("d", vals, 10**6, dps=20, prec=24)
    assert c.classification == "unknown" and c.index is None
    assert "encloses 0" in c.reason
    assert c.to_json(10)["classification"] == "unknown"
    good = certify_point("d", vals, 10**6, dps=20, prec=64)
    assert good.verdict == "proved" and good.classification == "minimum"


def test_non_isolated_critical_point_is_not_proved_isolated():
    """All rows equal, seen in the finer space d-1,1: the reduced Jacobian there is
    singular (a zero Hessian eigenvalue in the trivial block of Fix(d-1,1)), so no box
    can contain a unique zero; Krawczyk must never answer "proved"."""
    r = newton("d", ["0.155734604090093874", "0.155734604090093874"], 10, dps=50)
    v = [r.values[0]] * 5
    J = system_for("d-1,1").hessian(v, 10, backend="mpmath", dps=50)
    with mpmath.workdps(50):
        ev = mpmath.eigsy(mpmath.matrix(J.tolist()))[0]
        assert min(abs(e) for e in ev) < mpmath.mpf(10) ** -40  # independent: singular
    for rad in ("1e-10", "1e-20", "1e-30"):
        verdict, _, _ = krawczyk("d-1,1", v, rad, 10, prec=300)
        assert verdict != "proved"
    assert certify_point("d-1,1", v, 10, dps=50).verdict != "proved"


def test_krawczyk_with_rational_center_disproves_far_box():
    """A center given as decimal strings (not binary): the box about a point 0.1 away
    from any root in a tiny box holds no root."""
    verdict, reason, _ = krawczyk("d", ["0.9", "0.1"], "1e-6", 10, prec=200)
    assert verdict == "disproved", reason


@pytest.mark.parametrize("name", ["spurious-d-2,2"])
def test_d22_minimum_at_d10(name):
    f = FAMILIES[name]
    vals = f.seed_values if f.seed_d == 10 else f.point(10, digits=50)
    c = certify_point(f.isotropy, vals, 10, dps=60)
    assert c.verdict == "proved" and c.classification == "minimum"
    r = newton(f.isotropy, vals, 10, digits=90)  # finer than the ~1e-76 enclosure
    assert _contains(c.loss, system_for(f.isotropy).loss(r.values, 10, dps=90))
    assert _contains(c.loss, model.loss(f.space.matrix(r.values, 10), backend="mpmath", dps=90))
    assert sum(m for _, m, _ in c.eigenvalues) == 100


@pytest.mark.slow
@pytest.mark.parametrize("name", ["global-minimum", "spurious-d-1,1"])
def test_families_at_d_1e8(name):
    f = FAMILIES[name]
    vals = f.point(10**8, digits=60)
    c = certify_point(f.isotropy, vals, 10**8, dps=60)
    assert c.verdict == "proved" and c.classification == "minimum"
    r = newton(f.isotropy, vals, 10**8, digits=90)
    assert _contains(c.loss, system_for(f.isotropy).loss(r.values, 10**8, dps=120))


@pytest.mark.parametrize("space,center", [("d", ["1", "0"]),
                                          ("d-1,1", ["1", "0", "1", "0", "0"])])
@pytest.mark.parametrize("d", [10, 1000])
def test_interval_jacobian_encloses_samples_near_parallel_rows(space, center, d):
    """Independent check of the arb enclosure of the parallel-row limit: the interval
    Jacobian over a box about W = I (rows exactly parallel to their targets) contains the
    mpmath Jacobian at the centre, at corners and at random points of the box."""
    import random

    import flint

    from symbolic.core.backends import ArbBackend

    rs = system_for(space)
    r = mpmath.mpf("1e-3")
    be = ArbBackend(prec=200)
    with be.context():
        X = [flint.arb(c, "1e-3") for c in center]
        JX = rs.hessian(X, d, backend=be)
    rng = random.Random(1)
    n = len(center)
    pts = [[mpmath.mpf(c) for c in center]]
    pts += [[mpmath.mpf(c) + r * rng.choice((-1, 1)) for c in center] for _ in range(4)]
    pts += [[mpmath.mpf(c) + r * (2 * rng.random() - 1) for c in center] for _ in range(4)]
    for p in pts:
        J = rs.hessian(p, d, backend="mpmath", dps=40)
        for i in range(n):
            for j in range(n):
                assert _contains(JX[i, j], J[i, j]), (p, i, j)


def test_eigenvalue_enclosures_match_full_matrix_hessian():
    """Full (kd)x(kd) Hessian at the d-1,1 spurious minimum (d = 10): every eigenvalue
    (float64) lies in an enclosure, and each enclosure holds exactly its multiplicity."""
    import numpy as np

    f = family("spurious-d-1,1")
    c = certify_point(f.isotropy, f.seed_values, 10, dps=50)
    assert c.verdict == "proved"
    r = newton(f.isotropy, f.seed_values, 10, dps=50)
    W = np.array(f.space.matrix(r.values, 10), dtype=float)
    ev = np.linalg.eigvalsh(np.array(model.hessian(W, backend="numpy"), dtype=float))
    encl = [(m, float(b.mid()), float(b.rad()) + 1e-9) for _, m, b in c.eigenvalues]
    for e in ev:
        assert any(abs(e - mid) <= rad for _, mid, rad in encl), e
    for m, mid, rad in encl:
        assert sum(abs(e - mid) <= rad for e in ev) >= m


def test_clustered_block_eigenvalues_are_counted_by_inertia():
    """W = I seen in Fix(d-1,1): the std[1] block has a double eigenvalue 1/4 - 1/(2 pi)
    (enclosures overlap); the count is proved by Sylvester inertia. Checked against the
    full 100 x 100 Hessian (W = I exactly, float64)."""
    import numpy as np

    c = certify_point("d-1,1", ["1", "0", "1", "0", "0"], 10, dps=40)
    assert c.verdict == "proved" and c.classification == "minimum", c.reason
    assert sum(m for _, m, _ in c.eigenvalues) == 100
    lam = 0.25 - 1 / (2 * np.pi)
    assert sum(m for lab, m, b in c.eigenvalues if abs(float(b.mid()) - lam) < 1e-10) == 45
    ev = np.linalg.eigvalsh(np.array(model.hessian(np.eye(10)), dtype=float))
    assert np.sum(np.abs(ev - lam) < 1e-9) == 45


def test_enclose_eigenvalues_cluster_with_negative_signs():
    import flint

    from symbolic.spectra.certify import enclose_eigenvalues

    a = flint.arb
    B = [[a(-1), a(0), a(0)], [a(0), a(-1), a(0)], [a(0), a(0), a(2)]]
    G = [[a(1), a(0), a(0)], [a(0), a(1), a(0)], [a(0), a(0), a(1)]]
    encl, why = enclose_eigenvalues(B, G)
    assert why == ""
    assert sum(e < 0 for e in encl) == 2 and sum(e > 0 for e in encl) == 1
    assert all(e.contains(-1) for e in encl[:2]) and encl[2].contains(2)


def _frobenius(space, a, b, d):
    """Independent: |W(a) - W(b)|_F from the full matrices (symbolic.symmetry.groups.matrix)."""
    from symbolic.symmetry.groups import parse_isotropy

    sp_ = parse_isotropy(space)
    with mpmath.workdps(40):
        A, B = sp_.matrix(a, d), sp_.matrix(b, d)
        A, B = mpmath.matrix(A.tolist() if hasattr(A, "tolist") else A), \
            mpmath.matrix(B.tolist() if hasattr(B, "tolist") else B)
        return mpmath.mnorm(A - B, "f")


@pytest.mark.parametrize("start", ["plus-half", "half"])
def test_refinement_far_from_input_is_refused(start):
    """From the d-1,1 spurious minimum + 0.5 in every parameter Newton converges to the
    index-1 saddle (and from [0.5]*5 to a point of loss ~2.8): the certificate must not
    pass that off as the given point."""
    f = family("spurious-d-1,1")
    if start == "plus-half":
        vals = {k: str(Fraction(v) + Fraction(1, 2)) for k, v in f.seed_values.items()}
    else:
        vals = ["0.5"] * 5
    c = certify_point(f.isotropy, vals, 10, dps=60)
    assert c.verdict == "unknown" and c.moved_far and not c.certified
    assert "moved far" in c.reason and c.loss is None
    j = c.to_json(10)
    assert j["moved_far"] is True and j["verdict"] == "unknown"
    # the recorded distance bounds the true distance from the input to the proved point
    ok = certify_point(f.isotropy, vals, 10, dps=60, max_move=None)
    assert ok.verdict == "proved" and not ok.moved_far
    mid = [mpmath.mpf(b.mid().str(45, radius=False)) for b in ok.box]
    true = _frobenius(f.isotropy, mid, f.space.values_list(vals), 10)
    assert Fraction(j["distance_to_input"]) >= Fraction(mpmath.nstr(true, 30)) > 1
    if start == "plus-half":  # it is the index-1 saddle, not the minimum
        assert ok.classification == "saddle" and ok.index == 1
    else:
        lo, hi = ok.to_json(10)["loss"]
        assert Fraction("2.8") < Fraction(lo) <= Fraction(hi) < Fraction("2.85")


def test_small_move_is_accepted_and_recorded():
    """A start 1e-9 off the minimum: Newton moves by ~1e-9 (relative < 1e-6): proved,
    the distance recorded; with max_move=1e-12 the same move is refused."""
    f = family("spurious-d-1,1")
    vals = {k: str(Fraction(v) + Fraction(1, 10**9)) for k, v in f.seed_values.items()}
    c = certify_point(f.isotropy, vals, 10, dps=50)
    assert c.verdict == "proved" and not c.moved_far
    dist = Fraction(c.to_json(10)["distance_to_input"])
    assert Fraction(1, 10**10) < dist < Fraction(1, 10**7)
    c2 = certify_point(f.isotropy, vals, 10, dps=50, max_move="1e-12")
    assert c2.verdict == "unknown" and c2.moved_far


def test_spectrum_is_enclosed_at_the_precision_of_the_box():
    """The loss and eigenvalues are enclosed at the precision the box was proved at
    (issue 12: formerly 215 bits after a proof at 263). At the d-1,1 minimum the proved
    box is ~1e-77 wide: enclosures that narrow need more than 215 bits."""
    f = family("spurious-d-1,1")
    c = certify_point(f.isotropy, f.seed_values, 10, digits=60)
    assert c.verdict == "proved" and c.prec > 263
    assert c.working_digits == int(c.prec * 0.30102999566398)
    j = c.to_json(12)
    assert j["precision_bits"] == c.prec and j["working_digits"] == c.working_digits
    import flint

    with flint.ctx.workprec(c.prec):
        assert all(e.rad() < flint.arb("1e-70") for _, _, e in c.eigenvalues)
        assert c.loss.rad() < flint.arb("1e-70")


def test_to_arb_is_the_one_conversion():
    import flint
    import mpmath

    from symbolic.core.backends import ArbBackend, mpf_from_arb, to_arb

    mp = mpmath.MPContext()
    mp.dps = 50
    x = mp.mpf(-1) / 3
    with flint.ctx.workprec(200):
        a = to_arb(x)
        assert a.rad() == 0 and mpf_from_arb(a, mp) == x  # every bit, both ways
        assert to_arb(0.1) == flint.arb(0.1) and to_arb(3) == 3
        assert to_arb("1/3").contains(flint.fmpq(1, 3)) and to_arb(Fraction(1, 4)) == 0.25
        assert ArbBackend(prec=200).number("-2.5") == to_arb("-2.5")
    with pytest.raises(TypeError):
        to_arb(True)
